/**
 * Sampling error of a chunk's binary metric, from the reference, as NannyML computes it: each
 * metric's spread on the reference (the deviation of its 0/1 observations, population) over
 * √(rows × the share of rows the metric counts). ROC AUC's spread is that of the negatives
 * ranked below each positive (Mann–Whitney's components, the minority class taken as positive);
 * ties in score are ranked in row order.
 *
 * @module
 */

import type { ChunkMetric, ScoredRows } from "./performance_metrics.ts";

/** A metric's spread on the reference and the share of rows it counts (accuracy: all). */
export interface SamplingComponents {
  readonly std: number;
  readonly share: number;
}

/**
 * Every metric's components from the labeled reference rows (rows without a label or prediction
 * left out).
 *
 * @example A small reference
 * ```ts
 * import { samplingComponents, samplingError } from "./performance_sampling.ts";
 * const rows = { probabilities: [0.9, 0.2, 0.6, 0.1], predictions: [1, 0, 1, 0], scores: [0.9, 0.2, 0.6, 0.1] };
 * const c = samplingComponents(rows, [1, 0, 0, 0]);
 * samplingError(c.precision, 100); // √(0.25) / √(100 × 0.5) ≈ 0.0707
 * ```
 */
export function samplingComponents(
  rows: ScoredRows,
  labels: ArrayLike<number>,
): Record<ChunkMetric, SamplingComponents> {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let r = 0; r < labels.length; r++) {
    const y = labels[r]!, v = rows.predictions[r]!;
    if (Number.isNaN(y) || Number.isNaN(v)) continue;
    if (v === 1) y === 1 ? tp++ : fp++;
    else y === 1 ? fn++ : tn++;
  }
  const n = tp + fp + fn + tn;
  const spread = (q: number) => Math.sqrt(q * (1 - q));
  const errs = tp + fn + fp;
  return {
    roc_auc: aucComponents(rows.scores, labels),
    precision: { std: spread(tp / (tp + fp)), share: (tp + fp) / n },
    recall: { std: spread(tp / (tp + fn)), share: (tp + fn) / n },
    specificity: { std: spread(tn / (tn + fp)), share: (tn + fp) / n },
    f1: { std: (errs / (0.5 * (fn + fp) + tp)) * spread(tp / errs), share: errs / n },
    accuracy: { std: spread((tp + tn) / n), share: 1 },
  };
}

/** The sampling error of a chunk of `rows` rows. */
export function samplingError(c: SamplingComponents, rows: number): number {
  return c.std / Math.sqrt(rows * c.share);
}

/**
 * ROC AUC's components: with the minority class as positive (scores flipped when positives are
 * the majority), rows ranked by score, each positive past rank 0 contributes the negatives below
 * it over all negatives (NannyML drops a positive ranked first, and so does this).
 */
function aucComponents(scores: ArrayLike<number>, labels: ArrayLike<number>): SamplingComponents {
  const kept: number[] = [];
  for (let r = 0; r < labels.length; r++) {
    if (!Number.isNaN(labels[r]!) && !Number.isNaN(scores[r]!)) kept.push(r);
  }
  const n = kept.length;
  let positives = 0;
  for (const r of kept) positives += labels[r]!;
  const flip = positives / n > 0.5;
  const y = (r: number) => (flip ? Math.abs(labels[r]! - 1) : labels[r]!);
  const p = (r: number) => (flip ? 1 - scores[r]! : scores[r]!);
  const order = Int32Array.from(kept).sort((a, b) => p(a) - p(b) || a - b);
  const below: number[] = [];
  order.forEach((r, rank) => {
    if (rank > 0 && y(r) === 1) below.push(rank - below.length);
  });
  const pos = flip ? n - positives : positives, neg = n - pos;
  const values = below.map((b) => b / neg);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { std, share: pos / n };
}
