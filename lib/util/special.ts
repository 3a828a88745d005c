/**
 * Special functions for the drift tests: log-gamma and the regularized upper incomplete gamma
 * function (for chi-square p-values), to double precision; and numpy's rounding.
 *
 * @module
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, relative error ~1e-15). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 2 ** -53;
const BIG = 4503599627370496.0;
const BIGINV = 2.22044604925031308085e-16;

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaincc(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (!Number.isFinite(x)) return 0;
  if (x < 1 || x < a) return 1 - gammaincSeries(a, x);
  // Continued fraction (Cephes igamc).
  const ax = a * Math.log(x) - x - lgamma(a);
  if (ax < -745) return 0;
  const factor = Math.exp(ax);
  let y = 1 - a, z = x + y + 1, c = 0;
  let pkm2 = 1, qkm2 = x, pkm1 = x + 1, qkm1 = z * x;
  let ans = pkm1 / qkm1, t = 1;
  for (let i = 0; i < 2000 && t > EPS; i++) {
    c += 1;
    y += 1;
    z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc;
    const qk = qkm1 * z - qkm2 * yc;
    if (qk !== 0) {
      const r = pk / qk;
      t = Math.abs((ans - r) / r);
      ans = r;
    } else t = 1;
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (Math.abs(pk) > BIG) {
      pkm2 *= BIGINV;
      pkm1 *= BIGINV;
      qkm2 *= BIGINV;
      qkm1 *= BIGINV;
    }
  }
  return ans * factor;
}

/** Regularized lower incomplete gamma P(a, x) by its power series (x < a + 1). */
function gammaincSeries(a: number, x: number): number {
  const ax = a * Math.log(x) - x - lgamma(a);
  if (ax < -745) return 0;
  let r = a, c = 1, ans = 1;
  for (let i = 0; i < 5000; i++) {
    r += 1;
    c *= x / r;
    ans += c;
    if (c / ans <= EPS) break;
  }
  return (ans * Math.exp(ax)) / a;
}

/** Survival function of the chi-square distribution with `dof` degrees of freedom. */
export function chi2Sf(x: number, dof: number): number {
  return gammaincc(dof / 2, x / 2);
}

/**
 * numpy's `round` to `decimals` places: times 10^decimals, to the nearest integer (halves to
 * even), back.
 *
 * @example
 * ```ts
 * import { roundHalfEven } from "./special.ts";
 * roundHalfEven(2.5); // 2
 * roundHalfEven(0.123455, 5); // 0.12346 (numpy's round(0.123455, 5))
 * ```
 */
export function roundHalfEven(x: number, decimals = 0): number {
  const scale = 10 ** decimals, y = x * scale;
  const r = Math.round(y);
  const even = Math.abs(y % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return decimals ? even / scale : even;
}
