/**
 * Byte strings coded by their bytes: each distinct string gets the next code and is copied once
 * into the coder's own store (FNV-1a hashed, open addressing, compared byte by byte), so rows can
 * be coded from any buffer — a text column's, or a Parquet page's dictionary.
 *
 * @module
 */

import type { Utf8Column } from "./_utf8_column.ts";

/** Distinct byte strings by code. */
export class ByteCodes {
  #store = new Uint8Array(4096);
  #size = 0;
  #ends = new Int32Array(256);
  #count = 0;
  #slots = new Int32Array(1024).fill(-1);
  /** The string {@link code} is looking up (no subarray per probe). */
  #probe: Uint8Array = new Uint8Array(0);
  #from = 0;
  #to = 0;

  /** The code of `bytes[start .. stop)`, a new one when not seen before. */
  code(bytes: Uint8Array, start: number, stop: number): number {
    const mask = this.#slots.length - 1, h = hash(bytes, start, stop);
    let s = h & mask, code = this.#slots[s]!;
    this.#probe = bytes;
    this.#from = start;
    this.#to = stop;
    while (code >= 0 && !this.#same(code)) {
      s = (s + 1) & mask;
      code = this.#slots[s]!;
    }
    if (code >= 0) return code;
    code = this.#add(bytes, start, stop);
    this.#slots[s] = code;
    if (2 * this.#count > this.#slots.length) this.#grow();
    return code;
  }

  /**
   * Renumbers `codes` (in place) in order of first appearance, dropping strings no row uses,
   * and returns the strings by their new code.
   */
  firstSeen(codes: Int32Array): Utf8Column {
    const renumber = new Int32Array(this.#count).fill(-1), order: number[] = [];
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (renumber[c]! < 0) renumber[c] = order.push(c) - 1;
      codes[i] = renumber[c]!;
    }
    const ends = new Int32Array(order.length);
    let size = 0;
    for (let k = 0; k < order.length; k++) ends[k] = size += this.#length(order[k]!);
    const bytes = new Uint8Array(size);
    order.forEach((c, k) => bytes.set(this.#bytes(c), k ? ends[k - 1]! : 0));
    return { bytes, ends, missing: new Uint8Array(order.length), ascii: isAscii(bytes) };
  }

  #start(code: number): number {
    return code ? this.#ends[code - 1]! : 0;
  }

  #length(code: number): number {
    return this.#ends[code]! - this.#start(code);
  }

  #bytes(code: number): Uint8Array {
    return this.#store.subarray(this.#start(code), this.#ends[code]);
  }

  /** Whether the string being coded (`#probe[#from .. #to)`) is the string of `code`. */
  #same(code: number): boolean {
    const at = this.#start(code),
      store = this.#store,
      text = this.#probe,
      n = this.#to - this.#from;
    if (this.#ends[code]! - at !== n) return false;
    for (let k = 0; k < n; k++) if (store[at + k] !== text[this.#from + k]) return false;
    return true;
  }

  #add(bytes: Uint8Array, start: number, stop: number): number {
    const n = stop - start;
    if (this.#size + n > this.#store.length) {
      const store = new Uint8Array(Math.max(2 * this.#store.length, this.#size + n));
      store.set(this.#store.subarray(0, this.#size));
      this.#store = store;
    }
    for (let k = 0; k < n; k++) this.#store[this.#size + k] = bytes[start + k]!;
    this.#size += n;
    if (this.#count === this.#ends.length) {
      const ends = new Int32Array(2 * this.#ends.length);
      ends.set(this.#ends);
      this.#ends = ends;
    }
    this.#ends[this.#count] = this.#size;
    return this.#count++;
  }

  /** Twice the slots, every code placed again. */
  #grow(): void {
    const slots = new Int32Array(2 * this.#slots.length).fill(-1), mask = slots.length - 1;
    for (let code = 0; code < this.#count; code++) {
      let s = hash(this.#store, this.#start(code), this.#ends[code]!) & mask;
      while (slots[s]! >= 0) s = (s + 1) & mask;
      slots[s] = code;
    }
    this.#slots = slots;
  }
}

function hash(bytes: Uint8Array, start: number, stop: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < stop; k++) h = Math.imul(h ^ bytes[k]!, 0x01000193);
  return h;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (bytes[k]! & 0x80) return false;
  return true;
}
