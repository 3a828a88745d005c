/**
 * Probabilities that mean what they say (issue 30): isotonic and Platt calibration equal to
 * scikit-learn's on the same scores; the reliability bins, ECE and Brier score equal to its
 * `calibration_curve` and `brier_score_loss`; a calibrated model keeps its calibrator through its
 * JSON, every-core scoring, ONNX (onnxruntime, Node and Python) and MLflow's pyfunc; `train`
 * calibrates on out-of-fold scores (or the latest slice with the time split), chooses its
 * threshold on calibrated scores and reports ECE and Brier before and after.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileLayer, resolveConfig } from "../lib/config/load.ts";
import { stratifiedKFold } from "../lib/data/split.ts";
import { Frame } from "../lib/data/frame.ts";
import { ConfigError, ModelFormatError } from "../lib/errors.ts";
import { calibrationQuality } from "../lib/evaluate/reliability.ts";
import { applyCalibrator, type CalibrationMethod } from "../lib/models/calibration/calibrator.ts";
import { fitIsotonic, isotonicPredict } from "../lib/models/calibration/isotonic.ts";
import { fitSigmoid, sigmoidPredict } from "../lib/models/calibration/sigmoid.ts";
import { GbtModel } from "../lib/models/gbt/gbt_model.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { ParallelScorer } from "../lib/models/gbt/parallel_scorer.ts";
import { LogisticRegression, LogisticRegressionModel } from "../lib/models/logistic_regression.ts";
import type { Classifier, Estimator } from "../lib/models/model.ts";
import { exportOnnx } from "../lib/onnx/export_model.ts";
import { OnnxScorer } from "../lib/onnx/onnx_scorer.ts";
import { calibrateModel } from "../lib/pipeline/calibrate.ts";
import { crossValidate } from "../lib/pipeline/cross_validate.ts";
import { loadModel } from "../lib/pipeline/load_model.ts";
import { mlflowModelFiles } from "../lib/pipeline/mlflow_model.ts";
import { train } from "../lib/pipeline/train.ts";
import { reliabilityFigure } from "../lib/report/reliability_figure.ts";
import { formatTrainingSummary, trainingSummaryJson } from "../lib/report/training_summary.ts";
import { Rng } from "../lib/util/rng.ts";
import { maxAbsDiff, nonLinear } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";
import { runTask } from "./helpers/tasks.ts";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Seeded scores and labels: a named case of the comparison with scikit-learn. */
interface Scored {
  readonly name: string;
  readonly input: "probability" | "margin";
  readonly scores: number[];
  readonly labels: number[];
}

function scoredCases(): Scored[] {
  const rng = new Rng(2026);
  const bern = (p: number) => (rng.next() < p ? 1 : 0);
  const make = (name: string, input: Scored["input"], n: number, score: (z: number) => number) => {
    const scores: number[] = [], labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      scores.push(score(z));
      labels.push(bern(sigmoid(1.3 * z - (name.includes("rare") ? 4 : 1))));
    }
    return { name, input, scores, labels };
  };
  const nearTies = make("near ties (1e-16 apart)", "probability", 600, (z) => sigmoid(z));
  for (let i = 0; i < 600; i += 3) nearTies.scores[i + 1] = nearTies.scores[i]! + 1e-16;
  return [
    make("probabilities, 2,000 rows", "probability", 2000, (z) => sigmoid(0.9 * z)),
    make("margins, 5,000 rows, rare positives", "margin", 5000, (z) => 2 * z - 1),
    make("margins beyond 30 (scaled while fitting)", "margin", 3000, (z) => 18 * z),
    make("tied scores (0.05 steps)", "probability", 400, (z) => Math.round(sigmoid(z) * 20) / 20),
    nearTies,
    make("60 rows", "margin", 60, (z) => z),
  ];
}

/** The scores themselves, a grid past both ends, and the fitted thresholds. */
function gridOf(scores: readonly number[]): number[] {
  let lo = Infinity, hi = -Infinity;
  for (const s of scores) [lo, hi] = [Math.min(lo, s), Math.max(hi, s)];
  const span = hi - lo;
  const grid = Array.from({ length: 401 }, (_, i) => lo - 0.1 * span + (1.2 * span * i) / 400);
  return [...scores, ...grid];
}

