/**
 * Sample weights in the tree engine, as XGBoost defines them: a row of weight 2 trains the model
 * that row twice trains (gradients, hessians, min_child_weight, cut points, base score), weights
 * of 1 change nothing, eval metrics are weighted as xgboost's (logloss, error, rmse) and
 * scikit-learn's (ROC AUC, average precision), and a weighted model is as good as xgboost's with
 * the same weights.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Frame } from "../lib/data/frame.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { DataError } from "../lib/errors.ts";
import { rocAuc } from "../lib/evaluate/curves.ts";
import { evaluateBinary } from "../lib/evaluate/binary_metrics.ts";
import { EVAL_METRIC_REGISTRY } from "../lib/models/gbt/eval_metrics.ts";
import { nonLinear, PY_LOAD, readFloat64, writeDataset } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";

const PARAMS = { num_boost_round: 25, max_depth: 4, eta: 0.3, seed: 5, nthread: 1 };

/** Row i repeated `times[i]` times. */
function repeated(frame: Frame, labels: Uint8Array, times: ArrayLike<number>) {
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) for (let k = 0; k < times[i]!; k++) rows.push(i);
  const columns = frame.columns.map((c) => Float64Array.from(rows, (i) => c[i]!));
  return {
    frame: new Frame([...frame.names], columns),
    labels: Uint8Array.from(rows, (i) => labels[i]!),
  };
}

/** The trees' split features and thresholds, in order. */
function structure(json: string): string {
  const trees = JSON.parse(json).learner.gradient_booster.model.trees as Array<
    Record<string, number[]>
  >;
  return JSON.stringify(
    trees.map((t) => [
      t.split_indices,
      t.split_conditions!.map((v, k) => t.left_children![k]! < 0 ? 0 : v),
    ]),
  );
}

for (const type of ["xgboost", "lightgbm"] as const) {
  Deno.test(`${type}: a row of weight 2 trains the model that row twice trains; weights of 1 change nothing`, async () => {
    // 3,000 rows: every value is in the cut sketch, so duplicates and weights place the same cuts.
    const d = nonLinear(3000, 6, 21, 0.1);
    const weights = Float64Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 2 : 1));
    const gbt = () => new GradientBoosting({ ...PARAMS, min_child_weight: 3 }, { type });
    const weighted = await gbt().fit(d.frame, d.labels, { weights });
    const twice = repeated(d.frame, d.labels, weights);
    const doubled = await gbt().fit(twice.frame, twice.labels);
    assert.equal(
      structure(weighted.serialize()),
      structure(doubled.serialize()),
      "the same splits",
    );
    const a = weighted.predictProba(d.frame), b = doubled.predictProba(d.frame);
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    assert.ok(diff < 1e-6, `max |weighted − duplicated| = ${diff}`);
    const ones = await gbt().fit(d.frame, d.labels, { weights: new Float64Array(3000).fill(1) });
    const none = await gbt().fit(d.frame, d.labels);
    assert.equal(ones.serialize(), none.serialize(), "weights of 1: the same model, byte for byte");
    assert.notEqual(weighted.serialize(), none.serialize(), "weights change the model");
  });
}

const XGB_WEIGHTED = PY_LOAD + `
import xgboost as xgb
from sklearn.metrics import roc_auc_score, average_precision_score
X, y = load(data["base"], data["features"])
w = np.fromfile(data["base"] + ".w", dtype="<f8")
Xt, yt = load(data["test"], data["features"])
wt = np.fromfile(data["test"] + ".w", dtype="<f8")
d = xgb.DMatrix(X, label=y, weight=w)
dt = xgb.DMatrix(Xt, label=yt, weight=wt)
res = {}
b = xgb.train({**data["params"], "eval_metric": ["logloss", "error", "rmse", "auc"]}, d,
              data["rounds"], evals=[(dt, "test")], evals_result=res)
p = b.predict(dt)
ours = np.fromfile(data["ours"], dtype="<f8")
out = {"auc": float(roc_auc_score(yt, p, sample_weight=wt)),
       "ours_auc": float(roc_auc_score(yt, ours, sample_weight=wt)),
       "ours_ap": float(average_precision_score(yt, ours, sample_weight=wt)),
       "ours_logloss": float(-np.sum(wt * (yt * np.log(np.clip(ours, 1e-16, 1 - 1e-16)) + (1 - yt) * np.log(np.clip(1 - ours, 1e-16, 1 - 1e-16)))) / np.sum(wt)),
       "xgb_last": {k: v[-1] for k, v in res["test"].items()},
       "xgb_auc_of_p": float(roc_auc_score(yt, p, sample_weight=wt)),
       "p": data["test"] + ".p"}
p.astype("<f8").tofile(data["test"] + ".p")
`;

