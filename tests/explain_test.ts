/**
 * Explanations: TreeSHAP against Python xgboost's `pred_contribs` (our models of every tree type
 * and models xgboost trained, missing values included), contributions summing to the margin,
 * exact logistic-regression terms, reason codes, and the `predict --explain` / `explain` tasks.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Frame } from "../lib/data/frame.ts";
import { reasonCodes } from "../lib/explain/reason_codes.ts";
import { meanAbsShap } from "../lib/explain/shap_importance.ts";
import { GbtModel } from "../lib/models/gbt/gbt_model.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { baseMargin } from "../lib/models/gbt/objective.ts";
import { ParallelScorer } from "../lib/models/gbt/parallel_scorer.ts";
import { TREE_MODEL_TYPES } from "../lib/models/gbt/params.ts";
import { LogisticRegression } from "../lib/models/logistic_regression.ts";
import { maxAbsDiff, nonLinear, PY_LOAD, readFloat64, writeDataset } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

const F = 8;

const CONTRIBS = PY_LOAD + `
import xgboost as xgb
X, y = load(data["base"], data["features"])
b = xgb.Booster()
b.load_model(data["model"])
names = [f"f{i}" for i in range(data["features"])]
b.predict(xgb.DMatrix(X, feature_names=names), pred_contribs=True).astype("<f8").tofile(data["out"])
out = {}
`;

/** The raw margin in float64 (the predictor sums leaves in float32, as xgboost does). */
function exactMargin(model: GbtModel, frame: Frame): Float64Array {
  const s = model.state, cols = s.featureNames.map((n) => frame.column(n));
  const out = new Float64Array(frame.rows).fill(baseMargin(s.objective, s.baseScore));
  s.trees.forEach((t, k) => {
    const scale = s.weightDrop?.[k] ?? 1;
    for (let i = 0; i < frame.rows; i++) {
      let n = 0;
      while (t.left[n] !== -1) {
        const v = Math.fround(cols[t.feature[n]!]![i]!);
        const left = Number.isNaN(v) ? t.defaultLeft[n] === 1 : v < t.threshold[n]!;
        n = left ? t.left[n]! : t.right[n]!;
      }
      out[i] = out[i]! + Math.fround(t.threshold[n]! * scale);
    }
  });
  return out;
}

function rowSums(phi: Float64Array, width: number): Float64Array {
  const out = new Float64Array(phi.length / width);
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < width; j++) out[i] = out[i]! + phi[i * width + j]!;
  }
  return out;
}

async function xgboostContribs(
  dir: string,
  modelPath: string,
  base: string,
): Promise<Float64Array> {
  const out = join(dir, "contribs.f64");
  await runPython(CONTRIBS, { base, features: F, model: modelPath, out });
  return await readFloat64(out);
}

