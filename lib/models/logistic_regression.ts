/**
 * L2-regularized logistic regression on standardized inputs, solved by Newton's method with a
 * backtracking line search (exact Hessian; the feature count is small). The objective is
 * scikit-learn's: `½‖w‖² + C · Σ wᵢ · logloss(yᵢ, pᵢ)`, intercept not penalized.
 *
 * @module
 */

import { z } from "zod";
import { Frame } from "../data/frame.ts";
import { applyImputer, fitImputer, type ImputeStrategy } from "../data/impute.ts";
import { ModelFormatError } from "../errors.ts";
import { choleskySolve } from "./_linalg.ts";
import type { Classifier, Estimator, ModelJSON } from "./model.ts";
import { validateParams } from "./params.ts";

/** Format tag of serialized logistic-regression models. */
export const LOGISTIC_FORMAT = "fraud-pipeline/logistic_regression@1";

/** Parameters of logistic regression. */
export const LogisticParamsSchema = z.strictObject({
  /** Inverse regularization strength (as scikit-learn's `C`). */
  C: z.number().gt(0).default(1),
  /** Newton iterations at most. */
  maxIter: z.number().int().min(1).max(10_000).default(100),
  /** Stop when the largest gradient entry, per row, is below this. */
  tol: z.number().gt(0).default(1e-10),
  /** `balanced` weighs each class by n / (2 · class count). */
  classWeight: z.enum(["none", "balanced"]).default("none"),
  /** Fill value for missing inputs, learned on the training rows. */
  impute: z.enum(["median", "mean", "zero"]).default("median"),
});

/** Validated logistic-regression parameters. */
export type LogisticParams = z.infer<typeof LogisticParamsSchema>;

/**
 * Logistic regression estimator.
 *
 * @example
 * ```ts
 * const model = await new LogisticRegression({ C: 0.5 }).fit(frame, labels);
 * const p = model.predictProba(frame);
 * ```
 */
export class LogisticRegression implements Estimator {
  /** Always `logistic_regression`. */
  readonly type = "logistic_regression";
  /** The validated parameters. */
  readonly params: LogisticParams;

  /**
   * @param params Raw parameters, validated here.
   * @throws {ConfigError} one line per bad parameter, e.g. `model.params.C: must be > 0, got 0`.
   */
  constructor(params: Record<string, unknown> = {}) {
    this.params = validateParams(LogisticParamsSchema, params, "logistic_regression");
  }

  /** Fits on `frame` (missing values imputed per `impute`) and labels in {0, 1}. */
  fit(frame: Frame, labels: Uint8Array): Promise<LogisticRegressionModel> {
    return Promise.resolve(this.fitSync(frame, labels));
  }

  /** {@link fit}, synchronously. */
  fitSync(frame: Frame, labels: Uint8Array): LogisticRegressionModel {
    const { C, maxIter, tol, classWeight, impute } = this.params;
    const imputer = fitImputer(frame, impute as ImputeStrategy);
    const x = applyImputer(imputer, frame);
    const n = x.rows, p = x.width, d = p + 1;
    const mean = new Float64Array(p), scale = new Float64Array(p);
    const z = x.columns.map((col, j) => {
      let s = 0;
      for (const v of col) s += v;
      const m = s / n;
      let ss = 0;
      for (const v of col) ss += (v - m) ** 2;
      const sd = Math.sqrt(ss / n);
      mean[j] = m;
      scale[j] = sd > 0 ? sd : 1;
      return col.map((v) => (v - m) / scale[j]!);
    });
    const sw = sampleWeights(labels, classWeight);
    const problem: Problem = { z, y: labels, sw, C };
    let w = new Float64Array(d); // [coef..., intercept]
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
    return new LogisticRegressionModel({
      featureNames: [...frame.names],
      params: this.params,
      fill: Array.from(imputer.values),
      mean: Array.from(mean),
      scale: Array.from(scale),
      coef: Array.from(w.subarray(0, p)),
      intercept: w[p]!,
      iterations,
      converged,
    });
  }
}

/** The learned state of a logistic regression. */
export interface LogisticState {
  /** Feature names in input order. */
  readonly featureNames: string[];
  /** The parameters it was trained with. */
  readonly params: LogisticParams;
  /** Fill value per feature for missing inputs. */
  readonly fill: number[];
  /** Standardization mean per feature. */
  readonly mean: number[];
  /** Standardization scale per feature (std, or 1 for a constant feature). */
  readonly scale: number[];
  /** Coefficients on the standardized scale. */
  readonly coef: number[];
  /** Intercept. */
  readonly intercept: number;
  /** Newton iterations run. */
  readonly iterations: number;
  /** Whether the solver met its tolerance. */
  readonly converged: boolean;
  /** Threshold on P(fraud) for a positive label (absent = 0.5). */
  readonly decisionThreshold?: number;
}

/** A fitted logistic regression. */
export class LogisticRegressionModel implements Classifier {
  /** Always `logistic_regression`. */
  readonly type = "logistic_regression";
  /** The learned state. */
  state: LogisticState;

