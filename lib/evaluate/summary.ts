/**
 * Cross-validation summaries and the readiness verdict.
 *
 * @module
 */

import { type BinaryMetrics, SCALAR_METRICS, type ScalarMetric } from "./binary_metrics.ts";

/** Mean and standard deviation of one metric across folds. */
export interface MeanStd {
  /** Mean across folds. */
  readonly mean: number;
  /** Population standard deviation across folds (ddof = 0, as numpy's default). */
  readonly std: number;
}

/** Mean ± std of every scalar metric across folds. */
export function summarizeFolds(folds: readonly BinaryMetrics[]): Record<ScalarMetric, MeanStd> {
  const out = {} as Record<ScalarMetric, MeanStd>;
  for (const name of SCALAR_METRICS) out[name] = meanStd(folds.map((f) => f[name]));
  return out;
}

/**
 * Mean and population standard deviation of values (e.g. one metric across folds).
 *
 * @example
 * ```ts
 * import { meanStd } from "./summary.ts";
 * meanStd([0.8, 0.9]); // { mean: 0.85, std: 0.05 }
 * ```
 */
export function meanStd(values: readonly number[]): MeanStd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** Whether a model is fit to ship, by its test ROC AUC. */
export type Readiness = "good" | "acceptable" | "needs improvement";

/**
 * The readiness verdict: good above 0.8 AUC, acceptable above 0.7, otherwise needs
 * improvement (also for NaN).
 */
export function readiness(rocAuc: number): Readiness {
  if (rocAuc > 0.8) return "good";
  if (rocAuc > 0.7) return "acceptable";
  return "needs improvement";
}

/** Feature importances sorted from most to least important, with shares summing to 1. */
export function rankImportance(
  importance: Readonly<Record<string, number>>,
): Array<{ feature: string; importance: number; share: number }> {
  const total = Object.values(importance).reduce((a, b) => a + Math.abs(b), 0);
  return Object.entries(importance)
    .map(([feature, v]) => ({ feature, importance: v, share: total > 0 ? Math.abs(v) / total : 0 }))
    .sort((a, b) => b.importance - a.importance || a.feature.localeCompare(b.feature));
}
