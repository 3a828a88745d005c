/**
 * Many strings kept as UTF-16 code units one after another, and their sorted order (as
 * `Array.prototype.sort` orders strings: by code units), fast for the entity ids of a feature
 * store: each string's first distinguishing units (after the prefix all share) are packed into a
 * 64-bit key, in as few bits per unit as the units met need, and the keys radix-sorted; only
 * strings whose keys tie and that go on past the packed units are compared whole. Packed in one
 * array, the strings are read in order from memory rather than chased one object at a time.
 *
 * @module
 */

import { radixOrder } from "./sort.ts";
import { resized } from "./typed_array.ts";

/** Strings appended one after another as UTF-16 code units. */
export class StringPile {
  /** The code units; string i is `units[start(i), ends[i])`. */
  units = new Uint16Array(1 << 16);
  ends = new Int32Array(1 << 12);
  count = 0;

  /** Where string i starts. */
  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!;
  }

  /** Appends `s`. */
  push(s: string): void {
    let at = this.start(this.count);
    if (at + s.length > this.units.length) {
      this.units = resized(this.units, Math.max(2 * this.units.length, at + s.length));
    }
    if (this.count === this.ends.length) this.ends = resized(this.ends, 2 * this.count);
    for (let c = 0; c < s.length; c++) this.units[at++] = s.charCodeAt(c);
    this.ends[this.count++] = at;
  }

  /** Appends every string of `other`, in order (their units copied as they are). */
  pushAll(other: StringPile): void {
    const at = this.start(this.count), len = other.start(other.count), n = this.count + other.count;
    if (at + len > this.units.length) this.units = resized(this.units, 2 * (at + len));
    if (n > this.ends.length) this.ends = resized(this.ends, 2 * n);
    this.units.set(other.units.subarray(0, len), at);
    for (let i = 0; i < other.count; i++) this.ends[this.count + i] = at + other.ends[i]!;
    this.count = n;
  }

  /** Strings i and j compared by code units: negative, 0 or positive. */
  compare(i: number, j: number): number {
    const a = this.start(i), b = this.start(j);
    const la = this.ends[i]! - a, lb = this.ends[j]! - b, len = Math.min(la, lb);
    for (let c = 0; c < len; c++) {
      const d = this.units[a + c]! - this.units[b + c]!;
      if (d !== 0) return d;
    }
    return la - lb;
  }
}

/** The pile's strings in order: their indices, and which equal the one before. */
export interface SortedStrings {
  /** Indices in ascending string order, equal strings by index (a stable sort). */
  readonly order: Int32Array;
  /** 1 at k when string `order[k]` equals string `order[k − 1]`. */
  readonly repeats: Uint8Array;
}

/** The pile's strings sorted (see {@link SortedStrings}). */
export function sortedOrder(p: StringPile): SortedStrings {
  const n = p.count;
  if (n === 0) return { order: new Int32Array(0), repeats: new Uint8Array(0) };
  const prefix = commonPrefix(p);
  let min = 0xffff, max = 0;
  for (let i = 0; i < n; i++) {
    for (let c = p.start(i) + prefix; c < p.ends[i]!; c++) {
      const u = p.units[c]!;
      if (u < min) min = u;
      if (u > max) max = u;
    }
  }
  // Unit u is packed as u − min + 1 (0: the string has ended), in `bits` bits each.
  const bits = Math.ceil(Math.log2(Math.max(2, max - min + 2)));
  const span = Math.floor(32 / bits), scale = 2 ** bits;
  const hi = new Uint32Array(n), lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const from = p.start(i) + prefix, end = p.ends[i]!;
    let h = 0, l = 0;
    for (let c = from; c < from + span; c++) h = h * scale + (c < end ? p.units[c]! - min + 1 : 0);
    for (let c = from + span; c < from + 2 * span; c++) {
      l = l * scale + (c < end ? p.units[c]! - min + 1 : 0);
    }
    hi[i] = h;
    lo[i] = l;
  }
  const sorted = radixOrder(hi, lo);
  return { order: sorted.order, repeats: resolveTies(p, sorted, prefix + 2 * span) };
}

/** How many leading code units every string shares. */
function commonPrefix(p: StringPile): number {
  let len = p.ends[0]!;
  for (let i = 1; i < p.count && len > 0; i++) {
    const from = p.start(i), n = Math.min(len, p.ends[i]! - from);
    let c = 0;
    while (c < n && p.units[from + c] === p.units[c]) c++;
    len = c;
  }
  return len;
}

/**
 * Orders each run of equal keys by whole string (then index) where some string of the run goes
 * on past the `packed` units the keys hold (a run whose strings all end within them holds equal
 * strings, already in index order), and marks the strings equal to the one before.
 */
function resolveTies(
  p: StringPile,
  sorted: { order: Int32Array; hi: Uint32Array; lo: Uint32Array },
  packed: number,
): Uint8Array {
  const { order, hi, lo } = sorted, n = order.length;
  const repeats = new Uint8Array(n);
  const longer = (i: number) => p.ends[i]! - p.start(i) > packed;
  for (let a = 0; a < n;) {
    let b = a + 1;
    while (b < n && hi[b] === hi[a] && lo[b] === lo[a]) b++;
    if (b - a === 1) { // the common case: a key of its own (no look at the string needed)
      a = b;
      continue;
    }
    if (order.subarray(a, b).some(longer)) {
      order.subarray(a, b).sort((x, y) => p.compare(x, y) || x - y);
      for (let k = a + 1; k < b; k++) repeats[k] = p.compare(order[k]!, order[k - 1]!) ? 0 : 1;
    } else repeats.fill(1, a + 1, b);
    a = b;
  }
  return repeats;
}
