/**
 * Ranking through the pipeline (`--group-column`, `data.file.groupColumn`): query groups from a
 * file whose rows of a group are scattered, split whole (no group on both sides, seeded), group
 * k-fold CV, the final LambdaMART fit recorded in MLflow. The logged model scores the held-out
 * rows identically in Python xgboost (1e-6), and the logged test NDCG@k and MAP@k equal a direct
 * NumPy computation on those scores (1e-12); the logged ONNX scores them in onnxruntime (1e-5). Unusable settings and data end the task with one
 * line and exit 2, writing nothing.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { config } from "../lib/config/load.ts";
import { groupKFold, groupSplit } from "../lib/data/group_split.ts";
import { train } from "../lib/pipeline/train.ts";
import { trainRanking } from "../lib/pipeline/train_ranking.ts";
import { ConfigError, ModelFormatError } from "../lib/errors.ts";
import { Rng } from "../lib/util/rng.ts";
import { runPython } from "./helpers/python.ts";
import { OnnxScorer } from "../lib/onnx/onnx_scorer.ts";
import { runTask } from "./helpers/tasks.ts";

/** Query groups of 3–30 documents, rows shuffled across groups; grades 0–3 or 0/1. */
function rankingCsv(groups: number, o: { seed: number; binary: boolean; weights?: boolean }) {
  const rng = new Rng(o.seed), rows: string[] = [];
  for (let q = 0; q < groups; q++) {
    const size = 3 + rng.int(28), weight = 1 + rng.int(3);
    for (let d = 0; d < size; d++) {
      const price = Math.round(rng.next() * 10000) / 100, rating = 1 + rng.int(5);
      const brand = "abcdefg"[rng.int(7)]!;
      const z = 0.004 * (100 - price) + 0.6 * rating + (brand < "c" ? 1 : 0) + rng.normal();
      const grade = o.binary ? (z > 3 ? 1 : 0) : Math.max(0, Math.min(3, Math.floor(z / 1.5)));
      rows.push(
        `q${q},${q}_${d},${price},${rating},${brand},${o.weights ? `${weight},` : ""}${grade}`,
      );
    }
  }
  const order = rng.shuffle(Int32Array.from(rows.keys()));
  const shuffled = Array.from(order, (i) => rows[i]!);
  return `query,doc,price,rating,brand,${o.weights ? "w," : ""}rel\n${shuffled.join("\n")}\n`;
}

/** Our model in xgboost on the held-out rows, and NDCG@k / MAP@k computed directly on our scores. */
const REFERENCE = `
import numpy as np, xgboost as xgb
b = xgb.Booster(); b.load_model(data["model"])
X = np.array(data["X"], dtype=np.float64)
pred = b.predict(xgb.DMatrix(X, feature_names=data["names"]), output_margin=True)
s = np.array(data["scores"]); y = np.array(data["grades"]); g = np.array(data["groups"])
w = np.array(data["weights"]) if data["weights"] else None
def ndcg(rel, order, k):
    gains = 2.0 ** rel - 1; disc = 1 / np.log2(np.arange(len(rel)) + 2)
    ideal = np.sort(gains)[::-1][:k]
    return None if ideal.sum() == 0 else (gains[order][:k] * disc[:k]).sum() / (ideal * disc[:len(ideal)]).sum()
def ap(rel, order, k):
    r = rel[order]; hits = np.cumsum(r)[:k]; prec = hits / np.arange(1, len(hits) + 1)
    n = rel.sum()
    return None if n == 0 else (prec * r[:k]).sum() / min(n, k)
metrics = {}
for name, f in [("ndcg", ndcg), ("map", ap)]:
    if name == "map" and not set(np.unique(y)) <= {0, 1}: continue
    for k in (5, 10):
        total, weights = 0.0, 0.0
        for q in np.unique(g):
            m = g == q; order = np.argsort(-s[m], kind="stable"); wq = w[m][0] if w is not None else 1.0
            v = f(y[m], order, k); weights += wq
            # XGBoost 3.2 (measured): a group without a relevant document adds 1 to NDCG unweighted,
            # to MAP weighted.
            total += (1.0 if name == "ndcg" else wq) if v is None else wq * v
        metrics[f"{name}@{k}"] = total / weights
out = {"max_diff": float(np.max(np.abs(pred - s))), "metrics": metrics}
`;

