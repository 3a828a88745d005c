/**
 * Outputs and tracking stores that cannot be written (a read-only folder or mount): every task
 * that writes answers one line naming what it could not write, exit 2, no stack trace.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { readOnlyDir } from "./helpers/files.ts";
import { runTask, type TaskRun } from "./helpers/tasks.ts";

const GOOD = new URL("./fixtures/malformed/good.csv", import.meta.url).pathname;
const FILE_FLAGS = ["--source", "file", "--input", GOOD, "--label", "label"];
const ID_FLAGS = ["--id-columns", "entity_id,ts"];
const SMALL = ["--cv-folds", "0", "--model-type", "logistic_regression"];

function oneLine(r: TaskRun, pattern: RegExp, what: string): void {
  const lines = r.stderr.trim().split("\n").filter((l) =>
    !/^\d{4}-\d\d-\d\dT\S+ (INFO|WARN) /.test(l)
  );
  assert.equal(r.code, 2, `${what}:\n${r.stderr}`);
  assert.equal(lines.length, 1, `${what}: one line:\n${r.stderr}`);
  assert.match(lines[0]!, pattern, what);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: a stack trace`);
}

Deno.test("unwritable outputs and tracking stores: one line naming what could not be written, exit 2", async (t) => {
  const work = await Deno.makeTempDir();
  // A store with a trained model, and the same store made read-only.
  const trained = await runTask("train", [...FILE_FLAGS, ...SMALL], { cwd: work });
  assert.equal(trained.code, 0, trained.stderr);
  const model = /Artifacts: (\S+)/.exec(trained.stdout)![1]! + "/model/model.json";
  const ro = await readOnlyDir(async (dir) => {
    await Deno.copyFile(join(work, "mlflow.db"), join(dir, "mlflow.db"));
  });
  if (!ro) {
    await Deno.remove(work, { recursive: true });
    throw new Error("cannot make a read-only folder here (root without the right to mount)");
  }
  try {
    const out = (name: string) => join(ro.path, name);
    await t.step("predict, explain, export-onnx and drift outputs", async () => {
      const runs: Array<[string, string[], string]> = [
        ["predict", ["--model", model, "--input", GOOD, "--output", out("p.csv")], "p.csv"],
        ["explain", ["--model", model, "--input", GOOD, "--output", out("s.csv")], "s.csv"],
        ["export_onnx", ["--model", model, "--output", out("m.onnx")], "m.onnx"],
        [
          "drift",
          ["--reference", GOOD, "--current", GOOD, ...ID_FLAGS, "--output", out("d.json")],
          "d.json",
        ],
        [
          "drift",
          ["--reference", GOOD, "--current", GOOD, ...ID_FLAGS, "--html", out("d.html")],
          "d.html",
        ],
      ];
      const done = await Promise.all(
        runs.map(([task, args]) => runTask(task, args, { cwd: work, timeoutMs: 60_000 })),
      );
      runs.forEach(([task, , file], k) => {
        oneLine(done[k]!, new RegExp(`cannot write "${out(file)}": .*(Read-only|ermission)`), task);
      });
    });
    await t.step(
      "train and drift on a read-only sqlite store, a new one in a read-only folder, a file store there",
      async () => {
        const uris: Array<[string, RegExp]> = [
          [
            `sqlite:///${out("mlflow.db")}`,
            /cannot use the tracking database .*mlflow\.db: unable to open database file/,
          ],
          [`sqlite:///${out("new.db")}`, /cannot (open|use) the tracking database .*new\.db/],
          [out("file-store"), /cannot write to the tracking store at .*file-store/],
        ];
        for (const [uri, pattern] of uris) {
          const env = { MLFLOW_TRACKING_URI: uri };
          const train = await runTask("train", [...FILE_FLAGS, ...SMALL], {
            cwd: work,
            env,
            timeoutMs: 60_000,
          });
          oneLine(train, pattern, `train on ${uri}`);
        }
        const drift = await runTask("drift", [], {
          cwd: work,
          env: { MLFLOW_TRACKING_URI: `sqlite:///${out("mlflow.db")}` },
          timeoutMs: 60_000,
        });
        oneLine(drift, /cannot use the tracking database/, "drift against a run");
      },
    );
  } finally {
    await ro.release();
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
});