/**
 * scikit-learn on the same scores: `CalibratedClassifierCV(FrozenEstimator(·), method)` over an
 * estimator whose `decision_function` (margins) or `predict_proba` (probabilities) is the score,
 * `IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)` directly, `_sigmoid_calibration`'s
 * (A, B) and, from them, the optimum of its problem (Newton steps in its own scaled units).
 */
const SKLEARN = `
import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV, _sigmoid_calibration
from sklearn.frozen import FrozenEstimator
from sklearn.isotonic import IsotonicRegression
class Margin(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.array([0, 1]); return self
    def decision_function(self, X):
        return np.asarray(X, dtype=float)[:, 0]
    def predict(self, X):
        return (self.decision_function(X) > 0).astype(int)
class Proba(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.array([0, 1]); return self
    def predict_proba(self, X):
        p = np.asarray(X, dtype=float)[:, 0]; return np.column_stack([1 - p, p])
    def predict(self, X):
        return (self.predict_proba(X)[:, 1] > 0.5).astype(int)
out = []
for case in data:
    F = np.array(case["scores"], dtype=float); y = np.array(case["labels"]); g = np.array(case["grid"])
    base = (Margin if case["input"] == "margin" else Proba)().fit(F[:, None], y)
    res = {}
    for m in ["isotonic", "sigmoid"]:
        cal = CalibratedClassifierCV(FrozenEstimator(base), method=m).fit(F[:, None], y)
        res[m] = cal.predict_proba(g[:, None])[:, 1].tolist()
    ir = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(F, y)
    res.update(iso_x=ir.X_thresholds_.tolist(), iso_y=ir.y_thresholds_.tolist(), iso=ir.predict(g).tolist())
    a, b = _sigmoid_calibration(F, y)
    big = np.max(np.abs(F)); scale = big if big >= 30 else 1.0
    Fs = F / scale; n1 = float(np.sum(y > 0)); n0 = len(y) - n1
    T = np.where(y > 0, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))
    def grad_hess(ab):
        p = expit(-(ab[0] * Fs + ab[1])); r = p - T; w = p * (1 - p)
        return np.array([-r @ Fs, -r.sum()]), np.array([[w @ (Fs * Fs), w @ Fs], [w @ Fs, w.sum()]])
    ab = np.array([a * scale, b]); res["sk_gradient"] = np.abs(grad_hess(ab)[0]).max()
    for _ in range(50):
        G, H = grad_hess(ab); step = np.linalg.solve(H, G); ab = ab - step
        if np.abs(step).max() <= 1e-16 * max(1.0, np.abs(ab).max()): break
    res.update(sk_a=a, sk_b=b, opt_a=ab[0] / scale, opt_b=ab[1])
    res["sk_sigmoid"] = expit(-(a * g + b)).tolist()
    res["opt_sigmoid"] = expit(-(ab[0] / scale * g + ab[1])).tolist()
    out.append(res)
`;

interface SklearnCase {
  isotonic: number[];
  sigmoid: number[];
  iso_x: number[];
  iso_y: number[];
  iso: number[];
  sk_gradient: number;
  sk_a: number;
  sk_b: number;
  opt_a: number;
  opt_b: number;
  sk_sigmoid: number[];
  opt_sigmoid: number[];
}

Deno.test("isotonic equals scikit-learn's IsotonicRegression(out_of_bounds='clip', y_min=0, y_max=1) and CalibratedClassifierCV(method='isotonic') within 1e-9", async () => {
  const cases = scoredCases();
  const sk = await runPython<SklearnCase[]>(
    SKLEARN,
    cases.map((c) => ({ ...c, grid: gridOf(c.scores) })),
  );
  cases.forEach((c, k) => {
    const points = fitIsotonic(c.scores, c.labels);
    const s = sk[k]!;
    assert.equal(points.thresholds.length, s.iso_x.length, `${c.name}: thresholds kept`);
    assert.ok(maxAbsDiff(points.thresholds, s.iso_x) === 0, `${c.name}: X_thresholds_`);
    assert.ok(maxAbsDiff(points.values, s.iso_y) <= 1e-12, `${c.name}: y_thresholds_`);
    const ours = isotonicPredict(points, gridOf(c.scores));
    const direct = maxAbsDiff(ours, s.iso), viaCv = maxAbsDiff(ours, s.isotonic);
    console.log(
      `isotonic, ${c.name}: ${points.thresholds.length} thresholds, max |ours − sklearn| = ` +
        `${direct.toExponential(1)} (IsotonicRegression), ${
          viaCv.toExponential(1)
        } (CalibratedClassifierCV)`,
    );
    assert.ok(direct <= 1e-9 && viaCv <= 1e-9, `${c.name}: ${direct}, ${viaCv}`);
  });
});

