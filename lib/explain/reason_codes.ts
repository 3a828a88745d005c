/**
 * Reason codes, as fraud teams show them to analysts: per row, the features that pushed the score
 * up the most — the largest positive contributions, at most `k` — with each one's contribution
 * (log-odds). A row with fewer than `k` positive contributions gets empty reasons after them.
 *
 * @module
 */

/** Reason `r` (1-based) of every row: the feature name ("" for none) and its contribution. */
export interface ReasonColumn {
  readonly rank: number;
  readonly feature: readonly string[];
  /** The contribution (NaN where there is no reason). */
  readonly value: Float64Array;
}

/**
 * The top `k` reasons of each row of a contributions matrix (`rows × (names.length + 1)`, bias
 * last, as `Classifier.contributions` returns).
 *
 * @throws {RangeError} when the matrix does not have `names.length + 1` columns.
 * @example Two rows, two features
 * ```ts
 * import { reasonCodes } from "./reason_codes.ts";
 * // Each row: the contributions of amount and velocity, then the bias (a model's contributions()).
 * const contributions = Float64Array.of(0.8, 1.2, -2, -0.3, 0.5, -2);
 * const [first, second] = reasonCodes(contributions, ["amount", "velocity"], 2);
 * first?.feature; // ["velocity", "velocity"]
 * second?.feature; // ["amount", ""]: the second row has one positive contribution
 * ```
 */
export function reasonCodes(
  contributions: Float64Array,
  names: readonly string[],
  k: number,
): ReasonColumn[] {
  const width = names.length + 1;
  if (contributions.length % width !== 0) {
    throw new RangeError(
      `Expected a matrix of ${width} columns (features and bias) but found ${contributions.length} values`,
    );
  }
  const rows = contributions.length / width, take = Math.min(k, names.length);
  const out = Array.from({ length: take }, (_, r) => ({
    rank: r + 1,
    feature: new Array<string>(rows).fill(""),
    value: new Float64Array(rows).fill(Number.NaN),
  }));
  const order = new Int32Array(names.length);
  for (let i = 0; i < rows; i++) {
    const row = contributions.subarray(i * width, i * width + names.length);
    for (let j = 0; j < order.length; j++) order[j] = j;
    // Largest first; ties by feature order (stable).
    order.sort((a, b) => row[b]! - row[a]! || a - b);
    for (let r = 0; r < take; r++) {
      const j = order[r]!, v = row[j]!;
      if (!(v > 0)) break;
      out[r]!.feature[i] = names[j]!;
      out[r]!.value[i] = v;
    }
  }
  return out;
}
