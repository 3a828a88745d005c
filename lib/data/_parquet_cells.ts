/**
 * The columns the columnar decoder leaves out (nested lists and structs, binary, float16, UUIDs,
 * intervals), read with `hyparquet` cell by cell: times as ISO text, bytes as UTF-8 text, nested
 * values as JSON. Such columns are rare and small beside a table's numbers.
 *
 * @module
 */

import { type AsyncBuffer, type FileMetaData, parquetRead, parquetSchema } from "hyparquet";
import type { Cell } from "./table.ts";

/** Parquet types read as numbers (`Float64Array`, NaN = null) when they carry no logical type. */
const NUMERIC_PARQUET = new Set(["BOOLEAN", "INT32", "INT64", "FLOAT", "DOUBLE"]);

/** Where to read and which columns. */
export interface CellRead {
  readonly file: AsyncBuffer;
  readonly metadata: FileMetaData;
  readonly names: readonly string[];
}

/** The named columns of the file, by name. */
export async function readCellColumns(
  read: CellRead,
): Promise<Map<string, Float64Array | Cell[]>> {
  const rows = Number(read.metadata.num_rows), wanted = new Set(read.names);
  const columns = new Map<string, Float64Array | Cell[]>();
  for (const { element } of parquetSchema(read.metadata).children) {
    if (!wanted.has(element.name)) continue;
    const numeric = NUMERIC_PARQUET.has(element.type ?? "") &&
      !element.converted_type?.startsWith("TIMESTAMP") && !element.logical_type;
    columns.set(
      element.name,
      numeric ? new Float64Array(rows).fill(NaN) : new Array<Cell>(rows).fill(null),
    );
  }
  await parquetRead({
    file: read.file,
    metadata: read.metadata,
    columns: [...read.names],
    onChunk: ({ columnName, columnData, rowStart }) => {
      const col = columns.get(columnName);
      if (col) copyChunk(col, columnData as ArrayLike<unknown>, rowStart);
    },
  });
  return columns;
}

function copyChunk(col: Float64Array | Cell[], data: ArrayLike<unknown>, at: number): void {
  if (!(col instanceof Float64Array)) {
    for (let i = 0; i < data.length; i++) col[at + i] = asCell(data[i]);
    return;
  }
  if (data instanceof Float64Array || data instanceof Float32Array || data instanceof Int32Array) {
    col.set(data, at);
    return;
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    col[at + i] = typeof v === "number"
      ? v
      : typeof v === "bigint"
      ? Number(v)
      : typeof v === "boolean"
      ? (v ? 1 : 0)
      : NaN;
  }
}

/** A Parquet value as a cell: times as ISO text, bytes as UTF-8 text, nested values as JSON. */
function asCell(v: unknown): Cell {
  if (v === null || v === undefined || typeof v !== "object") return v as Cell;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return JSON.stringify(v, (_, x) => (typeof x === "bigint" ? String(x) : x));
}
