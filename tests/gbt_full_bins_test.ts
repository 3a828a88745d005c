/**
 * XGBoost's default `max_bin` of 256: a feature may have 256 value bins and missing values, one
 * state more than a byte holds. Here its bin 255 is both, told apart by the missing-value bitmaps
 * and the list of top-bin rows (missing_cells.ts). Tests: on 256 bins with a tenth of every
 * feature missing, our leaf-wise and depth-wise models are xgboost's own (predictions within
 * 1e-6, one and two threads, the threads sharing the features or the rows), where 255 bins would
 * not be; and with row sampling the training margins, walked over the binned rows, equal the
 * model's scores of the raw rows.
 */

import assert from "node:assert/strict";
import { Frame } from "../lib/data/frame.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { nonLinear } from "../tasks/bench/benchmark_set.ts";
import { runPython } from "./helpers/python.ts";

const XGB_TRAIN = `
import numpy as np, xgboost as xgb
X = np.array(data["x"]).reshape(-1, data["nf"])
d = xgb.DMatrix(X, label=np.array(data["y"]))
b = xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_bin": 256,
               **data["params"]}, d, data["rounds"])
ip, v = d.get_quantile_cut()
out = {"p": [float(p) for p in b.predict(d)], "bins": [int(ip[j + 1] - ip[j] - 1) for j in range(data["nf"])]}
`;

/** Row-major float64 values of the frame, for NumPy. */
function rowMajor(frame: Frame): number[] {
  const nf = frame.width, x = new Array<number>(frame.rows * nf);
  frame.columns.forEach((c, j) => c.forEach((v, i) => (x[i * nf + j] = v)));
  return x;
}

/** The largest |ours − theirs|. */
function worst(ours: Float64Array, theirs: readonly number[]): number {
  return theirs.reduce((m, p, i) => Math.max(m, Math.abs(p - ours[i]!)), 0);
}

Deno.test("at 256 bins with missing values our leaf-wise and depth-wise models are xgboost's (1e-6), on one and two threads; at 255 bins they are not", async () => {
  // 100,000 rows × 16 features: 1.6M cells, so on two threads both growths share the rows; 30,000
  // rows (480,000 cells) share the features (leaf-wise) or run on one thread (depth-wise).
  for (const rows of [100_000, 30_000]) {
    const { frame, labels } = nonLinear(rows, 16, 4, 0.1);
    const settings = [
      { grow_policy: "lossguide", max_leaves: 31, max_depth: 0, eta: 0.1 },
      { max_depth: 6, eta: 0.3, min_child_weight: 1e-3 },
    ];
    for (const params of settings) {
      const rounds = 8, what = `${rows} rows, ${params.max_depth ? "depth-wise" : "leaf-wise"}`;
      const theirs = await runPython<{ p: number[]; bins: number[] }>(XGB_TRAIN, {
        x: rowMajor(frame),
        nf: frame.width,
        y: Array.from(labels),
        params,
        rounds,
      });
      // The case this is about: features of 256 value bins with missing values.
      assert.ok(theirs.bins.filter((b) => b === 256).length >= 8, `${what}: ${theirs.bins}`);
      for (const nthread of [1, 2]) {
        const model = await new GradientBoosting({ ...params, num_boost_round: rounds, nthread })
          .fit(frame, labels);
        const diff = worst(model.predictProba(frame), theirs.p);
        assert.ok(diff <= 1e-6, `${what}, ${nthread} thread(s): ${diff}`);
      }
      const narrow = await new GradientBoosting({
        ...params,
        num_boost_round: rounds,
        max_bin: 255,
      })
        .fit(frame, labels);
      assert.ok(worst(narrow.predictProba(frame), theirs.p) > 1e-4, `${what}: 255 bins differ`);
    }
  }
});

Deno.test("at 256 bins with row sampling the training margins (the binned walk) equal the raw rows' scores", async () => {
  const { frame, labels } = nonLinear(20_000, 8, 6, 0.1);
  const copy = new Frame(frame.names, frame.columns.map((c) => Float64Array.from(c)));
  for (const nthread of [1, 2]) {
    const model = await new GradientBoosting({
      subsample: 0.7,
      seed: 3,
      nthread,
      num_boost_round: 10,
      eval_metric: "logloss",
    }).fit(frame, labels, {
      evalSets: [
        { name: "train", frame, labels },
        { name: "copy", frame: copy, labels },
      ],
    });
    const history = model.history ?? [];
    assert.equal(history.length, 10);
    for (const it of history) {
      const m = it.values;
      assert.ok(Math.abs(m["train-logloss"]! - m["copy-logloss"]!) <= 1e-6, JSON.stringify(m));
    }
  }
});
