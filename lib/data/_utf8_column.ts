/**
 * A column of text as it crosses from a decoding worker to the reader: one UTF-8 buffer, where
 * each row ends, and which rows are null — three transferable arrays instead of a million cloned
 * strings. The worker builds it row group by row group ({@link Utf8Builder}); the reader turns it
 * into cells ({@link utf8Cells}), decoding a block of rows at once and slicing it when all bytes
 * are ASCII.
 *
 * @module
 */

import type { Cell } from "./table.ts";

/** Rows of text: row i is `bytes[ends[i − 1] .. ends[i])` (from 0 for row 0), null when `missing[i]`. */
export interface Utf8Column {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly ends: Int32Array<ArrayBuffer>;
  readonly missing: Uint8Array<ArrayBuffer>;
  /** Every byte below 0x80: row i's text is the characters at the same offsets. */
  readonly ascii: boolean;
}

/** Rows to append: their text in `data`, row i from `offsets[i · stride]` to `offsets[(i + 1) · stride]`. */
export interface Utf8Piece {
  readonly data: Uint8Array;
  /** Byte offsets into `data` (Arrow's: rows + 1 of them). */
  readonly offsets: Int32Array;
  /** 1, or 2 for 64-bit offsets read as their low 32-bit words. */
  readonly stride: number;
  readonly rows: number;
}

/** Collects a column's rows piece by piece (copying each piece's bytes) into a {@link Utf8Column}. */
export class Utf8Builder {
  readonly #chunks: Uint8Array<ArrayBuffer>[] = [];
  readonly #ends: Int32Array<ArrayBuffer>;
  /** 1 for a null row; set by the caller for the rows a piece was appended at. */
  readonly missing: Uint8Array<ArrayBuffer>;
  #size = 0;
  #rows = 0;
  #ascii = true;

  /** A column of `rows` rows. */
  constructor(rows: number) {
    this.#ends = new Int32Array(rows);
    this.missing = new Uint8Array(rows);
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Appends a piece's rows (their bytes copied). */
  add(piece: Utf8Piece): void {
    const { offsets, stride, rows } = piece, first = offsets[0]!;
    const bytes = piece.data.slice(first, offsets[rows * stride]!);
    if (this.#size + bytes.length > 2 ** 31 - 1) throw new RangeError("a text column over 2 GiB");
    for (let i = 0; i < rows; i++) {
      this.#ends[this.#rows + i] = this.#size + offsets[(i + 1) * stride]! - first;
    }
    this.#ascii &&= isAscii(bytes);
    this.#chunks.push(bytes);
    this.#size += bytes.length;
    this.#rows += rows;
  }

  /** The column (every row must have been appended). */
  finish(): Utf8Column {
    let bytes = this.#chunks[0] ?? new Uint8Array(0);
    if (this.#chunks.length > 1) {
      bytes = new Uint8Array(this.#size);
      let at = 0;
      for (const c of this.#chunks) {
        bytes.set(c, at);
        at += c.length;
      }
    }
    return { bytes, ends: this.#ends, missing: this.missing, ascii: this.#ascii };
  }
}

function isAscii(bytes: Uint8Array<ArrayBuffer>): boolean {
  const words = new Int32Array(bytes.buffer, 0, bytes.length >> 2);
  for (let k = 0; k < words.length; k++) if (words[k]! & 0x80808080) return false;
  for (let k = words.length << 2; k < bytes.length; k++) if (bytes[k]! & 0x80) return false;
  return true;
}

/** Rows decoded per block: one string per block, sliced into rows when ASCII. */
const BLOCK = 65_536;
const decoder = new TextDecoder();

/** The column as cells: its texts, null for the missing rows. */
export function utf8Cells(column: Utf8Column): Cell[] {
  const { bytes, ends, missing } = column, n = ends.length, out = new Array<Cell>(n);
  for (let from = 0; from < n; from += BLOCK) {
    const to = Math.min(n, from + BLOCK), base = from ? ends[from - 1]! : 0;
    const text = column.ascii ? decoder.decode(bytes.subarray(base, ends[to - 1])) : "";
    for (let i = from, start = base; i < to; start = ends[i++]!) {
      out[i] = missing[i]
        ? null
        : column.ascii
        ? text.slice(start - base, ends[i]! - base)
        : decoder.decode(bytes.subarray(start, ends[i]));
    }
  }
  return out;
}

/** A text column kept as UTF-8 until its cells are asked for (then decoded once). */
export class LazyTexts {
  readonly #column: Utf8Column;
  #cells: Cell[] | undefined;

  /** Wraps a decoded column. */
  constructor(column: Utf8Column) {
    this.#column = column;
  }

  /** Rows in the column. */
  get length(): number {
    return this.#column.ends.length;
  }

  /** The column as cells (null for a missing row), decoded on the first call. */
  cells(): Cell[] {
    return (this.#cells ??= utf8Cells(this.#column));
  }
}
