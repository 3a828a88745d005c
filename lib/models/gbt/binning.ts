/**
 * Histogram cut points per feature (XGBoost's `hist` method): each feature's values are
 * bucketed into at most `maxBin` bins (capped at 255; bin 255 is the missing bin). A value `x`
 * falls in bin `i` when `cuts[i−1] ≤ x < cuts[i]` (float32 comparison), so a split after bin `b`
 * is `x < cuts[b]`, XGBoost's condition.
 *
 * @module
 */

import type { Workspace } from "./kernel/workspace.ts";
import { cutsOfSummary, limitSize, QuantileSketch } from "./quantile_sketch.ts";

/** Rows of a column the sketch reads: every row up to this many, else evenly strided ones. */
export const SKETCH_SAMPLE = 1 << 16;

/** Most value bins per feature (bin 255 holds missing values). */
export const MAX_VALUE_BINS = 255;

/** Cut points of every feature. */
export interface Cuts {
  /** Ascending float32 upper bounds per feature; the last exceeds every value. */
  readonly cuts: readonly Float32Array[];
  /** Below the smallest value, as XGBoost's min_val (a threshold sending every present value right). */
  readonly minValues: Float32Array;
}

/** Where {@link computeCuts} sorts (a workspace) and the rows' weights, if any. */
export interface SortOn {
  readonly ws: Workspace;
  /** Row weights: the sketch weighs each value by its row's (XGBoost's weighted sketch). */
  readonly weights?: ArrayLike<number> | undefined;
}

/**
 * Cut points for each column, XGBoost's (`hist`): a column's present values, in row order, go
 * through XGBoost's weighted quantile sketch ({@link QuantileSketch}, weights 1 without row
 * weights) and its final summary gives the cuts ({@link cutsOfSummary}); with at most `maxBin`
 * distinct values a feature gets one bin per value. Up to {@link SKETCH_SAMPLE} rows the cuts are
 * xgboost's own; a longer column is read at an even stride (that many rows), where xgboost reads
 * every row. `maxBin` is capped at 255 (bin 255 holds the missing values), so XGBoost's default
 * of 256 gives its algorithm's cuts at 255 bins. The sketch's queue is sorted in the workspace
 * (its memory is returned before this returns).
 *
 * @example Three distinct values, one bin each
 * ```ts
 * import { computeCuts } from "./binning.ts";
 * import { Workspace } from "./kernel/workspace.ts";
 * const { cuts } = computeCuts([Float64Array.of(1, 2, 2, 3)], 256, { ws: new Workspace() });
 * cuts[0]; // Float32Array [2, 3, 6.00001]
 * ```
 */
export function computeCuts(
  columns: readonly ArrayLike<number>[],
  maxBin: number,
  on: SortOn,
): Cuts {
  const { ws, weights } = on, mark = ws.used, bins = Math.min(maxBin, MAX_VALUE_BINS);
  const step = (col: ArrayLike<number>) => Math.max(1, Math.ceil(col.length / SKETCH_SAMPLE));
  const counts = columns.map((col) => presentCount(col, step(col)));
  const most = 2 * Math.max(1, ...counts.map((n) => limitSize(n, bins)));
  const at = { values: ws.alloc(4 * most), weights: ws.alloc(4 * most) };
  const tmp = { values: ws.alloc(4 * most), weights: ws.alloc(4 * most), count: ws.alloc(8192) };
  try {
    const queue = {
      values: ws.f32(at.values, most),
      weights: ws.f32(at.weights, most),
      sort: (n: number) =>
        ws.k.sortF32Pairs(at.values, n, tmp.values, tmp.count, at.weights, tmp.weights),
    };
    const minValues = new Float32Array(columns.length);
    const cuts = columns.map((col, j) => {
      const sketch = new QuantileSketch(limitSize(counts[j]!, bins), queue);
      sketch.pushColumn(col, { weights, step: step(col) });
      const out = cutsOfSummary(sketch.summary(), { maxBin: bins, count: counts[j]! });
      minValues[j] = out.minValue;
      return out.cuts;
    });
    return { cuts, minValues };
  } finally {
    ws.reset(mark);
  }
}

/** A column's values that are not missing, every `step`-th row. */
function presentCount(col: ArrayLike<number>, step: number): number {
  let n = 0;
  for (let i = 0; i < col.length; i += step) if (!Number.isNaN(col[i]!)) n++;
  return n;
}