Deno.test("sigmoid is the optimum of scikit-learn's Platt problem within 1e-9, and as close to CalibratedClassifierCV(method='sigmoid') as that optimum is (its L-BFGS-B stops at a gradient of 1e-6)", async () => {
  const cases = scoredCases();
  const sk = await runPython<SklearnCase[]>(
    SKLEARN,
    cases.map((c) => ({ ...c, grid: gridOf(c.scores) })),
  );
  cases.forEach((c, k) => {
    const s = sk[k]!;
    const ours = sigmoidPredict(fitSigmoid(c.scores, c.labels), gridOf(c.scores));
    const toOptimum = maxAbsDiff(ours, s.opt_sigmoid);
    const toSklearn = maxAbsDiff(ours, s.sigmoid);
    const sklearnOff = maxAbsDiff(s.sk_sigmoid, s.opt_sigmoid);
    console.log(
      `sigmoid, ${c.name}: max |ours − optimum| = ${toOptimum.toExponential(1)}, ` +
        `|ours − sklearn| = ${
          toSklearn.toExponential(1)
        } (sklearn's own distance from the optimum ` +
        `${sklearnOff.toExponential(1)}, its final |gradient| ${s.sk_gradient.toExponential(1)})`,
    );
    assert.ok(toOptimum <= 1e-9, `${c.name}: ${toOptimum}`);
    assert.ok(maxAbsDiff(s.sigmoid, s.sk_sigmoid) <= 1e-15, "CalibratedClassifierCV's (A, B)");
    assert.ok(toSklearn <= sklearnOff + 1e-9, `${c.name}: ${toSklearn} vs ${sklearnOff}`);
    assert.ok(toSklearn <= 1e-7, `${c.name}: ${toSklearn}`);
  });
});

Deno.test("reliability bins, ECE and Brier score equal scikit-learn's calibration_curve(n_bins=10) and brier_score_loss", async () => {
  const rng = new Rng(9);
  const p = Array.from({ length: 3000 }, () => rng.next() ** 3);
  // Edges as numpy's linspace holds them, and values exactly on them.
  p.push(0, 0.1, 0.3, 0.30000000000000004, 0.7000000000000001, 0.9, 1);
  const y = p.map((v) => (rng.next() < v * 0.8 + 0.05 ? 1 : 0));
  const q = calibrationQuality(y, p);
  const sk = await runPython<{ true: number[]; pred: number[]; counts: number[]; brier: number }>(
    `
import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss
y = np.array(data["y"]); p = np.array(data["p"])
t, pr = calibration_curve(y, p, n_bins=10)
ids = np.searchsorted(np.linspace(0, 1, 11)[1:-1], p)
c = np.bincount(ids, minlength=10)
out = {"true": t.tolist(), "pred": pr.tolist(), "counts": c[c > 0].tolist(), "brier": brier_score_loss(y, p)}
`,
    { y, p },
  );
  assert.deepEqual(q.bins.map((b) => b.count), sk.counts);
  assert.ok(maxAbsDiff(q.bins.map((b) => b.observedRate), sk.true) <= 1e-12);
  assert.ok(maxAbsDiff(q.bins.map((b) => b.meanPredicted), sk.pred) <= 1e-12);
  const ece = sk.counts.reduce(
    (a, c, i) => a + (c / p.length) * Math.abs(sk.pred[i]! - sk.true[i]!),
    0,
  );
  assert.ok(Math.abs(q.ece - ece) <= 1e-12, `${q.ece} vs ${ece}`);
  assert.ok(Math.abs(q.brier - sk.brier) <= 1e-12);
  assert.throws(() => calibrationQuality([1], [1.5]), RangeError);
  const figure = reliabilityFigure({ "before calibration": q, "after calibration": q });
  assert.equal(figure.spec.data.length, 3);
  assert.match(await figure.toSvg(), /^<svg/);
});

