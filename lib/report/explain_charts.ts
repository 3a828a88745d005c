/**
 * Explanation figures: the global SHAP importance (mean |SHAP| per feature, as bars — the summary
 * bar chart) and a waterfall of one prediction, from the bias through each feature's contribution
 * to the row's margin (log-odds), the largest first.
 *
 * @module
 */

import { Figure } from "./figure.ts";
import { rankedBarsFigure } from "./training_charts.ts";

/** Mean |SHAP| per feature as horizontal bars, the largest on top. */
export function shapImportanceFigure(
  ranked: ReadonlyArray<{ feature: string; meanAbsShap: number }>,
): Figure {
  return rankedBarsFigure(ranked.map((r) => [r.feature, r.meanAbsShap]), {
    title: "SHAP importance (mean |contribution|, log-odds)",
    name: "mean |SHAP|",
  });
}

/** Options of {@link waterfallFigure}. */
export interface WaterfallOptions {
  /** The row of the contributions matrix. */
  readonly row: number;
  /** Features shown one by one (the rest summed as one step). @default 10 */
  readonly top?: number;
  /** Title text. @default "Why row <row> scored as it did" */
  readonly title?: string;
}

/**
 * One prediction's waterfall: the bias, then the `top` largest contributions (by |value|), the
 * others summed, ending at the margin; P = sigmoid(margin) in the title.
 *
 * @throws {RangeError} for a row outside the matrix.
 */
export function waterfallFigure(
  contributions: Float64Array,
  names: readonly string[],
  options: WaterfallOptions,
): Figure {
  const width = names.length + 1, rows = contributions.length / width;
  if (!(options.row >= 0 && options.row < rows)) {
    throw new RangeError(`Expected a row in [0, ${rows}) but found ${options.row}`);
  }
  const phi = contributions.subarray(options.row * width, (options.row + 1) * width);
  const bias = phi[names.length]!, margin = phi.reduce((a, b) => a + b, 0);
  const order = names.map((_, j) => j).sort((a, b) => Math.abs(phi[b]!) - Math.abs(phi[a]!));
  const shown = order.slice(0, options.top ?? 10), rest = order.slice(options.top ?? 10);
  const other = rest.reduce((a, j) => a + phi[j]!, 0);
  const labels = ["bias (expected margin)", ...shown.map((j) => names[j]!)];
  const x = [bias, ...shown.map((j) => phi[j]!)];
  if (rest.length) {
    labels.push(`${rest.length} other features`);
    x.push(other);
  }
  labels.push("margin");
  x.push(margin);
  const p = 1 / (1 + Math.exp(-margin));
  return new Figure({
    data: [{
      type: "waterfall",
      orientation: "h",
      name: "log-odds",
      measure: ["absolute", ...x.slice(1, -1).map(() => "relative"), "total"],
      x,
      y: labels,
      increasing: { marker: { color: "#d62728" } },
      decreasing: { marker: { color: "#1f77b4" } },
      totals: { marker: { color: "#7f7f7f" } },
    }],
    layout: {
      title: {
        text: `${options.title ?? `Why row ${options.row} scored as it did`} (P = ${p.toFixed(3)})`,
      },
      margin: { l: 200 },
      height: 480,
      yaxis: { autorange: "reversed" },
    },
  });
}
