/**
 * Binary classification metrics at a threshold and over all thresholds, matching
 * scikit-learn's definitions (zero_division = 0).
 *
 * @module
 */

import { averagePrecisionFrom, rocAucFrom, thresholdCounts } from "./curves.ts";

/** Confusion matrix counts (positive class = 1). */
export interface Confusion {
  /** True negatives. */
  readonly tn: number;
  /** False positives. */
  readonly fp: number;
  /** False negatives. */
  readonly fn: number;
  /** True positives. */
  readonly tp: number;
}

/** Every metric of one evaluation. */
export interface BinaryMetrics {
  /** Rows scored. */
  readonly rows: number;
  /** Positives among them. */
  readonly positives: number;
  /** Area under the ROC curve. */
  readonly roc_auc: number;
  /** Area under the precision–recall curve (average precision). */
  readonly pr_auc: number;
  /** Mean log loss (probabilities clipped to [ε, 1 − ε], ε = 2⁻⁵²). */
  readonly log_loss: number;
  /** Mean squared error of the probabilities. */
  readonly brier: number;
  /** Threshold used for the "at threshold" metrics (default 0.5). */
  readonly threshold: number;
  /** Precision at `threshold` (predicted positive when p ≥ threshold). */
  readonly precision: number;
  /** Recall at `threshold`. */
  readonly recall: number;
  /** F1 at `threshold`. */
  readonly f1: number;
  /** Accuracy at `threshold`. */
  readonly accuracy: number;
  /** Confusion matrix at `threshold`. */
  readonly confusion: Confusion;
  /** The threshold with the highest F1 (the higher one on ties). */
  readonly best_threshold: number;
  /** Precision at the best-F1 threshold. */
  readonly best_precision: number;
  /** Recall at the best-F1 threshold. */
  readonly best_recall: number;
  /** F1 at the best-F1 threshold. */
  readonly best_f1: number;
}

/** Where {@link confusionAt} cuts, and the rows' weights. */
export interface ConfusionOptions {
  /** Predicted positive when the score is at least this. */
  readonly threshold: number;
  /** Row weights: the counts are sums of weights. @default all 1 */
  readonly weights?: ArrayLike<number> | undefined;
}

/**
 * Confusion matrix for predictions `score ≥ threshold`.
 *
 * @example Two of four rows above 0.5
 * ```ts
 * import { confusionAt } from "./binary_metrics.ts";
 * confusionAt([0, 1, 0, 1], [0.2, 0.9, 0.7, 0.4], { threshold: 0.5 }); // { tn: 1, fp: 1, fn: 1, tp: 1 }
 * ```
 */
export function confusionAt(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: ConfusionOptions,
): Confusion {
  const { threshold, weights } = options;
  let tn = 0, fp = 0, fn = 0, tp = 0;
  for (let i = 0; i < labels.length; i++) {
    const pred = scores[i]! >= threshold, w = weights ? weights[i]! : 1;
    if (labels[i] === 1) pred ? (tp += w) : (fn += w);
    else pred ? (fp += w) : (tn += w);
  }
  return { tn, fp, fn, tp };
}

/** Precision, recall and F1 of a confusion matrix (0 where undefined, as scikit-learn). */
export function prf(c: Confusion): { precision: number; recall: number; f1: number } {
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0;
  const f1 = 2 * c.tp + c.fp + c.fn > 0 ? (2 * c.tp) / (2 * c.tp + c.fp + c.fn) : 0;
  return { precision, recall, f1 };
}

/**
 * Evaluates probabilities against 0/1 labels; with row weights, every metric is weighted as
 * scikit-learn's `sample_weight` weighs it (`rows` and `positives` stay counts of rows).
 *
 * @example Four scored rows
 * ```ts
 * import { evaluateBinary } from "./binary_metrics.ts";
 * const m = evaluateBinary([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * m.roc_auc; // 0.75
 * m.recall; // 0.5 at the default threshold 0.5
 * m.best_threshold; // 0.35, where F1 is highest (0.8)
 * ```
 */
export function evaluateBinary(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  options: { readonly threshold?: number; readonly weights?: ArrayLike<number> | undefined } = {},
): BinaryMetrics {
  const n = labels.length, { threshold = 0.5, weights } = options;
  const counts = thresholdCounts(labels, probabilities, weights);
  const eps = 2 ** -52;
  let ll = 0, brier = 0, total = 0, positives = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i]!));
    const y = labels[i] === 1 ? 1 : 0, w = weights ? weights[i]! : 1;
    ll -= w * (y ? Math.log(p) : Math.log(1 - p));
    brier += w * (probabilities[i]! - y) ** 2;
    total += w;
    positives += y;
  }
  const confusion = confusionAt(labels, probabilities, { threshold, weights });
  const at = prf(confusion);
  let best = { threshold: NaN, precision: 0, recall: 0, f1: -1 };
  for (let k = 0; k < counts.tp.length; k++) {
    const c = {
      tp: counts.tp[k]!,
      fp: counts.fp[k]!,
      fn: counts.positives - counts.tp[k]!,
      tn: counts.negatives - counts.fp[k]!,
    };
    const m = prf(c);
    if (m.f1 > best.f1) best = { threshold: counts.thresholds[k]!, ...m };
  }
  return {
    rows: n,
    positives,
    roc_auc: rocAucFrom(counts),
    pr_auc: averagePrecisionFrom(counts),
    log_loss: total ? ll / total : NaN,
    brier: total ? brier / total : NaN,
    threshold,
    ...at,
    accuracy: total ? (confusion.tp + confusion.tn) / total : NaN,
    confusion,
    best_threshold: best.threshold,
    best_precision: best.precision,
    best_recall: best.recall,
    best_f1: Math.max(0, best.f1),
  };
}

/** The scalar metrics of {@link BinaryMetrics} (for tables, CV summaries and tracking). */
export const SCALAR_METRICS = [
  "roc_auc",
  "pr_auc",
  "log_loss",
  "brier",
  "precision",
  "recall",
  "f1",
  "accuracy",
  "best_threshold",
  "best_precision",
  "best_recall",
  "best_f1",
] as const;

/** Name of a scalar metric. */
export type ScalarMetric = typeof SCALAR_METRICS[number];
