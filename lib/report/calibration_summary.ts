/**
 * A run's calibration in the training summary: how the calibrator was fitted, the test rows' ECE
 * and Brier score before and after, and their reliability bins side by side — as text, and as
 * the JSON summary's `calibration` object.
 *
 * @module
 */

import type { CalibrationQuality, ReliabilityBin } from "../evaluate/reliability.ts";
import { textTable } from "./text_table.ts";

/** What the summary reads of a run's calibration (the pipeline's `CalibrationOutcome`). */
export interface CalibrationFacts {
  readonly method: string;
  /** `out-of-fold` or `latest-slice`. */
  readonly fittedOn: string;
  readonly rows: number;
  readonly before: CalibrationQuality;
  readonly after: CalibrationQuality;
}

/**
 * The calibration as text: a line on how it was fitted, ECE and Brier score before and after,
 * and the reliability bins (rows, mean predicted probability, observed positive share) of both.
 *
 * @param c The run's calibration.
 * @returns Lines for a terminal.
 * @example A calibration's summary
 * ```ts
 * import { calibrationQuality } from "../evaluate/reliability.ts";
 * import { calibrationText } from "./calibration_summary.ts";
 * const labels = [0, 0, 1, 1];
 * console.log(calibrationText({
 *   method: "isotonic",
 *   fittedOn: "out-of-fold",
 *   rows: 4,
 *   before: calibrationQuality(labels, [0.1, 0.3, 0.6, 0.9]),
 *   after: calibrationQuality(labels, [0, 0, 1, 1]),
 * }));
 * ```
 */
export function calibrationText(c: CalibrationFacts): string {
  const f = (v: number) => v.toFixed(4);
  const where = c.fittedOn === "out-of-fold"
    ? "out-of-fold scores"
    : "scores of the latest 20% of the training part";
  const measures = textTable(
    ["calibration (test rows)", "before", "after"],
    [
      ["ECE (10 equal-width bins)", f(c.before.ece), f(c.after.ece)],
      ["Brier score", f(c.before.brier), f(c.after.brier)],
    ],
  );
  const edges = [...new Set([...c.before.bins, ...c.after.bins].map((b) => b.lower))]
    .sort((a, b) => a - b);
  const cells = (bins: readonly ReliabilityBin[], lower: number) => {
    const b = bins.find((x) => x.lower === lower);
    return b ? [String(b.count), f(b.meanPredicted), f(b.observedRate)] : ["0", "", ""];
  };
  const reliability = textTable(
    [
      "reliability bin",
      "rows before",
      "predicted",
      "observed",
      "rows after",
      "predicted",
      "observed",
    ],
    edges.map((lower) => {
      const upper = (c.before.bins.find((b) => b.lower === lower) ??
        c.after.bins.find((b) => b.lower === lower))!.upper;
      const bin = `${lower === 0 ? "[" : "("}${lower.toFixed(1)}, ${upper.toFixed(1)}]`;
      return [bin, ...cells(c.before.bins, lower), ...cells(c.after.bins, lower)];
    }),
  );
  return [
    `Calibrated (${c.method}) on ${c.rows} ${where}:`,
    measures,
    "",
    reliability,
  ].join("\n");
}

/**
 * The calibration as the JSON summary shows it (snake_case, as the rest of it).
 *
 * @param c The run's calibration.
 * @returns A JSON-ready object.
 * @example The JSON of a calibration
 * ```ts
 * import { calibrationQuality } from "../evaluate/reliability.ts";
 * import { calibrationJson } from "./calibration_summary.ts";
 * const labels = [0, 0, 1, 1];
 * const json = calibrationJson({
 *   method: "sigmoid",
 *   fittedOn: "latest-slice",
 *   rows: 4,
 *   before: calibrationQuality(labels, [0.1, 0.3, 0.6, 0.9]),
 *   after: calibrationQuality(labels, [0.2, 0.2, 0.8, 0.8]),
 * });
 * JSON.stringify(json); // {"method":"sigmoid","fitted_on":"latest-slice",…}
 * ```
 */
export function calibrationJson(c: CalibrationFacts): Record<string, unknown> {
  const quality = (q: CalibrationQuality) => ({
    ece: q.ece,
    brier: q.brier,
    bins: q.bins.map((b) => ({
      lower: b.lower,
      upper: b.upper,
      count: b.count,
      mean_predicted: b.meanPredicted,
      observed_rate: b.observedRate,
    })),
  });
  return {
    method: c.method,
    fitted_on: c.fittedOn,
    rows: c.rows,
    before: quality(c.before),
    after: quality(c.after),
  };
}
