/**
 * Confidence-based performance estimation (CBPE, as NannyML defines it): a model's binary
 * metrics per chunk of unlabeled data, from its calibrated probabilities. Fitted on a labeled
 * reference: the scores are calibrated by isotonic regression when that lowers their expected
 * calibration error (see {@link needsCalibration}); each metric's band comes from its realized
 * value on the reference's chunks (held within [0, 1]); each chunk's sampling error from the
 * reference's spread (`performance_sampling.ts`). A chunk alerts when its estimate leaves the band.
 *
 * With labels in the current sample too (all, or those matured so far), the realized metrics are
 * measured per chunk beside the estimates, on the labeled rows.
 *
 * @module
 */

import { fitIsotonic, isotonicPredict } from "../models/calibration/isotonic.ts";
import { rocAuc } from "../evaluate/curves.ts";
import { DataError } from "../errors.ts";
import { stratifiedSplit } from "../data/split.ts";
import { type ChunkedMeasure, measureChunks } from "./chunked_measure.ts";
import { type ChunkBy, chunkRows } from "./chunks.ts";
import {
  CHUNK_METRICS,
  type ChunkMetric,
  expectedMetric,
  realizedMetric,
  realizedRows,
  type ScoredRows,
} from "./performance_metrics.ts";
import { samplingComponents, samplingError } from "./performance_sampling.ts";

/** A scored sample: raw scores (probabilities), 0/1 predictions, labels (NaN: unknown). */
export interface ScoredSample {
  readonly scores: ArrayLike<number>;
  readonly predictions: ArrayLike<number>;
  readonly labels?: ArrayLike<number>;
  /** Per row, ms since the epoch (orders and cuts the chunks). */
  readonly timestamps?: ArrayLike<number>;
}

/** Options of {@link estimatePerformance}. */
export interface EstimateOptions {
  readonly by: ChunkBy;
  /** @default all of {@link CHUNK_METRICS} */
  readonly metrics?: readonly ChunkMetric[];
  /** Calibrate: when it helps (`auto`), always, or never. @default "auto" */
  readonly calibration?: "auto" | "always" | "never";
  /** Seed of the calibration check's splits. @default 42 */
  readonly seed?: number;
}

/** Estimated (and, with labels, realized) performance per chunk. */
export interface PerformanceEstimate {
  /** The scores were calibrated before estimating. */
  readonly calibrated: boolean;
  /** One per metric: `estimated_<metric>`. */
  readonly estimated: readonly ChunkedMeasure[];
  /** One per metric with current labels: `realized_<metric>`, on the labeled rows. */
  readonly realized: readonly ChunkedMeasure[];
}

/**
 * Estimates the current sample's performance chunk by chunk from the reference.
 *
 * @throws {DataError} for a reference without both classes, or with a row lacking its label or
 *   score.
 */
export function estimatePerformance(
  reference: ScoredSample,
  current: ScoredSample,
  options: EstimateOptions,
): PerformanceEstimate {
  const labels = referenceLabels(reference);
  const calibrate = options.calibration === "always" ||
    (options.calibration !== "never" &&
      needsCalibration(reference.scores, labels, options.seed ?? 42));
  const points = calibrate ? fitIsotonic(reference.scores, labels) : null;
  const rowsOf = (s: ScoredSample): ScoredRows => ({
    scores: s.scores,
    predictions: s.predictions,
    probabilities: points ? isotonicPredict(points, s.scores) : s.scores,
  });
  const ref = rowsOf(reference), cur = rowsOf(current);
  const components = samplingComponents(ref, labels);
  const refChunks = chunkRows(labels.length, options.by, reference.timestamps);
  const curChunks = chunkRows(current.scores.length, options.by, current.timestamps);
  const realizedRef = (m: ChunkMetric) => (at: Int32Array) =>
    realizedMetric(m, { rows: ref, labels }, at);
  const limits = { lower: 0, upper: 1 };
  const metrics = options.metrics ?? CHUNK_METRICS;
  const estimated = metrics.map((m) => {
    const measure = (rows: ScoredRows) => (at: Int32Array) => ({
      value: expectedMetric(m, rows, at),
      samplingError: samplingError(components[m], expectedRowCount(rows, { metric: m, at })),
    });
    return measureChunks(`estimated_${m}`, {
      reference: { chunks: refChunks, measure: measure(ref), bandValue: realizedRef(m) },
      current: { chunks: curChunks, measure: measure(cur) },
      limits,
    });
  });
  const curLabels = current.labels;
  const realized = curLabels && hasAny(curLabels)
    ? metrics.map((m) => {
      const measure =
        (data: { rows: ScoredRows; labels: ArrayLike<number> }) => (at: Int32Array) => ({
          value: realizedMetric(m, data, at),
          samplingError: samplingError(components[m], realizedRows(m, data, at)),
        });
      return measureChunks(`realized_${m}`, {
        reference: { chunks: refChunks, measure: measure({ rows: ref, labels }) },
        current: { chunks: curChunks, measure: measure({ rows: cur, labels: curLabels }) },
        limits,
      });
    })
    : [];
  return { calibrated: calibrate, estimated, realized };
}

