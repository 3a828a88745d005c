/**
 * Reads tabular files (CSV with a header row, or Parquet) into columns, and turns columns into a
 * numeric frame, counting cells that are not numbers.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import { parseCsvBytes } from "./csv_parse.ts";
import { Frame } from "./frame.ts";
import {
  type ParquetColumns,
  type ParquetColumnsOptions,
  readParquet,
  readParquetColumns,
} from "./read_parquet.ts";
import type { Cell, Table } from "./table.ts";

/**
 * Reads a `.parquet` file, or a CSV file (anything else). The same rules for both: unique column
 * names, and every problem one {@link DataError} naming the file.
 *
 * @throws {DataError} for a missing, unreadable or empty (0-byte) file, a folder, Parquet that
 *   cannot be read (truncated, corrupt, or not Parquet at all), and what {@link parseCsvBytes}
 *   refuses.
 * @example Read a CSV file (Parquet is read the same way)
 * ```ts
 * import { readTable } from "./read_table.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "entity_id,amount\ncard_1,12.5\ncard_2,\n");
 * const table = await readTable(path);
 * table.names; // ["entity_id", "amount"]
 * table.rows; // 2
 * ```
 */
export async function readTable(path: string): Promise<Table> {
  await checkFile(path);
  if (/\.parquet$/i.test(path)) return await readParquet(path);
  return await readCsv(path);
}

/**
 * Reads some columns of a `.parquet` file as {@link readParquetColumns} does (text as codes,
 * times as epoch milliseconds, when asked), or of a CSV file as {@link readTable} does (every
 * named column as text cells; `codes` and `times` do not apply). Names the file lacks are
 * skipped: `names` lists the file's columns.
 *
 * @throws {DataError} as {@link readTable}.
 * @example Read two columns of a CSV file
 * ```ts
 * import { readColumns } from "./read_table.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "entity_id,amount,note\ncard_1,12.5,x\n");
 * const read = await readColumns(path, { columns: ["entity_id", "amount"] });
 * read.columns.get("amount"); // ["12.5"]
 * ```
 */
export async function readColumns(
  path: string,
  options: ParquetColumnsOptions = {},
): Promise<ParquetColumns> {
  await checkFile(path);
  if (/\.parquet$/i.test(path)) return await readParquetColumns(path, options);
  const table = await readCsv(path);
  const wanted = options.columns;
  const columns = new Map(
    table.names.map((n, j) => [n, table.columns[j] as Cell[]] as const)
      .filter(([n]) => !wanted || wanted.includes(n)),
  );
  return { names: table.names, rows: table.rows, columns };
}

async function checkFile(path: string): Promise<void> {
  const info = await Deno.stat(path).catch((cause) => {
    throw new DataError(`cannot read "${path}": ${systemReason(cause)}`, { cause });
  });
  if (!info.isFile) throw new DataError(`cannot read "${path}": not a file`);
  if (info.size === 0) throw new DataError(`"${path}" is empty (0 bytes)`);
}

async function readCsv(path: string): Promise<Table> {
  const bytes = await Deno.readFile(path).catch((cause) => {
    throw new DataError(`cannot read "${path}": ${systemReason(cause)}`, { cause });
  });
  return parseCsvBytes(bytes, `"${path}"`);
}

function systemReason(cause: unknown): string {
  if (cause instanceof Deno.errors.NotFound) return "no such file";
  if (cause instanceof Deno.errors.PermissionDenied) return "permission denied";
  return cause instanceof Error ? cause.message : String(cause);
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
    const { values, unreadable } = numericValues(table.columns[table.names.indexOf(name)]!);
    if (unreadable) nonNumeric[name] = unreadable;
    return values;
  });
  return { frame: new Frame(names, cols), nonNumeric };
}

/**
 * Cells as numbers by {@link numericCell} (NaN = missing or unreadable), and the unreadable count.
 * A `Float64Array` column without ±Infinity is its own values, not copied (a million-row column is
 * 8 MB): read them, never write them.
 */
export function numericValues(cells: ArrayLike<Cell>): NumericRead {
  if (cells instanceof Float64Array) return finiteValues(cells);
  const n = cells.length, values = new Float64Array(n);
  let unreadable = 0;
  for (let i = 0; i < n; i++) {
    const v = numericCell(cells[i]);
    if (v === undefined) unreadable++;
    values[i] = v ?? NaN;
  }
  return { values, unreadable };
}

/** Numbers with ±Infinity (unreadable) as NaN: the column itself when it holds none, else a copy. */
function finiteValues(cells: Float64Array): NumericRead {
  let unreadable = 0;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i]!;
    if (v - v !== 0 && v === v) unreadable++; // ±Infinity (NaN fails v === v)
  }
  if (unreadable === 0) return { values: cells, unreadable };
  const values = cells.slice();
  for (let i = 0; i < values.length; i++) if (values[i]! - values[i]! !== 0) values[i] = NaN;
  return { values, unreadable };
}

/** A column read as numbers by {@link numericValues}. */
export interface NumericRead {
  /** NaN = missing or unreadable; may be the column read itself (read-only). */
  readonly values: Float64Array;
  /** Cells present but not a finite number. */
  readonly unreadable: number;
}

/**
 * The one rule for a column's kind, for every reader: text (categorical) when it holds more
 * unreadable cells than numbers, else numeric (its few unreadable cells are counted and read as
 * missing). `read` is the column as {@link numericValues} read it.
 */
export function holdsText(read: NumericRead): boolean {
  if (read.unreadable === 0) return false; // no scan: nothing unreadable outnumbers nothing
  let numbers = 0;
  for (const v of read.values) if (!Number.isNaN(v)) numbers++;
  return read.unreadable > numbers;
}

/** {@link holdsText} of a column's cells. */
function isTextColumn(cells: ArrayLike<Cell>): boolean {
  return !(cells instanceof Float64Array) && holdsText(numericValues(cells));
}

const MISSING = new Set(["", "null", "na", "nan", "none"]);

/**
 * The one numeric-cell rule: a finite number, NaN for a missing cell (empty, `null`, `NA`, `NaN`,
 * `None`), or undefined for an unreadable one (text, `inf`, a number too large for a double).
 * Booleans and `true`/`false` read as 1/0.
 */
export function numericCell(cell: Cell): number | undefined {
  if (cell === null || cell === undefined) return NaN;
  if (typeof cell === "number") {
    return Number.isFinite(cell) || Number.isNaN(cell) ? cell : undefined;
  }
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
 * as the model was trained. A cell is looked up by its text first (categories may look like
 * numbers: `"5411"`); one that is not a category is, in a column of numbers (by
 * {@link isTextColumn}), a code already when it is an integer code of the vocabulary. Anything
 * else becomes missing and is counted as unseen.
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
    const text = isTextColumn(cells);
    const isCode = (v: number) => Number.isInteger(v) && v >= 0 && v < vocab.length;
    return Array.from(cells, (cell): Cell => {
      const v = numericCell(cell);
      if (v !== undefined && Number.isNaN(v)) return null;
      const k = code.get(String(cell).trim()) ??
        (!text && v !== undefined && isCode(v) ? v : undefined);
      if (k === undefined) unseen[name] = (unseen[name] ?? 0) + 1;
      return k ?? null;
    });
  });
  return { table: { ...table, columns }, unseen };
}
