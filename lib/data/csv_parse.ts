/**
 * The one CSV reader: RFC 4180 text with a header row (quoted cells, doubled quotes, newlines in
 * quotes, CRLF or LF line ends, a UTF-8 byte-order mark dropped) into columns of strings. Every
 * problem is one {@link DataError} naming the source and the line: no header, duplicate column
 * names, a row with the wrong number of cells, a quote never closed, bytes that are not UTF-8.
 *
 * @module
 */

import { DataError } from "../errors.ts";
import type { Table } from "./table.ts";

/**
 * Decodes CSV bytes (UTF-8; a byte-order mark is dropped) and parses them.
 *
 * @throws {DataError} for bytes that are not UTF-8 (naming the line of the first bad byte), and
 *   for everything {@link parseCsv} refuses.
 */
export function parseCsvBytes(bytes: Uint8Array, source = "CSV"): Table {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    const at = firstInvalidUtf8(bytes);
    const line = 1 + bytes.subarray(0, at).reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
    throw new DataError(`${source} is not UTF-8 text (an invalid byte on line ${line})`, {
      cause,
    });
  }
  return parseCsv(text, source);
}

/**
 * Parses CSV text (RFC 4180: quoted cells, doubled quotes, newlines in quotes) with a header.
 *
 * @throws {DataError} for an empty text, duplicate column names, a quote never closed, or a row
 *   whose cell count differs from the header's.
 * @example Parse CSV text into a table
 * ```ts
 * import { parseCsv } from "./csv_parse.ts";
 * const table = parseCsv("a,b\n1,2\n");
 * table.rows; // 1
 * ```
 */
export function parseCsv(text: string, source = "CSV"): Table {
  // Empty lines are passed over (before the header too); a quoted empty cell is a value.
  const records = csvRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, source)
    .filter((r) => !r.blank);
  const header = records.shift();
  if (!header) throw new DataError(`${source} has no header row`);
  const names = header.cells.map((h) => h.trim());
  checkNames(names, source);
  const columns: string[][] = names.map(() => []);
  for (const { cells, line } of records) {
    if (cells.length !== names.length) {
      throw new DataError(
        `${source} line ${line} has ${cells.length} cells, the header has ${names.length}`,
      );
    }
    cells.forEach((cell, j) => columns[j]!.push(cell));
  }
  return { names, columns, rows: columns[0]?.length ?? 0 };
}

/**
 * The one header rule of every reader (CSV and Parquet): column names are unique.
 *
 * @throws {DataError} naming every duplicated name.
 */
export function checkNames(names: readonly string[], source: string): void {
  const seen = new Set<string>(), dup = new Set<string>();
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  if (dup.size) {
    throw new DataError(
      `${source} has duplicate column names: ${[...dup].map((n) => JSON.stringify(n)).join(", ")}`,
    );
  }
}

/** A record, the line it starts on (1-based), and whether its line was empty. */
interface CsvRecord {
  readonly cells: string[];
  readonly line: number;
  readonly blank: boolean;
}

/**
 * The records of `text`. A quote opens a quoted cell only at a cell's start; elsewhere it is a
 * character of the cell (`5" screen`), as Python's csv module reads it.
 */
function csvRecords(text: string, source: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let row: string[] = [], cell = "", quoted = false, atStart = true, touched = false;
  let i = 0, line = 1, start = 1, quoteLine = 0;
  const end = () => {
    row.push(cell);
    out.push({ cells: row, line: start, blank: !touched });
    [row, cell, atStart, touched] = [[], "", true, false];
  };
  for (const n = text.length; i < n; i++) {
    const ch = text[i]!;
    if (ch === "\n") line++;
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') (cell += '"', i++);
      else quoted = false;
      continue;
    }
    if (ch === "\n" || ch === "\r") {
      end();
      if (ch === "\r" && text[i + 1] === "\n") i++;
      if (ch === "\r") line++;
      start = line;
      continue;
    }
    touched = true;
    if (ch === '"' && atStart) [quoted, quoteLine] = [true, line];
    else if (ch === ",") (row.push(cell), cell = "");
    else cell += ch;
    atStart = ch === ",";
  }
  if (quoted) throw new DataError(`${source}: a quote opened on line ${quoteLine} is never closed`);
  if (touched || row.length > 0) end();
  return out;
}

/**
 * Offset of the first byte that breaks UTF-8 (the decoder failed, so there is one): the shortest
 * prefix that fails to decode (a split sequence at its end is no failure) ends with it.
 */
function firstInvalidUtf8(b: Uint8Array): number {
  let lo = 0, hi = b.length; // invariant: b[0, lo) decodes, b[0, hi) does not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(b.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}
