/**
 * Drift on data that used to hang or crash it, or that it read wrongly: a known feature with one
 * unreadable cell (its kind is decided once for both samples), a feature missing in every row (a
 * finding of its own, and the monitor's data alarm), samples too small to test (not measurable,
 * never a verdict), and a time-split run's reference sample (its training part, or drift says why
 * it cannot be compared).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultConfig, type TrainingConfig } from "../lib/config/schema.ts";
import { toCsv } from "../lib/data/csv.ts";
import { parseCsv } from "../lib/data/csv_parse.ts";
import { embeddedFeatures } from "../lib/features/embedded_source.ts";
import { FRAUD_RULE_SET } from "../lib/labels/fraud_rules.ts";
import { labelByRules } from "../lib/labels/rule_labeler.ts";
import { driftFromFiles } from "../lib/pipeline/drift_files.ts";
import { measureDrift } from "../lib/pipeline/drift_run.ts";
import { train } from "../lib/pipeline/train.ts";
import { formatDriftSummary } from "../lib/report/drift_summary.ts";
import { openTrackingStore } from "../lib/tracking/open_store.ts";
import { Rng } from "../lib/util/rng.ts";
import { runTask, trainChampion } from "./helpers/tasks.ts";

/** Embedded fraud rows with rule labels, as CSV columns (feature names of the catalog). */
function fraudColumns(o: { rows: number; seed: number }): Array<[string, Array<string>]> {
  const f = embeddedFeatures({
    samples: o.rows,
    seed: o.seed,
    snapshotTime: "2024-06-03T03:00:00Z",
  });
  const y = labelByRules(f.frame, FRAUD_RULE_SET, { targetRate: 0.05, seed: o.seed }).labels;
  return [
    ...f.frame.names.map((n): [string, string[]] => [n, Array.from(f.frame.column(n), String)]),
    ["label", Array.from(y, String)],
  ];
}

function csvOf(columns: Array<[string, Array<string>]>): string {
  return toCsv(columns.map(([n, c]) => [n, c] as const));
}

function withCells(
  columns: Array<[string, Array<string>]>,
  name: string,
  cell: (v: string, i: number) => string,
): Array<[string, Array<string>]> {
  return columns.map(([n, c]) => [n, n === name ? c.map(cell) : c]);
}

async function inTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