/** A dataset whose values float32 holds exactly (what ONNX reads), with a categorical column. */
function float32Data(rows: number, seed: number) {
  const d = nonLinear(rows, 8, seed, 0.05);
  const rng = new Rng(seed + 1);
  const codes = Float64Array.from({ length: rows }, () => Math.floor(rng.next() * 5));
  const frame = new Frame(
    [...d.frame.names, "channel"],
    [...d.frame.columns.map((c) => c.map(Math.fround)), codes],
  );
  const labels = d.labels.map((y, i) => (codes[i] === 3 && rng.next() < 0.3 ? 1 : y));
  return { frame, labels, categorical: ["channel"] };
}

const TYPES: Array<[string, () => Estimator]> = [
  ["xgboost", () => new GradientBoosting({ num_boost_round: 60, max_depth: 5, nthread: 2 })],
  [
    "lightgbm",
    () => new GradientBoosting({ num_boost_round: 30, nthread: 2 }, { type: "lightgbm" }),
  ],
  [
    "random_forest",
    () => new GradientBoosting({ num_parallel_tree: 30, nthread: 2 }, { type: "random_forest" }),
  ],
  ["logistic_regression", () => new LogisticRegression()],
];

/**
 * A model of `make` and a function that calibrates it by a method on 3-fold out-of-fold scores,
 * as `train` does it (each call replaces the calibrator).
 */
async function calibratable(make: () => Estimator, data: ReturnType<typeof float32Data>) {
  const estimator = make();
  const cv = await crossValidate(estimator, {
    ...data,
    folds: stratifiedKFold(data.labels, 3, 5),
  });
  const model = await estimator.fit(data.frame, data.labels, { categorical: data.categorical });
  return async (method: CalibrationMethod): Promise<Classifier> => {
    await calibrateModel(model, { method, estimator, train: data, cv, test: data, seed: 5 });
    return model;
  };
}

/** A model of `make` calibrated by `method`. */
async function calibrated(
  make: () => Estimator,
  data: ReturnType<typeof float32Data>,
  method: CalibrationMethod,
): Promise<Classifier> {
  return await (await calibratable(make, data))(method);
}

Deno.test("a calibrated model keeps its calibrator through its JSON (learner attribute or state) and every-core scoring; a bad one is refused", async () => {
  const data = float32Data(6000, 11);
  const dir = await Deno.makeTempDir();
  for (const [type, make] of [TYPES[0]!, TYPES[3]!]) {
    const calibrate = await calibratable(make, data);
    for (const method of ["isotonic", "sigmoid"] as const) {
      const model = await calibrate(method);
      const p = model.predictProba(data.frame);
      const raw = model.calibrationScores(data.frame);
      assert.deepEqual(p, applyCalibrator(model.calibration!, raw));
      const plain = type === "logistic_regression" ? raw.map(sigmoid) : raw;
      assert.ok(maxAbsDiff(p, plain) > 1e-3, `${type} ${method}: calibration changes scores`);
      const path = join(dir, `${type}_${method}.json`);
      await Deno.writeTextFile(path, model.serialize());
      const json = JSON.parse(await Deno.readTextFile(path));
      const saved = model instanceof GbtModel
        ? JSON.parse(json.learner.attributes.calibration)
        : json.calibration;
      assert.equal(saved.method, method);
      assert.equal(saved.input, type === "logistic_regression" ? "margin" : "probability");
      const back = await loadModel(path);
      assert.deepEqual(back.calibration, model.calibration);
      assert.deepEqual(back.predictProba(data.frame), p, `${type} ${method}: loaded`);
      if (back instanceof GbtModel) {
        const pool = await ParallelScorer.start(back, 2);
        assert.deepEqual(await pool.predictProba(data.frame), p, "every core");
        pool.close();
      }
    }
  }
  const tree = await calibrated(TYPES[0]![1], data, "isotonic") as GbtModel;
  const json = tree.toJSON() as { learner: { attributes: Record<string, string> } };
  json.learner.attributes.calibration = JSON.stringify({ method: "isotonic", input: "margin" });
  assert.throws(() => GbtModel.fromJSON(json), ModelFormatError);
  const lr = await calibrated(TYPES[3]![1], data, "sigmoid") as LogisticRegressionModel;
  const bad = { ...lr.toJSON(), calibration: { method: "sigmoid", input: "margin", a: "x" } };
  assert.throws(() => LogisticRegressionModel.load(bad), ModelFormatError);
  await Deno.remove(dir, { recursive: true });
});

const ORT_PYTHON = `
import onnx, onnxruntime as ort, numpy as np
X = np.array(data["x"], dtype=np.float32)
out = []
for path in data["models"]:
    onnx.checker.check_model(onnx.load(path), full_check=True)
    s = ort.InferenceSession(path)
    out.append(s.run(None, {"float_input": X})[1][:, 1].astype(float).tolist())
`;

