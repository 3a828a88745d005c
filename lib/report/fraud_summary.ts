/**
 * The fraud team's metrics as the summary, `metrics.json` and MLflow show them: the means at the
 * alert budget, the per-day values, and the alert cost at the model's threshold and at the
 * least-cost one.
 *
 * @module
 */

import type { FraudMetrics } from "../evaluate/fraud_metrics.ts";
import { isoDay } from "../data/days.ts";

/** MLflow metric names → values: `card_precision_at_100`, `expected_cost`, … */
export function fraudMetricValues(f: FraudMetrics): Record<string, number> {
  const out: Record<string, number> = {
    [`precision_at_${f.k}`]: f.meanPrecisionAtK,
    [`card_precision_at_${f.k}`]: f.meanCardPrecisionAtK,
    test_days: f.days.length,
  };
  if (Number.isFinite(f.meanCardRecallAtK)) out[`card_recall_at_${f.k}`] = f.meanCardRecallAtK;
  if (f.costAtThreshold) out.expected_cost = f.costAtThreshold.cost;
  if (f.minimumCost) {
    out.minimum_cost = f.minimumCost.cost;
    if (Number.isFinite(f.minimumCost.threshold)) {
      out.minimum_cost_threshold = f.minimumCost.threshold;
    }
  }
  return out;
}

/** `metrics.json`'s and the JSON summary's `fraud` section: the means, per day, the costs. */
export function fraudMetricsJson(f: FraudMetrics): Record<string, unknown> {
  return {
    alert_budget: f.k,
    ...fraudMetricValues(f),
    per_day: Array.from(f.days, (d, i) => ({
      day: isoDay(d),
      precision_at_k: f.precisionAtK[i],
      card_precision_at_k: f.cardPrecisionAtK[i],
      fraud_cards: f.fraudCards[i],
      detected_cards: f.detectedCards[i],
    })),
    // Alerts, missed frauds and cost at the model's threshold and at the least-cost one.
    at_threshold: f.costAtThreshold ?? null,
    at_minimum_cost: f.minimumCost ?? null,
  };
}

/** The summary's lines. */
export function fraudSummaryLines(f: FraudMetrics): string[] {
  const d = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : "-");
  const lines = [
    `Fraud team's view of the ${f.days.length} test days (alert budget ${f.k} a day): ` +
    `card precision@${f.k} ${d(f.meanCardPrecisionAtK)}, precision@${f.k} ` +
    `${d(f.meanPrecisionAtK)}, card recall within the budget ${d(f.meanCardRecallAtK)}`,
  ];
  if (f.costAtThreshold && f.minimumCost) {
    lines.push(
      `Alert cost: ${f.costAtThreshold.cost.toFixed(2)} at the model's threshold ` +
        `${f.costAtThreshold.threshold.toFixed(4)} (${f.costAtThreshold.alerts} alerts), ` +
        `least ${f.minimumCost.cost.toFixed(2)} at ${f.minimumCost.threshold.toFixed(4)} ` +
        `(${f.minimumCost.alerts} alerts)`,
    );
  }
  return lines;
}
