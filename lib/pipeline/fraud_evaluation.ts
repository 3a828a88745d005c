/**
 * A transaction log's test period judged as a fraud team judges it: precision@k and card
 * precision@k per day at the alert budget, card recall within it, and the expected cost of
 * alerting at the model's threshold and at the least-cost one (the config's `evaluation`).
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { takeValues } from "../data/frame.ts";
import { type FraudMetrics, fraudMetrics } from "../evaluate/fraud_metrics.ts";
import { dayOf } from "../features/transaction_log.ts";
import type { LabeledData } from "./load_features.ts";

/** The test rows and their scores. */
export interface ScoredTest {
  /** Row indices (into the labeled data) of the test set. */
  readonly rows: Int32Array;
  /** The final model's probabilities, parallel to `rows`. */
  readonly scores: Float64Array;
  /** The model's operating threshold (alerts at score ≥ it). */
  readonly threshold: number;
}

/**
 * The fraud metrics of the test rows, or undefined when the data is not a transaction log.
 *
 * @example
 * ```ts
 * import { fraudEvaluation } from "./fraud_evaluation.ts";
 * import { config } from "../config/load.ts";
 * import { loadLabeledData } from "./load_features.ts";
 * const data = await loadLabeledData(config({ data: { maxSamples: 500 } }, { env: {} }));
 * const rows = Int32Array.of(0, 1, 2);
 * fraudEvaluation(data, { rows, scores: Float64Array.of(0.1, 0.9, 0.5), threshold: 0.5 }, config());
 * // undefined: the embedded card stream is not a transaction log
 * ```
 */
export function fraudEvaluation(
  data: LabeledData,
  test: ScoredTest,
  config: TrainingConfig,
): FraudMetrics | undefined {
  const log = data.log;
  if (!log) return undefined;
  const e = config.evaluation;
  return fraudMetrics({
    days: Array.from(test.rows, (r) => dayOf(log.time[r]!)),
    cards: takeValues(log.entity, test.rows),
    scores: test.scores,
    labels: takeValues(data.labels, test.rows),
    amounts: takeValues(log.amount, test.rows),
  }, {
    k: e.alertBudget,
    cost: { reviewCost: e.reviewCost, missedFraudCost: e.missedFraudCost },
    threshold: test.threshold,
  });
}