Deno.test("ONNX of a calibrated model: onnxruntime (Node and Python) equals ours within 1e-6, every model type, isotonic and sigmoid", async () => {
  const data = float32Data(20_000, 21);
  const dir = await Deno.makeTempDir();
  const paths: string[] = [], ours: Float64Array[] = [], node: Float64Array[] = [];
  for (const [type, make] of TYPES) {
    const calibrate = await calibratable(make, data);
    for (const method of ["isotonic", "sigmoid"] as const) {
      const model = await calibrate(method);
      const bytes = exportOnnx(model, { threshold: 0.3 });
      const scorer = await OnnxScorer.load(bytes);
      assert.equal(scorer.metadata.calibration, method);
      node.push(await scorer.predictProba(data.frame));
      await scorer.release();
      ours.push(model.predictProba(data.frame));
      const diff = maxAbsDiff(node.at(-1)!, ours.at(-1)!);
      console.log(`${type} ${method}: max |onnxruntime-node − ours| = ${diff.toExponential(2)}`);
      assert.ok(diff <= 1e-6, `${type} ${method}: ${diff}`);
      paths.push(join(dir, `${type}_${method}.onnx`));
      await Deno.writeFile(paths.at(-1)!, bytes);
    }
  }
  const rows = Array.from({ length: 2000 }, (_, i) => i * 10);
  const x = rows.map((i) => data.frame.names.map((n) => data.frame.column(n)[i]!));
  const py = await runPython<number[][]>(ORT_PYTHON, { x, models: paths });
  py.forEach((p, k) => {
    const diff = maxAbsDiff(p, rows.map((i) => ours[k]![i]!));
    assert.ok(diff <= 1e-6, `${paths[k]}: Python onnxruntime vs ours ${diff}`);
  });
  await Deno.remove(dir, { recursive: true });
});

const PYFUNC = `
import json, mlflow, numpy as np, pandas as pd, xgboost as xgb
out = {}
for name, d in data["dirs"].items():
    frame = pd.DataFrame(data["rows"]).astype("float64")  # the signature: every column double
    res = {"pyfunc": mlflow.pyfunc.load_model(d).predict(frame)["probability"].astype(float).tolist()}
    if "xgboost" in mlflow.models.Model.load(d).flavors:
        booster = mlflow.xgboost.load_model(d)
        res["xgboost"] = booster.predict(xgb.DMatrix(frame)).astype(float).tolist()
        res["attribute"] = json.loads(booster.attr("calibration"))["method"]
    out[name] = res
`;

Deno.test("MLflow's pyfunc returns calibrated probabilities; the xgboost flavor returns the uncalibrated ones and keeps the calibrator as an attribute", async () => {
  const data = float32Data(4000, 31);
  const dir = await Deno.makeTempDir();
  const models: Record<string, Classifier> = {
    tree_isotonic: await calibrated(TYPES[0]![1], data, "isotonic"),
    logistic_sigmoid: await calibrated(TYPES[3]![1], data, "sigmoid"),
  };
  const dirs: Record<string, string> = {};
  for (const [name, model] of Object.entries(models)) {
    dirs[name] = join(dir, name);
    await Deno.mkdir(dirs[name]!);
    const files = mlflowModelFiles(model, {
      runId: "0".repeat(32),
      threshold: model.decisionThreshold,
      trainingRows: data.frame,
    });
    for (const [file, content] of Object.entries(files)) {
      const path = join(dirs[name]!, file);
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else await Deno.writeFile(path, content);
    }
  }
  const rows = Int32Array.from({ length: 300 }, (_, i) => i * 13);
  const part = data.frame.take(rows);
  const columns = Object.fromEntries(part.names.map((n) => [n, Array.from(part.column(n))]));
  const got = await runPython<
    Record<string, { pyfunc: number[]; xgboost?: number[]; attribute?: string }>
  >(PYFUNC, { dirs, rows: columns });
  for (const [name, model] of Object.entries(models)) {
    const diff = maxAbsDiff(got[name]!.pyfunc, model.predictProba(part));
    console.log(`${name}: max |pyfunc − ours| = ${diff.toExponential(2)}`);
    assert.ok(diff <= 1e-6, `${name}: ${diff}`);
  }
  const tree = got.tree_isotonic!;
  assert.equal(tree.attribute, "isotonic");
  const raw = models.tree_isotonic!.calibrationScores(part);
  assert.ok(maxAbsDiff(tree.xgboost!, raw) <= 1e-6, "xgboost: uncalibrated");
  assert.equal(got.logistic_sigmoid!.xgboost, undefined);
  await Deno.remove(dir, { recursive: true });
});

