/**
 * A measure over the chunks of the reference and of the current sample: the reference chunks
 * give the band, each current chunk is read against it (see `chunk_band.ts`).
 *
 * @module
 */

import {
  type Band,
  type BandLimits,
  type ChunkValue,
  chunkValue,
  referenceBand,
} from "./chunk_band.ts";
import type { Chunk } from "./chunks.ts";

/** One measure, chunk by chunk. */
export interface ChunkedMeasure {
  /** What is measured, e.g. `reconstruction_error`, `estimated_roc_auc`. */
  readonly measure: string;
  readonly band: Band;
  /** The reference's own chunks (they made the band). */
  readonly reference: readonly ChunkValue[];
  /** The current sample's chunks. */
  readonly chunks: readonly ChunkValue[];
  /** The whole current sample as one chunk (key `all`). */
  readonly overall: ChunkValue;
  /** Current chunks outside the band. */
  readonly alerts: number;
}

/** A chunk's value and sampling error. */
export interface Measured {
  readonly value: number;
  readonly samplingError: number;
}

/** One side's chunks and how a chunk is measured. */
export interface ChunkedSide {
  readonly chunks: readonly Chunk[];
  readonly measure: (rows: Int32Array) => Measured;
}

/**
 * Measures every reference and current chunk with `measure` and reads the current ones against
 * the band of the reference chunks' values (or of `bandValue`, e.g. the realized metric when the
 * measure is an estimate).
 *
 * @example The mean of two halves
 * ```ts
 * import { measureChunks } from "./chunked_measure.ts";
 * import { chunkRows } from "./chunks.ts";
 * const values = [1, 2, 1, 2, 1, 2, 9, 9];
 * const mean = (rows: Int32Array) => ({
 *   value: rows.reduce((s, r) => s + values[r]!, 0) / rows.length,
 *   samplingError: 0,
 * });
 * const result = measureChunks("mean", {
 *   reference: { chunks: chunkRows(6, { size: 2 }), measure: mean },
 *   current: { chunks: chunkRows(8, { size: 2 }), measure: mean },
 * });
 * result.alerts; // 1: the chunk of nines
 * ```
 */
export function measureChunks(
  measure: string,
  sides: {
    readonly reference: ChunkedSide & { readonly bandValue?: (rows: Int32Array) => number };
    readonly current: ChunkedSide;
    readonly limits?: BandLimits;
  },
): ChunkedMeasure {
  const limits = sides.limits ?? {};
  const measured = (side: ChunkedSide) =>
    side.chunks.map((c) => ({ chunk: c, m: side.measure(c.rows) }));
  const ref = measured(sides.reference), cur = measured(sides.current);
  const bandValue = sides.reference.bandValue;
  const bandValues = ref.map((r) => (bandValue ? bandValue(r.chunk.rows) : r.m.value));
  const band = referenceBand(bandValues, limits);
  const read = ({ chunk, m }: { chunk: Chunk; m: Measured }) =>
    chunkValue({ ...chunk, rows: chunk.rows.length }, m, { band, limits });
  const chunks = cur.map(read);
  const all = allRows(sides.current.chunks);
  const overall = read({ chunk: { key: "all", rows: all }, m: sides.current.measure(all) });
  return {
    measure,
    band,
    reference: ref.map(read),
    chunks,
    overall,
    alerts: chunks.filter((c) => c.alert).length,
  };
}

/**
 * The latest chunk that is not a short remainder: the last with at least half the rows of the
 * largest (a size chunking's tail, a day just begun, are too few rows to act on).
 *
 * @example
 * ```ts
 * import { latestFullChunk } from "./chunked_measure.ts";
 * const chunk = (key: string, rows: number) =>
 *   ({ key, rows, value: 1, samplingError: 0, lowerBound: 1, upperBound: 1, alert: false });
 * latestFullChunk([chunk("[0:99]", 100), chunk("[100:102]", 3)])?.key; // "[0:99]"
 * ```
 */
export function latestFullChunk(chunks: readonly ChunkValue[]): ChunkValue | undefined {
  const most = Math.max(0, ...chunks.map((c) => c.rows));
  return chunks.findLast((c) => c.rows * 2 >= most);
}

/** Every row of the chunks, in chunk order (the whole sample as one chunk). */
export function allRows(chunks: readonly Chunk[]): Int32Array {
  const out = new Int32Array(chunks.reduce((n, c) => n + c.rows.length, 0));
  let at = 0;
  for (const c of chunks) (out.set(c.rows, at), at += c.rows.length);
  return out;
}

/**
 * A measure read chunk by chunk by a rule of its own (no reference chunks): `read` gives each
 * current chunk's value and alert, and the whole sample's (key `all`).
 */
export function measureEach(
  measure: string,
  o: {
    readonly chunks: readonly Chunk[];
    readonly band: Band;
    readonly read: (c: Chunk) => ChunkValue;
  },
): ChunkedMeasure {
  const chunks = o.chunks.map(o.read);
  return {
    measure,
    band: o.band,
    reference: [],
    chunks,
    overall: o.read({ key: "all", rows: allRows(o.chunks) }),
    alerts: chunks.filter((c) => c.alert).length,
  };
}
