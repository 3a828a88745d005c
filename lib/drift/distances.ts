/**
 * Distances for large samples, where p-values flag trivial shifts: the Wasserstein-1 distance
 * normalized by the reference's standard deviation (as Evidently's `wasserstein` test), and the
 * Jensen–Shannon distance (natural log, as `scipy.spatial.distance.jensenshannon`) between binned
 * shares.
 *
 * @module
 */

import { pairedCounts } from "./chi_square.ts";
import { finiteSorted } from "./_sorted.ts";

/** W1(reference, current) / std(reference) (population std; NaN dropped). */
export function wassersteinNormalized(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): number {
  const a = finiteSorted(reference), b = finiteSorted(current);
  let mean = 0;
  for (const v of a) mean += v;
  mean /= a.length;
  let ss = 0;
  for (const v of a) ss += (v - mean) ** 2;
  const std = Math.sqrt(ss / a.length);
  // W1 = ∫ |F_a − F_b| over the merged support.
  let i = 0, j = 0, prev = Math.min(a[0]!, b[0]!), w = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    w += Math.abs(i / a.length - j / b.length) * (v - prev);
    while (i < a.length && a[i]! <= v) i++;
    while (j < b.length && b[j]! <= v) j++;
    prev = v;
  }
  return std > 0 ? w / std : w === 0 ? 0 : Infinity;
}

/** Jensen–Shannon distance (√ of the divergence, natural log) between two share vectors. */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const sp = p.reduce((a, b) => a + b, 0), sq = q.reduce((a, b) => a + b, 0);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp, b = q[i]! / sq, m = (a + b) / 2;
    if (a > 0) js += a * Math.log(a / m);
    if (b > 0) js += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, js / 2));
}

/** Jensen–Shannon distance of continuous samples over `bins` equal-width bins spanning both. */
export function jensenShannonContinuous(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  bins = 10,
): number {
  const a = finiteSorted(reference), b = finiteSorted(current);
  const lo = Math.min(a[0]!, b[0]!), hi = Math.max(a[a.length - 1]!, b[b.length - 1]!);
  const hist = (x: Float64Array) => {
    const h = new Array<number>(bins).fill(0);
    for (const v of x) {
      h[hi > lo ? Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins)) : 0]!++;
    }
    return h;
  };
  return jensenShannon(hist(a), hist(b));
}

/** Jensen–Shannon distance of categorical samples over the union of categories. */
export function jensenShannonCategorical(
  reference: ArrayLike<number | string>,
  current: ArrayLike<number | string>,
): number {
  const { ref, cur, categories } = pairedCounts(reference, current);
  return jensenShannon(
    categories.map((k) => ref.get(k) ?? 0),
    categories.map((k) => cur.get(k) ?? 0),
  );
}
