/**
 * Epoch milliseconds as ISO 8601 cells (`Date.prototype.toISOString`'s form), made fast: the
 * one formatter every writer of times uses (the Parquet reader, the training set, the log's CSV).
 *
 * @module
 */

import { appendIsoTimes } from "./_iso_times.ts";
import { Utf8Builder, utf8Cells } from "./_utf8_column.ts";
import type { Cell } from "./table.ts";

/**
 * Each time as its ISO text; NaN (and a time `Date` cannot hold) as null.
 *
 * @example
 * ```ts
 * import { isoTimeCells } from "./iso_times.ts";
 * isoTimeCells(Float64Array.of(0, NaN)); // ["1970-01-01T00:00:00.000Z", null]
 * ```
 */
export function isoTimeCells(ms: Float64Array): Cell[] {
  const text = new Utf8Builder(ms.length);
  appendIsoTimes(text, ms);
  return utf8Cells(text.finish());
}