function trainConfig(dir: string, extra: Record<string, unknown>) {
  return resolveConfig([
    fileLayer({
      data: { maxSamples: 3000, cvFolds: 3 },
      mlflow: { trackingUri: join(dir, "mlruns") },
      ...extra,
    }, "test"),
  ]);
}

Deno.test("train calibrates on out-of-fold scores, chooses its threshold on calibrated ones and records ECE and Brier before and after", async () => {
  const dir = await Deno.makeTempDir();
  const result = await train(trainConfig(dir, { model: { calibration: "isotonic" } }));
  const c = result.calibration!;
  assert.equal(c.fittedOn, "out-of-fold");
  assert.equal(c.rows, result.rows.train);
  const calibrator = result.model.calibration!;
  assert.equal(calibrator.method, "isotonic");
  // Calibrated out-of-fold scores are the isotonic fit's block values: the threshold is one.
  assert.ok(
    calibrator.method === "isotonic" && calibrator.values.includes(result.chosenThreshold),
    `${result.chosenThreshold}`,
  );
  const test = result.data.features.frame.take(result.testIndices);
  assert.deepEqual(result.testProbabilities, result.model.predictProba(test));
  assert.equal(c.after.brier, result.test.brier);
  const metrics = JSON.parse(await Deno.readTextFile(join(result.artifactUri, "metrics.json")));
  assert.equal(metrics.calibration.after.ece, c.after.ece);
  assert.ok(metrics.calibration.before.bins.length > 0);
  const runDir = join(result.artifactUri, "..");
  for (const m of ["test_ece_before_calibration", "test_brier_after_calibration"]) {
    assert.ok((await Deno.stat(join(runDir, "metrics", m))).isFile, m);
  }
  const saved = await loadModel(join(result.artifactUri, "model/model.json"));
  assert.deepEqual(saved.predictProba(test), result.testProbabilities);
  const json = trainingSummaryJson(result).calibration as Record<string, Record<string, unknown>>;
  assert.equal(json.after!.ece, c.after.ece);
  assert.equal(json.fitted_on, "out-of-fold");
  assert.match(
    formatTrainingSummary(result),
    /^Calibrated \(isotonic\) on \d+ out-of-fold scores:$/m,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("with the time split, train calibrates on the latest 20% of the training part; without folds or a time split it is a ConfigError", async () => {
  const dir = await Deno.makeTempDir();
  const result = await train(trainConfig(dir, {
    data: { maxSamples: 3000, cvFolds: 0, split: "time" },
    model: { type: "logistic_regression", calibration: "sigmoid" },
  }));
  assert.equal(result.calibration!.fittedOn, "latest-slice");
  assert.equal(result.calibration!.rows, Math.round(0.2 * result.rows.train));
  assert.equal(result.calibration!.input, "margin");
  await assert.rejects(
    () => train(trainConfig(dir, { data: { cvFolds: 0 }, model: { calibration: "isotonic" } })),
    (e: unknown) =>
      e instanceof ConfigError && /^model\.calibration: .*data\.cvFolds/.test(e.problems[0]!),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task train --calibrate isotonic prints ECE and Brier score before and after", async () => {
  const cwd = await Deno.makeTempDir();
  const r = await runTask(
    "train",
    ["--calibrate", "isotonic", "--max-samples", "3000", "--cv-folds", "3"],
    { cwd, clearEnv: true },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Calibrated \(isotonic\) on 2400 out-of-fold scores:$/m);
  assert.match(r.stdout, /^ECE \(10 equal-width bins\)\s+0\.\d{4}\s+0\.\d{4}$/m);
  assert.match(r.stdout, /^Brier score\s+0\.\d{4}\s+0\.\d{4}$/m);
  assert.match(r.stdout, /^\[0\.0, 0\.1\]\s+\d+\s+0\.\d{4}\s+0\.\d{4}\s+\d+/m);
  assert.match(r.stdout, /best F1 on calibrated out-of-fold predictions/);
  await Deno.remove(cwd, { recursive: true });
});
