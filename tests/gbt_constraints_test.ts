/**
 * Monotone and interaction constraints as XGBoost enforces them in `hist`: predictions never
 * decrease (increase) along a constrained feature on a grid, for every row; no tree path uses
 * features from two interaction sets; the constrained models score within 0.002 ROC AUC of
 * xgboost's with the same constraints on the same data; bad constraints are one line each.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Frame } from "../lib/data/frame.ts";
import { ConfigError } from "../lib/errors.ts";
import { rocAuc } from "../lib/evaluate/curves.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { nonLinear, PY_LOAD, readFloat64, writeDataset } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";

const F = 6;
const TYPES = [
  ["depthwise", { max_depth: 5 }],
  ["lossguide", { grow_policy: "lossguide", max_leaves: 24, max_depth: 0 }],
] as const;

/** Predictions of row i with feature j set to each grid value. */
function alongGrid(
  model: { predictProba(f: Frame): Float64Array },
  frame: Frame,
  j: number,
  grid: readonly number[],
): Float64Array[] {
  return grid.map((v) => {
    const cols = frame.columns.map((c, k) => (k === j ? new Float64Array(c.length).fill(v) : c));
    return model.predictProba(new Frame([...frame.names], cols));
  });
}

const XGB = PY_LOAD + `
import xgboost as xgb
X, y = load(data["train"], data["features"])
Xt, yt = load(data["test"], data["features"])
b = xgb.train(data["params"], xgb.DMatrix(X, label=y), data["rounds"])
b.predict(xgb.DMatrix(Xt)).astype("<f8").tofile(data["out"])
out = None
`;

async function xgboostAuc(
  params: Record<string, unknown>,
  data: { train: ReturnType<typeof nonLinear>; test: ReturnType<typeof nonLinear>; rounds: number },
): Promise<number> {
  const dir = await Deno.makeTempDir();
  const train = await writeDataset(dir, "train", data.train),
    test = await writeDataset(dir, "test", data.test);
  const out = join(dir, "p");
  await runPython(XGB, {
    train,
    test,
    out,
    features: F,
    rounds: data.rounds,
    params: { tree_method: "hist", objective: "binary:logistic", ...params },
  });
  const p = await readFloat64(out);
  await Deno.remove(dir, { recursive: true });
  return rocAuc(data.test.labels, p);
}

