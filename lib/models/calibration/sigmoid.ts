/**
 * Platt scaling as scikit-learn's `CalibratedClassifierCV(method="sigmoid")` fits it
 * (`sklearn.calibration._sigmoid_calibration`): P(class 1 | f) = 1 / (1 + exp(A·f + B)), fitted by
 * maximum likelihood against Platt's smoothed targets — (N₊ + 1) / (N₊ + 2) for a positive row,
 * 1 / (N₋ + 2) for a negative one — from A = 0, B = log((N₋ + 1) / (N₊ + 1)), with scores divided by
 * their largest magnitude while fitting when it reaches 30.
 *
 * scikit-learn stops its L-BFGS-B at a gradient of 1e-6 (or a relative loss change of 64 ε); this
 * solves the same strictly convex problem to its optimum by Newton's method, so scikit-learn's
 * (A, B) differ from these by what its optimizer left (see `docs/training.md`, "Calibration").
 *
 * @module
 */

import { sigmoid, softplus } from "../_logistic_newton.ts";

/** A fitted Platt calibrator: P(class 1 | f) = 1 / (1 + exp(a·f + b)). */
export interface SigmoidParams {
  /** The slope A (negative when a higher score means more positives). */
  readonly a: number;
  /** The intercept B. */
  readonly b: number;
}

/** Scores at least this large in magnitude are scaled while fitting (scikit-learn's threshold). */
const SCALE_FROM = 30;

/**
 * Fits Platt's sigmoid from `scores` to the 0/1 `labels`.
 *
 * @param scores One score per row (a margin or a probability).
 * @param labels 0/1 per row.
 * @returns The fitted slope and intercept.
 * @throws {RangeError} when there are no rows or the lengths differ.
 * @example Four scored rows
 * ```ts
 * import { fitSigmoid, sigmoidPredict } from "./sigmoid.ts";
 * const params = fitSigmoid([-2, -1, 0.5, 2], [0, 0, 1, 1]);
 * sigmoidPredict(params, [0]); // P(class 1) for a score of 0
 * ```
 */
export function fitSigmoid(scores: ArrayLike<number>, labels: ArrayLike<number>): SigmoidParams {
  const n = scores.length;
  if (n === 0 || labels.length !== n) {
    throw new RangeError(
      `Expected as many labels as scores (at least one) but found ${labels.length} and ${n}`,
    );
  }
  let largest = 0, negatives = 0;
  for (let i = 0; i < n; i++) {
    largest = Math.max(largest, Math.abs(scores[i]!));
    if (!(labels[i]! > 0)) negatives++;
  }
  const scale = largest >= SCALE_FROM ? largest : 1;
  const f = Float64Array.from(scores, (s) => s / scale);
  const positives = n - negatives;
  const hi = (positives + 1) / (positives + 2), lo = 1 / (negatives + 2);
  const t = Float64Array.from(labels, (y) => (y > 0 ? hi : lo));
  const [a, b] = newton(f, t, [0, Math.log((negatives + 1) / (positives + 1))]);
  return { a: a / scale, b };
}

/**
 * P(class 1) = 1 / (1 + exp(a·f + b)) per score f (scikit-learn's `sigmoid(-(a·f + b))`).
 *
 * @param params A fitted calibrator.
 * @param scores Scores to calibrate.
 * @returns One probability per score.
 * @example A score of 0 with b = 0
 * ```ts
 * import { sigmoidPredict } from "./sigmoid.ts";
 * sigmoidPredict({ a: -3, b: 0 }, [0, 1]); // [0.5, 0.953]
 * ```
 */
export function sigmoidPredict(params: SigmoidParams, scores: ArrayLike<number>): Float64Array {
  return Float64Array.from(scores, (f) => sigmoid(-(params.a * f + params.b)));
}

/** Platt's loss Σ softplus(r) − t·r with r = −(A·f + B). */
function loss(f: Float64Array, t: Float64Array, [a, b]: Pair): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) {
    const r = -(a * f[i]! + b);
    s += softplus(r) - t[i]! * r;
  }
  return s;
}

/** (A, B). */
type Pair = readonly [number, number];

/** Damped Newton on (A, B) until a step no longer moves them (at most 200 steps). */
function newton(f: Float64Array, t: Float64Array, start: Pair): Pair {
  let ab = start;
  for (let iter = 0; iter < 200; iter++) {
    const step = newtonStep(f, t, ab);
    const slope = step.gradient[0] * step.d[0] + step.gradient[1] * step.d[1];
    if (!(slope < 0)) break; // at the optimum (to rounding)
    const f0 = loss(f, t, ab);
    let s = 1;
    // Backtracking (Armijo), but a full step is taken once the predicted decrease is negligible.
    while (-slope > 1e-12 * Math.max(1, Math.abs(f0)) && s > 1e-12) {
      if (loss(f, t, [ab[0] + s * step.d[0], ab[1] + s * step.d[1]]) <= f0 + 1e-4 * s * slope) {
        break;
      }
      s /= 2;
    }
    const next: Pair = [ab[0] + s * step.d[0], ab[1] + s * step.d[1]];
    const moved = Math.max(Math.abs(next[0] - ab[0]), Math.abs(next[1] - ab[1]));
    ab = next;
    if (moved <= 1e-15 * Math.max(1, Math.abs(ab[0]), Math.abs(ab[1]))) break;
  }
  return ab;
}

/**
 * The gradient of Platt's loss at (A, B) and the Newton direction; with scores all equal (no
 * information on A), A stays and only B moves.
 */
function newtonStep(f: Float64Array, t: Float64Array, [a, b]: Pair): { gradient: Pair; d: Pair } {
  let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
  for (let i = 0; i < f.length; i++) {
    const p = sigmoid(-(a * f[i]! + b)), fi = f[i]!;
    const g = p - t[i]!, w = p * (1 - p);
    ga -= g * fi;
    gb -= g;
    haa += w * fi * fi;
    hab += w * fi;
    hbb += w;
  }
  const det = haa * hbb - hab * hab;
  const gradient: Pair = [ga, gb];
  if (!(det > 1e-12 * haa * hbb)) return { gradient, d: [0, hbb > 0 ? -gb / hbb : 0] };
  return {
    gradient,
    d: [-(hbb * ga - hab * gb) / det, -(haa * gb - hab * ga) / det],
  };
}
