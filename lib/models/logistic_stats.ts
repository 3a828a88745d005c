/**
 * What a statistician reads off a logistic regression: coefficients on the original scale,
 * standard errors from the inverse Hessian of the log-likelihood at the fit (as statsmodels'
 * `Logit` gives for an unpenalized fit), Wald z and p-values, 95% intervals and odds ratios.
 *
 * With the L2 penalty the "Hessian" is that of the penalized objective divided by C
 * (`XᵀWX + I/C` on the standardized scale): the standard errors are then those of the Gaussian
 * approximation to the posterior under a N(0, C) prior on each standardized coefficient. They are
 * smaller than the unpenalized ones and the intervals are centred on shrunk estimates, so they
 * are not frequentist confidence intervals; fit with `penalty: "none"` for those.
 *
 * @module
 */

import { chi2Sf } from "../util/special.ts";
import { choleskySolve } from "./_linalg.ts";
import { derivatives, type Problem } from "./_logistic_newton.ts";

/** z of the two-sided 95% interval. */
const Z95 = 1.959963984540054;

/**
 * Standard errors on the original scale, one per coefficient and the intercept last; NaN when
 * the Hessian is singular (perfect separation, a constant column without the penalty).
 */
export function standardErrors(
  problem: Problem,
  w: Float64Array,
  { mean, scale }: { mean: readonly number[]; scale: readonly number[] },
): number[] {
  const d = w.length, p = d - 1;
  const { hess } = derivatives(w, problem);
  const c = problem.l2 ? problem.C : 1;
  for (let i = 0; i < hess.length; i++) hess[i] = hess[i]! / c;
  // Jacobian of (β, β₀) with respect to (w, w₀): β_j = w_j / s_j, β₀ = w₀ − Σ w_j m_j / s_j.
  const out: number[] = [];
  for (let k = 0; k < d; k++) {
    const a = new Float64Array(d); // row k of the Jacobian
    if (k < p) a[k] = 1 / scale[k]!;
    else {
      for (let j = 0; j < p; j++) a[j] = -mean[j]! / scale[j]!;
      a[p] = 1;
    }
    const x = choleskySolve(hess, a, d); // H⁻¹ a
    if (!x) return new Array(d).fill(NaN);
    let v = 0;
    for (let j = 0; j < d; j++) v += a[j]! * x[j]!;
    out.push(Math.sqrt(v));
  }
  return out;
}

/** One row of the coefficient table. */
export interface CoefficientRow {
  /** `intercept`, a feature, or `feature=level` for a category's dummy. */
  readonly term: string;
  /** Coefficient on the original scale (log-odds per unit). */
  readonly coef: number;
  readonly stdErr: number;
  /** Wald z = coef / stdErr. */
  readonly z: number;
  /** Two-sided p-value of z. */
  readonly pValue: number;
  /** 95% interval of the coefficient. */
  readonly ciLow: number;
  readonly ciHigh: number;
  /** exp(coef), and exp of the interval. */
  readonly oddsRatio: number;
  readonly oddsRatioLow: number;
  readonly oddsRatioHigh: number;
}

/** The table from terms, original-scale coefficients and standard errors (intercept last). */
export function coefficientTable(
  terms: readonly string[],
  coef: readonly number[],
  stdErr: readonly number[],
): CoefficientRow[] {
  return [...terms, "intercept"].map((term, k) => {
    const b = coef[k]!, se = stdErr[k]!;
    const z = b / se;
    const lo = b - Z95 * se, hi = b + Z95 * se;
    return {
      term,
      coef: b,
      stdErr: se,
      z,
      pValue: chi2Sf(z * z, 1),
      ciLow: lo,
      ciHigh: hi,
      oddsRatio: Math.exp(b),
      oddsRatioLow: Math.exp(lo),
      oddsRatioHigh: Math.exp(hi),
    };
  });
}
