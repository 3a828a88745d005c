/**
 * A text column coded without a string per row: rows coded by their UTF-8 bytes
 * ({@link ByteCodes}) in order of first appearance, and only the distinct texts decoded as strings.
 *
 * @module
 */

import { ByteCodes } from "./_byte_codes.ts";
import { utf8Cells, type Utf8Column } from "./_utf8_column.ts";

/** Rows as codes into `names` (first-seen order); a null row is the empty text. */
export interface TextCodes {
  readonly codes: Int32Array;
  readonly names: string[];
}

/** Codes `column`'s rows by their bytes. */
export function utf8Codes(column: Utf8Column): TextCodes {
  const { bytes, ends, missing } = column, n = ends.length, codes = new Int32Array(n);
  const coder = new ByteCodes();
  for (let i = 0, start = 0; i < n; start = ends[i++]!) {
    codes[i] = missing[i] ? coder.code(bytes, 0, 0) : coder.code(bytes, start, ends[i]!);
  }
  return { codes, names: utf8Cells(coder.firstSeen(codes)) as string[] };
}
