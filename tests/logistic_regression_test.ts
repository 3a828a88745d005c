import assert from "node:assert/strict";
import { Frame } from "../lib/data/frame.ts";
import { ConfigError, ModelFormatError } from "../lib/errors.ts";
import { createEstimator, loadModel } from "../lib/models/factory.ts";
import { LogisticRegression, LogisticRegressionModel } from "../lib/models/logistic_regression.ts";
import { Rng } from "../lib/util/rng.ts";
import { assertClose } from "./helpers/assert_close.ts";
import { runPython } from "./helpers/python.ts";

function dataset(n: number, seed: number) {
  const rng = new Rng(seed);
  const names = ["a", "b", "c", "const"];
  const cols = names.map(() => new Float64Array(n));
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal() * 3 + 1, b = rng.exponential(2), c = rng.next() < 0.3 ? 1 : 0;
    cols[0]![i] = a;
    cols[1]![i] = b;
    cols[2]![i] = c;
    cols[3]![i] = 7;
    const z = 0.8 * a - 1.2 * b + 2 * c - 1;
    y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { frame: new Frame(names, cols), y };
}

const SKLEARN = `
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
X = np.array(data["X"]); y = np.array(data["y"])
Z = StandardScaler().fit_transform(X)
out = {}
for C in data["Cs"]:
    m = LogisticRegression(C=C, tol=1e-12, max_iter=100000, class_weight=data["cw"]).fit(
        Z, y, sample_weight=None if data["sw"] is None else np.array(data["sw"]))
    out[str(C)] = dict(coef=m.coef_[0].tolist(), intercept=float(m.intercept_[0]),
                       proba=m.predict_proba(Z)[:, 1].tolist())
`;

const CASES = [["none", false], ["balanced", false], ["balanced", true]] as const;
for (const [classWeight, weighted] of CASES) {
  Deno.test(`logistic regression equals scikit-learn's on standardized inputs (class weight ${classWeight}${weighted ? ", sample weights" : ""})`, async () => {
    const { frame, y } = dataset(3000, 9);
    const weights = weighted ? Float64Array.from(y, (_, i) => 0.5 + (i % 4)) : undefined;
    const Cs = [0.01, 1, 100];
    const X = Array.from({ length: frame.rows }, (_, i) => frame.columns.map((c) => c[i]!));
    const ref = await runPython<
      Record<string, { coef: number[]; intercept: number; proba: number[] }>
    >(
      SKLEARN,
      {
        X,
        y: Array.from(y),
        Cs,
        cw: classWeight === "none" ? null : "balanced",
        sw: weights ? Array.from(weights) : null,
      },
    );
    for (const C of Cs) {
      const model = new LogisticRegression({ C, classWeight }).fitSync(frame, y, { weights });
      const r = ref[String(C)]!;
      assert.ok(model.state.converged, `converged at C=${C}`);
      model.state.coef.forEach((w, j) =>
        assertClose(w, r.coef[j]!, 1e-6, 1e-8, `C=${C} coef[${j}]`)
      );
      assertClose(model.state.intercept, r.intercept, 1e-6, 1e-8, `C=${C} intercept`);
      const p = model.predictProba(frame);
      let maxDiff = 0;
      p.forEach((v, i) => maxDiff = Math.max(maxDiff, Math.abs(v - r.proba[i]!)));
      // Weights up to 3.5 scale sklearn's objective, and its lbfgs stops a little earlier there.
      const tol = weighted ? 1e-7 : 1e-8;
      assert.ok(maxDiff < tol, `C=${C}: max |p − sklearn| = ${maxDiff}`);
    }
  });
}

Deno.test("missing inputs take the training median, at fit and at predict", () => {
  const frame = new Frame(["x"], [Float64Array.of(0, 1, 2, 3, NaN, 10, 11, 12)]);
  const y = Uint8Array.of(0, 0, 0, 0, 1, 1, 1, 1);
  const model = new LogisticRegression().fitSync(frame, y);
  assert.deepEqual(model.state.fill, [3]);
  const p = model.predictProba(new Frame(["x"], [Float64Array.of(NaN, 3)]));
  assert.equal(p[0], p[1]);
});

Deno.test("bad parameters give one line each with the allowed range and the value found", () => {
  assert.throws(() => new LogisticRegression({ C: 0, maxIter: 0.5, solver: "x" }), (e) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual([...e.problems].sort(), [
      "model.params.C: must be > 0, got 0",
      "model.params.maxIter: must be an integer, got 0.5",
      "model.params.solver: unknown setting for logistic_regression",
    ]);
    return true;
  });
});

Deno.test("toJSON → loadModel round-trips and predicts identically; the format tag is checked", () => {
  const { frame, y } = dataset(500, 3);
  const model = new LogisticRegression({ C: 0.5 }).fitSync(frame, y);
  const json = JSON.parse(JSON.stringify(model.toJSON()));
  const loaded = loadModel(json);
  assert.ok(loaded instanceof LogisticRegressionModel);
  assert.deepEqual(loaded.predictProba(frame), model.predictProba(frame));
  assert.throws(() => loadModel({ ...json, format: "other@1" }), ModelFormatError);
  assert.throws(() => loadModel({ ...json, coef: [1] }), ModelFormatError);
  assert.throws(() => loadModel([]), ModelFormatError);
});

Deno.test("the factory makes every model type and refuses unknown ones by name", () => {
  for (const type of ["xgboost", "lightgbm", "random_forest", "logistic_regression"]) {
    assert.equal(createEstimator({ type }).type, type);
  }
  assert.throws(() => createEstimator({ type: "svm" }), (e) => {
    assert.ok(e instanceof ConfigError);
    assert.match(
      e.problems[0]!,
      /^model.type: must be one of xgboost, lightgbm, random_forest, logistic_regression, got "svm"/,
    );
    return true;
  });
  assert.equal(createEstimator({ type: "logistic_regression", params: { C: 2 } }).params.C, 2);
});
