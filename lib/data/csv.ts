/**
 * CSV output of frames (missing values as empty cells).
 *
 * @module
 */

import type { Frame } from "./frame.ts";

/** Extra columns written before (`leading`) or after (`trailing`) the frame's columns. */
export interface CsvExtras {
  /** Text columns first (e.g. entity ids). */
  readonly leading?: ReadonlyArray<readonly [string, ArrayLike<string | number>]>;
  /** Numeric columns last (e.g. label, prediction). */
  readonly trailing?: ReadonlyArray<readonly [string, ArrayLike<number>]>;
}

/**
 * Serializes a frame as CSV with a header row. Numbers are written in full precision.
 *
 * @example
 * ```ts
 * toCsv(frame, { leading: [["entity_id", ids]], trailing: [["label", labels]] });
 * ```
 */
export function toCsv(frame: Frame, extras: CsvExtras = {}): string {
  const leading = extras.leading ?? [];
  const trailing = extras.trailing ?? [];
  const header = [...leading.map(([n]) => n), ...frame.names, ...trailing.map(([n]) => n)];
  const lines = [header.map(quote).join(",")];
  for (let i = 0; i < frame.rows; i++) {
    const cells: string[] = [];
    for (const [, col] of leading) cells.push(quote(String(col[i])));
    for (const col of frame.columns) cells.push(num(col[i]!));
    for (const [, col] of trailing) cells.push(num(col[i]!));
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}

function num(v: number): string {
  return Number.isNaN(v) ? "" : String(v);
}

function quote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
