/**
 * A categorical split's categories as the partition kernel reads them: one bit per category
 * (set: the category goes right), written to the workspace and read back.
 *
 * @module
 */

import type { Workspace } from "./kernel/workspace.ts";

/**
 * Writes a categorical split's categories as a set of `capacity` bits (a multiple of 256) in the
 * workspace; returns where.
 */
export function placeCategorySet(ws: Workspace, categories: Int32Array, capacity = 256): number {
  const at = ws.alloc(capacity / 8), bits = ws.u8(at, capacity / 8);
  bits.fill(0);
  for (const c of categories) bits[c >> 3] = bits[c >> 3]! | (1 << (c & 7));
  return at;
}

/**
 * The categories of a set of `capacity` bits (a multiple of 256) at `at` (4-byte aligned, as the
 * workspace's allocations and the kernels' sets are) in the workspace, ascending.
 */
export function categoriesAt(ws: Workspace, at: number, capacity: number): Int32Array {
  const words = ws.i32(at, capacity / 32);
  let count = 0;
  for (let i = 0; i < words.length; i++) count += bitCount(words[i]!);
  // A 32-bit word at a time: each set bit, lowest first.
  const out = new Int32Array(count);
  for (let i = 0, k = 0; i < words.length; i++) {
    for (let w = words[i]!; w !== 0; w &= w - 1) out[k++] = 32 * i + 31 - Math.clz32(w & -w);
  }
  return out;
}

/** The number of set bits of a 32-bit word. */
function bitCount(w: number): number {
  w = w - ((w >>> 1) & 0x55555555);
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
