/**
 * Ranking curves over distinct score thresholds (as scikit-learn's `roc_curve` and
 * `precision_recall_curve`): ROC AUC by the trapezoid rule, PR AUC as average precision.
 *
 * @module
 */

/** Cumulative counts at each distinct threshold, highest threshold first. */
export interface ThresholdCounts {
  /** Distinct scores, descending; a row is predicted positive when its score ≥ threshold. */
  readonly thresholds: Float64Array;
  /** True positives at each threshold (sums of weights when weighted, as every count here). */
  readonly tp: Float64Array;
  /** False positives at each threshold. */
  readonly fp: Float64Array;
  /** Positives in all. */
  readonly positives: number;
  /** Negatives in all. */
  readonly negatives: number;
}

/**
 * Counts true and false positives at every distinct score, highest first; with row weights, the
 * counts are sums of weights (scikit-learn's `sample_weight`).
 *
 * @param labels 0/1 labels.
 * @param scores Scores (higher = more likely positive); NaN is not allowed.
 * @param weights Row weights. @default all 1
 * @throws {RangeError} when lengths differ or a score is NaN.
 */
export function thresholdCounts(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): ThresholdCounts {
  const n = labels.length;
  if (scores.length !== n) {
    throw new RangeError(`Expected ${n} scores (one per label) but found ${scores.length}`);
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i]!)) {
      throw new RangeError(`Expected finite scores but found NaN at row ${i}`);
    }
    order[i] = i;
  }
  order.sort((a, b) => scores[b]! - scores[a]!);
  const thresholds: number[] = [], tp: number[] = [], fp: number[] = [];
  let t = 0, f = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!, w = weights ? weights[i]! : 1;
    if (labels[i] === 1) t += w;
    else f += w;
    const next = order[k + 1];
    if (next === undefined || scores[next]! !== scores[i]!) {
      thresholds.push(scores[i]!);
      tp.push(t);
      fp.push(f);
    }
  }
  return {
    thresholds: Float64Array.from(thresholds),
    tp: Float64Array.from(tp),
    fp: Float64Array.from(fp),
    positives: t,
    negatives: f,
  };
}

/**
 * Area under the ROC curve (trapezoid rule over distinct thresholds, as scikit-learn's
 * `roc_auc_score`, weighted as its `sample_weight` when weights are given). NaN when only one
 * class is present.
 *
 * @example Four scored rows, one pair out of order
 * ```ts
 * import { rocAuc } from "./curves.ts";
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * ```
 */
export function rocAuc(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  return rocAucFrom(thresholdCounts(labels, scores, weights));
}

/** ROC AUC from precomputed counts. */
export function rocAucFrom(c: ThresholdCounts): number {
  if (c.positives === 0 || c.negatives === 0) return NaN;
  let area = 0, prevTp = 0, prevFp = 0;
  for (let k = 0; k < c.tp.length; k++) {
    area += (c.fp[k]! - prevFp) * (c.tp[k]! + prevTp) / 2;
    prevTp = c.tp[k]!;
    prevFp = c.fp[k]!;
  }
  return area / (c.positives * c.negatives);
}

/**
 * Average precision, Σ (Rₖ − Rₖ₋₁) · Pₖ over distinct thresholds (scikit-learn's
 * `average_precision_score`, weighted as its `sample_weight`), reported as PR AUC. NaN when there
 * are no positives.
 */
export function averagePrecision(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  return averagePrecisionFrom(thresholdCounts(labels, scores, weights));
}

/** Average precision from precomputed counts. */
export function averagePrecisionFrom(c: ThresholdCounts): number {
  if (c.positives === 0) return NaN;
  let ap = 0, prevRecall = 0;
  for (let k = 0; k < c.tp.length; k++) {
    const recall = c.tp[k]! / c.positives;
    const precision = c.tp[k]! / (c.tp[k]! + c.fp[k]!);
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
  }
  return ap;
}

/** ROC curve points (false- and true-positive rates), starting at (0, 0). */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>) {
  const c = thresholdCounts(labels, scores);
  const fpr = new Float64Array(c.tp.length + 1), tpr = new Float64Array(c.tp.length + 1);
  for (let k = 0; k < c.tp.length; k++) {
    fpr[k + 1] = c.fp[k]! / c.negatives;
    tpr[k + 1] = c.tp[k]! / c.positives;
  }
  return { fpr, tpr, thresholds: c.thresholds };
}
