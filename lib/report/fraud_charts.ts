/**
 * The fraud team's metrics per test day, as a figure: card precision@k and precision@k at the
 * alert budget, and the compromised cards found of those there were.
 *
 * @module
 */

import type { FraudMetrics } from "../evaluate/fraud_metrics.ts";
import { Figure } from "./figure.ts";
import { isoDay } from "../data/days.ts";

/**
 * Card precision@k and precision@k per test day (bars and a line), with the mean in the title.
 *
 * @example
 * ```ts
 * import { cardPrecisionFigure } from "./fraud_charts.ts";
 * import { fraudMetrics } from "../evaluate/fraud_metrics.ts";
 * const m = fraudMetrics({
 *   days: [0, 0, 1],
 *   cards: [1, 2, 1],
 *   scores: [0.9, 0.2, 0.8],
 *   labels: [1, 0, 0],
 * }, { k: 1 });
 * cardPrecisionFigure(m).spec.data.length; // 2
 * ```
 */
export function cardPrecisionFigure(metrics: FraudMetrics): Figure {
  const days = Array.from(metrics.days, isoDay);
  const k = metrics.k;
  return new Figure({
    data: [
      {
        type: "bar",
        name: `card precision@${k}`,
        x: days,
        y: Array.from(metrics.cardPrecisionAtK),
        customdata: Array.from(metrics.detectedCards, (n, i) => [n, metrics.fraudCards[i]]),
        hovertemplate: "%{x}: %{y:.3f} (%{customdata[0]} of %{customdata[1]} compromised cards)",
      },
      {
        type: "scatter",
        mode: "lines+markers",
        name: `precision@${k}`,
        x: days,
        y: Array.from(metrics.precisionAtK),
      },
    ],
    layout: {
      title: {
        text: `Card precision@${k} per test day (mean ${metrics.meanCardPrecisionAtK.toFixed(3)})`,
      },
      xaxis: { title: { text: "day" } },
      yaxis: { title: { text: "precision" }, range: [0, 1] },
    },
  });
}
