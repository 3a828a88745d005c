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
 * @example
 * ```ts
 * frame.take(sampleRows(frame.rows, 1000, seed));
 * ```
 */
export function sampleRows(n: number, k: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= k) return all;
  return new Rng(seed).shuffle(all).slice(0, k).sort();
}
