/**
 * Decimal numbers read straight from the bytes Redis returns, without making a string: the exact
 * fast path of Clinger's algorithm (an integer mantissa below 2^53 divided by an exact power of
 * ten is correctly rounded, so the result equals `Number(text)`), and `undefined` for anything
 * else (an exponent, 16+ digits, spaces, words) so the caller falls back to `Number`.
 *
 * @module
 */

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k); // exact up to 1e22

/**
 * The value of `-?digits[.digits]` in `b` exactly as `Number` parses it, or undefined when `b`
 * is not of that form or has too many digits for the exact fast path.
 */
export function fastDecimal(b: Uint8Array): number | undefined {
  const n = b.length;
  let i = 0, neg = false;
  if (n > 0 && b[0] === 45) {
    neg = true;
    i = 1;
  }
  let m = 0, digits = 0, frac = 0, dot = false; // frac: digits after the point
  for (; i < n; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      if (m === 0 && c === 48 && !dot) continue; // leading zeros
      m = m * 10 + (c - 48);
      if (++digits > 15) return undefined;
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else return undefined;
  }
  const last = b[n - 1];
  if (n === 0 || last === 45 || (n === (neg ? 2 : 1) && dot)) return undefined; // "", "-", "."
  const v = frac ? m / POW10[frac]! : m;
  return neg ? -v : v;
}
