/**
 * Decimal numbers read straight from the bytes Redis returns, without making a string: the exact
 * fast path of Clinger's algorithm (an integer mantissa below 2^53 divided by an exact power of
 * ten is correctly rounded, so the result equals `Number(text)`), and `undefined` for anything
 * else (an exponent, a mantissa of 2^53 or more, spaces, words) so the caller falls back to
 * `Number`.
 *
 * @module
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact up to 1e22

/**
 * The value of `-?digits[.digits]` in `b[from, to)` exactly as `Number` parses it, or undefined
 * when it is not of that form or has too many digits for the exact fast path.
 */
export function fastDecimal(b: Uint8Array, from = 0, to = b.length): number | undefined {
  let i = from, neg = false;
  if (to > from && b[from] === 45) {
    neg = true;
    i++;
  }
  let m = 0, digits = 0, frac = 0, dot = false; // frac: digits after the point
  for (; i < to; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      if (m === 0 && c === 48 && !dot) continue; // leading zeros
      m = m * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else return undefined;
  }
  const n = to - from;
  if (n === 0 || b[to - 1] === 45 || (n === (neg ? 2 : 1) && dot)) return undefined; // "", "-", "."
  // Exact only while every partial mantissa is an integer below 2^53 (then each step is exact;
  // past it the rounded one is ≥ 2^53 too) and the power of ten is exact.
  if ((digits > 15 && m >= 2 ** 53) || frac > 22) return undefined;
  const v = frac ? m / POW10[frac]! : m;
  return neg ? -v : v;
}
