/**
 * The univariate measures per chunk: the share of features drifted in each current chunk against
 * the whole reference (each feature's own test, the dataset rule of `data_drift.ts`: a chunk
 * alerts when it is drifted), and the shift of the model's scores (the KS statistic of each chunk
 * against the whole reference, alerting at α/10).
 *
 * @module
 */

import { type ChunkValue, chunkValue } from "./chunk_band.ts";
import { type ChunkedMeasure, measureEach } from "./chunked_measure.ts";
import type { Chunk } from "./chunks.ts";
import { type DataDriftOptions, detectDataDrift, type FeatureColumn } from "./data_drift.ts";
import { ks2samp } from "./ks.ts";

/**
 * Each current chunk's drifted-feature share (alert: the chunk's dataset verdict is drift).
 *
 * @example
 * ```ts
 * import { driftedShareByChunk } from "./chunk_univariate.ts";
 * import { chunkRows } from "./chunks.ts";
 * const x = (shift: number) => Float64Array.from({ length: 200 }, (_, i) => (i % 50) + shift);
 * const current = Float64Array.from([...x(0).slice(0, 100), ...x(40).slice(0, 100)]);
 * const m = driftedShareByChunk(
 *   [{ name: "amount", kind: "continuous", values: x(0) }],
 *   [{ name: "amount", kind: "continuous", values: current }],
 *   { chunks: chunkRows(200, { size: 100 }) },
 * );
 * m.chunks.map((c) => c.alert); // [false, true]
 * ```
 */
export function driftedShareByChunk(
  reference: readonly FeatureColumn[],
  current: readonly FeatureColumn[],
  o: { readonly chunks: readonly Chunk[]; readonly options?: DataDriftOptions },
): ChunkedMeasure {
  const driftShare = o.options?.driftShare ?? 0.5;
  const band = { lower: null, upper: driftShare };
  const read = (chunk: Chunk) => {
    const d = detectDataDrift(reference, current.map((c) => rowsOf(c, chunk.rows)), o.options);
    const v: ChunkValue = chunkValue(
      { ...chunk, rows: chunk.rows.length },
      { value: d.dataset.driftedShare, samplingError: NaN },
      { band, limits: { lower: 0, upper: 1 } },
    );
    return { ...v, alert: d.dataset.drifted };
  };
  return measureEach("drifted_share", { chunks: o.chunks, band, read });
}

/**
 * The KS statistic of each chunk's scores against all the reference's; a chunk alerts when the
 * test's p-value is below α/10 (the prediction-drift alarm's rule). Reference chunks make no band
 * here: each is part of the reference it would be tested against, so its statistic runs low.
 */
export function scoreShiftByChunk(
  scores: { readonly reference: ArrayLike<number>; readonly current: ArrayLike<number> },
  o: { readonly chunks: readonly Chunk[]; readonly alpha?: number },
): ChunkedMeasure {
  const alpha = (o.alpha ?? 0.05) / 10;
  const all = Float64Array.from(scores.reference).filter((x) => !Number.isNaN(x));
  const band = { lower: null, upper: null };
  const read = (chunk: Chunk) => {
    const part = Float64Array.from(chunk.rows, (r) => scores.current[r]!)
      .filter((x) => !Number.isNaN(x));
    const ks = part.length && all.length ? ks2samp(all, part) : { statistic: NaN, pValue: NaN };
    const v = chunkValue(
      { ...chunk, rows: chunk.rows.length },
      { value: ks.statistic, samplingError: NaN },
      { band, limits: { lower: 0, upper: 1 } },
    );
    return { ...v, alert: ks.pValue < alpha };
  };
  return measureEach("score_ks", { chunks: o.chunks, band, read });
}

/** A column's values at `rows`. */
function rowsOf(c: FeatureColumn, rows: Int32Array): FeatureColumn {
  const v = c.values;
  const values = typeof v[0] === "string"
    ? Array.from(rows, (r) => (v as readonly string[])[r]!)
    : Float64Array.from(rows, (r) => (v as ArrayLike<number>)[r]!);
  return { name: c.name, kind: c.kind, values };
}
