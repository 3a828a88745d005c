/**
 * What the categorical parity tests share: the Python that writes a `make(n, seed)` dataset's
 * train and test rows and scores them with xgboost, the Python that scores our model's JSON in
 * xgboost (predictions and `pred_contribs`), the rows read back as frames, and the checks of a
 * model trained here beside xgboost.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Frame } from "../../lib/data/frame.ts";
import { rocAuc } from "../../lib/evaluate/curves.ts";
import type { GbtModel } from "../../lib/models/gbt/gbt_model.ts";
import { exportOnnx } from "../../lib/onnx/export_model.ts";
import { OnnxScorer } from "../../lib/onnx/onnx_scorer.ts";
import { maxAbsDiff, readFloat64 } from "./datasets.ts";
import { runPython } from "./python.ts";

/** Python types of the three columns: a categorical, a number, a categorical. */
const TYPES = `["c", "q", "c"]`;

/**
 * After a Python `make(n, seed)` returning (X, y): writes 8,000 (or `rows`) training and 20,000
 * test rows to `data["dir"]`, trains xgboost (`hist`, depth 5, eta 0.3, 30 rounds) and writes its
 * test predictions (`pt`).
 */
export function trainInXgboost(names: readonly string[], rows = 8000): string {
  return `
X, y = make(${rows}, 1); Xt, yt = make(20000, 2)
for name, a in [("x", X), ("y", y), ("xt", Xt), ("yt", yt)]:
    a.astype("<f8").tofile(data["dir"] + "/" + name)
dm = lambda A, l=None: xgb.DMatrix(A, label=l, feature_names=${JSON.stringify(names)},
                                   feature_types=${TYPES}, enable_categorical=True)
b = xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_depth": 5, "eta": 0.3},
              dm(X, y), 30)
b.predict(dm(Xt)).astype("<f8").tofile(data["dir"] + "/pt")
out = None
`;
}

/** Scores `trained.json` on the test rows in xgboost: predictions (`back`) and `contribs`. */
export function scoreInXgboost(names: readonly string[]): string {
  return `
import numpy as np, xgboost as xgb
Xt = np.fromfile(data["dir"] + "/xt", dtype="<f8").reshape(-1, 3)
b = xgb.Booster(); b.load_model(data["dir"] + "/trained.json")
dm = xgb.DMatrix(Xt, feature_names=${JSON.stringify(names)}, feature_types=${TYPES},
                 enable_categorical=True)
b.predict(dm).astype("<f8").tofile(data["dir"] + "/back")
b.predict(dm, pred_contribs=True).astype("<f8").tofile(data["dir"] + "/contribs")
out = None
`;
}

/** The training and test rows the Python wrote to `dir`, as frames and labels. */
export async function readSets(dir: string, names: readonly string[]) {
  const columns = async (name: string, width: number) => {
    const a = await readFloat64(join(dir, name)), m = a.length / width;
    return Array.from(
      { length: width },
      (_, j) => Float64Array.from({ length: m }, (_, i) => a[i * width + j]!),
    );
  };
  return {
    x: new Frame([...names], await columns("x", 3)),
    xt: new Frame([...names], await columns("xt", 3)),
    y: Uint8Array.from((await columns("y", 1))[0]!),
    yt: Uint8Array.from((await columns("yt", 1))[0]!),
  };
}

/**
 * The checks every categorical model trained here passes beside xgboost on the rows in `dir`:
 * test ROC AUC within 0.002 of xgboost's (`pt`), our JSON scored in xgboost within 1e-6 and its
 * `pred_contribs` equal to our TreeSHAP within 1e-5, and onnxruntime within 1e-5.
 */
export async function assertLikeXgboost(
  model: GbtModel,
  on: { dir: string; names: readonly string[]; xt: Frame; yt: Uint8Array },
): Promise<void> {
  const { dir, xt, yt } = on, p = model.predictProba(xt);
  const ours = rocAuc(yt, p), theirs = rocAuc(yt, await readFloat64(join(dir, "pt")));
  assert.ok(Math.abs(ours - theirs) <= 0.002, `test ROC AUC ours ${ours} vs xgboost ${theirs}`);
  await Deno.writeTextFile(join(dir, "trained.json"), model.serialize());
  await runPython(scoreInXgboost(on.names), { dir });
  assert.ok(maxAbsDiff(p, await readFloat64(join(dir, "back"))) <= 1e-6, "our model in xgboost");
  const contribs = await readFloat64(join(dir, "contribs"));
  assert.ok(maxAbsDiff(model.contributions(xt), contribs) <= 1e-5, "TreeSHAP");
  const scorer = await OnnxScorer.load(exportOnnx(model));
  try {
    assert.ok(maxAbsDiff(await scorer.predictProba(xt), p) <= 1e-5, "onnxruntime");
  } finally {
    await scorer.release();
  }
}
