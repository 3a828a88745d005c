/**
 * Row weights as every estimator takes them (`FitOptions.weights`): one per row, finite, at least
 * 0, and not all 0.
 *
 * @module
 */

import { DataError } from "../errors.ts";

/**
 * Checks row weights.
 *
 * @param name What the weights belong to, for the message (`weights`, an eval set's name).
 * @throws {DataError} one line: a count that is not the rows', the first weight that is not a
 *   finite number ≥ 0 (with its row), or weights that are all 0.
 * @example Weights for three rows
 * ```ts
 * import { checkWeights } from "./weights.ts";
 * checkWeights([1, 2, 0.5], 3, "weights"); // passes; [1, -1, 1] would throw
 * ```
 */
export function checkWeights(weights: ArrayLike<number>, n: number, name: string): void {
  if (weights.length !== n) {
    throw new DataError(`${name}: ${weights.length} weights for ${n} rows`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w >= 0 && w < Infinity)) {
      throw new DataError(`${name}: weight ${w} at row ${i} is not a finite number ≥ 0`);
    }
    total += w;
  }
  if (total === 0) throw new DataError(`${name}: every weight is 0`);
}