for (const [growth, extra] of TYPES) {
  Deno.test(`monotone constraints (${growth}): predictions are monotone along each constrained feature for every row, and as good as xgboost's`, async () => {
    const train = nonLinear(6000, F, 41, 0.1), test = nonLinear(20_000, F, 42, 0.1);
    const params = { ...extra, eta: 0.3, num_boost_round: 30, seed: 1, nthread: 1 };
    // f1 enters as f1² (not monotone): constrained increasing anyway; f3 decreasing.
    const monotone = "(0,1,0,-1)";
    const model = await new GradientBoosting({ ...params, monotone_constraints: monotone }).fit(
      train.frame,
      train.labels,
    );
    const grid = Array.from({ length: 41 }, (_, k) => -4 + k * 0.2);
    const rows = test.frame.take(Int32Array.from({ length: 300 }, (_, i) => i * 10));
    for (const [j, sign] of [[1, 1], [3, -1]] as const) {
      const p = alongGrid(model, rows, j, grid);
      for (let k = 1; k < grid.length; k++) {
        for (let i = 0; i < rows.rows; i++) {
          const step = sign * (p[k]![i]! - p[k - 1]![i]!);
          assert.ok(step >= 0, `f${j} row ${i}: ${p[k - 1]![i]} → ${p[k]![i]} at ${grid[k]}`);
        }
      }
    }
    const free = await new GradientBoosting(params).fit(train.frame, train.labels);
    const freeGrid = alongGrid(free, rows, 1, grid);
    assert.ok(
      freeGrid.some((p, k) => k > 0 && p.some((v, i) => v < freeGrid[k - 1]![i]!)),
      "unconstrained f1 is not monotone",
    );
    const ours = rocAuc(test.labels, model.predictProba(test.frame));
    const xgbParams = { ...extra, eta: 0.3, monotone_constraints: monotone };
    const theirs = await xgboostAuc(xgbParams, { train, test, rounds: 30 });
    assert.ok(Math.abs(ours - theirs) <= 0.002, `ROC AUC ours ${ours} vs xgboost ${theirs}`);
  });

  Deno.test(`interaction constraints (${growth}): no tree path mixes two sets, and as good as xgboost's`, async () => {
    const train = nonLinear(6000, F, 51, 0.1), test = nonLinear(20_000, F, 52, 0.1);
    const sets = [[0, 1], [2, 3, 4]];
    const params = { ...extra, eta: 0.3, num_boost_round: 30, seed: 1, nthread: 1 };
    const model = await new GradientBoosting({
      ...params,
      interaction_constraints: JSON.stringify(sets),
    }).fit(train.frame, train.labels);
    const trees = JSON.parse(model.serialize()).learner.gradient_booster.model.trees as Array<
      Record<string, number[]>
    >;
    let paths = 0;
    for (const t of trees) {
      const walk = (node: number, used: number[]): void => {
        if (t.left_children![node]! < 0) {
          paths++;
          const inOne = sets.some((s) => used.every((f) => s.includes(f)));
          const single = new Set(used).size <= 1;
          assert.ok(inOne || single, `a path uses ${used}`);
          return;
        }
        const f = t.split_indices![node]!;
        walk(t.left_children![node]!, [...used, f]);
        walk(t.right_children![node]!, [...used, f]);
      };
      walk(0, []);
    }
    assert.ok(paths > 100);
    const ours = rocAuc(test.labels, model.predictProba(test.frame));
    const theirs = await xgboostAuc({
      ...extra,
      eta: 0.3,
      interaction_constraints: JSON.stringify(sets),
    }, { train, test, rounds: 30 });
    assert.ok(Math.abs(ours - theirs) <= 0.002, `ROC AUC ours ${ours} vs xgboost ${theirs}`);
  });
}

Deno.test("constraints by feature name equal constraints by index; bad ones are one line each naming the parameter", async () => {
  const d = nonLinear(2000, F, 61, 0.1);
  const base = { num_boost_round: 5, seed: 1, nthread: 1 };
  const byName = await new GradientBoosting({
    ...base,
    monotone_constraints: { f1: 1, f3: -1 },
    interaction_constraints: [["f0", "f1"], ["f2", "f3"]],
  }).fit(d.frame, d.labels);
  const byIndex = await new GradientBoosting({
    ...base,
    monotone_constraints: [0, 1, 0, -1],
    interaction_constraints: "[[0,1],[2,3]]",
  }).fit(d.frame, d.labels);
  assert.equal(byName.serialize(), byIndex.serialize());
  // Enough cells that two threads are used (smaller fits run on one).
  const big = nonLinear(250_000, F, 62, 0.1),
    both = {
      ...base,
      monotone_constraints: [0, 1, 0, -1],
      interaction_constraints: "[[0,1],[2,3]]",
    };
  const one = await new GradientBoosting({ ...both, nthread: 1 }).fit(big.frame, big.labels);
  const two = await new GradientBoosting({ ...both, nthread: 2 }).fit(big.frame, big.labels);
  assert.equal(two.serialize(), one.serialize(), "the same model on two threads");
  const fit = (p: Record<string, unknown>) =>
    new GradientBoosting({ ...base, ...p }).fit(d.frame, d.labels);
  await assert.rejects(
    fit({ monotone_constraints: "(1,0,0,0,0,0,1)" }),
    (e) =>
      e instanceof ConfigError &&
      /model\.params\.monotone_constraints: 7 constraints for 6 features/.test(e.message),
  );
  await assert.rejects(
    fit({ monotone_constraints: { amount: 1 } }),
    /model\.params\.monotone_constraints: no feature "amount"/,
  );
  await assert.rejects(fit({ monotone_constraints: "(1,x)" }), /must look like "\(1,0,-1\)"/);
  await assert.rejects(
    fit({ interaction_constraints: "[[0,1],[2" }),
    /model\.params\.interaction_constraints: must look like/,
  );
  await assert.rejects(
    fit({ interaction_constraints: [["f0", "nope"]] }),
    /interaction_constraints: no feature "nope"/,
  );
});
