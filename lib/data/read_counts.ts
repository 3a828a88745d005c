/**
 * What a reader could not use, counted the same way by every reader (training, scoring,
 * explanations, drift): cells present but unreadable as the column's kind (text or `inf` in a
 * numeric column), and categories a model never saw. Each is read as missing, never dropped
 * silently, and reported as one warning line per column.
 *
 * @module
 */

import type { Frame } from "./frame.ts";

/** Counts per column name. */
export interface ReadCounts {
  /** Present cells that are not a finite number, in numeric columns (read as missing). */
  readonly nonNumeric?: Readonly<Record<string, number>>;
  /** Cells of a categorical column in categories the model never saw (read as missing). */
  readonly unseen?: Readonly<Record<string, number>>;
  /** Columns with no value in any row (a broken upstream feed, most likely). */
  readonly empty?: readonly string[];
}

/**
 * The columns of `frame` with no value (every cell NaN) in any of its rows; none of an empty frame.
 *
 * @example Columns with no value at all
 * ```ts
 * import { Frame } from "./frame.ts";
 * import { emptyColumns } from "./read_counts.ts";
 * const frame = new Frame(["a", "b"], [Float64Array.of(1, NaN), Float64Array.of(NaN, NaN)]);
 * emptyColumns(frame); // ["b"]
 * ```
 */
export function emptyColumns(frame: Frame): string[] {
  if (frame.rows === 0) return [];
  return frame.names.filter((_, j) => frame.columns[j]!.every((v) => Number.isNaN(v)));
}

/**
 * One warning line per column with unreadable cells or unseen categories; `source` (e.g.
 * `"the current file"`) is named when given.
 *
 * @example One warning line per column with unreadable cells
 * ```ts
 * import { readWarnings } from "./read_counts.ts";
 * readWarnings({ nonNumeric: { amount: 2 } });
 * // ['2 unreadable value(s) in "amount" (not a finite number), read as missing']
 * ```
 */
export function readWarnings(counts: ReadCounts, source?: string): string[] {
  const of = source ? ` of ${source}` : "";
  return [
    ...Object.entries(counts.nonNumeric ?? {}).filter(([, n]) => n > 0).map(([name, n]) =>
      `${n} unreadable value(s) in "${name}"${of} (not a finite number), read as missing`
    ),
    ...Object.entries(counts.unseen ?? {}).filter(([, n]) => n > 0).map(([name, n]) =>
      `${n} value(s) in "${name}"${of} in categories the model never saw, read as missing`
    ),
    ...(counts.empty ?? []).map((name) => `"${name}"${of} has no value in any row`),
  ];
}
