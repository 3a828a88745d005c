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
  const all = Int32Array.from(sides.current.chunks.flatMap((c) => Array.from(c.rows)));
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