for (const binary of [false, true]) {
  Deno.test(`a ranking run (${binary ? "0/1 grades, group weights" : "graded"}): groups split whole, the logged model and metrics match xgboost and a direct computation`, async () => {
    const dir = await Deno.makeTempDir();
    const path = join(dir, "queries.csv");
    await Deno.writeTextFile(path, rankingCsv(120, { seed: 7, binary, weights: binary }));
    const settings = config({
      data: {
        source: "file",
        file: {
          path,
          label: "rel",
          groupColumn: "query",
          entityColumn: "doc",
          ...(binary ? { weightColumn: "w" } : {}),
        },
        cvFolds: 3,
      },
      model: {
        type: "xgboost",
        params: { num_boost_round: 30, ...(binary ? { objective: "rank:pairwise" } : {}) },
      },
      mlflow: { trackingUri: `sqlite:///${join(dir, "mlflow.db")}` },
    });
    const result = await trainRanking(settings);
    assert.equal(result.objective, binary ? "rank:pairwise" : "rank:ndcg");
    assert.deepEqual(result.model.featureNames, ["price", "rating", "brand"]);
    const { data } = result;
    const test = new Set(Array.from(result.testIndices, (i) => data.groups[i]!));
    const trainGroups = new Set(data.groups.filter((_, i) => !result.testIndices.includes(i)));
    assert.equal([...test].filter((g) => trainGroups.has(g)).length, 0, "no group on both sides");
    assert.equal(test.size + trainGroups.size, 120);
    assert.deepEqual([result.groups.test, result.groups.train], [test.size, trainGroups.size]);
    assert.equal(result.cv?.folds.length, 3);
    const rows = Array.from(result.testIndices);
    const ref = await runPython<{ max_diff: number; metrics: Record<string, number> }>(REFERENCE, {
      model: join(result.artifactUri, "model", "model.json"),
      names: result.model.featureNames,
      X: rows.map((i) => result.model.featureNames.map((n) => data.features.frame.column(n)[i]!)),
      scores: Array.from(result.testScores),
      grades: rows.map((i) => data.grades[i]!),
      groups: rows.map((i) => data.groups[i]!),
      weights: data.weights ? rows.map((i) => data.weights![i]!) : null,
    });
    assert.ok(ref.max_diff <= 1e-6, `xgboost scores our logged model within 1e-6: ${ref.max_diff}`);
    assert.deepEqual(Object.keys(result.test), Object.keys(ref.metrics));
    for (const [name, want] of Object.entries(ref.metrics)) {
      assert.ok(
        Math.abs(result.test[name]! - want) <= 1e-12,
        `${name}: ${result.test[name]} vs ${want}`,
      );
    }
    assert.ok(result.test["ndcg@10"]! > 0.6, `the model ranks: ${result.test["ndcg@10"]}`);
    const onnx = await OnnxScorer.load(
      await Deno.readFile(join(result.artifactUri, "model", "model.onnx")),
    );
    const heldOut = data.features.frame.take(result.testIndices);
    const scores = await onnx.scores(heldOut);
    await assert.rejects(() => onnx.predictProba(heldOut), ModelFormatError);
    await onnx.release();
    const gap = scores.reduce((m, s, i) => Math.max(m, Math.abs(s - result.testScores[i]!)), 0);
    assert.ok(gap <= 1e-5, `onnxruntime scores the logged ONNX within 1e-5: ${gap}`);
    const again = await trainRanking(settings);
    assert.deepEqual(again.testIndices, result.testIndices, "the split takes the seed");
    assert.equal(again.model.serialize(), result.model.serialize(), "the same model again");
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("group splits: whole groups on one side, every row once, seeded", () => {
  const groups = Int32Array.from({ length: 400 }, (_, i) => Math.floor(i / 7));
  const split = groupSplit(groups, 0.25, 3);
  assert.equal(split.train.length + split.test.length, 400);
  const side = new Map<number, string>();
  for (const [part, rows] of Object.entries(split)) {
    for (const i of rows) {
      assert.notEqual(side.get(groups[i]!) ?? part, part === "train" ? "test" : "train");
      side.set(groups[i]!, part);
    }
  }
  assert.equal(new Set(Array.from(split.test, (i) => groups[i]!)).size, Math.round(0.25 * 58));
  assert.deepEqual(groupSplit(groups, 0.25, 3), split);
  assert.notDeepEqual(groupSplit(groups, 0.25, 4), split);
  const folds = groupKFold(groups, 4, 3);
  const held = folds.flatMap((f) => Array.from(f.test)).sort((a, b) => a - b);
  assert.deepEqual(held, Array.from({ length: 400 }, (_, i) => i), "each row held out once");
  const trainGroups = Int32Array.from(split.train, (i) => groups[i]!); // group numbers with gaps
  const sizes = groupKFold(trainGroups, 4, 11).map((f) =>
    new Set(f.test.map((i) => trainGroups[i]!)).size
  );
  assert.deepEqual(
    sizes.toSorted(),
    [10, 11, 11, 11],
    "the training part's 43 groups, dealt evenly",
  );
  for (const f of folds) {
    const inTest = new Set(Array.from(f.test, (i) => groups[i]!));
    assert.ok(Array.from(f.train).every((i) => !inTest.has(groups[i]!)), "folds keep groups whole");
  }
});

Deno.test("train() refuses a ranking config and points at trainRanking", async () => {
  const settings = config({
    data: { source: "file", file: { path: "x.csv", label: "rel", groupColumn: "q" } },
  });
  await assert.rejects(
    () => train(settings),
    (e) => e instanceof ConfigError && /trainRanking/.test(e.message),
  );
});

Deno.test("deno task train --group-column ranks, and bad ranking input ends with one line and exit 2", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "q.csv"), rankingCsv(40, { seed: 1, binary: false }));
  const base = ["--source", "file", "--input", "q.csv", "--label", "rel", "--entity-column", "doc"];
  const ok = await runTask("train", [
    ...base,
    "--group-column",
    "query",
    "--cv-folds",
    "0",
    "--log-format",
    "json",
  ], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  const summary = JSON.parse(ok.stdout.trim().split("\n").at(-1)!);
  assert.equal(summary.objective, "rank:ndcg");
  assert.deepEqual(Object.keys(summary.test), ["ndcg@5", "ndcg@10"]);
  assert.equal(summary.groups.total, 40);
  const cells = "query,a,rel\nq1,1,0\nq1,abc,1\nq2,3,1\nq2,4,0\nq3,5,1\nq3,6,0\n";
  await Deno.writeTextFile(join(dir, "cells.csv"), cells);
  const unreadable = await runTask("train", [
    ...["--source", "file", "--input", "cells.csv", "--label", "rel", "--group-column", "query"],
    ...["--cv-folds", "0"],
  ], { cwd: dir });
  assert.equal(unreadable.code, 0, unreadable.stderr);
  assert.match(unreadable.stderr, /WARN .*1 unreadable value\(s\) in "a" .*read as missing/);
  await Deno.remove(join(dir, "mlflow.db"));
  await Deno.remove(join(dir, "mlruns"), { recursive: true });
  await Deno.writeTextFile(join(dir, "neg.csv"), "query,a,rel\nq1,1,0\nq1,2,-1\nq2,3,1\nq2,4,0\n");
  await Deno.writeTextFile(
    join(dir, "w.csv"),
    "query,a,w,rel\nq1,1,1,0\nq1,2,2,1\nq2,3,1,1\nq2,4,1,0\n",
  );
  await Deno.writeTextFile(
    join(dir, "half.csv"),
    "query,a,rel\nq1,1,0\nq1,2,0.5\nq2,3,1\nq2,4,0\n",
  );
  const four = "query,a,rel\n" +
    [1, 2, 3, 4].map((q) => `q${q},${q},1\nq${q},${q + 1},0\n`).join("");
  await Deno.writeTextFile(join(dir, "four.csv"), four);
  await Deno.writeTextFile(join(dir, "na.csv"), "query,a,rel\nq1,1,0\nq1,2,1\nNA,3,1\n,4,0\n");
  const file = (
    name: string,
  ) => ["--source", "file", "--input", name, "--label", "rel", "--group-column", "query"];
  const cases: Array<[string[], RegExp]> = [
    [[...base, "--group-column", "session"], /has no group column "session"/],
    [
      ["--source", "file", "--input", "neg.csv", "--label", "rel", "--group-column", "query"],
      /label column "rel" has 1 value\(s\) that are not numbers ≥ 0/,
    ],
    [[
      "--source",
      "file",
      "--input",
      "w.csv",
      "--label",
      "rel",
      "--group-column",
      "query",
      "--weight-column",
      "w",
    ], /weights differ within 1 query group\(s\) \(e\.g\. "q1"\)/],
    [
      [...base, "--param", "objective=rank:ndcg"],
      /model\.params\.objective: rank:ndcg ranks query groups: it needs data\.file\.groupColumn/,
    ],
    [
      [...base, "--group-column", "query", "--model-type", "logistic_regression"],
      /model\.type: must be xgboost or lightgbm with data\.file\.groupColumn/,
    ],
    [
      [...base, "--group-column", "query", "--param", "objective=binary:logistic"],
      /model\.params\.objective: must be rank:ndcg or rank:pairwise/,
    ],
    [file("na.csv"), /group column "query" has no group id in 2 row\(s\)/],
    [
      file("half.csv"),
      /label holds 1 grade\(s\) rank:ndcg cannot take .*e\.g\. 0\.5 on data row 2/,
    ],
    [
      [...file("four.csv"), "--test-size", "0.25", "--cv-folds", "4"],
      /3 query group\(s\) to train on for 4 CV folds: lower --cv-folds/,
    ],
    [
      [...base, "--group-column", "query", "--feature-columns", "query,price"],
      /data\.file\.featureColumns: names the group column "query"/,
    ],
    [
      [...base, "--group-column", "query", "--param", "early_stopping_rounds=5"],
      /model\.params\.early_stopping_rounds: watches a validation share/,
    ],
    [
      [...base, "--group-column", "query", "--register", "ranker"],
      /mlflow\.registerModel: registers a model that serve and monitor score as a classifier/,
    ],
  ];
  for (const [args, pattern] of cases) {
    const run = await runTask("train", args, { cwd: dir });
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    const problems = run.stderr.trim().split("\n").filter((l) => !/^\S+T\S+Z (INFO|WARN)/.test(l));
    assert.equal(problems.length, 1, run.stderr);
    assert.match(problems[0]!, pattern);
    assert.ok(
      !Deno.readDirSync(dir).some((e) => e.name.startsWith("mlflow") || e.name === "mlruns"),
      "nothing written",
    );
  }
  await Deno.remove(dir, { recursive: true });
});
