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
  const words = ws.i32(at, capacity / 32), out: number[] = [];
  // A 32-bit word at a time (a set holds few of its categories): each set bit, lowest first.
  for (let i = 0; i < words.length; i++) {
    for (let w = words[i]!; w !== 0; w &= w - 1) out.push(32 * i + 31 - Math.clz32(w & -w));
  }
  return Int32Array.from(out);
}
