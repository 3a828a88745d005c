/**
 * Evaluation metrics scored on eval sets after each boosting round, each with its declared
 * direction (early stopping never guesses it from the name).
 *
 * @module
 */

import { averagePrecision, rocAuc } from "../../evaluate/curves.ts";
import { rankMetric, rankMetricName } from "./ranking.ts";

/** What a metric may weigh its rows by: row weights, and query groups for ranking metrics. */
export interface MetricRows {
  /** Row weights (as xgboost weighs a DMatrix's). */
  readonly weights?: ArrayLike<number> | undefined;
  /** Query-group offsets (ranking metrics; see `groupOffsets`). */
  readonly groups?: Int32Array | undefined;
  /** One weight per group (ranking metrics). */
  readonly groupWeights?: ArrayLike<number> | undefined;
}

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
    rows?: MetricRows,
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
    compute: (y, p, r = {}) =>
      weightedMean(y.length, r.weights, (i) => {
        const q = Math.min(1 - EPS, Math.max(EPS, p[i]!));
        return -(y[i]! * Math.log(q) + (1 - y[i]!) * Math.log(1 - q));
      }),
  },
  error: {
    name: "error",
    higherIsBetter: false,
    compute: (y, p, r = {}) =>
      weightedMean(y.length, r.weights, (i) => (p[i]! > 0.5 ? 1 : 0) !== y[i] ? 1 : 0),
  },
  auc: { name: "auc", higherIsBetter: true, compute: (y, p, r = {}) => rocAuc(y, p, r.weights) },
  aucpr: {
    name: "aucpr",
    higherIsBetter: true,
    compute: (y, p, r = {}) => averagePrecision(y, p, r.weights),
  },
  rmse: {
    name: "rmse",
    higherIsBetter: false,
    compute: (y, p, r = {}) =>
      Math.sqrt(weightedMean(y.length, r.weights, (i) => (p[i]! - y[i]!) ** 2)),
  },
};

/**
 * The metric a name stands for: one of the registry's, or a ranking metric (`ndcg`, `ndcg@5`,
 * `map@10-`; its rows need their query groups).
 *
 * @throws {RangeError} for a name that is neither (parameter validation refuses it first).
 */
export function evalMetric(name: string): EvalMetric {
  const fixed = EVAL_METRIC_REGISTRY[name];
  if (fixed) return fixed;
  const rank = rankMetricName(name);
  if (!rank) throw new RangeError(`unknown eval metric "${name}"`);
  return {
    name,
    higherIsBetter: true,
    compute: (labels, scores, rows = {}) => {
      if (!rows.groups) throw new RangeError(`${name} needs the rows' query groups`);
      return rankMetric(rank, {
        labels,
        scores,
        offsets: rows.groups,
        groupWeights: rows.groupWeights,
      });
    },
  };
}