for (const type of TREE_MODEL_TYPES) {
  Deno.test(`TreeSHAP of a ${type} model we train equals xgboost's pred_contribs within 1e-5 (missing values included) and sums to the margin within 1e-6`, async () => {
    const dir = await Deno.makeTempDir();
    const d = nonLinear(3000, F, 21, 0.15);
    const params = type === "random_forest" ? { num_parallel_tree: 20 } : { num_boost_round: 40 };
    const model = await new GradientBoosting({ ...params, seed: 5, nthread: 1 }, { type }).fit(
      d.frame,
      d.labels,
    );
    const modelPath = join(dir, "model.json");
    await Deno.writeTextFile(modelPath, model.serialize());
    const phi = model.contributions(d.frame);
    assert.equal(phi.length, d.frame.rows * (F + 1));
    const theirs = await xgboostContribs(dir, modelPath, await writeDataset(dir, "data", d));
    assert.ok(maxAbsDiff(phi, theirs) < 1e-5, `max |ours − xgboost| ${maxAbsDiff(phi, theirs)}`);
    const sums = rowSums(phi, F + 1);
    assert.ok(maxAbsDiff(sums, exactMargin(model, d.frame)) < 1e-6);
    assert.ok(maxAbsDiff(sums, model.predictMargin(d.frame)) < 1e-4, "and the float32 predictor");
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("TreeSHAP of models xgboost trained (depth-wise and loss-guided, with missing values) equals its pred_contribs within 1e-5", async () => {
  const dir = await Deno.makeTempDir();
  const d = nonLinear(3000, F, 33, 0.2);
  const base = await writeDataset(dir, "data", d);
  for (const grow of ["depthwise", "lossguide"]) {
    const modelPath = join(dir, `${grow}.json`);
    await runPython(
      PY_LOAD + `
import xgboost as xgb
X, y = load(data["base"], data["features"])
params = dict(objective="binary:logistic", tree_method="hist", grow_policy=data["grow"], max_depth=6 if data["grow"] == "depthwise" else 0, max_leaves=0 if data["grow"] == "depthwise" else 31, eta=0.3, seed=1, nthread=1)
xgb.train(params, xgb.DMatrix(X, y, feature_names=[f"f{i}" for i in range(data["features"])]), 30).save_model(data["model"])
out = {}`,
      { base, features: F, model: modelPath, grow },
    );
    const model = GbtModel.fromJSON(JSON.parse(await Deno.readTextFile(modelPath)));
    const phi = model.contributions(d.frame);
    const theirs = await xgboostContribs(dir, modelPath, base);
    assert.ok(maxAbsDiff(phi, theirs) < 1e-5, `${grow}: ${maxAbsDiff(phi, theirs)}`);
    assert.ok(maxAbsDiff(rowSums(phi, F + 1), exactMargin(model, d.frame)) < 1e-6, grow);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("logistic regression contributions are exact: coefficient × (x − mean) standardized, a category's dummies together, summing to the margin", async () => {
  const n = 400;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3 + (i % 7 === 0 ? NaN : 0));
  const cat = Float64Array.from({ length: n }, (_, i) => i % 3);
  const labels = Uint8Array.from(
    { length: n },
    (_, i) => (Math.sin(i) + (i % 3 === 2 ? 1 : 0) > 0.5 ? 1 : 0),
  );
  const frame = new Frame(["x", "cat"], [x, cat]);
  const model = await new LogisticRegression({ C: 1 }).fit(frame, labels, { categorical: ["cat"] });
  const phi = model.contributions(frame);
  const p = model.predictProba(frame);
  const margins = rowSums(phi, 3);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(margins[i]! - Math.log(p[i]! / (1 - p[i]!))) < 1e-9);
    assert.equal(phi[i * 3 + 2], model.state.intercept);
  }
  // x's term by hand: coef / scale × (x − mean), the missing rows at the learned fill value.
  const k = model.terms.indexOf("x"), s = model.state;
  for (let i = 0; i < n; i++) {
    const v = Number.isNaN(x[i]!) ? s.fill[0]! : x[i]!;
    assert.ok(Math.abs(phi[i * 3]! - (s.coef[k]! / s.scale[k]!) * (v - s.mean[k]!)) < 1e-12);
  }
});

Deno.test("reason codes are the largest positive contributions, ties in feature order, none past the positives", () => {
  const names = ["a", "b", "c", "d"];
  const phi = Float64Array.from([
    0.5,
    2,
    -1,
    0.5,
    9, // row 0: b, then a and d tie (a first)
    -1,
    -2,
    0,
    -3,
    9, // row 1: nothing pushes up
    0,
    0.1,
    0,
    0,
    9, // row 2: only b
  ]);
  const [r1, r2, r3] = reasonCodes(phi, names, 3);
  assert.deepEqual(r1!.feature, ["b", "", "b"]);
  assert.deepEqual(r2!.feature, ["a", "", ""]);
  assert.deepEqual(r3!.feature, ["d", "", ""]);
  assert.deepEqual(Array.from(r1!.value), [2, NaN, 0.1]);
  assert.throws(() => reasonCodes(phi, ["a", "b", "c", "d", "e"], 1), RangeError);
  assert.deepEqual(meanAbsShap(phi, names).map((x) => x.feature), ["b", "d", "a", "c"]);
});

Deno.test("predict --explain 3 adds reasons that agree with deno task explain's matrix; ONNX cannot explain (one line, exit 2)", async () => {
  const dir = await Deno.makeTempDir();
  const trained = await runTask("train", ["--max-samples", "3000", "--cv-folds", "0"], {
    cwd: dir,
  });
  assert.equal(trained.code, 0, trained.stderr);
  const runDir = /Artifacts: (\S+)/.exec(trained.stdout)![1]!;
  const importance = JSON.parse(await Deno.readTextFile(join(runDir, "shap_importance.json")));
  assert.equal(importance.rows, 600);
  assert.ok(importance.importance[0].meanAbsShap >= importance.importance[1].meanAbsShap);
  const model = join(runDir, "model", "model.json"), input = join(runDir, "reference_sample.csv");
  const scored = await runTask("predict", [
    "--model",
    model,
    "--input",
    input,
    "--output",
    join(dir, "scores.csv"),
    "--explain",
    "3",
  ]);
  assert.equal(scored.code, 0, scored.stderr);
  const explained = await runTask("explain", [
    "--model",
    model,
    "--input",
    input,
    "--output",
    join(dir, "shap.csv"),
  ]);
  assert.equal(explained.code, 0, explained.stderr);
  const csv = async (f: string) =>
    (await Deno.readTextFile(join(dir, f))).trim().split("\n").map((l) => l.split(","));
  const [sh, ...srows] = await csv("scores.csv");
  const [eh, ...erows] = await csv("shap.csv");
  assert.deepEqual(sh!.slice(-6), [
    "reason_1",
    "reason_1_value",
    "reason_2",
    "reason_2_value",
    "reason_3",
    "reason_3_value",
  ]);
  assert.deepEqual(eh!.slice(0, 4), ["entity_id", "feature_timestamp", "label", "prediction"]);
  assert.equal(eh!.at(-1), "bias");
  const features = eh!.slice(4, -1);
  srows.forEach((row, i) => {
    const e = erows[i]!.slice(4).map(Number);
    const best = features.reduce(
      (b, f, j) => (e[j]! > e[features.indexOf(b)]! ? f : b),
      features[0]!,
    );
    if (e[features.indexOf(best)]! > 0) {
      assert.equal(row[sh!.indexOf("reason_1")], best, `row ${i}`);
      assert.ok(
        Math.abs(Number(row[sh!.indexOf("reason_1_value")]) - e[features.indexOf(best)]!) < 1e-9,
      );
    }
    const sum = e.reduce((a, b) => a + b, 0);
    const p = Number(row[sh!.indexOf("probability")]);
    assert.ok(
      Math.abs(1 / (1 + Math.exp(-sum)) - p) < 1e-5,
      `row ${i}: sigmoid(sum) = probability`,
    );
  });
  // An input column named bias (not a feature) keeps its name; the bias column is bias_shap.
  const [rh, ...rrows] = (await Deno.readTextFile(input)).trim().split("\n");
  await Deno.writeTextFile(
    join(dir, "with_bias.csv"),
    [`${rh},bias`, ...rrows.map((r) => `${r},x`)].join("\n") + "\n",
  );
  const biased = await runTask("explain", [
    "--model",
    model,
    "--input",
    join(dir, "with_bias.csv"),
    "--output",
    join(dir, "shap_bias.csv"),
  ]);
  assert.equal(biased.code, 0, biased.stderr);
  const [bh, ...brows] = await csv("shap_bias.csv");
  assert.deepEqual([bh!.filter((h) => h === "bias").length, bh!.at(-1)], [1, "bias_shap"]);
  assert.equal(brows[0]![bh!.indexOf("bias")], "x");
  assert.equal(brows[0]!.at(-1), erows[0]!.at(-1), "the same bias value");
  const onnx = await runTask("predict", [
    "--model",
    join(runDir, "model", "model.onnx"),
    "--input",
    input,
    "--output",
    join(dir, "x.csv"),
    "--explain",
    "2",
  ]);
  assert.equal(onnx.code, 2);
  assert.equal(
    onnx.stderr.trim(),
    "predict: --explain: explanations need the model's JSON (model.json or a models:/ reference), not ONNX",
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("on two threads, scores and SHAP values are those of one thread, bit for bit", async () => {
  const d = nonLinear(6000, F, 5, 0.1);
  const model = await new GradientBoosting({ num_boost_round: 30, seed: 1, nthread: 1 }).fit(
    d.frame,
    d.labels,
  );
  const pool = await ParallelScorer.start(model, 2);
  try {
    assert.equal(pool.threads, 2);
    assert.deepEqual(await pool.predictProba(d.frame), model.predictProba(d.frame));
    assert.deepEqual(await pool.contributions(d.frame), model.contributions(d.frame));
    const missing = new Frame(["f0"], [new Float64Array(3)]);
    await assert.rejects(pool.margins(missing), /lacks feature "f1"/);
  } finally {
    pool.close();
  }
});
