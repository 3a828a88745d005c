/**
 * The malformed-input corpus (`tests/fixtures/malformed/`, written by its `make_corpus.py`) run
 * through every task that reads files — train, predict, explain, drift with the case as the
 * current and as the reference file — and model files through predict, explain and export-onnx.
 * Each run ends within a time bound in a result (warnings allowed, never a stack trace) or in one
 * line and exit 2.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { runTask, type TaskRun } from "./helpers/tasks.ts";

const CORPUS = new URL("./fixtures/malformed/", import.meta.url).pathname;
const ID_FLAGS = ["--id-columns", "entity_id,ts"];
const TRAIN_FLAGS = [
  "--label",
  "label",
  "--entity-column",
  "entity_id",
  "--timestamp-column",
  "ts",
];

/** What a run must end in: a result, drift's alarm (exit 3), or a one-line refusal matching. */
type Outcome = "ok" | "drift" | RegExp;

/** The five file positions a case is read in. */
type Position = "train" | "predict" | "explain" | "driftCurrent" | "driftReference";

/** What each position must end in, and the warnings its results must print. */
type Expect = Record<Position, Outcome> & {
  /** A warning every run that ends in a result must print (stdout or stderr)… */
  readonly warning?: RegExp;
  /** …or one per position. */
  readonly warnings?: Partial<Record<Position, RegExp>>;
};

const all = (o: Outcome, warning?: RegExp): Expect => ({
  train: o,
  predict: o,
  explain: o,
  driftCurrent: o,
  driftReference: o,
  ...(warning ? { warning } : {}),
});

