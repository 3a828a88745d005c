/**
 * Reads tabular files (CSV with a header row, or Parquet) into columns, and turns columns into a
 * numeric frame, counting cells that are not numbers.
 *
 * @module
 */

import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from "hyparquet";
import { DataError } from "../errors.ts";
import { Frame } from "./frame.ts";

/** A cell as read: CSV gives strings; Parquet gives typed values (null = missing). */
export type Cell = string | number | bigint | boolean | null | undefined;

/** Columns of cells with their names, as read from a file. */
export interface Table {
  /** Column names from the header. */
  readonly names: readonly string[];
  /**
   * One array of cells per column: numeric Parquet columns as `Float64Array` (NaN = null), no
   * cell objects; anything else as cells.
   */
  readonly columns: readonly ArrayLike<Cell>[];
  /** Number of data rows. */
  readonly rows: number;
}

/**
 * Reads a `.parquet` file, or a CSV file (anything else).
 *
 * @throws {DataError} for a missing file, an empty file, or rows with the wrong number of cells.
 */
export async function readTable(path: string): Promise<Table> {
  if (/\.parquet$/i.test(path)) return await readParquet(path);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    throw new DataError(
      `cannot read "${path}": ${
        cause instanceof Deno.errors.NotFound ? "no such file" : String(cause)
      }`,
      { cause },
    );
  }
  return parseCsv(text, path);
}

/**
 * Parses CSV text (RFC 4180: quoted cells, doubled quotes, newlines in quotes) with a header.
 *
 * @throws {DataError} for an empty text or a row whose cell count differs from the header's.
 */
export function parseCsv(text: string, source = "CSV"): Table {
  const records = csvRecords(text);
  const header = records.shift();
  if (!header || (header.length === 1 && header[0] === "")) {
    throw new DataError(`${source} has no header row`);
  }
  const columns: string[][] = header.map(() => []);
  records.forEach((r, i) => {
    if (r.length === 1 && r[0] === "") return; // blank line
    if (r.length !== header.length) {
      throw new DataError(
        `${source} row ${i + 2} has ${r.length} cells, the header has ${header.length}`,
      );
    }
    r.forEach((cell, j) => columns[j]!.push(cell));
  });
  return { names: header.map((h) => h.trim()), columns, rows: columns[0]?.length ?? 0 };
}

function csvRecords(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [], cell = "", quoted = false, i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      row.push(cell);
      out.push(row);
      row = [];
      cell = "";
      if (ch === "\r" && text[i + 1] === "\n") i++;
    } else cell += ch;
    i++;
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    out.push(row);
  }
  return out;
}

async function readParquet(path: string): Promise<Table> {
  let file;
  try {
    file = await asyncBufferFromFile(path);
  } catch (cause) {
    throw new DataError(`cannot read "${path}": ${String(cause)}`, { cause });
  }
  const metadata = await parquetMetadataAsync(file);
  const children = parquetSchema(metadata).children;
  const names = children.map((c) => c.element.name);
  const rows = Number(metadata.num_rows);
  const columns: Array<Float64Array | Cell[]> = children.map(({ element }) =>
    NUMERIC_PARQUET.has(element.type ?? "") && !element.converted_type?.startsWith("TIMESTAMP") &&
      !element.logical_type
      ? new Float64Array(rows).fill(NaN)
      : new Array<Cell>(rows).fill(null)
  );
  const index = new Map(names.map((n, j) => [n, j]));
  await parquetRead({
    file,
    metadata,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const col = columns[index.get(columnName) ?? -1];
      if (col) copyChunk(col, columnData as ArrayLike<unknown>, rowStart);
    },
  });
  return { names, columns, rows };
}

const NUMERIC_PARQUET = new Set(["BOOLEAN", "INT32", "INT64", "FLOAT", "DOUBLE"]);

function copyChunk(col: Float64Array | Cell[], data: ArrayLike<unknown>, at: number): void {
  if (!(col instanceof Float64Array)) {
    for (let i = 0; i < data.length; i++) col[at + i] = data[i] as Cell;
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

/** A numeric frame and the count of present-but-non-numeric cells per column. */
export interface NumericColumns {
  /** The columns as numbers (NaN = missing or not a number). */
  readonly frame: Frame;
  /** Cells that held something other than a number, per column name. */
  readonly nonNumeric: Record<string, number>;
}

/**
 * Converts the named columns to numbers: empty, `null`, `NA`, `NaN` are missing; `true`/`false`
 * are 1/0; anything else that is not a number counts as non-numeric (and becomes missing).
 *
 * @throws {DataError} naming every requested column the table lacks.
 */
export function numericColumns(table: Table, names: readonly string[]): NumericColumns {
  const missing = names.filter((n) => !table.names.includes(n));
  if (missing.length) {
    throw new DataError(
      `the input lacks ${missing.length} feature(s) the model needs: ${missing.join(", ")}`,
    );
  }
  const nonNumeric: Record<string, number> = {};
  const cols = names.map((name) => {
    const src = table.columns[table.names.indexOf(name)]!;
    const out = new Float64Array(table.rows);
    let bad = 0;
    for (let i = 0; i < table.rows; i++) {
      const v = numericCell(src[i]);
      if (v === undefined) {
        bad++;
        out[i] = NaN;
      } else out[i] = v;
    }
    if (bad) nonNumeric[name] = bad;
    return out;
  });
  return { frame: new Frame(names, cols), nonNumeric };
}

const MISSING = new Set(["", "null", "na", "nan", "none"]);

/**
 * The one numeric-cell rule: a number, NaN for a missing cell (empty, `null`, `NA`, `NaN`,
 * `None`), or undefined for a non-numeric one. Booleans and `true`/`false` read as 1/0.
 */
export function numericCell(cell: Cell): number | undefined {
  if (cell === null || cell === undefined) return NaN;
  if (typeof cell === "number") return cell;
  if (typeof cell === "bigint") return Number(cell);
  if (typeof cell === "boolean") return cell ? 1 : 0;
  const s = cell.trim();
  if (MISSING.has(s.toLowerCase())) return NaN;
  if (s === "true" || s === "false") return s === "true" ? 1 : 0;
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Replaces the text of columns named in `vocabulary` by their codes (code i = `vocabulary[name][i]`),
 * as the model was trained; a category not in the vocabulary becomes missing and is counted.
 * Columns already holding numbers (codes) pass unchanged.
 */
export function encodeCategories(
  table: Table,
  vocabulary: Readonly<Record<string, readonly string[]>>,
): { table: Table; unseen: Record<string, number> } {
  const unseen: Record<string, number> = {};
  const columns = table.columns.map((cells, j) => {
    const name = table.names[j]!, vocab = vocabulary[name];
    if (!vocab) return cells;
    const code = new Map(vocab.map((c, k) => [c, k]));
    return Array.from(cells, (cell): Cell => {
      const v = numericCell(cell);
      if (v !== undefined) return Number.isNaN(v) ? null : code.get(String(cell).trim()) ?? v;
      const k = code.get(String(cell).trim());
      if (k === undefined) unseen[name] = (unseen[name] ?? 0) + 1;
      return k ?? null;
    });
  });
  return { table: { ...table, columns }, unseen };
}
