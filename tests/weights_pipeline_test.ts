/**
 * Row weights through the pipeline (`--weight-column`, `data.file.weightColumn`): read from a
 * file, never a feature, used by the fit, the CV folds and every test metric; refused with one
 * line when unusable or asked of a source without a file.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { config } from "../lib/config/load.ts";
import { evaluateBinary } from "../lib/evaluate/binary_metrics.ts";
import { train } from "../lib/pipeline/train.ts";
import { readTransactionLog } from "../lib/features/log_source.ts";
import { runTask } from "./helpers/tasks.ts";

/** Rows of two features and a label, with a weight column favoring one region. */
function weightedCsv(n: number): { text: string; labels: number[]; weights: number[] } {
  let s = 99;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines = ["a,b,w,y"], labels: number[] = [], weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = Math.round(rnd() * 1000) / 100, b = Math.round(rnd() * 1000) / 100;
    const y = rnd() < 1 / (1 + Math.exp(-(a - 5 + (b > 7 ? 2 : 0)))) ? 1 : 0;
    const w = a > 6 ? 3 : 1;
    lines.push(`${a},${b},${w},${y}`);
    labels.push(y);
    weights.push(w);
  }
  return { text: lines.join("\n") + "\n", labels, weights };
}

Deno.test("a weight column weighs the fit and every test metric, and is not a feature", async () => {
  const dir = await Deno.makeTempDir();
  const file = weightedCsv(2000), path = join(dir, "weighted.csv");
  await Deno.writeTextFile(path, file.text);
  const settings = (weightColumn?: string) =>
    config({
      data: {
        source: "file",
        file: { path, label: "y", ...(weightColumn ? { weightColumn } : {}) },
        cvFolds: 3,
      },
      model: { type: "xgboost", params: { num_boost_round: 20 } },
      mlflow: { trackingUri: `sqlite:///${join(dir, "mlflow.db")}` },
    });
  const weighted = await train(settings("w"));
  assert.deepEqual(weighted.model.featureNames, ["a", "b"], "the weight column is not a feature");
  const rows = weighted.referencePool.rows;
  const labels = Array.from(rows, (i) => file.labels[i]!),
    weights = Array.from(rows, (i) => file.weights[i]!);
  const want = evaluateBinary(labels, weighted.testProbabilities, { weights });
  for (const k of ["roc_auc", "pr_auc", "log_loss", "brier", "accuracy"] as const) {
    assert.equal(weighted.test[k], want[k], `test ${k} is weighted`);
  }
  const plain = await train(settings());
  assert.notEqual(
    plain.test.log_loss,
    weighted.test.log_loss,
    "weights change the model and metrics",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("unusable weights, or weights without a file, end the task with one line and exit 2", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "bad.csv"), "a,w,y\n1,1,0\n2,-1,1\n3,x,0\n4,1,1\n");
  const bad = await runTask("train", [
    "--source",
    "file",
    "--input",
    "bad.csv",
    "--label",
    "y",
    "--weight-column",
    "w",
  ], { cwd: dir });
  assert.equal(bad.code, 2, bad.stderr);
  const problems = bad.stderr.trim().split("\n").filter((l) => !/^\S+T\S+Z (INFO|WARN)/.test(l));
  assert.equal(problems.length, 1, bad.stderr);
  assert.match(problems[0]!, /weight column "w" has 2 value\(s\) that are not numbers ≥ 0/);
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["bad.csv"], "nothing written");
  const missing = await runTask("train", [
    "--source",
    "file",
    "--input",
    "bad.csv",
    "--label",
    "y",
    "--weight-column",
    "nope",
  ], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /has no weight column "nope"/);
  const embedded = await runTask("train", ["--weight-column", "w", "--max-samples", "500"], {
    cwd: dir,
  });
  assert.equal(embedded.code, 2);
  assert.match(
    embedded.stderr,
    /--weight-column.*needs --source file or transactions|weighs the rows of a file or a log/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a transaction log's weight column follows its rows into time order", async () => {
  const dir = await Deno.makeTempDir(), path = join(dir, "log.csv");
  await Deno.writeTextFile(
    path,
    "entity_id,counterparty_id,time,amount,label,w\n" +
      "c1,t1,2024-01-03T00:00:00Z,10,0,3\nc2,t1,2024-01-01T00:00:00Z,20,1,1\n" +
      "c1,t2,2024-01-02T00:00:00Z,30,0,2\n",
  );
  const log = await readTransactionLog({
    path,
    entityColumn: "entity_id",
    counterpartyColumn: "counterparty_id",
    timeColumn: "time",
    amountColumn: "amount",
    labelColumn: "label",
    weightColumn: "w",
  });
  assert.deepEqual([...log.amount], [20, 30, 10]);
  assert.deepEqual([...log.weights!], [1, 2, 3]);
  await Deno.remove(dir, { recursive: true });
});
