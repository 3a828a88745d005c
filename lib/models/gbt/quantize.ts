/**
 * The quanta gradients are rounded to before trees grow. With every gradient (and hessian) a
 * multiple of a power of two `q`, and every possible sum of them below 2^53·q, a float64 sum of
 * any subset in any order is exact: the histograms do not depend on how rows were shared among
 * threads or in which order they were added (what fixed-point histograms give XGBoost's GPU
 * trainer). The rounding moves a value by at most q/2: 3e-11 at 100k rows of gradients up to 1.
 *
 * @module
 */

/**
 * The quantum for `n` values of magnitude at most `max`: the power of two q with n·max ≤ 2^51·q
 * (two bits of room for the rounding itself), kept a normal float64; 1 when every value is 0 or
 * `max` is not finite (nothing to round, or nothing rounding could save).
 */
export function gradientQuantum(n: number, max: number): number {
  if (!(max > 0) || !Number.isFinite(max) || n < 1) return 1;
  const e = Math.ceil(Math.log2(n * max)) + 2 - 53;
  return 2 ** Math.max(-1022, Math.min(1000, e));
}
