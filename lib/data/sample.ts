/**
 * The one seeded row sampler: which rows a sample of `k` out of `n` keeps.
 *
 * @module
 */

import { Rng } from "../util/rng.ts";

/**
 * Indices of `k` of `n` rows chosen with `seed`, in increasing order; every row when `n ≤ k`.
 * The same seed, `n` and `k` give the same rows.
 *
 * @example Keep 3 of 5 rows, the same 3 for the same seed
 * ```ts
 * import { Frame } from "./frame.ts";
 * import { sampleRows } from "./sample.ts";
 * const frame = new Frame(["amount"], [Float64Array.of(5, 12, 7, 30, 2)]);
 * sampleRows(frame.rows, 3, 42); // Int32Array [1, 2, 4]
 * frame.take(sampleRows(frame.rows, 3, 42)).column("amount"); // Float64Array [12, 7, 2]
 * ```
 */
export function sampleRows(n: number, k: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= k) return all;
  return new Rng(seed).shuffle(all).slice(0, k).sort();
}