  /** @param state Learned state (from `fit` or {@link LogisticRegressionModel.load}). */
  constructor(state: LogisticState) {
    this.state = state;
  }

  /** Feature names in input order. */
  get featureNames(): readonly string[] {
    return this.state.featureNames;
  }

  /** Threshold on P(fraud) for a positive label, saved with the model. */
  get decisionThreshold(): number {
    return this.state.decisionThreshold ?? 0.5;
  }

  set decisionThreshold(t: number) {
    this.state = { ...this.state, decisionThreshold: t };
  }

  /** P(fraud) per row; missing inputs take the learned fill values. */
  predictProba(frame: Frame): Float64Array {
    const { featureNames, fill, mean, scale, coef, intercept } = this.state;
    const out = new Float64Array(frame.rows).fill(intercept);
    featureNames.forEach((name, j) => {
      const col = frame.column(name);
      const a = coef[j]! / scale[j]!, m = mean[j]!, f = fill[j]!;
      for (let i = 0; i < out.length; i++) {
        const v = col[i]!;
        out[i] = out[i]! + a * ((Number.isNaN(v) ? f : v) - m);
      }
    });
    for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]!);
    return out;
  }

  /** |coefficient| on the standardized scale, per feature. */
  featureImportance(): Record<string, number> {
    return Object.fromEntries(
      this.state.featureNames.map((n, j) => [n, Math.abs(this.state.coef[j]!)]),
    );
  }

  /** Pretty-printed JSON of {@link toJSON}. */
  serialize(): string {
    return JSON.stringify(this.toJSON(), null, 2) + "\n";
  }

  /** Serializable form with the format tag. */
  toJSON(): ModelJSON {
    return { format: LOGISTIC_FORMAT, ...this.state };
  }

  /**
   * Reads a model written by `toJSON`.
   *
   * @throws {ModelFormatError} for another format tag or missing fields.
   */
  static load(json: ModelJSON): LogisticRegressionModel {
    if (json.format !== LOGISTIC_FORMAT) {
      throw new ModelFormatError(`Expected format "${LOGISTIC_FORMAT}" but found "${json.format}"`);
    }
    const s = json as unknown as LogisticState;
    const p = s.featureNames?.length;
    for (const key of ["fill", "mean", "scale", "coef"] as const) {
      if (!Array.isArray(s[key]) || s[key].length !== p) {
        throw new ModelFormatError(
          `Logistic model field "${key}" must list one number per feature`,
        );
      }
    }
    if (typeof s.intercept !== "number") {
      throw new ModelFormatError(`Logistic model lacks "intercept"`);
    }
    return new LogisticRegressionModel({ ...s, featureNames: [...s.featureNames] });
  }
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z), stable. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sampleWeights(labels: Uint8Array, mode: "none" | "balanced"): Float64Array {
  const n = labels.length;
  if (mode === "none") return new Float64Array(n).fill(1);
  let pos = 0;
  for (const y of labels) pos += y;
  const wPos = n / (2 * pos), wNeg = n / (2 * (n - pos));
  return Float64Array.from(labels, (y) => (y ? wPos : wNeg));
}

function linear(w: Float64Array, z: Float64Array[], i: number): number {
  let s = w[z.length]!;
  for (let j = 0; j < z.length; j++) s += w[j]! * z[j]![i]!;
  return s;
}

/** The fitting problem: standardized columns, labels, sample weights and C. */
interface Problem {
  readonly z: Float64Array[];
  readonly y: Uint8Array;
  readonly sw: Float64Array;
  readonly C: number;
}

function objective(w: Float64Array, { z, y, sw, C }: Problem) {
  let loss = 0;
  for (let i = 0; i < y.length; i++) {
    const eta = linear(w, z, i);
    loss += sw[i]! * (softplus(eta) - y[i]! * eta);
  }
  let reg = 0;
  for (let j = 0; j < z.length; j++) reg += w[j]! ** 2;
  return C * loss + 0.5 * reg;
}

function derivatives(w: Float64Array, { z, y, sw, C }: Problem) {
  const p = z.length, d = p + 1, n = y.length;
  const grad = new Float64Array(d);
  const hess = new Float64Array(d * d);
  const row = new Float64Array(d);
  row[p] = 1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) row[j] = z[j]![i]!;
    const pi = sigmoid(linear(w, z, i));
    const r = C * sw[i]! * (pi - y[i]!);
    const h = C * sw[i]! * pi * (1 - pi);
    for (let a = 0; a < d; a++) {
      grad[a] = grad[a]! + r * row[a]!;
      const ha = h * row[a]!;
      for (let b = 0; b <= a; b++) hess[a * d + b] = hess[a * d + b]! + ha * row[b]!;
    }
  }
  for (let j = 0; j < p; j++) {
    grad[j] = grad[j]! + w[j]!;
    hess[j * d + j] = hess[j * d + j]! + 1;
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) hess[b * d + a] = hess[a * d + b]!;
  return { grad, hess };
}
