/**
 * Sorting helper shared by the drift statistics.
 *
 * @module
 */

import { sortFloat64 } from "../util/sort.ts";

/** The non-NaN values of `x`, ascending, as a new Float64Array. */
export function finiteSorted(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  let k = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) out[k++] = x[i]!;
  return sortFloat64(out.subarray(0, k));
}