Deno.test("a catalog feature with one unreadable cell stays continuous in both files: counted, reported, no hang, no contradiction", async () => {
  await inTemp(async (dir) => {
    const cols = fraudColumns({ rows: 600, seed: 3 });
    const bad = withCells(cols, "txn_count_5m", (v, i) => (i === 5 ? "abc" : i === 9 ? "inf" : v));
    await Deno.writeTextFile(join(dir, "good.csv"), csvOf(cols));
    await Deno.writeTextFile(join(dir, "bad.csv"), csvOf(bad));
    for (const [ref, cur, side] of [["good", "bad", "current"], ["bad", "good", "reference"]]) {
      const out = join(dir, `${ref}-${cur}.json`);
      const r = await runTask("drift", [
        "--reference",
        join(dir, `${ref}.csv`),
        "--current",
        join(dir, `${cur}.csv`),
        "--output",
        out,
      ], { cwd: dir, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const report = JSON.parse(await Deno.readTextFile(out));
      const f = report.features.find((x: { name: string }) => x.name === "txn_count_5m");
      assert.equal(f.kind, "continuous");
      assert.equal(f.test, "ks");
      assert.equal(f.drifted, false);
      assert.deepEqual(report.context.warnings, [
        `2 unreadable value(s) in "txn_count_5m" of the ${side} file (not a finite number), read as missing`,
      ]);
      assert.equal(report.dataset.drifted, false);
      assert.doesNotMatch(r.stdout, /\(none\)/, "no feature drifted with severity none");
    }
  });
});

Deno.test("a feature with no value in the current sample is a finding: not measured, its missing share named, the missing_values alarm (continuous and categorical)", async () => {
  await inTemp(async (dir) => {
    const cols = fraudColumns({ rows: 600, seed: 4 });
    const empty = withCells(
      withCells(cols, "velocity_score", () => ""),
      "hour_of_day", // a categorical feature of the catalog
      () => "",
    );
    await Deno.writeTextFile(join(dir, "ref.csv"), csvOf(cols));
    await Deno.writeTextFile(join(dir, "cur.csv"), csvOf(empty));
    const report = await driftFromFiles(join(dir, "ref.csv"), join(dir, "cur.csv"));
    for (const name of ["velocity_score", "hour_of_day"]) {
      const f = report.data.features.find((x) => x.name === name)!;
      assert.equal(f.measurable, false, name);
      assert.equal(f.pValue, null, `${name}: no p-value, never "p = 1"`);
      assert.equal(f.statistic, null);
      assert.deepEqual(f.missingShare, { reference: 0, current: 1 });
      assert.equal(f.missingRose, true);
      assert.match(
        f.note!,
        /600 reference and 0 current values, fewer than drift\.minSamples \(30\)/,
      );
    }
    const trigger = report.data.dataset.triggers.find((t) => t.name === "missing_values")!;
    assert.deepEqual([trigger.fired, trigger.value, trigger.threshold], [true, 1, 0.1]);
    assert.equal(report.driftFound, true);
    assert.deepEqual(report.alarms.map((a) => a.trigger), ["missing_values"]);
    assert.match(
      formatDriftSummary(report),
      /Missing values rose: hour_of_day 0% → 100% \(no value at all\), velocity_score 0% → 100% \(no value at all\)/,
    );
    // A rise below the configured share is not an alarm; at or above it is.
    const half = withCells(cols, "velocity_score", (v, i) => (i % 2 ? "" : v));
    await Deno.writeTextFile(join(dir, "half.csv"), csvOf(half));
    const quiet = await driftFromFiles(join(dir, "ref.csv"), join(dir, "half.csv"), {
      missingShareRise: 0.6,
    });
    assert.equal(quiet.alarms.some((a) => a.trigger === "missing_values"), false);
    const loud = await driftFromFiles(join(dir, "ref.csv"), join(dir, "half.csv"), {
      missingShareRise: 0.5,
    });
    assert.deepEqual(loud.alarms.map((a) => a.trigger), ["missing_values"]);
    // The task: exit 3 and the line.
    const r = await runTask("drift", ["--reference", "ref.csv", "--current", "cur.csv"], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /^Drift found \(exit 3\): missing values rose: hour_of_day 0% → 100%/m);
  });
});

Deno.test("below drift.minSamples nothing is a verdict: every test not measurable with its counts, prediction drift a note", async () => {
  await inTemp(async (dir) => {
    const cols = fraudColumns({ rows: 600, seed: 5 });
    const scored: Array<[string, string[]]> = [
      ...cols,
      ["prediction", cols[0]![1].map((_, i) => String((i % 97) / 97))],
    ];
    const tiny = scored.map(([n, c]): [string, string[]] => [n, c.slice(0, 3)]);
    await Deno.writeTextFile(join(dir, "ref.csv"), csvOf(scored));
    await Deno.writeTextFile(join(dir, "tiny.csv"), csvOf(tiny));
    const report = await driftFromFiles(join(dir, "ref.csv"), join(dir, "tiny.csv"));
    assert.ok(report.data.features.every((f) => !f.measurable && f.psi === null && !f.drifted));
    assert.equal(report.prediction, undefined, "no PSI verdict on 3 scores");
    assert.ok(
      report.context.warnings!.includes(
        "prediction drift not measurable: 600 reference and 3 current scores (drift.minSamples 30)",
      ),
    );
    assert.equal(report.driftFound, false);
    assert.match(formatDriftSummary(report), /^Not measurable: no feature had enough values/m);
    // Configurable: with minSamples 3 the same sample is tested.
    const tested = await driftFromFiles(join(dir, "ref.csv"), join(dir, "tiny.csv"), {
      minSamples: 3,
    });
    assert.ok(tested.prediction !== undefined);
    assert.ok(tested.data.features.some((f) => f.measurable));
  });
});

/**
 * A labeled file whose amounts grow with time (minute i holds 20 + i / 10 and noise), so its
 * latest period differs from the rest: `rows` minutes from `from`, or `rows` random minutes of
 * `[from, from + span)`.
 */
function trendingFile(o: { rows: number; seed: number; from: number; span?: number }): string {
  const rng = new Rng(o.seed);
  const minute = Array.from(
    { length: o.rows },
    (_, i) => o.from + (o.span ? Math.floor(rng.next() * o.span) : i),
  );
  const amount = minute.map((m) => 20 + m / 10 + 10 * rng.next());
  const channel = minute.map(() => ["web", "pos", "atm"][Math.floor(rng.next() * 3)]!);
  const label = amount.map((_, i) => (rng.next() < (channel[i] === "web" ? 0.3 : 0.05) ? 1 : 0));
  return toCsv([
    ["ts", minute.map((m) => m * 60_000)],
    ["amount", amount],
    ["channel", channel],
    ["label", label],
  ]);
}

function fileConfig(dir: string, input: string, split: "time" | "stratified"): TrainingConfig {
  const c = defaultConfig();
  return {
    ...c,
    exportOnnx: false,
    model: { ...c.model, type: "logistic_regression", params: {} },
    data: {
      ...c.data,
      source: "file",
      split,
      cvFolds: 3,
      maxSamples: 100_000,
      file: { ...c.data.file, path: join(dir, input), label: "label", timestampColumn: "ts" },
    },
    mlflow: { ...c.mlflow, trackingUri: `sqlite:///${join(dir, "mlflow.db")}` },
  };
}

/**
 * Trains on `trained` (a labeled file in `dir`), then measures drift of `current` against that
 * run, as `deno task drift` does; `adjust` changes both configs alike.
 */
async function driftAgainstRun(
  dir: string,
  files: { trained: string; current: string },
  adjust: (c: TrainingConfig) => TrainingConfig = (c) => c,
) {
  const config = adjust(fileConfig(dir, files.trained, "stratified"));
  const run = await train(config);
  const store = await openTrackingStore({ trackingUri: config.mlflow.trackingUri });
  try {
    const current = adjust(fileConfig(dir, files.current, "stratified"));
    return { run, measured: await measureDrift(store, current, {}) };
  } finally {
    await store.close();
  }
}

Deno.test("a time-split run's reference sample is a sample of its training part; drift says why an old one or a snapshot cannot stand for it", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(join(dir, "log.csv"), trendingFile({ rows: 3000, seed: 1, from: 0 }));
    const config = fileConfig(dir, "log.csv", "time");
    const run = await train(config);
    const trainTo = Date.parse(run.timeRanges!.train.to);
    const store = await openTrackingStore({ trackingUri: config.mlflow.trackingUri });
    try {
      const info = (await store.getRun(run.runId))!;
      const text = new TextDecoder().decode(await store.readArtifact(info, "reference_sample.csv"));
      const ref = parseCsv(text);
      const times = Array.from(ref.columns[ref.names.indexOf("feature_timestamp")]!, Number);
      assert.equal(times.length, run.rows.train, "every training row (fewer than 5,000)");
      assert.ok(times.every((t) => t <= trainTo), "no row of the latest (test) period");
      // Promotion's held-out rows stay the test rows.
      const holdout = parseCsv(
        new TextDecoder().decode(await store.readArtifact(info, "holdout_sample.csv")),
      );
      const held = Array.from(holdout.columns[holdout.names.indexOf("feature_timestamp")]!, Number);
      assert.equal(held.length, run.rows.test);
      assert.ok(held.every((t) => t > trainTo), "only rows of the test period");
      // Current rows from the training period: no alarm; from the latest period: the trend shows.
      const trainMinutes = Math.floor(trainTo / 60_000) + 1;
      const past = trendingFile({ rows: 1000, seed: 9, from: 0, span: trainMinutes });
      await Deno.writeTextFile(join(dir, "past.csv"), past);
      const quiet = await measureDrift(store, fileConfig(dir, "past.csv", "time"), {});
      assert.equal(quiet.report.driftFound, false, formatDriftSummary(quiet.report));
      assert.equal(quiet.report.context.warnings, undefined);
      const metricsPath = `${info.artifactUri}/metrics.json`;
      const metrics = JSON.parse(await Deno.readTextFile(metricsPath));
      assert.deepEqual(metrics.reference_sample, { from: "training", rows: run.rows.train });
      // A run recorded before the reference sample was described: drift says what it holds.
      delete metrics.reference_sample;
      await Deno.writeTextFile(metricsPath, JSON.stringify(metrics));
      const old = await measureDrift(store, fileConfig(dir, "past.csv", "time"), {});
      assert.match(
        old.report.context.warnings![0]!,
        /recorded its test rows \(the latest period\)/,
      );
    } finally {
      await store.close();
    }
    // A time split of a snapshot source: the report says why a fresh snapshot differs.
    const c = defaultConfig();
    const snap: TrainingConfig = {
      ...c,
      exportOnnx: false,
      data: { ...c.data, split: "time", maxSamples: 3000, cvFolds: 0 },
      mlflow: { ...c.mlflow, trackingUri: `sqlite:///${join(dir, "snap.db")}` },
    };
    await train(snap);
    const s = await openTrackingStore({ trackingUri: snap.mlflow.trackingUri });
    try {
      const measured = await measureDrift(s, snap, { maxSamples: 1000 });
      assert.match(
        measured.report.context.warnings![0]!,
        /was split by time on a snapshot \(embedded/,
      );
    } finally {
      await s.close();
    }
  });
});

