/**
 * Named columns as the bytes of a CSV or Parquet file, chosen by the file name: what a task
 * writes (atomically) when it hands a table to a user or another tool.
 *
 * @module
 */

import { parquetWriteBuffer } from "hyparquet-writer";
import { type CsvColumn, toCsv } from "./csv.ts";

/**
 * The file's bytes: Parquet for a `.parquet` name (numbers as DOUBLE, anything else as STRING,
 * a missing cell as null), CSV otherwise (as {@link toCsv} writes it).
 *
 * @example A two-column table as Parquet
 * ```ts
 * import { tableBytes } from "./table_bytes.ts";
 * const bytes = tableBytes("scores.parquet", [
 *   ["id", ["a", "b"]],
 *   ["score", Float64Array.of(0.1, 0.9)],
 * ]);
 * bytes.length > 0; // true
 * ```
 */
export function tableBytes(path: string, columns: readonly CsvColumn[]): Uint8Array {
  if (!/\.parquet$/i.test(path)) return new TextEncoder().encode(toCsv(columns));
  const columnData = columns.map(([name, cells]) => {
    if (cells instanceof Float64Array) return { name, ...doubles(cells) };
    const numeric = Array.from(cells).every((c) => typeof c === "number" || c === null);
    if (!numeric) {
      const data = Array.from(cells, (c) => (c === null || c === undefined ? null : String(c)));
      return { name, data, type: "STRING" as const };
    }
    const values = cells as ArrayLike<number | null>;
    const missing = Array.from(values).some((v) => v === null || Number.isNaN(v));
    // A missing number is null (never 0); a column with none goes as it is.
    const data = !missing
      ? Float64Array.from(values as ArrayLike<number>)
      : Array.from(values, (v) => (v === null || Number.isNaN(v) ? null : v));
    return { name, data, type: "DOUBLE" as const };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

/** A Float64Array as a DOUBLE column: as it is, or with NaN as null (never 0) when any is missing. */
function doubles(values: Float64Array) {
  let missing = false;
  for (let i = 0; i < values.length && !missing; i++) missing = Number.isNaN(values[i]!);
  // A copy either way: `values` may be a view of a larger buffer.
  const data = missing ? Array.from(values, (v) => (Number.isNaN(v) ? null : v)) : values.slice();
  return { data, type: "DOUBLE" as const };
}
