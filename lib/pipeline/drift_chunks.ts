/**
 * The chunked part of drift between files: both files' features, timestamps, scores, decisions
 * and labels handed to the chunked measures (multivariate drift always; estimated and realized
 * performance when both files hold scores and the reference holds labels).
 *
 * @module
 */

import type { NumericRead } from "../data/read_table.ts";
import type { Cell, Table } from "../data/table.ts";
import type { ScoredSample } from "../drift/cbpe.ts";
import { type ChunkedDrift, chunkedDrift, type ChunkedSide } from "../drift/chunked_drift.ts";
import type { ChunkBy } from "../drift/chunks.ts";
import type { DataDriftOptions, FeatureColumn } from "../drift/data_drift.ts";
import { DataError } from "../errors.ts";
import { evaluateBinary } from "../evaluate/binary_metrics.ts";
import { timestamps } from "../features/file_source.ts";

/** A column's cells as numbers, read once. */
export type ReadOf = (cells: ArrayLike<Cell>) => NumericRead;

/** One file's table and its feature columns as the comparison read them. */
export interface ChunkedFile {
  readonly table: Table;
  readonly columns: readonly FeatureColumn[];
}

/** What the chunked measures need to know about the files. */
export interface DriftByChunkOptions {
  readonly by: ChunkBy;
  readonly label: string;
  readonly prediction: string;
  readonly readOf: ReadOf;
  readonly names: { readonly reference: string; readonly current: string };
  readonly timestampColumn?: string;
  readonly predictedClassColumn?: string;
  readonly reconstructionVariance?: number;
  readonly seed?: number;
  /** The per-feature tests and dataset rule (the drifted share per chunk). */
  readonly dataDrift?: DataDriftOptions;
}

/**
 * Every chunked measure between the two files.
 *
 * @throws {DataError} for a timestamp column a file lacks or cannot read, decisions that are not
 *   0/1, or what the measures refuse.
 */
export function driftByChunk(
  ref: ChunkedFile,
  cur: ChunkedFile,
  options: DriftByChunkOptions,
): ChunkedDrift {
  const names = new Set(cur.columns.map((c) => c.name));
  const shared = (f: ChunkedFile) => f.columns.filter((c) => names.has(c.name));
  const times = (f: ChunkedFile, path: string) => {
    const column = options.timestampColumn;
    if (column === undefined) return {};
    if (!f.table.names.includes(column)) {
      throw new DataError(`"${path}" has no timestamp column "${column}" (timestampColumn)`);
    }
    return { timestamps: timestamps(f.table, column, path) };
  };
  const scored = scoredSides(ref.table, cur.table, options);
  const side = (f: ChunkedFile, path: string, s?: ScoredSample): ChunkedSide => ({
    columns: shared(f),
    ...times(f, path),
    ...(s ? { scored: s } : {}),
  });
  return chunkedDrift(
    side(ref, options.names.reference, scored?.reference),
    side(cur, options.names.current, scored?.current),
    {
      by: options.by,
      ...(options.reconstructionVariance !== undefined
        ? { varianceShare: options.reconstructionVariance }
        : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.dataDrift ? { dataDrift: options.dataDrift } : {}),
    },
  );
}

/** Scores, decisions and labels of both files, when both hold scores and the reference labels. */
function scoredSides(ref: Table, cur: Table, o: DriftByChunkOptions) {
  const has = (t: Table, n: string) => t.names.includes(n);
  if (!has(ref, o.prediction) || !has(cur, o.prediction) || !has(ref, o.label)) return undefined;
  const read = (t: Table, n: string) => o.readOf(t.columns[t.names.indexOf(n)]!).values;
  const labels = read(ref, o.label), scores = read(ref, o.prediction);
  const decided = o.predictedClassColumn;
  const threshold = decided && has(ref, decided) && has(cur, decided) ? undefined : evaluateBinary(
    labels.filter((_, i) => !Number.isNaN(scores[i]!) && !Number.isNaN(labels[i]!)),
    scores.filter((s, i) => !Number.isNaN(s) && !Number.isNaN(labels[i]!)),
  ).best_threshold;
  const side = (t: Table, path: string): ScoredSample => {
    const s = read(t, o.prediction);
    const predictions = threshold === undefined
      ? zeroOne(read(t, decided!), { column: decided!, path })
      : s.map((v) => (Number.isNaN(v) ? NaN : v >= threshold ? 1 : 0));
    return { scores: s, predictions, ...(has(t, o.label) ? { labels: read(t, o.label) } : {}) };
  };
  return { reference: side(ref, o.names.reference), current: side(cur, o.names.current) };
}

/** Decisions checked to be 0/1 (NaN: none). */
function zeroOne(values: Float64Array, at: { column: string; path: string }): Float64Array {
  const bad = values.findIndex((v) => !Number.isNaN(v) && v !== 0 && v !== 1);
  if (bad >= 0) {
    throw new DataError(
      `"${at.path}": column "${at.column}" must hold 0/1 decisions, found ${
        values[bad]
      } in data row ${bad + 1}`,
    );
  }
  return values;
}
