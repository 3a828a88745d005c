import assert from "node:assert/strict";
import { Frame } from "../lib/data/frame.ts";
import { ModelFormatError } from "../lib/errors.ts";
import { GbtModel } from "../lib/models/gbt/gbt_model.ts";
import { assertClose } from "./helpers/assert_close.ts";
import { maxAbsDiff } from "./helpers/datasets.ts";

const DIR = new URL("./fixtures/xgboost/", import.meta.url);

interface Expected {
  version: string;
  feature_names: string[];
  rows: Array<Array<number | null>>;
  predictions: number[];
  gain: Record<string, number>;
}

for (const version of ["1.7.6", "2.1.4", "3.2.0"]) {
  for (const kind of ["binary", "forest", "regression"]) {
    Deno.test(`a ${kind} model saved by xgboost ${version} loads and predicts as xgboost did (1e-5)`, async () => {
      const model = GbtModel.fromJSON(
        JSON.parse(await Deno.readTextFile(new URL(`xgb-${version}-${kind}.json`, DIR))),
      );
      const e: Expected = JSON.parse(
        await Deno.readTextFile(new URL(`xgb-${version}-${kind}.expected.json`, DIR)),
      );
      assert.deepEqual(model.featureNames, e.feature_names);
      const frame = new Frame(
        e.feature_names,
        e.feature_names.map((_, j) => Float64Array.from(e.rows, (r) => r[j] ?? NaN)),
      );
      const diff = maxAbsDiff(model.predictProba(frame), e.predictions);
      // Float32 sums and sigmoid as xgboost computes them: equal to the last bit here (1e-7 allows one ulp).
      assert.ok(diff <= 1.2e-7, `max |ours − xgboost ${version}| = ${diff}`);
      for (const [k, v] of Object.entries(e.gain)) {
        assertClose(model.getScore("gain")[k]!, v, 1e-5, 1e-6, k);
      }
    });
  }
}

Deno.test("unsupported XGBoost models are refused with a clear ModelFormatError", async () => {
  const json = JSON.parse(await Deno.readTextFile(new URL("xgb-3.2.0-binary.json", DIR)));
  const multi = structuredClone(json);
  multi.learner.learner_model_param.num_class = "3";
  assert.throws(
    () => GbtModel.fromJSON(multi),
    (e) => e instanceof ModelFormatError && /num_class=3/.test(e.message),
  );
  const survival = structuredClone(json);
  survival.learner.objective.name = "survival:cox";
  assert.throws(
    () => GbtModel.fromJSON(survival),
    (e) => e instanceof ModelFormatError && /survival:cox/.test(e.message),
  );
  const cat = structuredClone(json); // a categorical node without its categories
  cat.learner.gradient_booster.model.trees[0].split_type[0] = 1;
  assert.throws(
    () => GbtModel.fromJSON(cat),
    (e) => e instanceof ModelFormatError && /categorical split/.test(e.message),
  );
  const broken = structuredClone(json);
  broken.learner.gradient_booster.model.trees[0].left_children[0] = 0;
  assert.throws(() => GbtModel.fromJSON(broken), ModelFormatError);
  assert.throws(() => GbtModel.fromJSON({ learner: 5 }), ModelFormatError);
});

Deno.test("a model missing a feature the input lacks fails with a DataError naming it", async () => {
  const model = GbtModel.fromJSON(
    JSON.parse(await Deno.readTextFile(new URL("xgb-3.2.0-binary.json", DIR))),
  );
  assert.throws(
    () => model.predictProba(new Frame(["amount"], [Float64Array.of(1)])),
    /lacks feature "count"/,
  );
});
