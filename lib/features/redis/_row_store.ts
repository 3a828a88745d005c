/**
 * Feature rows in growable columns, as read from Redis (duplicates included), with the cells that
 * were present but unreadable kept as (row, feature) pairs — bad values are rare, and a pair list
 * scales to any number of features.
 *
 * @module
 */

import { StringPile } from "../../util/string_order.ts";
import { resized } from "../../util/typed_array.ts";

/** Rows in growable columns, as read (duplicates included); no per-row objects. */
export class RowStore {
  columns: Float64Array[];
  ts: Float64Array;
  readonly ids: string[] = [];
  /** The same ids packed together (to sort them fast). */
  readonly idPile = new StringPile();
  /** Row index of each unreadable cell. */
  badRows: Int32Array = new Int32Array(256);
  /** Feature index of each unreadable cell. */
  badFeatures: Int32Array = new Int32Array(256);
  /** Unreadable cells recorded. */
  badCount = 0;

  constructor(width: number, capacity = 1 << 14) {
    this.columns = Array.from({ length: width }, () => new Float64Array(capacity));
    this.ts = new Float64Array(capacity);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Appends a row (duplicates are resolved later). */
  push(id: string, timestamp: number, values: Float64Array): void {
    const i = this.ids.length;
    if (i === this.ts.length) this.#grow();
    this.ids.push(id);
    this.idPile.push(id);
    for (let j = 0; j < this.columns.length; j++) this.columns[j]![i] = values[j]!;
    this.ts[i] = timestamp;
  }

  /** Marks the cells of the last row pushed where `bad[j]` is 1 as unreadable. */
  markBad(bad: Uint8Array): void {
    const row = this.ids.length - 1;
    for (let j = 0; j < bad.length; j++) {
      if (bad[j]) this.#markCell(row, j);
    }
  }

  #markCell(row: number, feature: number): void {
    if (this.badCount === this.badRows.length) {
      this.badRows = resized(this.badRows, this.badCount * 2);
      this.badFeatures = resized(this.badFeatures, this.badCount * 2);
    }
    this.badRows[this.badCount] = row;
    this.badFeatures[this.badCount++] = feature;
  }

  /**
   * The rows `keep[k]`, in that order, one column per feature (gathered column by column: faster
   * here than row by row, and than rows kept row after row — measured at a million rows).
   */
  columnsOf(keep: Int32Array): Float64Array[] {
    return this.columns.map((src) => gather(src, keep));
  }

  /** The rows of `stores` one after another (unreadable cells renumbered). */
  static concat(stores: readonly RowStore[], width: number): RowStore {
    const size = stores.reduce((n, s) => n + s.size, 0);
    const out = new RowStore(width, Math.max(1, size));
    for (const s of stores) {
      const at = out.size;
      for (let j = 0; j < width; j++) out.columns[j]!.set(s.columns[j]!.subarray(0, s.size), at);
      out.ts.set(s.ts.subarray(0, s.size), at);
      for (const id of s.ids) out.ids.push(id);
      out.idPile.pushAll(s.idPile);
      for (let c = 0; c < s.badCount; c++) {
        out.#markCell(at + s.badRows[c]!, s.badFeatures[c]!);
      }
    }
    return out;
  }

  #grow(): void {
    const cap = this.ts.length * 2;
    this.columns = this.columns.map((c) => resized(c, cap));
    this.ts = resized(this.ts, cap);
  }
}

/** `src[keep[k]]` for every k. */
export function gather(src: Float64Array, keep: Int32Array): Float64Array {
  const out = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) out[k] = src[keep[k]!]!;
  return out;
}