Deno.test("monitor: a feature missing in every current row is a data alarm (exit 13): logged, no challenger trained, no alias moved", async () => {
  await inTemp(async (dir) => {
    const cols = fraudColumns({ rows: 3000, seed: 6 });
    await Deno.writeTextFile(join(dir, "june.csv"), csvOf(cols));
    await Deno.writeTextFile(
      join(dir, "broken.csv"),
      csvOf(withCells(cols, "amount_sum_5m", () => "")),
    );
    const file = (name: string) => ["--source", "file", "--input", name, "--label", "label"];
    await trainChampion({ cwd: dir, rows: 3000, extra: file("june.csv") });
    const r = await runTask("monitor", [...file("broken.csv"), "--cv-folds", "0"], { cwd: dir });
    assert.equal(r.code, 13, r.stderr);
    const line = JSON.parse(r.stdout.trim());
    assert.equal(line.decision, "data_alarm");
    assert.equal(line.challenger, undefined);
    assert.match(line.reason, /missing values rose: amount_sum_5m 0% → 100% \(no value at all\)/);
    assert.match(line.reason, /retraining held/);
    const store = await openTrackingStore({ trackingUri: `sqlite:///${join(dir, "mlflow.db")}` });
    try {
      const versions = await store.registry!.listModelVersions("fraud_detection");
      assert.deepEqual(versions.map((v) => v.version), ["1"], "no challenger registered");
      const cycle = (await store.getRun(line.run_id))!;
      assert.equal(cycle.tags.decision, "data_alarm");
      assert.equal(cycle.status, "FINISHED");
    } finally {
      await store.close();
    }
  });
});

