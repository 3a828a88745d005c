/**
 * Binary performance from rows, realized (from labels) or expected (from calibrated
 * probabilities, as NannyML's CBPE estimates it): the metrics a chunk is read by.
 *
 * Expected counts sum the probabilities: TP = Σ p over rows predicted 1, FP = Σ (1 − p) over
 * them, FN = Σ p and TN = Σ (1 − p) over rows predicted 0; a metric with a zero denominator is
 * 0. The expected ROC AUC walks the rows by descending raw score, each a point of the curve with
 * p true and 1 − p false positives, the cumulative counts rounded to 5 decimals (half to even).
 *
 * Realized metrics follow NannyML's: ROC AUC needs both classes; F1, precision and recall need
 * both classes among labels and among predictions; specificity is NaN without negatives.
 *
 * @module
 */

import { rocAuc } from "../evaluate/curves.ts";
import { roundHalfEven } from "../util/special.ts";

/** The metrics a chunk is read by. */
export const CHUNK_METRICS = [
  "roc_auc",
  "f1",
  "precision",
  "recall",
  "specificity",
  "accuracy",
] as const;

/** One of {@link CHUNK_METRICS}. */
export type ChunkMetric = typeof CHUNK_METRICS[number];

/** Scored rows: probabilities (calibrated for the expected metrics), 0/1 predictions, raw scores. */
export interface ScoredRows {
  readonly probabilities: ArrayLike<number>;
  readonly predictions: ArrayLike<number>;
  /** Raw scores (order the expected ROC curve; rank the realized one). */
  readonly scores: ArrayLike<number>;
}

/** Confusion counts (expected counts are sums of probabilities). */
export interface Counts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
}

/** Expected counts of the rows with a probability and a prediction, and how many rows those are. */
export function expectedCounts(rows: ScoredRows, at: Int32Array): Counts & { rows: number } {
  let tp = 0, fp = 0, fn = 0, tn = 0, n = 0;
  for (const r of at) {
    const p = rows.probabilities[r]!, y = rows.predictions[r]!;
    if (Number.isNaN(p) || Number.isNaN(y)) continue;
    n++;
    if (y === 1) (tp += p, fp += 1 - p);
    else if (y === 0) (fn += p, tn += 1 - p);
  }
  return { tp, fp, fn, tn, rows: n };
}

/** A metric from counts (expected: a zero denominator gives 0). */
export function metricOfCounts(metric: Exclude<ChunkMetric, "roc_auc">, c: Counts): number {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  switch (metric) {
    case "precision":
      return ratio(c.tp, c.tp + c.fp);
    case "recall":
      return ratio(c.tp, c.tp + c.fn);
    case "specificity":
      return ratio(c.tn, c.tn + c.fp);
    case "f1":
      return ratio(c.tp, c.tp + 0.5 * (c.fp + c.fn));
    case "accuracy":
      return ratio(c.tp + c.tn, c.tp + c.fp + c.fn + c.tn);
  }
}

/**
 * The expected metric of the rows `at` (rows without a probability or prediction left out).
 *
 * @example Two confident rows
 * ```ts
 * import { expectedMetric } from "./performance_metrics.ts";
 * const rows = { probabilities: [0.9, 0.2], predictions: [1, 0], scores: [0.9, 0.2] };
 * expectedMetric("precision", rows, Int32Array.of(0, 1)); // 0.9
 * ```
 */
export function expectedMetric(metric: ChunkMetric, rows: ScoredRows, at: Int32Array): number {
  if (metric !== "roc_auc") {
    const counts = expectedCounts(rows, at);
    return counts.rows ? metricOfCounts(metric, counts) : NaN; // no row to estimate from
  }
  const kept = at.filter((r) =>
    !Number.isNaN(rows.probabilities[r]!) && !Number.isNaN(rows.scores[r]!)
  );
  if (kept.length === 0) return NaN;
  const order = Int32Array.from(kept).sort((a, b) => rows.scores[b]! - rows.scores[a]!);
  const n = order.length, tps = new Float64Array(n + 1), fps = new Float64Array(n + 1);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += rows.probabilities[order[k]!]!;
    tps[k + 1] = roundHalfEven(sum, 5);
    fps[k + 1] = roundHalfEven(k + 1 - sum, 5);
  }
  return trapezoidArea(fps.map((f) => f / fps[n]!), tps.map((t) => t / tps[n]!));
}

/** scikit-learn's `auc`: the trapezoid area, NaN when x is not monotone. */
function trapezoidArea(x: Float64Array, y: Float64Array): number {
  let rising = false, falling = false, area = 0;
  for (let i = 1; i < x.length; i++) {
    const dx = x[i]! - x[i - 1]!;
    if (dx < 0) falling = true;
    if (dx > 0) rising = true;
    area += dx * (y[i]! + y[i - 1]!) / 2;
  }
  if (falling && rising) return NaN;
  return falling ? -area : area;
}

/**
 * The realized metric of the rows `at` with a label (NaN: not known yet), a prediction and, for
 * ROC AUC, a score.
 *
 * @example Half right
 * ```ts
 * import { realizedMetric } from "./performance_metrics.ts";
 * const rows = { probabilities: [0.9, 0.2, 0.6], predictions: [1, 0, 1], scores: [0.9, 0.2, 0.6] };
 * realizedMetric("precision", { rows, labels: [1, 0, 0] }, Int32Array.of(0, 1, 2)); // 0.5
 * ```
 */
export function realizedMetric(
  metric: ChunkMetric,
  data: { readonly rows: ScoredRows; readonly labels: ArrayLike<number> },
  at: Int32Array,
): number {
  const { rows, labels } = data;
  const column = metric === "roc_auc" ? rows.scores : rows.predictions;
  const kept = at.filter((r) => !Number.isNaN(labels[r]!) && !Number.isNaN(column[r]!));
  const y = Array.from(kept, (r) => labels[r]!), v = Array.from(kept, (r) => column[r]!);
  if (metric === "roc_auc") return new Set(y).size < 2 ? NaN : rocAuc(y, v);
  let tp = 0, fp = 0, fn = 0, tn = 0;
  y.forEach((t, i) => {
    if (v[i] === 1) t === 1 ? tp++ : fp++;
    else t === 1 ? fn++ : tn++;
  });
  const counts = { tp, fp, fn, tn };
  if (metric === "accuracy") return kept.length ? (tp + tn) / kept.length : NaN;
  if (metric === "specificity") return tn + fp === 0 ? NaN : tn / (tn + fp);
  const bothClasses = (a: number[]) => new Set(a).size >= 2;
  return bothClasses(y) && bothClasses(v) ? metricOfCounts(metric, counts) : NaN;
}

/** How many of the rows `at` have what the realized metric needs. */
export function realizedRows(
  metric: ChunkMetric,
  data: { readonly rows: ScoredRows; readonly labels: ArrayLike<number> },
  at: Int32Array,
): number {
  const column = metric === "roc_auc" ? data.rows.scores : data.rows.predictions;
  let n = 0;
  for (const r of at) if (!Number.isNaN(data.labels[r]!) && !Number.isNaN(column[r]!)) n++;
  return n;
}
