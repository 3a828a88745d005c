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
  /** Computes the metric. */
  readonly compute: (labels: ArrayLike<number>, outputs: ArrayLike<number>) => number;
}

const EPS = 1e-16;

/** The metric registry. */
export const EVAL_METRIC_REGISTRY: Readonly<Record<string, EvalMetric>> = {
  logloss: {
    name: "logloss",
    higherIsBetter: false,
    compute: (y, p) => {
      let s = 0;
      for (let i = 0; i < y.length; i++) {
        const q = Math.min(1 - EPS, Math.max(EPS, p[i]!));
        s -= y[i]! * Math.log(q) + (1 - y[i]!) * Math.log(1 - q);
      }
      return s / y.length;
    },
  },
  error: {
    name: "error",
    higherIsBetter: false,
    compute: (y, p) => {
      let e = 0;
      for (let i = 0; i < y.length; i++) e += (p[i]! > 0.5 ? 1 : 0) !== y[i] ? 1 : 0;
      return e / y.length;
    },
  },
  auc: { name: "auc", higherIsBetter: true, compute: rocAuc },
  aucpr: { name: "aucpr", higherIsBetter: true, compute: averagePrecision },
  rmse: {
    name: "rmse",
    higherIsBetter: false,
    compute: (y, p) => {
      let s = 0;
      for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
      return Math.sqrt(s / y.length);
    },
  },
};
