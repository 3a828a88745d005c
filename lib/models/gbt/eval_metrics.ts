/**
 * Evaluation metrics scored on eval sets after each boosting round, each with its declared
 * direction (early stopping never guesses it from the name).
 *
 * @module
 */

import { averagePrecision, rocAuc } from "../../evaluate/curves.ts";

/** A metric over outputs (probabilities, or predictions for regression) and labels. */
export interface EvalMetric {
  /** XGBoost's metric name. */
  readonly name: string;
  /** True when larger values are better (auc, aucpr). */
  readonly higherIsBetter: boolean;
  /** Computes the metric, weighted by row weights when given (as xgboost weighs a DMatrix's). */
  readonly compute: (
    labels: ArrayLike<number>,
    outputs: ArrayLike<number>,
    weights?: ArrayLike<number>,
  ) => number;
}

/** Σ wᵢ·f(i) / Σ wᵢ over the rows (weights 1 when none). */
function weightedMean(
  n: number,
  weights: ArrayLike<number> | undefined,
  f: (i: number) => number,
): number {
  let s = 0, w = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights ? weights[i]! : 1;
    s += wi * f(i);
    w += wi;
  }
  return s / w;
}

const EPS = 1e-16;

/** The metric registry. */
export const EVAL_METRIC_REGISTRY: Readonly<Record<string, EvalMetric>> = {
  logloss: {
    name: "logloss",
    higherIsBetter: false,
    compute: (y, p, w) =>
      weightedMean(y.length, w, (i) => {
        const q = Math.min(1 - EPS, Math.max(EPS, p[i]!));
        return -(y[i]! * Math.log(q) + (1 - y[i]!) * Math.log(1 - q));
      }),
  },
  error: {
    name: "error",
    higherIsBetter: false,
    compute: (y, p, w) => weightedMean(y.length, w, (i) => (p[i]! > 0.5 ? 1 : 0) !== y[i] ? 1 : 0),
  },
  auc: { name: "auc", higherIsBetter: true, compute: rocAuc },
  aucpr: { name: "aucpr", higherIsBetter: true, compute: averagePrecision },
  rmse: {
    name: "rmse",
    higherIsBetter: false,
    compute: (y, p, w) => Math.sqrt(weightedMean(y.length, w, (i) => (p[i]! - y[i]!) ** 2)),
  },
};
