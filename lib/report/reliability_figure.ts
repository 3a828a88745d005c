/**
 * The reliability diagram: per probability bin, the mean predicted probability against the share
 * of positives observed, beside the diagonal of perfect calibration — one line per set of
 * probabilities (e.g. before and after calibration).
 *
 * @module
 */

import type { CalibrationQuality } from "../evaluate/reliability.ts";
import { Figure } from "./figure.ts";

/**
 * A reliability diagram of one or more sets of probabilities, each with its ECE in the legend;
 * hovering a point shows the rows in its bin.
 *
 * @param curves Named calibration measures (from `calibrationQuality`, or a training result's
 *   `calibration.before` and `calibration.after`).
 * @returns The figure.
 * @example A training run's test rows before and after calibration
 * ```ts
 * import { config } from "../config/load.ts";
 * import { train } from "../pipeline/train.ts";
 * import { reliabilityFigure } from "./reliability_figure.ts";
 * const result = await train(config({ data: { maxSamples: 5000 }, model: { calibration: "isotonic" } }));
 * const c = result.calibration!;
 * reliabilityFigure({ "before calibration": c.before, "after calibration": c.after });
 * ```
 */
export function reliabilityFigure(curves: Readonly<Record<string, CalibrationQuality>>): Figure {
  const lines = Object.entries(curves).map(([name, q]) => ({
    type: "scatter",
    mode: "lines+markers",
    name: `${name} (ECE ${q.ece.toFixed(4)})`,
    x: q.bins.map((b) => b.meanPredicted),
    y: q.bins.map((b) => b.observedRate),
    text: q.bins.map((b) => `${b.count} rows`),
  }));
  return new Figure({
    data: [
      ...lines,
      {
        type: "scatter",
        mode: "lines",
        name: "perfectly calibrated",
        x: [0, 1],
        y: [0, 1],
        line: { dash: "dot" },
      },
    ],
    layout: {
      title: { text: "Reliability diagram (10 equal-width bins)" },
      xaxis: { title: { text: "mean predicted probability" }, range: [0, 1] },
      yaxis: { title: { text: "observed share of positives" }, range: [0, 1] },
    },
  });
}
