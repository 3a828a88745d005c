/**
 * Native categorical splits as XGBoost defines them (`split_type` 1: the listed categories go
 * right; negative, unseen or too large ones left; missing by the default direction; a value
 * truncated to its integer): a categorical model trained in Python xgboost predicts identically
 * here, its TreeSHAP equals `pred_contribs`, our JSON of it predicts identically back in xgboost,
 * and ONNX (a balanced threshold search over floored codes) agrees with onnxruntime; trained here
 * (`enable_categorical`), one-hot and partition splits score as xgboost's do on the same data.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Frame } from "../lib/data/frame.ts";
import { ConfigError, DataError } from "../lib/errors.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { GbtModel } from "../lib/models/gbt/gbt_model.ts";
import { exportOnnx } from "../lib/onnx/export_model.ts";
import { OnnxScorer } from "../lib/onnx/onnx_scorer.ts";
import { maxAbsDiff, readFloat64 } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";
import { assertLikeXgboost, readSets, trainInXgboost } from "./helpers/categorical_xgb.ts";

const NAMES = ["merchant", "amount", "channel"];

/** xgboost trains on a pandas frame with two categorical columns; rows and references come back. */
const XGB_CATEGORICAL = `
import numpy as np, pandas as pd, xgboost as xgb
rng = np.random.default_rng(1)
n = 3000
cat = rng.integers(0, 12, n); num = rng.normal(size=n); cat2 = rng.integers(0, 3, n)
z = np.where(np.isin(cat, [1, 4, 7, 9]), 1.5, -0.5) + num + np.where(cat2 == 1, 0.8, 0)
y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
df = pd.DataFrame({"merchant": pd.Categorical(cat, categories=list(range(12))), "amount": num,
                   "channel": pd.Categorical(cat2, categories=[0, 1, 2])})
df.loc[::17, "merchant"] = np.nan
b = xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_depth": 4,
               **data["params"]}, xgb.DMatrix(df, label=y, enable_categorical=True), 20)
b.save_model(data["dir"] + "/theirs.json")
X = np.column_stack([df["merchant"].cat.codes.replace(-1, np.nan).astype(float), df["amount"],
                     df["channel"].cat.codes.astype(float)])
X[5, 0] = -1; X[6, 0] = 2.7; X[7, 0] = 40; X[8, 2] = 1e9   # negative, fractional, unseen, huge
X.astype("<f8").tofile(data["dir"] + "/x")
dm = lambda: xgb.DMatrix(X, feature_names=["merchant", "amount", "channel"],
                         feature_types=["c", "q", "c"], enable_categorical=True)
b.predict(dm()).astype("<f8").tofile(data["dir"] + "/p")
b.predict(dm(), pred_contribs=True).astype("<f8").tofile(data["dir"] + "/contribs")
out = len(X)
`;

const BACK = `
import numpy as np, xgboost as xgb
X = np.fromfile(data["dir"] + "/x", dtype="<f8").reshape(-1, 3)
b = xgb.Booster(); b.load_model(data["dir"] + "/ours.json")
dm = xgb.DMatrix(X, feature_names=["merchant", "amount", "channel"], feature_types=["c", "q", "c"],
                 enable_categorical=True)
b.predict(dm).astype("<f8").tofile(data["dir"] + "/back")
out = None
`;

