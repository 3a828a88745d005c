/**
 * Isotonic calibration as scikit-learn's `IsotonicRegression(out_of_bounds="clip", y_min=0,
 * y_max=1)` fits and predicts it: scores sorted (ties by label), scores closer than 1e-15 to the
 * first of their run merged into one point with the mean label, the pool-adjacent-violators fit of
 * those means (weighted by their counts), then only the points where the fitted value changes
 * kept (and both ends). A new score is clipped to the fitted range and interpolated linearly
 * between the kept points, as `np.interp` does.
 *
 * @module
 */

/** The fitted step points of an isotonic calibrator: strictly increasing scores, their values. */
export interface IsotonicPoints {
  /** Scores, strictly increasing (scikit-learn's `X_thresholds_`). */
  readonly thresholds: readonly number[];
  /** Calibrated probability at each threshold, non-decreasing in [0, 1] (`y_thresholds_`). */
  readonly values: readonly number[];
}

/** `np.finfo(np.float64).resolution`: scores nearer than this to their run's first are one. */
const SAME_SCORE = 1e-15;

/**
 * Fits the isotonic map from `scores` to the 0/1 `labels`.
 *
 * @param scores One score per row (any real numbers; none NaN).
 * @param labels 0/1 per row.
 * @returns The kept points.
 * @throws {RangeError} when there are no rows or the lengths differ.
 * @example Four scored rows
 * ```ts
 * import { fitIsotonic } from "./isotonic.ts";
 * const points = fitIsotonic([0.1, 0.3, 0.2, 0.8], [0, 1, 0, 1]);
 * points.thresholds; // [0.1, 0.3, 0.8]: 0.2 lies on the flat part and is dropped
 * points.values; // [0, 1, 1]
 * ```
 */
export function fitIsotonic(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): IsotonicPoints {
  const n = scores.length;
  if (n === 0 || labels.length !== n) {
    throw new RangeError(
      `Expected as many labels as scores (at least one) but found ${labels.length} and ${n}`,
    );
  }
  const y = (i: number) => (labels[i]! > 0 ? 1 : 0);
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => scores[a]! - scores[b]! || y(a) - y(b));
  // Runs of (nearly) equal scores: one point each, its label mean weighted by the run's length.
  const xs: number[] = [], sums: number[] = [], weights: number[] = [];
  for (const i of order) {
    const x = scores[i]!;
    if (xs.length && x - xs.at(-1)! < SAME_SCORE) {
      sums[sums.length - 1]! += y(i);
      weights[weights.length - 1]! += 1;
    } else {
      xs.push(x);
      sums.push(y(i));
      weights.push(1);
    }
  }
  const fitted = poolAdjacentViolators(sums, weights);
  return keepChanges(xs, fitted);
}

/**
 * The non-decreasing fit of the means `sums[i] / weights[i]` (least squares, weighted): adjacent
 * blocks are pooled while the earlier one's mean is not below the later one's.
 */
function poolAdjacentViolators(sums: readonly number[], weights: readonly number[]): number[] {
  const blockSum: number[] = [], blockWeight: number[] = [], blockEnd: number[] = [];
  for (let i = 0; i < sums.length; i++) {
    let s = sums[i]!, w = weights[i]!;
    while (blockSum.length && blockSum.at(-1)! / blockWeight.at(-1)! >= s / w) {
      s += blockSum.pop()!;
      w += blockWeight.pop()!;
      blockEnd.pop();
    }
    blockSum.push(s);
    blockWeight.push(w);
    blockEnd.push(i);
  }
  const out = new Array<number>(sums.length);
  let start = 0;
  blockEnd.forEach((end, b) => {
    const mean = Math.min(1, Math.max(0, blockSum[b]! / blockWeight[b]!));
    for (let i = start; i <= end; i++) out[i] = mean;
    start = end + 1;
  });
  return out;
}

/** Both ends, and each point whose value differs from its neighbour before or after. */
function keepChanges(xs: readonly number[], ys: readonly number[]): IsotonicPoints {
  const thresholds: number[] = [], values: number[] = [];
  const last = xs.length - 1;
  for (let i = 0; i <= last; i++) {
    if (i === 0 || i === last || ys[i] !== ys[i - 1] || ys[i] !== ys[i + 1]) {
      thresholds.push(xs[i]!);
      values.push(ys[i]!);
    }
  }
  return { thresholds, values };
}

/**
 * Calibrated probabilities: each score clipped to the thresholds' range and interpolated linearly
 * between the two thresholds around it (a score equal to a threshold takes its value), as
 * scikit-learn's `IsotonicRegression.predict` (through `np.interp`).
 *
 * @param points A fitted calibrator's points.
 * @param scores Scores to calibrate.
 * @returns One probability per score.
 * @example Halfway between two thresholds
 * ```ts
 * import { isotonicPredict } from "./isotonic.ts";
 * const points = { thresholds: [0.1, 0.3, 0.8], values: [0, 1, 1] };
 * isotonicPredict(points, [0.2, 0.05, 0.9]); // [0.5, 0, 1]: clipped outside the range
 * ```
 */
export function isotonicPredict(points: IsotonicPoints, scores: ArrayLike<number>): Float64Array {
  const { thresholds: x, values: y } = points;
  const last = x.length - 1;
  return Float64Array.from({ length: scores.length }, (_, i) => {
    const t = Math.min(x[last]!, Math.max(x[0]!, scores[i]!));
    if (Number.isNaN(t)) return NaN;
    // The last threshold at or below t.
    let lo = 0, hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (x[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    if (t === x[lo]) return y[lo]!;
    const slope = (y[lo + 1]! - y[lo]!) / (x[lo + 1]! - x[lo]!);
    return slope * (t - x[lo]!) + y[lo]!;
  });
}
