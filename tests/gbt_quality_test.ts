import assert from "node:assert/strict";
import { rocAuc } from "../lib/evaluate/curves.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { nonLinear, PY_LOAD, writeDataset } from "./helpers/datasets.ts";
import { runPython } from "./helpers/python.ts";

Deno.test("on 100k × 30 with a non-linear signal and 5% missing, our test AUC is within 0.002 of xgboost hist's", async () => {
  const dir = await Deno.makeTempDir();
  const train = nonLinear(100_000, 30, 101, 0.05), test = nonLinear(50_000, 30, 202, 0.05);
  const params = { max_depth: 6, eta: 0.3, num_boost_round: 100, max_bin: 256 };
  const theirs = await runPython<number>(
    PY_LOAD + `
import xgboost as xgb
from sklearn.metrics import roc_auc_score
X, y = load(data["train"], 30)
Xt, yt = load(data["test"], 30)
p = data["params"]
b = xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_depth": p["max_depth"], "eta": p["eta"],
               "max_bin": p["max_bin"], "nthread": 2}, xgb.DMatrix(X, label=y), p["num_boost_round"])
out = float(roc_auc_score(yt, b.predict(xgb.DMatrix(Xt))))
`,
    {
      train: await writeDataset(dir, "train", train),
      test: await writeDataset(dir, "test", test),
      params,
    },
  );
  const model = await new GradientBoosting({ ...params, nthread: 2 }).fit(
    train.frame,
    train.labels,
  );
  const ours = rocAuc(test.labels, model.predictProba(test.frame));
  console.log(
    `test AUC: ours ${ours.toFixed(5)}, xgboost ${theirs.toFixed(5)}, diff ${
      (ours - theirs).toFixed(5)
    }`,
  );
  assert.ok(Math.abs(ours - theirs) <= 0.002, `ours ${ours} vs xgboost ${theirs}`);
  assert.ok(ours > 0.75, "the signal is learned");
  await Deno.remove(dir, { recursive: true });
});