for (
  const [what, params] of [["partition splits", {}], ["one-hot splits", {
    max_cat_to_onehot: 16,
  }]] as const
) {
  Deno.test(`a categorical xgboost model (${what}) predicts identically here, SHAP = pred_contribs, our JSON back in xgboost, ONNX`, async () => {
    const dir = await Deno.makeTempDir();
    const n = await runPython<number>(XGB_CATEGORICAL, { dir, params });
    const x = await readFloat64(join(dir, "x"));
    const frame = new Frame(
      NAMES,
      NAMES.map((_, j) => Float64Array.from({ length: n }, (_, i) => x[3 * i + j]!)),
    );
    const model = GbtModel.fromJSON(JSON.parse(await Deno.readTextFile(join(dir, "theirs.json"))));
    assert.ok(
      model.state.trees.some((t) => t.categories?.size),
      "the model has categorical splits",
    );
    const p = model.predictProba(frame);
    assert.ok(maxAbsDiff(p, await readFloat64(join(dir, "p"))) <= 1e-6, "predictions");
    assert.ok(
      maxAbsDiff(model.contributions(frame), await readFloat64(join(dir, "contribs"))) <= 1e-5,
      "SHAP",
    );
    await Deno.writeTextFile(join(dir, "ours.json"), model.serialize());
    await runPython(BACK, { dir });
    assert.ok(maxAbsDiff(p, await readFloat64(join(dir, "back"))) <= 1e-6, "our JSON in xgboost");
    const scorer = await OnnxScorer.load(exportOnnx(model));
    assert.ok(maxAbsDiff(await scorer.predictProba(frame), p) <= 1e-5, "onnxruntime");
    await scorer.release();
    await Deno.remove(dir, { recursive: true });
  });
}

/** Training data: a 40-category merchant with its own effects, an amount, a 3-category channel. */
const MAKE_CATEGORICAL = `
import numpy as np, xgboost as xgb
def make(n, seed):
    rng = np.random.default_rng(seed)
    cat = rng.integers(0, 40, n); num = rng.normal(size=n); cat2 = rng.integers(0, 3, n)
    cat[cat == 5] = 6  # code 5 never occurs: bins must be the codes themselves
    eff = np.random.default_rng(0).normal(size=40)
    z = eff[cat] + num + np.where(cat2 == 1, 0.8, 0)
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    X = np.column_stack([cat.astype(float), num, cat2.astype(float)]); X[::17, 0] = np.nan
    return X, y
`;

Deno.test("categorical splits trained here: as good as xgboost's on the same data, our JSON scores identically in xgboost (TreeSHAP too), ONNX agrees, two threads the same model", async () => {
  const dir = await Deno.makeTempDir();
  await runPython(MAKE_CATEGORICAL + trainInXgboost(NAMES), { dir });
  const { x, xt, y, yt } = await readSets(dir, NAMES);
  const params = {
    max_depth: 5,
    eta: 0.3,
    num_boost_round: 30,
    enable_categorical: true,
    nthread: 1,
  };
  const options = { categorical: ["merchant", "channel"] };
  const model = await new GradientBoosting(params).fit(x, y, options);
  const splits = model.state.trees.flatMap((t) => [...(t.categories?.values() ?? [])]);
  assert.ok(splits.some((s) => s.length > 1), "partition splits (merchant)");
  assert.ok(splits.some((s) => s.length === 1), "one-hot splits (channel, 3 categories)");
  await assertLikeXgboost(model, { dir, names: NAMES, xt, yt });
  // Copies of the rows: enough cells (1.5M) that two threads are used (smaller fits run on one).
  const copies = Int32Array.from({ length: 500_000 }, (_, i) => i % x.rows);
  const [bx, by] = [x.take(copies), Uint8Array.from(copies, (i) => y[i]!)];
  const one = await new GradientBoosting(params).fit(bx, by, options);
  const two = await new GradientBoosting({ ...params, nthread: 2 }).fit(bx, by, options);
  assert.equal(two.serialize(), one.serialize(), "the same model on two threads");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("categorical features refuse codes they cannot bin and monotone constraints, one line each", async () => {
  const x = new Frame(["c", "v"], [
    Float64Array.of(0, 1, 2, 70000, 1, 0),
    Float64Array.of(1, 2, 3, 4, 5, 6),
  ]);
  const y = Uint8Array.of(0, 1, 0, 1, 1, 0);
  const fit = (p: Record<string, unknown>) =>
    new GradientBoosting({ enable_categorical: true, num_boost_round: 2, ...p }).fit(x, y, {
      categorical: ["c"],
    });
  await assert.rejects(
    fit({}),
    (e) =>
      e instanceof DataError &&
      /categorical feature "c": value 70000 at row 3 is not a category code in \[0, 65534\]/.test(
        e.message,
      ),
  );
  await assert.rejects(
    fit({ monotone_constraints: "(0,1)" }),
    (e) => e instanceof ConfigError && /not with categorical features/.test(e.message),
  );
});
