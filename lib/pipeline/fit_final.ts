/**
 * The final fit on the whole training part, recording per-round metrics: on the training rows,
 * and — when the model asks for early stopping — on a 10% validation carve-out that the stopping
 * watches (stratified, or the latest rows when the training part is in time order).
 *
 * @module
 */

import { type Frame, takeValues } from "../data/frame.ts";
import { stratifiedSplit } from "../data/split.ts";
import { latestSplit } from "../data/time_split.ts";
import type { Classifier, Estimator, FitOptions, IterationMetrics } from "../models/model.ts";

/** Share of the training part held out to watch early stopping. */
export const EARLY_STOPPING_SHARE = 0.1;

/** The fitted model, its per-round metrics, and the rows it was fitted on. */
export interface FinalFit {
  /** The fitted model. */
  readonly model: Classifier;
  /** Eval-set metrics per boosting round (empty for non-iterative models). */
  readonly history: readonly IterationMetrics[];
  /** Rows held out for early stopping (0 without it). */
  readonly validationRows: number;
}

/** True when the estimator's parameters ask for early stopping. */
export function wantsEarlyStopping(estimator: Estimator): boolean {
  return estimator.params.early_stopping_rounds !== undefined;
}

/** The training part as {@link fitFinal} and cross-validation take it. */
export interface TrainingPart {
  readonly frame: Frame;
  readonly labels: Uint8Array;
  /** Row weights (see `FitOptions.weights`); absent: every row weighs 1. */
  readonly weights?: Float64Array | undefined;
  /** Features holding category codes (see `FitOptions.categorical`). */
  readonly categorical?: readonly string[];
  /** Rows are in time order (the time split): validation carve-outs take the latest rows. */
  readonly timeOrdered?: boolean;
}

/**
 * Fits `estimator` on the training part with eval sets `train` (and `valid` under early
 * stopping), collecting each round's metrics.
 *
 * @example Trees with early stopping on a validation carve-out
 * ```ts
 * import { embeddedFeatures } from "../features/embedded_source.ts";
 * import { FRAUD_RULE_SET } from "../labels/fraud_rules.ts";
 * import { labelByRules } from "../labels/rule_labeler.ts";
 * import { createEstimator } from "../models/factory.ts";
 * import { fitFinal } from "./fit_final.ts";
 * const snapshotTime = "2024-06-03T03:00:00Z";
 * const { frame } = embeddedFeatures({ samples: 2000, seed: 42, snapshotTime });
 * const { labels } = labelByRules(frame, FRAUD_RULE_SET, { targetRate: 0.05 });
 * const estimator = createEstimator({ type: "xgboost", params: { early_stopping_rounds: 10 } });
 * const { model, history } = await fitFinal(estimator, { frame, labels }, 42);
 * history.length; // 24 rounds run, each with train- and valid-logloss
 * model.predictProba(frame); // with the 14 rounds up to the best iteration
 * ```
 */
export async function fitFinal(
  estimator: Estimator,
  data: TrainingPart,
  seed: number,
): Promise<FinalFit> {
  const { frame: x, labels: y, weights: w } = data;
  const categorical = data.categorical ?? [];
  const history: IterationMetrics[] = [];
  const collect = { afterIteration: (m: IterationMetrics) => void history.push(m) };
  if (!wantsEarlyStopping(estimator)) {
    const options: FitOptions = {
      evalSets: [{ name: "train", frame: x, labels: y, weights: w }],
      callbacks: [collect],
      categorical,
      weights: w,
    };
    return { model: await estimator.fit(x, y, options), history, validationRows: 0 };
  }
  const { train, test } = data.timeOrdered
    ? latestSplit(y.length, EARLY_STOPPING_SHARE)
    : stratifiedSplit(y, EARLY_STOPPING_SHARE, seed + 1);
  const xt = x.take(train), yt = takeValues(y, train);
  const wt = w && takeValues(w, train), wv = w && takeValues(w, test);
  const model = await estimator.fit(xt, yt, {
    evalSets: [
      { name: "train", frame: xt, labels: yt, weights: wt },
      { name: "valid", frame: x.take(test), labels: takeValues(y, test), weights: wv },
    ],
    callbacks: [collect],
    categorical,
    weights: wt,
  });
  return { model, history, validationRows: test.length };
}
