/**
 * Chunks of a sample, as NannyML's chunkers cut them, so that every measure can be read per
 * chunk: rows are first put in time order when a timestamp is given (ties keep their row order),
 * then cut by size (`[0:4999]`, `[5000:9999]`, …, a shorter last chunk kept: `[10000:10002]`), by
 * count (the size is `rows // count`, then as by size) or by calendar period (UTC days, or weeks
 * Monday to Sunday, keyed as pandas prints periods: `2018-01-01`, `2018-01-01/2018-01-07`). Times
 * with a UTC offset are cut by their UTC day; pandas cuts zone-aware times by their local day.
 *
 * @module
 */

import { DAY_MS, dayOf, isoDay } from "../data/days.ts";
import { DataError } from "../errors.ts";

/** How to cut: by rows per chunk, by a number of chunks, or by calendar period. */
export type ChunkBy =
  | { readonly size: number }
  | { readonly count: number }
  | { readonly period: "day" | "week" };

/** One chunk: its key, its rows (indices into the sample) and, with timestamps, its time span. */
export interface Chunk {
  /** NannyML's key: `[start:end]` for size and count, the period for periods. */
  readonly key: string;
  /** Row indices into the sample, in time order when timestamps are given. */
  readonly rows: Int32Array;
  /** First and last row's time (ms since the epoch) for size/count; the period's bounds for periods. */
  readonly start?: number;
  readonly end?: number;
}

/**
 * Cuts `n` rows into chunks.
 *
 * @param n Rows in the sample.
 * @param by How to cut.
 * @param timestamps Per row, ms since the epoch (needed for periods; orders rows when given).
 * @throws {DataError} for a size or count below 1, or a period without timestamps or with a
 *   missing one.
 * @example Ten rows by four
 * ```ts
 * import { chunkRows } from "./chunks.ts";
 * chunkRows(10, { size: 4 }).map((c) => c.key); // ["[0:3]", "[4:7]", "[8:9]"]
 * ```
 */
export function chunkRows(n: number, by: ChunkBy, timestamps?: ArrayLike<number>): Chunk[] {
  const order = rowOrder(n, timestamps);
  if ("period" in by) {
    if (!timestamps) {
      throw new DataError(
        `drift.chunkBy "${by.period}" needs a timestamp column (timestampColumn)`,
      );
    }
    return periodChunks(order, timestamps, by.period);
  }
  if ("count" in by && !(Number.isInteger(by.count) && by.count >= 1)) {
    throw new DataError(`drift.chunkCount must be a whole number ≥ 1, found ${by.count}`);
  }
  const size = "size" in by ? by.size : Math.floor(n / by.count);
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new DataError(
      "size" in by
        ? `drift.chunkSize must be a whole number ≥ 1, found ${by.size}`
        : `drift.chunkCount ${by.count} leaves fewer than one row per chunk (${n} rows)`,
    );
  }
  const chunks: Chunk[] = [];
  for (let start = 0; start < n; start += size) {
    const rows = order.slice(start, Math.min(n, start + size));
    const span = timestamps
      ? { start: timestamps[rows[0]!]!, end: timestamps[rows[rows.length - 1]!]! }
      : {};
    chunks.push({ key: `[${start}:${start + rows.length - 1}]`, rows, ...span });
  }
  return chunks;
}

/** Row indices in time order (ties by row), or 0..n−1 without timestamps. */
function rowOrder(n: number, timestamps?: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (!timestamps) return order;
  let missing = 0;
  for (let i = 0; i < n; i++) if (Number.isNaN(timestamps[i]!)) missing++;
  if (missing) {
    throw new DataError(
      `chunks in time order need a timestamp on every row (timestampColumn); ${missing} have none`,
    );
  }
  return order.sort((a, b) => timestamps[a]! - timestamps[b]! || a - b);
}

/** One chunk per UTC day or Monday-to-Sunday week that holds rows, in time order. */
function periodChunks(
  order: Int32Array,
  timestamps: ArrayLike<number>,
  period: "day" | "week",
): Chunk[] {
  const startOf = (t: number) => {
    const day = dayOf(t);
    // 1970-01-01 was a Thursday: (day + 3) % 7 is days since Monday.
    return (period === "day" ? day : day - ((day + 3) % 7 + 7) % 7) * DAY_MS;
  };
  const span = period === "day" ? DAY_MS : 7 * DAY_MS;
  const chunks: Chunk[] = [];
  let from = 0;
  while (from < order.length) {
    const start = startOf(timestamps[order[from]!]!);
    let to = from;
    while (to < order.length && startOf(timestamps[order[to]!]!) === start) to++;
    const end = start + span - 1;
    const key = period === "day"
      ? isoDay(dayOf(start))
      : `${isoDay(dayOf(start))}/${isoDay(dayOf(start) + 6)}`;
    chunks.push({ key, rows: order.slice(from, to), start, end });
    from = to;
  }
  return chunks;
}
