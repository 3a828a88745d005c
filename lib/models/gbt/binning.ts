/**
 * Histogram cut points per feature (XGBoost's `hist` method): each feature's values are
 * bucketed into at most `maxBin` bins (capped at 255; bin 255 is the missing bin). A value `x`
 * falls in bin `i` when `cuts[i−1] ≤ x < cuts[i]` (float32 comparison), so a split after bin `b`
 * is `x < cuts[b]`, XGBoost's condition.
 *
 * @module
 */

import { sortFloat32 } from "../../util/sort.ts";

/** Values sampled per feature to place quantile cuts on large data. */
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

/**
 * Cut points for each column. With at most `maxBin` distinct values a feature gets one bin per
 * value (cuts at the next distinct value); otherwise cuts sit at evenly spaced quantiles of up to
 * {@link SKETCH_SAMPLE} evenly strided values.
 *
 * @example
 * ```ts
 * const { cuts } = computeCuts([Float64Array.of(1, 2, 2, 3)], 256);
 * cuts[0]; // Float32Array [2, 3, 6.00001]
 * ```
 */
export function computeCuts(columns: readonly ArrayLike<number>[], maxBin: number): Cuts {
  const bins = Math.min(maxBin, MAX_VALUE_BINS);
  const minValues = new Float32Array(columns.length);
  const cuts = columns.map((col, j) => {
    const sorted = sampleSorted(col);
    if (sorted.length === 0) {
      minValues[j] = 0;
      return Float32Array.of(1e-5);
    }
    minValues[j] = Math.fround(sorted[0]! - Math.abs(sorted[0]!) - 1e-5);
    const distinct = distinctSorted(sorted);
    const last = distinct[distinct.length - 1]!;
    const top = Math.fround(last + Math.abs(last) + 1e-5);
    if (distinct.length <= bins) {
      const out = new Float32Array(distinct.length);
      out.set(distinct.subarray(1));
      out[distinct.length - 1] = top;
      return out;
    }
    const picked: number[] = [];
    for (let i = 1; i < bins; i++) {
      const v = sorted[Math.floor((i * sorted.length) / bins)]!;
      if (v > sorted[0]! && (picked.length === 0 || v > picked[picked.length - 1]!)) picked.push(v);
    }
    picked.push(top);
    return Float32Array.from(picked);
  });
  return { cuts, minValues };
}

function sampleSorted(col: ArrayLike<number>): Float32Array {
  const n = col.length;
  const step = Math.max(1, Math.ceil(n / SKETCH_SAMPLE));
  const out = new Float32Array(Math.ceil(n / step));
  let k = 0;
  for (let i = 0; i < n; i += step) {
    const v = col[i]!;
    if (!Number.isNaN(v)) out[k++] = v;
  }
  return sortFloat32(out.subarray(0, k)).slice();
}

function distinctSorted(sorted: Float32Array): Float32Array {
  const out = new Float32Array(sorted.length);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i]! !== sorted[i - 1]!) out[k++] = sorted[i]!;
  }
  return out.subarray(0, k);
}
