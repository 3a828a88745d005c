import assert from "node:assert/strict";
import { Frame } from "../lib/data/frame.ts";
import { LogisticRegression } from "../lib/models/logistic_regression.ts";
import { exportOnnx } from "../lib/onnx/export_model.ts";
import { OnnxScorer } from "../lib/onnx/onnx_scorer.ts";
import { Rng } from "../lib/util/rng.ts";
import { assertClose } from "./helpers/assert_close.ts";
import { runPython } from "./helpers/python.ts";

/** Two numeric features, a categorical one with codes 2, 5, 7, 9 (2 the reference) and a boolean. */
function dataset(n: number, seed: number) {
  const rng = new Rng(seed);
  const names = ["amount", "visits", "device", "returning"];
  const cols = names.map(() => new Float64Array(n));
  const y = new Uint8Array(n);
  const codes = [2, 5, 7, 9], effect = [0, 0.8, -0.6, 1.3];
  for (let i = 0; i < n; i++) {
    const c = rng.int(4);
    cols[0]![i] = 50 + 20 * rng.normal();
    cols[1]![i] = rng.poisson(3);
    cols[2]![i] = codes[c]!;
    cols[3]![i] = rng.next() < 0.4 ? 1 : 0;
    const z = -2 + 0.03 * cols[0]![i]! - 0.2 * cols[1]![i]! + effect[c]! + 0.7 * cols[3]![i]!;
    y[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { frame: new Frame(names, cols), y };
}

const REFERENCE = `
import numpy as np, pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
df = pd.DataFrame(data["X"], columns=data["names"])
df["device"] = pd.Categorical(df["device"].astype(int), categories=sorted(df["device"].astype(int).unique()))
X = pd.get_dummies(df, columns=["device"], drop_first=True, dtype=float, prefix_sep="=")
X = X[data["terms"]]
y = np.array(data["y"])
Z = StandardScaler().fit_transform(X.values)
sk = LogisticRegression(C=data["C"], tol=1e-12, max_iter=100000).fit(Z, y)
logit = sm.Logit(y, sm.add_constant(X.values, prepend=False)).fit(method="newton", tol=1e-12, maxiter=100, disp=0)
out = dict(sk_coef=sk.coef_[0].tolist(), sk_intercept=float(sk.intercept_[0]),
           sm_params=logit.params.tolist(), sm_bse=logit.bse.tolist(),
           sm_ci=logit.conf_int(0.05).tolist(), sm_p=logit.pvalues.tolist())
`;

interface Reference {
  sk_coef: number[];
  sk_intercept: number;
  sm_params: number[];
  sm_bse: number[];
  sm_ci: number[][];
  sm_p: number[];
}

Deno.test("with one-hot categories inside, coefficients equal scikit-learn's (L2, standardized) and unpenalized standard errors equal statsmodels' Logit", async () => {
  const { frame, y } = dataset(4000, 11);
  const C = 0.05;
  const penalized = new LogisticRegression({ C }).fitSync(frame, y, { categorical: ["device"] });
  const mle = new LogisticRegression({ penalty: "none" }).fitSync(frame, y, {
    categorical: ["device"],
  });
  assert.deepEqual(penalized.terms, [
    "amount",
    "visits",
    "device=5",
    "device=7",
    "device=9",
    "returning",
  ]);
  const X = Array.from({ length: frame.rows }, (_, i) => frame.columns.map((c) => c[i]!));
  const ref = await runPython<Reference>(REFERENCE, {
    X,
    y: Array.from(y),
    names: frame.names,
    terms: penalized.terms,
    C,
  });
  // scikit-learn: same L2 objective on the same standardized design, within 1e-6.
  penalized.state.coef.forEach((w, k) => assertClose(w, ref.sk_coef[k]!, 1e-6, 1e-8, `coef ${k}`));
  assertClose(penalized.state.intercept, ref.sk_intercept, 1e-6, 1e-8, "intercept");
  // statsmodels: the maximum-likelihood fit on the original scale, its standard errors and intervals.
  const rows = mle.coefficients();
  assert.deepEqual(rows.map((r) => r.term), [...mle.terms, "intercept"]);
  rows.forEach((r, k) => {
    assertClose(r.coef, ref.sm_params[k]!, 1e-6, 1e-8, `${r.term} coef`);
    assertClose(r.stdErr, ref.sm_bse[k]!, 1e-6, 1e-8, `${r.term} std err`);
    assertClose(r.ciLow, ref.sm_ci[k]![0]!, 1e-6, 1e-8, `${r.term} ci low`);
    assertClose(r.ciHigh, ref.sm_ci[k]![1]!, 1e-6, 1e-8, `${r.term} ci high`);
    assertClose(r.pValue, ref.sm_p[k]!, 1e-6, 1e-12, `${r.term} p`);
    assertClose(r.oddsRatio, Math.exp(ref.sm_params[k]!), 1e-6, 1e-8, `${r.term} odds ratio`);
  });
  // The penalty shrinks the estimates and the (posterior) standard errors.
  const shrunk = penalized.coefficients();
  for (const k of [0, 1, 5]) {
    assert.ok(Math.abs(shrunk[k]!.coef) < Math.abs(rows[k]!.coef), `${rows[k]!.term} shrunk`);
    assert.ok(shrunk[k]!.stdErr < rows[k]!.stdErr, `${rows[k]!.term} std err smaller`);
  }
});

Deno.test("ONNX takes the raw categorical codes: probabilities equal predictProba within 1e-5, unseen and missing codes included", async () => {
  const { frame, y } = dataset(2000, 3);
  const model = new LogisticRegression({ C: 1 }).fitSync(frame, y, { categorical: ["device"] });
  const test = dataset(500, 4).frame.clone();
  const device = test.column("device"), amount = test.column("amount");
  for (let i = 0; i < 500; i += 7) device[i] = 4; // a code never seen in training → the reference
  for (let i = 3; i < 500; i += 11) device[i] = NaN; // missing → the training mode
  for (let i = 5; i < 500; i += 13) amount[i] = NaN; // missing → the training median
  const scorer = await OnnxScorer.load(exportOnnx(model));
  try {
    const got = await scorer.predictProba(test);
    const want = model.predictProba(test);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    assert.ok(worst <= 1e-5, `largest |onnx − ours| = ${worst}`);
    // The encoding does work: the same rows on device 9 instead of the reference 2 score higher,
    // by the fitted odds ratio, in ONNX as in ours.
    const as = (code: number) => {
      const f = test.clone();
      f.column("device").fill(code);
      return f;
    };
    const [p2, p9] = [await scorer.predictProba(as(2)), await scorer.predictProba(as(9))];
    const odds = (p: number) => p / (1 - p);
    const ratio = model.coefficients().find((r) => r.term === "device=9")!.oddsRatio;
    assert.ok(ratio > 1.5, `device 9 odds ratio ${ratio}`);
    assertClose(odds(p9[0]!) / odds(p2[0]!), ratio, 1e-4, 0, "odds ratio through ONNX");
  } finally {
    await scorer.release();
  }
});