Deno.test("weighted training matches xgboost's quality with the same weights, and weighted metrics equal xgboost's and scikit-learn's", async () => {
  const dir = await Deno.makeTempDir();
  const train = nonLinear(6000, 8, 31, 0.15), test = nonLinear(3000, 8, 32, 0.15);
  const weightOf = (labels: Uint8Array, seed: number) =>
    Float64Array.from(labels, (y, i) => (y ? 3 : 1) * (1 + ((i * 7919 + seed) % 5) / 4));
  const w = weightOf(train.labels, 1), wt = weightOf(test.labels, 2);
  const params = { num_boost_round: 40, max_depth: 4, eta: 0.2, seed: 1, nthread: 1 };
  const model = await new GradientBoosting(params).fit(train.frame, train.labels, {
    weights: w,
    evalSets: [{ name: "test", frame: test.frame, labels: test.labels, weights: wt }],
  });
  const ours = model.predictProba(test.frame);
  const base = await writeDataset(dir, "train", train),
    tbase = await writeDataset(dir, "test", test);
  await Deno.writeFile(`${base}.w`, new Uint8Array(w.buffer));
  await Deno.writeFile(`${tbase}.w`, new Uint8Array(wt.buffer));
  await Deno.writeFile(join(dir, "ours"), new Uint8Array(Float64Array.from(ours).buffer));
  const r = await runPython<
    Record<string, number> & { xgb_last: Record<string, number>; p: string }
  >(
    XGB_WEIGHTED,
    {
      base,
      test: tbase,
      ours: join(dir, "ours"),
      features: 8,
      rounds: 40,
      params: { objective: "binary:logistic", max_depth: 4, eta: 0.2, tree_method: "hist" },
    },
  );
  const oursAuc = rocAuc(test.labels, ours, wt);
  assert.ok(
    Math.abs(oursAuc - r.ours_auc!) < 1e-12,
    `weighted ROC AUC ${oursAuc} vs sklearn ${r.ours_auc}`,
  );
  const m = evaluateBinary(test.labels, ours, { weights: wt });
  assert.ok(Math.abs(m.pr_auc - r.ours_ap!) < 1e-12, `weighted AP ${m.pr_auc} vs ${r.ours_ap}`);
  assert.ok(
    Math.abs(m.log_loss - r.ours_logloss!) < 1e-9,
    `weighted log loss ${m.log_loss} vs ${r.ours_logloss}`,
  );
  assert.ok(oursAuc > r.auc! - 0.01, `ours ${oursAuc} vs xgboost ${r.auc} (weighted test AUC)`);
  // xgboost's own weighted eval metrics on its predictions equal ours on the same predictions.
  const theirs = await readFloat64(r.p);
  for (const metric of ["logloss", "error", "rmse", "auc"]) {
    const mine = EVAL_METRIC_REGISTRY[metric]!.compute(test.labels, theirs, { weights: wt });
    assert.ok(
      Math.abs(mine - r.xgb_last[metric]!) < 2e-6,
      `${metric}: ${mine} vs xgboost ${r.xgb_last[metric]}`,
    );
  }
  assert.ok(model.history!.at(-1)!.values["test-logloss"]! > 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("bad weights are refused with one line naming the set and row", async () => {
  const d = nonLinear(100, 6, 1, 0.1);
  const fit = (weights: ArrayLike<number>) =>
    new GradientBoosting(PARAMS).fit(d.frame, d.labels, { weights });
  await assert.rejects(
    fit(new Float64Array(99).fill(1)),
    (e) => e instanceof DataError && /99 weights for 100 rows/.test(e.message),
  );
  await assert.rejects(
    fit(Float64Array.from({ length: 100 }, (_, i) => (i === 7 ? -1 : 1))),
    /weight -1 at row 7/,
  );
  await assert.rejects(
    fit(Float64Array.from({ length: 100 }, (_, i) => (i === 3 ? NaN : 1))),
    /weight NaN at row 3/,
  );
  await assert.rejects(fit(new Float64Array(100)), /every weight is 0/);
});
