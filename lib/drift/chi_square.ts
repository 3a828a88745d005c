/**
 * Pearson's chi-square goodness of fit of the current sample against the reference's category
 * shares, as `scipy.stats.chisquare(observed, expected)`: observed = current counts over the
 * reference's categories, expected = reference share × the current count over those categories,
 * dof = categories − 1. Categories the reference never saw are counted and listed, not dropped.
 *
 * @module
 */

import { chi2Sf } from "../util/special.ts";

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

/** Categories in numeric order when every one is a number, else in string order. */
export function sortCategories(categories: string[]): string[] {
  const numeric = categories.every((c) => c.trim() !== "" && Number.isFinite(Number(c)));
  return numeric ? categories.sort((a, b) => Number(a) - Number(b)) : categories.sort();
}

/** Current values in categories the reference never saw, by category. */
export function unseenCategories(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
): Record<string, number> {
  const ref = categoryCounts(reference);
  const unseen: Record<string, number> = {};
  for (const [c, k] of categoryCounts(current)) if (!ref.has(c)) unseen[c] = k;
  return unseen;
}

/** Category counts of both samples, the sorted union of their categories, and their totals. */
export function pairedCounts(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
) {
  const ref = categoryCounts(reference), cur = categoryCounts(current);
  const categories = sortCategories([...new Set([...ref.keys(), ...cur.keys()])]);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return { ref, cur, categories, nRef: total(ref), nCur: total(cur) };
}

/**
 * Chi-square test of current vs reference category frequencies.
 *
 * @example Device types in two samples
 * ```ts
 * import { chiSquare } from "./chi_square.ts";
 * const reference = ["web", "web", "app", "app"], current = ["web", "app", "app", "app"];
 * const { statistic, pValue } = chiSquare(reference, current);
 * statistic; // 1
 * pValue; // 0.3173…, no evidence of drift at α = 0.05
 * ```
 */
export function chiSquare(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
): ChiSquareResult {
  const ref = categoryCounts(reference), cur = categoryCounts(current);
  const categories = sortCategories([...ref.keys()]);
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

/**
 * Two-sample chi-square test of homogeneity on the 2 × k contingency table of category counts
 * (reference, current) over the categories seen in either sample, as
 * `scipy.stats.chi2_contingency(table)` (Yates' continuity correction when dof = 1). Unlike
 * {@link chiSquare}, the reference shares are not taken as exact, so against a reference of the
 * same size it keeps its false-positive rate at α.
 */
export function chiSquareTwoSample(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
): ChiSquareResult {
  const { ref, cur, categories, nRef: nr, nCur: nc } = pairedCounts(reference, current);
  const n = nr + nc, dof = categories.length - 1;
  const unseen: Record<string, number> = {};
  for (const [c, k] of cur) if (!ref.has(c)) unseen[c] = k;
  if (dof <= 0 || nr === 0 || nc === 0) {
    return { statistic: 0, pValue: 1, dof: Math.max(dof, 0), unseen };
  }
  let statistic = 0;
  for (const c of categories) {
    const col = (ref.get(c) ?? 0) + (cur.get(c) ?? 0);
    for (const [obs, rowTotal] of [[ref.get(c) ?? 0, nr], [cur.get(c) ?? 0, nc]] as const) {
      const expected = (rowTotal * col) / n;
      let d = Math.abs(obs - expected);
      if (dof === 1) d = Math.max(0, d - 0.5); // Yates
      statistic += (d * d) / expected;
    }
  }
  return { statistic, pValue: chi2Sf(statistic, dof), dof, unseen };
}
