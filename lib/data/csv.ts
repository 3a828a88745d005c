/**
 * The one CSV writer: named columns of cells to RFC 4180 text with a header row. Numbers are
 * written in full precision, missing values (NaN, null) as empty cells, and text is quoted when
 * it holds a comma, quote or newline.
 *
 * @module
 */

import type { Cell } from "./table.ts";
import type { Frame } from "./frame.ts";

/** A named column of cells. */
export type CsvColumn = readonly [name: string, cells: ArrayLike<Cell>];

/** One cell as CSV text. */
export function csvCell(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number" && Number.isNaN(cell)) return "";
  const s = String(cell);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Serializes columns (all of the same length) as CSV with a header row.
 *
 * @example Write a frame with its ids and labels
 * ```ts
 * import { frameColumns, toCsv } from "./csv.ts";
 * import { Frame } from "./frame.ts";
 *
 * const frame = new Frame(["amount"], [Float64Array.of(12.5, NaN)]);
 * toCsv([["entity_id", ["card_1", "card_2"]], ...frameColumns(frame), ["label", [0, 1]]]);
 * // "entity_id,amount,label\ncard_1,12.5,0\ncard_2,,1\n"
 * ```
 */
export function toCsv(columns: readonly CsvColumn[]): string {
  const rows = columns.length ? columns[0]![1].length : 0;
  const lines = [columns.map(([name]) => csvCell(name)).join(",")];
  for (let i = 0; i < rows; i++) lines.push(columns.map(([, c]) => csvCell(c[i])).join(","));
  return lines.join("\n") + "\n";
}

/** A frame's columns as CSV columns. */
export function frameColumns(frame: Frame): CsvColumn[] {
  return frame.names.map((name, j) => [name, frame.columns[j]!] as const);
}
