/**
 * The Population Stability Index. Continuous features: bins whose inner edges are the
 * reference's quantiles (numpy's default linear method; 10 bins → deciles), duplicate edges
 * merged, bins closed on the left (a value equal to an edge falls in the upper bin, as
 * `numpy.histogram`), outer bins open to ±∞. Categorical features: one bin per category seen in
 * either sample. A share of 0 becomes 1e-4. PSI = Σ (cur − ref) · ln(cur / ref).
 *
 * @module
 */

import { pairedCounts } from "./chi_square.ts";
import { finiteSorted } from "./_sorted.ts";

/** Share used in place of an empty bin. */
export const PSI_EMPTY_SHARE = 1e-4;

/** The PSI label: < 0.1 none, < 0.2 minor, else major. */
export function psiLabel(psi: number): "none" | "minor" | "major" {
  return psi < 0.1 ? "none" : psi < 0.2 ? "minor" : "major";
}

/** numpy.quantile(sorted, q) with the default linear method (values already sorted). */
export function quantileLinear(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1]!;
  if (virtual < 0) return sorted[0]!;
  const prev = Math.floor(virtual);
  const gamma = virtual - prev;
  const a = sorted[prev]!, b = sorted[prev + 1]!;
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** Bin shares and the PSI. */
export interface PsiResult {
  readonly psi: number;
  /** Inner bin edges (continuous) or categories (categorical). */
  readonly bins: readonly (number | string)[];
  readonly referenceShares: readonly number[];
  readonly currentShares: readonly number[];
}

/**
 * PSI of a continuous feature (NaN dropped).
 *
 * @example Amounts shifted by a fifth of their range
 * ```ts
 * import { psiContinuous, psiLabel } from "./psi.ts";
 * const reference = Float64Array.from({ length: 1000 }, (_, i) => i % 100);
 * const current = reference.map((v) => v + 20);
 * const { psi } = psiContinuous(reference, current); // 1.5999…
 * psiLabel(psi); // "major"
 * ```
 */
export function psiContinuous(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  bins = 10,
): PsiResult {
  const ref = finiteSorted(reference), cur = finiteSorted(current);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const e = quantileLinear(ref, i * (1 / bins));
    if (edges.length === 0 || e !== edges[edges.length - 1]) edges.push(e);
  }
  const refShares = shares(ref, edges), curShares = shares(cur, edges);
  return {
    psi: psiOf(refShares, curShares),
    bins: edges,
    referenceShares: refShares,
    currentShares: curShares,
  };
}

/** PSI of a categorical feature over the union of categories. */
export function psiCategorical(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
): PsiResult {
  const { ref, cur, categories: cats, nRef: nr, nCur: nc } = pairedCounts(reference, current);
  const refShares = cats.map((c) => (ref.get(c) ?? 0) / nr),
    curShares = cats.map((c) => (cur.get(c) ?? 0) / nc);
  return {
    psi: psiOf(refShares, curShares),
    bins: cats,
    referenceShares: refShares,
    currentShares: curShares,
  };
}

function psiOf(ref: readonly number[], cur: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] === 0 ? PSI_EMPTY_SHARE : ref[i]!;
    const c = cur[i] === 0 ? PSI_EMPTY_SHARE : cur[i]!;
    s += (c - r) * Math.log(c / r);
  }
  return s;
}

/** Shares per bin: bin k holds [edge_{k−1}, edge_k), the first from −∞, the last to +∞. */
function shares(sorted: Float64Array, edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let b = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (b < edges.length && sorted[i]! >= edges[b]!) b++;
    counts[b]!++;
  }
  return counts.map((c) => c / sorted.length);
}
