/**
 * Column sampling (XGBoost's colsample_bytree / bylevel / bynode): keep
 * max(1, ⌊float32(fraction × count)⌋) of the given features, chosen by the seeded generator.
 *
 * @module
 */

import type { Rng } from "../../util/rng.ts";

/** A sorted random subset of `features` of size max(1, ⌊fraction × length⌋), as XGBoost. */
export function sampleColumns(features: Int32Array, fraction: number, rng: Rng): Int32Array {
  if (fraction >= 1 || features.length <= 1) return features;
  const keep = Math.max(1, Math.trunc(Math.fround(Math.fround(fraction) * features.length)));
  const shuffled = rng.shuffle(features.slice());
  return shuffled.subarray(0, keep).sort();
}