/** Rows of `at` the expected metric counts: with a probability, and a prediction or a score. */
function expectedRowCount(
  rows: ScoredRows,
  { metric, at }: { metric: ChunkMetric; at: Int32Array },
): number {
  const other = metric === "roc_auc" ? rows.scores : rows.predictions;
  let n = 0;
  for (const r of at) if (!Number.isNaN(rows.probabilities[r]!) && !Number.isNaN(other[r]!)) n++;
  return n;
}

/** The reference's labels, checked: every row labeled and scored, both classes present. */
function referenceLabels(reference: ScoredSample): ArrayLike<number> {
  const labels = reference.labels;
  if (!labels) throw new DataError("performance estimation needs labels in the reference");
  let unlabeled = 0, unscored = 0;
  const classes = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    if (Number.isNaN(labels[i]!)) unlabeled++;
    else if (labels[i] === 0 || labels[i] === 1) classes.add(labels[i]!);
    else {
      throw new DataError(`reference labels must be 0/1, found ${labels[i]} in data row ${i + 1}`);
    }
    if (Number.isNaN(reference.scores[i]!)) unscored++;
  }
  if (unlabeled || unscored) {
    throw new DataError(
      `performance estimation needs a label and a score on every reference row; ` +
        `${unlabeled} have no label and ${unscored} no score`,
    );
  }
  if (classes.size < 2) {
    throw new DataError("performance estimation needs both classes in the reference labels");
  }
  return labels;
}

function hasAny(labels: ArrayLike<number>): boolean {
  for (let i = 0; i < labels.length; i++) if (!Number.isNaN(labels[i]!)) return true;
  return false;
}

/**
 * Whether isotonic calibration helps, as NannyML decides it: not with a ROC AUC above 0.999;
 * else over 10 stratified 90/10 splits (seeded: seed, seed + 1, …), calibrated on each 90 % and
 * scored on its 10 %,
 * the expected calibration error (10 equal-count bins by score) of the pooled held-out scores,
 * raw against calibrated: calibrate when calibration lowers it.
 */
export function needsCalibration(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  seed: number,
): boolean {
  if (rocAuc(labels, scores) > 0.999) return false;
  const raw: number[] = [], fitted: number[] = [], truth: number[] = [];
  for (let split = 0; split < 10; split++) {
    const { train, test } = stratifiedSplit(labels, 0.1, seed + split);
    const at = (rows: Int32Array, v: ArrayLike<number>) => Float64Array.from(rows, (i) => v[i]!);
    const points = fitIsotonic(at(train, scores), at(train, labels));
    const calibrated = isotonicPredict(points, at(test, scores));
    test.forEach((i, k) => {
      raw.push(scores[i]!);
      fitted.push(calibrated[k]!);
      truth.push(labels[i]!);
    });
  }
  return equalCountEce(raw, truth) > equalCountEce(fitted, truth);
}

/**
 * ECE over equal-count bins by score (NannyML's): Σ share × |mean score − mean label|.
 * `evaluate/reliability.ts` bins by equal width instead, as a reliability diagram does.
 */
function equalCountEce(p: readonly number[], y: readonly number[]): number {
  const n = p.length, order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const bins = n <= 20 ? Math.floor(n / 2) : 10, width = Math.floor(n / bins);
  const edges: number[] = [];
  for (let e = 0; e <= n; e += width) edges.push(e);
  edges[edges.length - 1] = n;
  let ece = 0;
  for (let b = 0; b + 1 < edges.length; b++) {
    let sp = 0, sy = 0;
    for (let k = edges[b]!; k < edges[b + 1]!; k++) (sp += p[order[k]!]!, sy += y[order[k]!]!);
    const size = edges[b + 1]! - edges[b]!;
    if (size) ece += (size / n) * Math.abs(sp / size - sy / size);
  }
  return ece;
}