Deno.test("against a run, a text feature of a current file is compared by category, not by its file's own codes", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "train.csv"),
      trendingFile({ rows: 3000, seed: 1, from: 0, span: 3000 }),
    );
    // The same stream, with a category the model never saw: "crypto" sorts before "pos" and
    // "web", so the file's own codes of those differ from the model's.
    const current = trendingFile({ rows: 1000, seed: 2, from: 0, span: 3000 })
      .split("\n").map((
        line,
        i,
      ) => (i > 0 && i % 200 === 0 ? line.replace(/,(web|pos|atm),/, ",crypto,") : line))
      .join("\n");
    await Deno.writeTextFile(join(dir, "current.csv"), current);
    const { measured } = await driftAgainstRun(dir, {
      trained: "train.csv",
      current: "current.csv",
    });
    const channel = measured.report.data.features.find((f) => f.name === "channel")!;
    assert.deepEqual(channel.unseenCategories, { crypto: 5 });
    assert.equal(channel.drifted, false, formatDriftSummary(measured.report));
    assert.equal(measured.report.driftFound, false, formatDriftSummary(measured.report));
  });
});

Deno.test("a run that dropped its incomplete rows compares missing shares with what it read, not with its complete rows", async () => {
  await inTemp(async (dir) => {
    const holed = (seed: number) =>
      trendingFile({ rows: 2000, seed, from: 0, span: 3000 }).split("\n").map((line, i) =>
        i > 0 && i % 5 === 0 ? line.replace(/^([^,]*),[^,]*,/, "$1,,") : line
      ).join("\n");
    await Deno.writeTextFile(join(dir, "train.csv"), holed(1));
    await Deno.writeTextFile(join(dir, "current.csv"), holed(2));
    const { run, measured } = await driftAgainstRun(
      dir,
      { trained: "train.csv", current: "current.csv" },
      (c) => ({ ...c, data: { ...c.data, missing: "drop" } }),
    );
    assert.equal(run.rows.dropped, 400, "a fifth of the rows had no amount");
    const amount = measured.report.data.features.find((f) => f.name === "amount")!;
    assert.equal(amount.missingShare.reference, 0.2, "as read, before the rows were dropped");
    assert.ok(Math.abs(amount.missingShare.current - 0.2) < 0.03, `${amount.missingShare.current}`);
    assert.equal(amount.missingRose, false);
    assert.ok(!measured.report.alarms.some((a) => a.trigger === "missing_values"));
  });
});

Deno.test("against a run, a current file's columns are read as the model was trained: a numeric feature gone mostly to text is unreadable, not a category", async () => {
  await inTemp(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "train.csv"),
      trendingFile({ rows: 2000, seed: 1, from: 0, span: 3000 }),
    );
    const broken = trendingFile({ rows: 1000, seed: 2, from: 0, span: 3000 }).split("\n")
      .map((line, i) => (i > 0 && i % 5 !== 0 ? line.replace(/^([^,]*),[^,]*,/, "$1,n/a,") : line))
      .join("\n");
    await Deno.writeTextFile(join(dir, "broken.csv"), broken);
    const { measured } = await driftAgainstRun(dir, {
      trained: "train.csv",
      current: "broken.csv",
    });
    const amount = measured.report.data.features.find((f) => f.name === "amount")!;
    assert.equal(amount.kind, "continuous");
    assert.equal(amount.missingRose, true, "80% of its cells unreadable: missing");
    assert.ok(
      measured.report.context.warnings!.includes(
        '800 unreadable value(s) in "amount" of the current file (not a finite number), read as missing',
      ),
      String(measured.report.context.warnings),
    );
  });
});
