/**
 * Training charts: ROC and precision–recall curves, precision/recall/F1 by threshold, feature
 * importance and boosting curves, as plotly figures.
 *
 * @module
 */

import { confusionAt, prf } from "../evaluate/binary_metrics.ts";
import { rocCurve, thresholdCounts } from "../evaluate/curves.ts";
import type { IterationMetrics } from "../models/model.ts";
import { Figure } from "./figure.ts";

/** ROC curve with its AUC in the title. */
export function rocFigure(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  auc: number,
): Figure {
  const { fpr, tpr } = rocCurve(labels, scores);
  return new Figure({
    data: [
      { type: "scatter", mode: "lines", name: "ROC", x: Array.from(fpr), y: Array.from(tpr) },
      {
        type: "scatter",
        mode: "lines",
        name: "chance",
        x: [0, 1],
        y: [0, 1],
        line: { dash: "dot" },
      },
    ],
    layout: {
      title: { text: `ROC curve (AUC ${auc.toFixed(4)})` },
      xaxis: { title: { text: "false positive rate" } },
      yaxis: { title: { text: "true positive rate" } },
    },
  });
}

/** Precision–recall curve with its average precision in the title. */
export function prFigure(labels: ArrayLike<number>, scores: ArrayLike<number>, ap: number): Figure {
  const c = thresholdCounts(labels, scores);
  const recall = Array.from(c.tp, (tp) => tp / c.positives);
  const precision = Array.from(c.tp, (tp, k) => tp / (tp + c.fp[k]!));
  return new Figure({
    data: [{ type: "scatter", mode: "lines", name: "precision–recall", x: recall, y: precision }],
    layout: {
      title: { text: `Precision–recall curve (PR AUC ${ap.toFixed(4)})` },
      xaxis: { title: { text: "recall" } },
      yaxis: { title: { text: "precision" } },
    },
  });
}

/** Precision, recall and F1 as the threshold moves (to choose one). */
export function thresholdFigure(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  chosen: number,
): Figure {
  const ts = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
  const m = ts.map((t) => prf(confusionAt(labels, scores, { threshold: t })));
  return new Figure({
    data: [
      { type: "scatter", mode: "lines", name: "precision", x: ts, y: m.map((v) => v.precision) },
      { type: "scatter", mode: "lines", name: "recall", x: ts, y: m.map((v) => v.recall) },
      { type: "scatter", mode: "lines", name: "F1", x: ts, y: m.map((v) => v.f1) },
    ],
    layout: {
      title: { text: `Threshold choice (chosen ${chosen.toFixed(3)})` },
      xaxis: { title: { text: "threshold" } },
      shapes: [{ type: "line", x0: chosen, x1: chosen, y0: 0, y1: 1, line: { dash: "dash" } }],
    },
  });
}

/** Feature importance as horizontal bars, most important on top. */
export function importanceFigure(
  ranked: ReadonlyArray<{ feature: string; importance: number }>,
): Figure {
  return rankedBarsFigure(ranked.map((r) => [r.feature, r.importance]), {
    title: "Feature importance",
    name: "importance",
  });
}

/** Ranked `[label, value]` pairs as horizontal bars, the first on top. */
export function rankedBarsFigure(
  ranked: ReadonlyArray<readonly [string, number]>,
  labels: { title: string; name: string },
): Figure {
  const top = [...ranked].reverse();
  return new Figure({
    data: [{
      type: "bar",
      orientation: "h",
      name: labels.name,
      x: top.map((r) => r[1]),
      y: top.map((r) => r[0]),
    }],
    layout: { title: { text: labels.title }, margin: { l: 180 }, height: 480 },
  });
}

/** One line per eval-set metric over boosting rounds. */
export function boostingFigure(history: readonly IterationMetrics[]): Figure {
  const keys = [...new Set(history.flatMap((h) => Object.keys(h.values)))];
  return new Figure({
    data: keys.map((k) => ({
      type: "scatter",
      mode: "lines",
      name: k,
      x: history.map((h) => h.iteration),
      y: history.map((h) => h.values[k] ?? null),
    })),
    layout: { title: { text: "Boosting rounds" }, xaxis: { title: { text: "round" } } },
  });
}