/** The corpus: every file, what each task must do with it. */
const CASES: Record<string, Expect> = {
  "good.csv": all("ok"),
  "good.parquet": all("ok"),
  "bom.csv": all("ok"),
  "crlf.csv": all("ok"),
  "huge_numbers.csv": all("ok"),
  "empty.csv": all(/"[^"]*empty\.csv" is empty \(0 bytes\)$/),
  "empty.parquet": all(/"[^"]*empty\.parquet" is empty \(0 bytes\)$/),
  "blank_lines.csv": all(/has no header row$/),
  "header_only.csv": {
    ...all(/need rows in both samples, found/),
    train: /has a header but no rows$/,
    predict: "ok",
    explain: "ok",
  },
  "ragged.csv": all(/ragged\.csv" line 4 has 7 cells, the header has 6$/),
  "bad_utf8.csv": all(/bad_utf8\.csv" is not UTF-8 text \(an invalid byte on line 7\)$/),
  "binary_noise.csv": all(/binary_noise\.csv" is not UTF-8 text/),
  "unclosed_quote.csv": all(/a quote opened on line 3 is never closed$/),
  "duplicate_header.csv": all(/has duplicate column names: "amount"$/),
  "duplicate_header.parquet": all(/has duplicate column names: "x"$/),
  "truncated.parquet": all(/truncated\.parquet" is not a readable Parquet file/),
  "csv_bytes.parquet": all(/csv_bytes\.parquet" is not a readable Parquet file/),
  "corrupt_pages.parquet": all(/corrupt_pages\.parquet" is not a readable Parquet file/),
  "text_in_numeric.csv": all("ok", /4 unreadable value\(s\) in "amount"/),
  "text_in_boolean.csv": all("ok", /1 unreadable value\(s\) in "flag"/),
  "numbers_in_text.csv": {
    ...all("ok"),
    warnings: {
      predict: /8 value\(s\) in "channel" in categories the model never saw, read as missing/,
      explain: /8 value\(s\) in "channel" in categories the model never saw, read as missing/,
      driftCurrent: /Unseen categories: channel: 42 ×8/,
    },
  },
  "inf_values.parquet": all("ok", /2 unreadable value\(s\) in "amount"/),
  "quoted_newlines.csv": {
    ...all("ok"),
    warnings: {
      predict: /10 value\(s\) in "channel" in categories the model never saw/,
      explain: /10 value\(s\) in "channel" in categories the model never saw/,
    },
  },
  "text_in_label.csv": {
    ...all("ok"),
    train: /label column "label" must hold 0\/1, found "yes" ×1$/,
  },
  "text_in_timestamp.csv": { ...all("ok"), train: /timestamp column "ts" has 1 value\(s\)/ },
  "all_missing_numeric.csv": {
    ...all(
      "ok",
      /"amount" has no value in any row|Missing values rose: amount 0% → 100%|amount \(\d+ reference and \d+ current/,
    ),
    train: /feature amount entirely missing \(no value in 400 rows\)$/,
    driftCurrent: "drift",
    driftReference: "ok",
  },
  "all_missing_categorical.csv": {
    ...all(
      "ok",
      /"channel" has no value in any row|Missing values rose: channel 0% → 100%|channel \(\d+ reference and \d+ current/,
    ),
    train: /feature channel entirely missing/,
    driftCurrent: "drift",
  },
  "missing_feature.csv": {
    ...all(/the input lacks 1 feature\(s\) the model needs: amount$/),
    train: "ok",
    driftCurrent: "drift",
    driftReference: "ok",
  },
};

/** A progress line of the task logger (human format). */
const LOG_LINE = /^\d{4}-\d\d-\d\dT[\d:.]+Z (INFO|WARN|DEBUG) /;

/** The tasks' time bound: a hang fails the case instead of the suite. */
const TIME_BOUND_MS = 60_000;

function bounded(name: string, args: string[], cwd: string): Promise<TaskRun> {
  return runTask(name, args, { cwd, timeoutMs: TIME_BOUND_MS });
}

/** Checks one run against its expected outcome. */
function check(run: TaskRun, expected: Outcome, o: { what: string; warning?: RegExp }): void {
  const out = run.stderr + run.stdout, what = `${o.what} (exit ${run.code}):\n${out}`;
  assert.doesNotMatch(out, /^\s+at .*:\d+:\d+\)?$/m, `a stack trace: ${what}`);
  if (expected instanceof RegExp) {
    assert.equal(run.code, 2, what);
    // Progress lines may come first (train logs as it loads); the refusal is one line of its own.
    const lines = run.stderr.trim().split("\n").filter((l) => !LOG_LINE.test(l));
    assert.equal(lines.length, 1, `one line: ${what}`);
    assert.match(lines[0]!, expected, what);
    return;
  }
  assert.equal(run.code, expected === "drift" ? 3 : 0, what);
  if (o.warning) assert.match(out, o.warning, `the warning: ${what}`);
}

Deno.test("malformed inputs: every file-reading task ends in a result or one line and exit 2, within a time bound", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const good = join(CORPUS, "good.csv");
    const trained = await runTask("train", [
      "--source",
      "file",
      "--input",
      good,
      ...TRAIN_FLAGS,
      "--cv-folds",
      "0",
      "--max-samples",
      "400",
      "--run-name",
      "corpus-model",
    ], { cwd: dir });
    assert.equal(trained.code, 0, trained.stderr);
    const model = /Artifacts: (\S+)/.exec(trained.stdout)![1]! + "/model/model.json";
    const corpusFiles = [...Deno.readDirSync(CORPUS)].map((e) => e.name)
      .filter((n) => /\.(csv|parquet)$/.test(n)).sort();
    assert.deepEqual(corpusFiles, Object.keys(CASES).sort(), "every corpus file has its case");
    for (const [name, expect] of Object.entries(CASES)) {
      await t.step(name, async () => {
        const file = join(CORPUS, name);
        const runs: Array<[Position, string, string[]]> = [
          ["train", "train", [
            "--source",
            "file",
            "--input",
            file,
            ...TRAIN_FLAGS,
            "--cv-folds",
            "0",
            "--model-type",
            "logistic_regression",
            "--max-samples",
            "400",
          ]],
          ["predict", "predict", [
            "--model",
            model,
            "--input",
            file,
            "--output",
            join(dir, "p.csv"),
          ]],
          ["explain", "explain", [
            "--model",
            model,
            "--input",
            file,
            "--output",
            join(dir, "e.csv"),
          ]],
          ["driftCurrent", "drift", ["--reference", good, "--current", file, ...ID_FLAGS]],
          ["driftReference", "drift", ["--reference", file, "--current", good, ...ID_FLAGS]],
        ];
        const done = await Promise.all(runs.map(([, task, args]) => bounded(task, args, dir)));
        runs.forEach(([key, task], k) => {
          const outcome = expect[key];
          const warning = outcome === "ok" || outcome === "drift"
            ? expect.warnings?.[key] ?? expect.warning
            : undefined;
          check(done[k]!, outcome, {
            what: `${task} (${key}) of ${name}`,
            ...(warning ? { warning } : {}),
          });
        });
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("malformed model files: predict, explain and export-onnx refuse each with one line naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = join(CORPUS, "good.csv");
    const models: Record<string, string> = {
      "empty.json": "",
      "not_json.json": "not json\n{",
      "array.json": "[1, 2]\n",
      "unknown_format.json": '{"format": "someone-elses-model", "version": 1}',
      "truncated.json": '{"learner": {"attributes": {}, "feature_names": ["amount"',
    };
    for (const [name, text] of Object.entries(models)) {
      const path = join(dir, name);
      await Deno.writeTextFile(path, text);
      const runs = await Promise.all([
        bounded("predict", ["--model", path, "--input", good, "--output", join(dir, "o.csv")], dir),
        bounded("explain", ["--model", path, "--input", good, "--output", join(dir, "s.csv")], dir),
        bounded("export_onnx", ["--model", path, "--output", join(dir, "m.onnx")], dir),
      ]);
      for (const r of runs) {
        check(r, new RegExp(`model "${path.replaceAll(".", "\\.")}"`), { what: name });
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
