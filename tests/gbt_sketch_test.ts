/**
 * Our cut points are xgboost's: XGBoost's weighted quantile sketch, ported step for step, gives
 * the cuts Python xgboost 3.2 reports (`DMatrix.get_quantile_cut`) bit for bit — small and large
 * columns (the sketch's levels), few and many bins, ties, zeros, missing values, row weights — and
 * with the same cuts a leaf-wise (`lossguide`) and a depth-wise model trained here predict as
 * xgboost's own trained on the same rows (1e-6).
 */

import assert from "node:assert/strict";
import { Frame } from "../lib/data/frame.ts";
import { computeCuts, SKETCH_SAMPLE } from "../lib/models/gbt/binning.ts";
import { GradientBoosting } from "../lib/models/gbt/gradient_boosting.ts";
import { Workspace } from "../lib/models/gbt/kernel/workspace.ts";
import { ThreadPool } from "../lib/models/gbt/thread_pool.ts";
import { runPython } from "./helpers/python.ts";

/** Six columns of different shapes, `n` rows, seeded. */
function columns(n: number, seed: number): Float64Array[] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const make = (f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
  return [
    make(() => rnd() * 10 - 5), // continuous
    make(() => Math.round(rnd() * 1000) / 10), // about 1,000 distinct values
    make(() => (rnd() < 0.2 ? NaN : Math.exp(rnd() * 8))), // skewed, a fifth missing
    make(() => Math.floor(rnd() * 40)), // 40 distinct values: one bin each
    make((i) => (i % 7 === 0 ? 0 : (rnd() - 0.5) * 1e-3)), // a seventh zeros
    make((i) => Math.sin(i) * 100), // in a pattern along the rows
  ];
}

/** Row-major float64 bytes of the columns, for NumPy. */
function rowMajor(cols: readonly Float64Array[]): number[] {
  const n = cols[0]!.length, x = new Float64Array(n * cols.length);
  cols.forEach((c, j) => c.forEach((v, i) => (x[i * cols.length + j] = v)));
  return Array.from(x);
}

const XGB_CUTS = `
import numpy as np, xgboost as xgb
X = np.array(data["x"]).reshape(-1, data["nf"])
w = np.array(data["w"]) if data["w"] else None
d = xgb.DMatrix(X, label=np.zeros(len(X)), weight=w)
xgb.train({"tree_method": "hist", "max_bin": data["bins"]}, d, 1)
ip, v = d.get_quantile_cut()
out = [[float(c) for c in v[ip[j]:ip[j + 1]]] for j in range(data["nf"])]
`;

const CASES = [
  { n: 3000, bins: 16, weighted: false },
  { n: 5000, bins: 255, weighted: false },
  { n: 5000, bins: 256, weighted: false }, // xgboost's default max_bin
  { n: 5000, bins: 64, weighted: true },
  { n: 40_000, bins: 255, weighted: false }, // the sketch prunes through its levels
  { n: 20_000, bins: 255, weighted: true },
  { n: 100_000, bins: 255, weighted: false }, // every row read: up to 131,072 they all are
];

for (const { n, bins, weighted } of CASES) {
  Deno.test(`cut points equal xgboost's bit for bit: ${n} rows, ${bins} bins${weighted ? ", weighted" : ""}`, async () => {
    const cols = columns(n, n + bins);
    let s = 3;
    const w = weighted
      ? Float64Array.from({ length: n }, () => 0.25 + ((s = (s * 48271) % 2147483647) % 1000) / 400)
      : undefined;
    const ws = new Workspace(), pool = await ThreadPool.start(ws, { bins: 0, nfeat: 1, gh: 0 }, 2);
    const ours = await computeCuts(cols, bins, { ws, pool, weights: w }).finally(() =>
      pool.close()
    );
    const theirs = await runPython<number[][]>(XGB_CUTS, {
      x: rowMajor(cols),
      nf: cols.length,
      bins,
      w: w ? Array.from(w) : null,
    });
    cols.forEach((_, j) => {
      // xgboost lists min_val first, then the cuts.
      const mine = [ours.minValues[j]!, ...ours.cuts[j]!];
      assert.deepEqual(mine, theirs[j], `feature ${j}`);
    });
  });
}

