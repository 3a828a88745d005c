/**
 * Drift chunk by chunk: the measures that read the current sample per chunk — the drifted-feature
 * share and multivariate drift (PCA reconstruction error) always, and with scores and predictions
 * on both sides, the scores' shift (KS), the estimated performance (CBPE) and, where current labels
 * are known, the realized one beside it.
 *
 * @module
 */

import { estimatePerformance, type PerformanceEstimate, type ScoredSample } from "./cbpe.ts";
import type { ChunkedMeasure } from "./chunked_measure.ts";
import { type ChunkBy, chunkRows } from "./chunks.ts";
import type { DataDriftOptions, FeatureColumn } from "./data_drift.ts";
import { driftedShareByChunk, scoreShiftByChunk } from "./chunk_univariate.ts";
import { reconstructionDrift } from "./reconstruction.ts";

/** One side: its features, timestamps and, when it has them, its scores. */
export interface ChunkedSide {
  readonly columns: readonly FeatureColumn[];
  readonly timestamps?: ArrayLike<number>;
  readonly scored?: ScoredSample;
}

/** Every chunked measure. */
export interface ChunkedDrift {
  readonly by: ChunkBy;
  /** The scores were calibrated before estimating (absent without scores). */
  readonly calibrated?: boolean;
  /**
   * `drifted_share`, `score_ks` (with scores), `reconstruction_error`, then `estimated_<metric>`
   * and `realized_<metric>` ones.
   */
  readonly measures: readonly ChunkedMeasure[];
  /** What weakens the bands (too few reference chunks). */
  readonly warnings: readonly string[];
}

/** Reference chunks below which a band is a guess (NannyML warns below 6 too). */
export const MIN_REFERENCE_CHUNKS = 6;

/**
 * Measures both sides chunk by chunk.
 *
 * @throws {DataError} as the measures do (no rows, a reference without labels when scored).
 * @example Two columns whose correlation breaks
 * ```ts
 * import { chunkedDrift } from "./chunked_drift.ts";
 * const side = (sign: number) => {
 *   const a = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i));
 *   return {
 *     columns: [
 *       { name: "a", kind: "continuous" as const, values: a },
 *       { name: "b", kind: "continuous" as const, values: a.map((v, i) => sign * v + 0.1 * Math.cos(7 * i)) },
 *     ],
 *   };
 * };
 * const drift = chunkedDrift(side(1), side(-1), { by: { size: 100 } });
 * drift.measures[0]!.alerts; // 4: every current chunk
 * ```
 */
export function chunkedDrift(
  reference: ChunkedSide,
  current: ChunkedSide,
  options: {
    readonly by: ChunkBy;
    readonly varianceShare?: number;
    readonly seed?: number;
    /** The per-feature tests and dataset rule (the drifted share per chunk). */
    readonly dataDrift?: DataDriftOptions;
  },
): ChunkedDrift {
  const multivariate = reconstructionDrift(reference, current, options);
  const nCur = current.columns[0]?.values.length ?? 0;
  const curChunks = chunkRows(nCur, options.by, current.timestamps);
  const univariate = [
    driftedShareByChunk(reference.columns, current.columns, {
      chunks: curChunks,
      ...(options.dataDrift ? { options: options.dataDrift } : {}),
    }),
  ];
  if (reference.scored && current.scored) {
    univariate.push(scoreShiftByChunk(
      { reference: reference.scored.scores, current: current.scored.scores },
      {
        chunks: curChunks,
        ...(options.dataDrift?.significanceLevel !== undefined
          ? { alpha: options.dataDrift.significanceLevel }
          : {}),
      },
    ));
  }
  let performance: PerformanceEstimate | undefined;
  const notes: string[] = [];
  if (reference.scored && current.scored) {
    const labeled = labeledReference(reference.scored, reference.timestamps);
    if (labeled.dropped) {
      notes.push(
        `${labeled.dropped} reference row(s) without a label or score left out of the ` +
          "performance estimation",
      );
    }
    performance = estimatePerformance(
      labeled.sample,
      { ...current.scored, ...(current.timestamps ? { timestamps: current.timestamps } : {}) },
      { by: options.by, ...(options.seed !== undefined ? { seed: options.seed } : {}) },
    );
  }
  const nRef = reference.columns[0]?.values.length ?? 0;
  const made = chunkRows(nRef, options.by, reference.timestamps).length;
  const warnings = [
    ...(made < MIN_REFERENCE_CHUNKS
      ? [
        `the bands come from ${made} reference chunk(s), fewer than ${MIN_REFERENCE_CHUNKS}: ` +
        `expect false alerts (smaller chunks, or a larger reference)`,
      ]
      : []),
    ...notes,
    ...(multivariate ? [] : [
      "multivariate drift not measured: the PCA keeps every component at " +
      "drift.reconstructionVariance (one feature, or features too little correlated)",
    ]),
  ];
  return {
    by: options.by,
    ...(performance ? { calibrated: performance.calibrated } : {}),
    measures: [
      ...univariate,
      ...(multivariate ? [multivariate] : []),
      ...(performance?.estimated ?? []),
      ...(performance?.realized ?? []),
    ],
    warnings,
  };
}

/** The reference's rows with a label and a score (CBPE's reference), and how many were left out. */
function labeledReference(scored: ScoredSample, timestamps?: ArrayLike<number>) {
  const labels = scored.labels;
  const keep: number[] = [];
  for (let i = 0; i < scored.scores.length; i++) {
    if (!Number.isNaN(scored.scores[i]!) && !(labels && Number.isNaN(labels[i]!))) keep.push(i);
  }
  const dropped = scored.scores.length - keep.length;
  const at = (v: ArrayLike<number>) => Float64Array.from(keep, (i) => v[i]!);
  const sample: ScoredSample = dropped === 0
    ? { ...scored, ...(timestamps ? { timestamps } : {}) }
    : {
      scores: at(scored.scores),
      predictions: at(scored.predictions),
      ...(labels ? { labels: at(labels) } : {}),
      ...(timestamps ? { timestamps: at(timestamps) } : {}),
    };
  return { sample, dropped };
}
