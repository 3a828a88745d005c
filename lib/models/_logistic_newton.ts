/**
 * The logistic-regression objective and its Newton solver: scikit-learn's
 * `½‖w‖² + C · Σ sᵢ · logloss(yᵢ, pᵢ)` (intercept not penalized), or the plain log-likelihood
 * without the penalty; exact Hessian, backtracking line search.
 *
 * @module
 */

import { choleskySolve } from "./_linalg.ts";

/** The fitting problem: standardized columns, labels, sample weights, C and the penalty. */
export interface Problem {
  readonly z: readonly Float64Array[];
  readonly y: Uint8Array;
  readonly sw: Float64Array;
  readonly C: number;
  /** L2 penalty on the coefficients (false: the unpenalized maximum-likelihood fit). */
  readonly l2: boolean;
}

/** The solution: `[coef..., intercept]` on the standardized scale, and how the solver ended. */
export interface Solution {
  readonly w: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Newton's method from zero until the largest gradient entry per row is at most `tol`. */
export function solveNewton(
  problem: Problem,
  { maxIter, tol }: { maxIter: number; tol: number },
): Solution {
  const n = problem.y.length, d = problem.z.length + 1;
  let w = new Float64Array(d);
  let loss = objective(w, problem);
  let iterations = 0, converged = false;
  for (; iterations < maxIter; iterations++) {
    const { grad, hess } = derivatives(w, problem);
    let gmax = 0;
    for (const g of grad) gmax = Math.max(gmax, Math.abs(g));
    if (gmax / n <= tol) {
      converged = true;
      break;
    }
    const step = choleskySolve(hess, grad, d) ?? grad.map((g) => g / n);
    let t = 1, next = w, nextLoss = loss;
    for (let k = 0; k < 50; k++, t /= 2) {
      next = w.map((wi, i) => wi - t * step[i]!);
      nextLoss = objective(next, problem);
      if (nextLoss <= loss) break;
    }
    if (!(nextLoss <= loss)) {
      converged = true; // no descent left at machine precision
      break;
    }
    w = next;
    loss = nextLoss;
  }
  return { w, iterations, converged };
}

/** The logistic function, stable for large |z|. */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z), stable. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function linear(w: Float64Array, z: readonly Float64Array[], i: number): number {
  let s = w[z.length]!;
  for (let j = 0; j < z.length; j++) s += w[j]! * z[j]![i]!;
  return s;
}

function objective(w: Float64Array, { z, y, sw, C, l2 }: Problem): number {
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const eta = linear(w, z, i);
    loss += sw[i]! * (softplus(eta) - y[i]! * eta);
  }
  if (!l2) return loss;
  let reg = 0;
  for (let j = 0; j < z.length; j++) reg += w[j]! ** 2;
  return C * loss + 0.5 * reg;
}

/** Gradient and Hessian (row-major, d × d) of the objective at `w`. */
export function derivatives(w: Float64Array, { z, y, sw, C, l2 }: Problem) {
  const p = z.length, d = p + 1, n = y.length;
  const c = l2 ? C : 1;
  const grad = new Float64Array(d);
  const hess = new Float64Array(d * d);
  const row = new Float64Array(d);
  row[p] = 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) row[j] = z[j]![i]!;
    const pi = sigmoid(linear(w, z, i));
    const r = c * sw[i]! * (pi - y[i]!);
    const h = c * sw[i]! * pi * (1 - pi);
    for (let a = 0; a < d; a++) {
      grad[a] = grad[a]! + r * row[a]!;
      const ha = h * row[a]!;
      for (let b = 0; b <= a; b++) hess[a * d + b] = hess[a * d + b]! + ha * row[b]!;
    }
  }
  if (l2) {
    for (let j = 0; j < p; j++) {
      grad[j] = grad[j]! + w[j]!;
      hess[j * d + j] = hess[j * d + j]! + 1;
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) hess[b * d + a] = hess[a * d + b]!;
  return { grad, hess };
}
