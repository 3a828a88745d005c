/**
 * A text column coded without a string per row: rows hashed by their UTF-8 bytes into codes in
 * order of first appearance, and only the distinct texts decoded as strings.
 *
 * @module
 */

import type { Utf8Column } from "./_utf8_column.ts";

/** Rows as codes into `names` (first-seen order); a null row is the empty text. */
export interface TextCodes {
  readonly codes: Int32Array;
  readonly names: string[];
}

/** Codes `column`'s rows by their bytes. */
export function utf8Codes(column: Utf8Column): TextCodes {
  const { bytes, ends, missing } = column, n = ends.length, codes = new Int32Array(n);
  const texts = new ByteTexts(bytes);
  for (let i = 0, start = 0; i < n; start = ends[i++]!) {
    codes[i] = missing[i] ? texts.code(0, 0) : texts.code(start, ends[i]!);
  }
  return { codes, names: texts.names };
}

const decoder = new TextDecoder();

/** Distinct byte ranges of one buffer: FNV-1a hashed, open addressing, compared byte by byte. */
class ByteTexts {
  readonly #bytes: Uint8Array;
  readonly #starts: number[] = [];
  readonly #stops: number[] = [];
  #slots = new Int32Array(1024).fill(-1);
  /** The distinct texts by code. */
  readonly names: string[] = [];

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** The code of `bytes[start .. stop)`, a new one (and its text) when not seen before. */
  code(start: number, stop: number): number {
    const mask = this.#slots.length - 1;
    let s = this.#hash(start, stop) & mask, code = this.#slots[s]!;
    while (code >= 0 && !this.#same(code, start, stop)) {
      s = (s + 1) & mask;
      code = this.#slots[s]!;
    }
    if (code >= 0) return code;
    code = this.names.push(decoder.decode(this.#bytes.subarray(start, stop))) - 1;
    this.#starts.push(start);
    this.#stops.push(stop);
    this.#slots[s] = code;
    if (2 * this.names.length > this.#slots.length) this.#grow();
    return code;
  }

  #hash(start: number, stop: number): number {
    let h = 0x811c9dc5;
    for (let k = start; k < stop; k++) h = Math.imul(h ^ this.#bytes[k]!, 0x01000193);
    return h;
  }

  #same(code: number, start: number, stop: number): boolean {
    const from = this.#starts[code]!, bytes = this.#bytes;
    if (this.#stops[code]! - from !== stop - start) return false;
    for (let k = 0; k < stop - start; k++) if (bytes[from + k] !== bytes[start + k]) return false;
    return true;
  }

  /** Twice the slots, every code placed again. */
  #grow(): void {
    const slots = new Int32Array(2 * this.#slots.length).fill(-1), mask = slots.length - 1;
    for (let code = 0; code < this.names.length; code++) {
      let s = this.#hash(this.#starts[code]!, this.#stops[code]!) & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = code;
    }
    this.#slots = slots;
  }
}
