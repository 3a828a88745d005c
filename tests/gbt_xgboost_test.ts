import { TREE_MODEL_TYPES } from "../lib/models/gbt/params.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { GbtModel } from "../lib/models/gbt/gbt_model.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { loadModel } from "../lib/models/factory.ts";
import { maxAbsDiff, nonLinear, PY_LOAD, readFloat64, writeDataset } from "./helpers/datasets.ts";
import { assertClose } from "./helpers/assert_close.ts";
import { runPython } from "./helpers/python.ts";

const F = 8;
const TOL = 1e-5;

const PREDICT_WITH_XGBOOST = PY_LOAD + `
import xgboost as xgb
X, y = load(data["base"], data["features"])
b = xgb.Booster()
b.load_model(data["model"])
names = [f"f{i}" for i in range(data["features"])]
b.predict(xgb.DMatrix(X, feature_names=names)).astype("<f8").tofile(data["out"])
out = {t: b.get_score(importance_type=t) for t in ["weight", "gain", "cover", "total_gain", "total_cover"]}
out["base_score"] = float(b.attr("best_iteration") or -1)
`;

for (const type of TREE_MODEL_TYPES) {
  Deno.test(`a ${type} model we train loads in xgboost and predicts the same within 1e-5, missing values included`, async () => {
    const dir = await Deno.makeTempDir();
    const d = nonLinear(4000, F, 11, 0.1);
    const params = type === "random_forest" ? { num_parallel_tree: 20 } : { num_boost_round: 30 };
    const model = await new GradientBoosting({ ...params, seed: 3, nthread: 1 }, { type }).fit(
      d.frame,
      d.labels,
    );
    const modelPath = join(dir, "model.json");
    await Deno.writeTextFile(modelPath, model.serialize());
    const base = await writeDataset(dir, "data", d);
    const scores = await runPython<Record<string, Record<string, number>>>(PREDICT_WITH_XGBOOST, {
      base,
      features: F,
      model: modelPath,
      out: join(dir, "pred"),
    });
    const ours = model.predictProba(d.frame);
    const theirs = await readFloat64(join(dir, "pred"));
    const diff = maxAbsDiff(ours, theirs);
    assert.ok(diff < TOL, `max |ours − xgboost| = ${diff}`);
    for (const t of ["weight", "gain", "cover", "total_gain", "total_cover"] as const) {
      const mine = model.getScore(t);
      assert.deepEqual(Object.keys(mine).sort(), Object.keys(scores[t]!).sort(), t);
      for (const [k, v] of Object.entries(scores[t]!)) {
        assertClose(mine[k]!, v, 1e-5, 1e-6, `${t}.${k}`);
      }
    }
    await Deno.remove(dir, { recursive: true });
  });
}

const TRAIN_WITH_XGBOOST = PY_LOAD + `
import xgboost as xgb
X, y = load(data["base"], data["features"])
names = [f"f{i}" for i in range(data["features"])]
d = xgb.DMatrix(X, label=y, feature_names=names)
b = xgb.train(data["params"], d, data["rounds"])
b.save_model(data["model"])
b.predict(d).astype("<f8").tofile(data["out"])
out = b.get_score(importance_type="gain")
`;

const XGB_CASES: Record<string, Record<string, unknown>> = {
  depthwise: { objective: "binary:logistic", max_depth: 4, eta: 0.3, tree_method: "hist" },
  lossguide: {
    objective: "binary:logistic",
    grow_policy: "lossguide",
    max_leaves: 12,
    max_depth: 0,
    tree_method: "hist",
  },
  forest: {
    objective: "binary:logistic",
    num_parallel_tree: 8,
    subsample: 0.8,
    colsample_bynode: 0.8,
    eta: 1,
  },
  dart: { objective: "binary:logistic", booster: "dart", rate_drop: 0.2, max_depth: 3, seed: 1 },
  regression: { objective: "reg:squarederror", max_depth: 3 },
  exact: { objective: "binary:logistic", tree_method: "exact", max_depth: 5, scale_pos_weight: 3 },
};

for (const [name, params] of Object.entries(XGB_CASES)) {
  Deno.test(`a model Python's xgboost trains (${name}) loads in ours and predicts the same within 1e-5`, async () => {
    const dir = await Deno.makeTempDir();
    const d = nonLinear(3000, F, 21, 0.1);
    const base = await writeDataset(dir, "data", d);
    const modelPath = join(dir, "model.json");
    const gain = await runPython<Record<string, number>>(TRAIN_WITH_XGBOOST, {
      base,
      features: F,
      model: modelPath,
      out: join(dir, "pred"),
      params,
      rounds: name === "forest" ? 2 : 15,
    });
    const model = loadModel(JSON.parse(await Deno.readTextFile(modelPath)));
    assert.ok(model instanceof GbtModel);
    const diff = maxAbsDiff(model.predictProba(d.frame), await readFloat64(join(dir, "pred")));
    assert.ok(diff < TOL, `max |ours − xgboost| = ${diff}`);
    for (const [k, v] of Object.entries(gain)) {
      assertClose(model.getScore("gain")[k]!, v, 1e-5, 1e-6, k);
    }
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("the base score we estimate equals xgboost's (the label mean)", async () => {
  const dir = await Deno.makeTempDir();
  const d = nonLinear(2000, 5, 5, 0);
  const base = await writeDataset(dir, "data", d);
  const theirs = await runPython<number>(
    PY_LOAD + `
import xgboost as xgb, json
X, y = load(data["base"], 5)
b = xgb.train({"objective": "binary:logistic"}, xgb.DMatrix(X, label=y), 1)
out = float(json.loads(b.save_config())["learner"]["learner_model_param"]["base_score"].strip("[]"))
`,
    { base },
  );
  const model = await new GradientBoosting({ num_boost_round: 1, nthread: 1 }).fit(
    d.frame,
    d.labels,
  );
  assertClose(model.state.baseScore, theirs, 1e-6, 0, "base_score");
  await Deno.remove(dir, { recursive: true });
});