Deno.test("xgboost's cuts where the sort's order shows: ±0 (the cut is +0), a column whose values all weigh 0", async () => {
  const ws = new Workspace(), pool = await ThreadPool.start(ws, { bins: 0, nfeat: 1, gh: 0 }, 1);
  const signed = Array.from({ length: 300 }, (_, i) => [0, -0, 1, -1, 2][(i * 7) % 5]!);
  const cases = [
    { cols: [Float64Array.of(-1, 0, 1, -0)], bins: 16, w: undefined },
    { cols: [Float64Array.from(signed)], bins: 16, w: undefined },
    // The second column's present values all weigh 0: xgboost's cuts of an empty summary.
    {
      cols: [Float64Array.of(-5, -3, NaN, NaN), Float64Array.of(NaN, NaN, 7, 8)],
      bins: 16,
      w: Float64Array.of(1, 1, 0, 0),
    },
  ];
  try {
    for (const [k, c] of cases.entries()) {
      const ours = await computeCuts(c.cols, c.bins, { ws, pool, weights: c.w });
      const theirs = await runPython<number[][]>(XGB_CUTS, {
        x: rowMajor(c.cols),
        nf: c.cols.length,
        bins: c.bins,
        w: c.w ? Array.from(c.w) : null,
      });
      c.cols.forEach((_, j) => {
        const mine = [ours.minValues[j]!, ...ours.cuts[j]!];
        assert.deepEqual(mine, theirs[j], `case ${k}, feature ${j}`);
      });
    }
  } finally {
    pool.close();
  }
});

const XGB_TRAIN = `
import numpy as np, xgboost as xgb
X = np.array(data["x"]).reshape(-1, data["nf"])
d = xgb.DMatrix(X, label=np.array(data["y"]))
b = xgb.train({"objective": "binary:logistic", "tree_method": "hist", **data["params"]}, d,
              data["rounds"])
out = [float(p) for p in b.predict(d)]
`;

Deno.test("with xgboost's cuts our leaf-wise and depth-wise models are xgboost's: predictions within 1e-6", async () => {
  const n = 6000, cols = columns(n, 17), frame = new Frame(cols.map((_, j) => `f${j}`), cols);
  const labels = Uint8Array.from({ length: n }, (_, i) => {
    const z = cols[0]![i]! * 0.6 + Math.log1p(cols[2]![i]! || 0) * 0.4 - cols[3]![i]! / 25;
    return z + Math.sin(i * 12.9898) * 1.5 > 0.5 ? 1 : 0;
  });
  const rounds = 30;
  const settings = [
    { grow_policy: "lossguide", max_leaves: 31, max_depth: 0, eta: 0.1, max_bin: 255 },
    { max_depth: 6, eta: 0.3, max_bin: 255, min_child_weight: 1e-3 },
  ];
  for (const params of settings) {
    const model = await new GradientBoosting({ ...params, num_boost_round: rounds, nthread: 1 })
      .fit(frame, labels);
    const ours = model.predictProba(frame);
    const theirs = await runPython<number[]>(XGB_TRAIN, {
      x: rowMajor(cols),
      nf: cols.length,
      y: Array.from(labels),
      params,
      rounds,
    });
    const worst = theirs.reduce((m, p, i) => Math.max(m, Math.abs(p - ours[i]!)), 0);
    assert.ok(worst <= 1e-6, `${params.max_depth ? "depth-wise" : "leaf-wise"}: ${worst}`);
  }
});

Deno.test("a column longer than 131,072 rows is sketched on every step-th row, across the chunks copied to the workspace", async () => {
  // 2,500,000 rows: step 20, copied 1,048,560 rows at a time; as a plain array too.
  const n = 2_500_000, step = Math.ceil(n / SKETCH_SAMPLE);
  let s = 11;
  const rnd = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const col = Float64Array.from({ length: n }, () => (rnd() < 0.1 ? NaN : rnd() * 100));
  const w = Float64Array.from({ length: n }, () => 0.5 + rnd());
  const strided = (x: Float64Array) => x.filter((_, i) => i % step === 0);
  const ws = new Workspace(), pool = await ThreadPool.start(ws, { bins: 0, nfeat: 1, gh: 0 }, 1);
  try {
    const long = await computeCuts([col, Array.from(col)], 256, { ws, pool, weights: w });
    const short = await computeCuts([strided(col)], 256, { ws, pool, weights: strided(w) });
    assert.ok(short.cuts[0]!.length > 200);
    assert.deepEqual(Array.from(long.cuts[0]!), Array.from(short.cuts[0]!));
    assert.deepEqual(Array.from(long.cuts[1]!), Array.from(short.cuts[0]!));
  } finally {
    pool.close();
  }
});
