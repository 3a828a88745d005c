/**
 * Pearson's chi-square goodness of fit of the current sample against the reference's category
 * shares, as `scipy.stats.chisquare(observed, expected)`: observed = current counts over the
 * reference's categories, expected = reference share × the current count over those categories,
 * dof = categories − 1. Categories the reference never saw are counted and listed, not dropped.
 *
 * @module
 */

import { chi2Sf } from "./_special.ts";

/** The statistic, p-value and what could not be compared. */
export interface ChiSquareResult {
  readonly statistic: number;
  readonly pValue: number;
  /** Degrees of freedom (reference categories − 1). */
  readonly dof: number;
  /** Current values in categories the reference never saw, by category. */
  readonly unseen: Readonly<Record<string, number>>;
}

/** Counts per category (NaN and empty strings dropped), keys as strings. */
export function categoryCounts(values: ArrayLike<number | string>): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if ((typeof v === "number" && Number.isNaN(v)) || v === "") continue;
    const k = String(v);
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/**
 * Chi-square test of current vs reference category frequencies.
 *
 * @example
 * ```ts
 * chiSquare(Float64Array.of(0, 0, 1, 1), Float64Array.of(0, 1, 1, 1)).pValue;
 * ```
 */
export function chiSquare(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
): ChiSquareResult {
  const ref = categoryCounts(reference), cur = categoryCounts(current);
  const categories = [...ref.keys()].sort();
  let nRef = 0, nCur = 0;
  for (const c of categories) {
    nRef += ref.get(c)!;
    nCur += cur.get(c) ?? 0;
  }
  const unseen: Record<string, number> = {};
  for (const [c, k] of cur) if (!ref.has(c)) unseen[c] = k;
  let statistic = 0;
  for (const c of categories) {
    const expected = (ref.get(c)! / nRef) * nCur;
    const o = cur.get(c) ?? 0;
    statistic += (o - expected) ** 2 / expected;
  }
  const dof = categories.length - 1;
  const pValue = dof <= 0 || nCur === 0 ? 1 : chi2Sf(statistic, dof);
  return { statistic: dof <= 0 ? 0 : statistic, pValue, dof, unseen };
}
