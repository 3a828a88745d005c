/**
 * Logistic regression on standardized inputs, L2-regularized (scikit-learn's objective,
 * `½‖w‖² + C · Σ wᵢ · logloss(yᵢ, pᵢ)`, intercept not penalized) or unpenalized, solved by
 * Newton's method. Categorical features are one-hot encoded inside the model (`one_hot.ts`), so it
 * takes and saves the raw codes; the model reports coefficients on the original scale with
 * standard errors, intervals and odds ratios (`logistic_stats.ts`).
 *
 * @module
 */

import { z } from "zod";
import type { Frame } from "../data/frame.ts";
import { applyImputer, fitImputer, type ImputeStrategy } from "../data/impute.ts";
import { ModelFormatError } from "../errors.ts";
import { type Problem, sigmoid, solveNewton } from "./_logistic_newton.ts";
import { type CoefficientRow, coefficientTable, standardErrors } from "./logistic_stats.ts";
import type { Classifier, Estimator, FitOptions, ModelJSON } from "./model.ts";
import { checkWeights } from "./weights.ts";
import { designMatrix, designNames, designOwners, fitOneHot, type OneHot } from "./one_hot.ts";
import { validateParams } from "./params.ts";
import { modelCardHtml } from "./model_card.ts";
import {
  applyCalibrator,
  type CalibrationInput,
  type Calibrator,
  readCalibrator,
} from "./calibration/calibrator.ts";

/** Format tag of serialized logistic-regression models. */
export const LOGISTIC_FORMAT = "fraud-pipeline/logistic_regression@1";

/** Parameters of logistic regression. */
export const LogisticParamsSchema = z.strictObject({
  /** Inverse regularization strength (as scikit-learn's `C`). */
  C: z.number().gt(0).default(1),
  /** `l2` (scikit-learn's default) or `none` (the maximum-likelihood fit, as statsmodels' Logit). */
  penalty: z.enum(["l2", "none"]).default("l2"),
  /** Newton iterations at most. */
  maxIter: z.number().int().min(1).max(10_000).default(100),
  /** Stop when the largest gradient entry, per row, is below this. */
  tol: z.number().gt(0).default(1e-10),
  /** `balanced` weighs each class by n / (2 · class count). */
  classWeight: z.enum(["none", "balanced"]).default("none"),
  /** Fill value for missing numeric inputs, learned on the training rows (categories: the mode). */
  impute: z.enum(["median", "mean", "zero"]).default("median"),
});

/** Validated logistic-regression parameters. */
export type LogisticParams = z.infer<typeof LogisticParamsSchema>;

/**
 * Logistic regression estimator.
 *
 * @example Amount and a one-hot device type
 * ```ts
 * import { Frame } from "../data/frame.ts";
 * import { LogisticRegression } from "./logistic_regression.ts";
 * const frame = new Frame(["amount", "device_type"], [
 *   Float64Array.of(10, 250, 40, 900, 15, 600, 30, 700),
 *   Float64Array.of(0, 1, 0, 1, 2, 2, 1, 0),
 * ]);
 * const labels = Uint8Array.of(0, 1, 0, 1, 0, 0, 0, 1);
 * const options = { categorical: ["device_type"] };
 * const model = await new LogisticRegression({ C: 0.5 }).fit(frame, labels, options);
 * model.predictProba(frame); // P(label 1) per row: 0.22, 0.49, …
 * model.coefficients(); // terms, coefficients, standard errors, 95% intervals, odds ratios
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

  /** Fits on `frame` (missing values imputed) and labels in {0, 1}; `categorical` features are one-hot encoded. */
  fit(
    frame: Frame,
    labels: Uint8Array,
    options: FitOptions = {},
  ): Promise<LogisticRegressionModel> {
    return Promise.resolve(this.fitSync(frame, labels, options));
  }

  /** {@link fit}, synchronously. */
  fitSync(frame: Frame, labels: Uint8Array, options: FitOptions = {}): LogisticRegressionModel {
    const { C, maxIter, tol, classWeight, impute, penalty } = this.params;
    const categorical = new Set(options.categorical ?? []);
    const imputer = fitImputer(frame, impute as ImputeStrategy);
    const fill = Array.from(imputer.values);
    frame.names.forEach((name, j) => {
      if (categorical.has(name)) fill[j] = modeOf(frame.column(name)) ?? fill[j]!;
    });
    const x = applyImputer({ ...imputer, values: Float64Array.from(fill) }, frame);
    const encodings = frame.names.filter((n) => categorical.has(n)).map((n) =>
      fitOneHot(n, x.column(n))
    );
    const design = designMatrix(x, frame.names, encodings);
    const { z, mean, scale } = standardize(design.columns);
    const problem: Problem = {
      z,
      y: labels,
      sw: sampleWeights(labels, { mode: classWeight, weights: options.weights }),
      C,
      l2: penalty === "l2",
    };
    const { w, iterations, converged } = solveNewton(problem, { maxIter, tol });
    const p = z.length;
    return new LogisticRegressionModel({
      featureNames: [...frame.names],
      params: this.params,
      fill,
      ...(encodings.length ? { encodings } : {}),
      mean,
      scale,
      coef: Array.from(w.subarray(0, p)),
      intercept: w[p]!,
      stdErr: standardErrors(problem, w, { mean, scale }),
      iterations,
      converged,
    });
  }
}

/** The most frequent present value (smallest on ties), or undefined when none is present. */
function modeOf(col: Float64Array): number | undefined {
  const counts = new Map<number, number>();
  for (const v of col) if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined, most = 0;
  for (const [v, c] of counts) {
    if (c > most || (c === most && v < best!)) [best, most] = [v, c];
  }
  return best;
}

/** Columns standardized to mean 0 and population std 1 (a constant column keeps scale 1). */
function standardize(columns: readonly Float64Array[]) {
  const mean: number[] = [], scale: number[] = [];
  const z = columns.map((col) => {
    const n = col.length;
    let s = 0;
    for (const v of col) s += v;
    const m = s / n;
    let ss = 0;
    for (const v of col) ss += (v - m) ** 2;
    const sd = Math.sqrt(ss / n);
    mean.push(m);
    scale.push(sd > 0 ? sd : 1);
    return col.map((v) => (v - m) / scale.at(-1)!);
  });
  return { z, mean, scale };
}

/** The learned state of a logistic regression. */
export interface LogisticState {
  /** Input feature names in order. */
  readonly featureNames: string[];
  /** The parameters it was trained with. */
  readonly params: LogisticParams;
  /** Fill value per input feature for missing inputs. */
  readonly fill: number[];
  /** One-hot encodings of the categorical inputs (absent: every input is numeric). */
  readonly encodings?: OneHot[];
  /** Standardization mean per design column (inputs, with each encoded input as its dummies). */
  readonly mean: number[];
  /** Standardization scale per design column (std, or 1 for a constant column). */
  readonly scale: number[];
  /** Coefficients per design column, on the standardized scale. */
  readonly coef: number[];
  /** Intercept on the standardized scale. */
  readonly intercept: number;
  /** Standard errors on the original scale: per design column, then the intercept. */
  readonly stdErr?: number[];
  /** Newton iterations run. */
  readonly iterations: number;
  /** Whether the solver met its tolerance. */
  readonly converged: boolean;
  /** Threshold on P(class 1) for a positive label (absent = 0.5). */
  readonly decisionThreshold?: number;
  /** Categories of text-trained features (see `Classifier.vocabulary`). */
  readonly vocabulary?: Readonly<Record<string, readonly string[]>>;
  /** The calibrator applied to the margin (absent: the sigmoid of the margin). */
  readonly calibration?: Calibrator;
}

/** A fitted logistic regression. */
export class LogisticRegressionModel implements Classifier {
  /** Always `logistic_regression`. */
  readonly type = "logistic_regression";
  /** The learned state. */
  state: LogisticState;
  /** A calibrator reads the margin (scikit-learn's `decision_function`). */
  readonly calibrationInput: CalibrationInput = "margin";

  /** @param state Learned state (from `fit` or {@link LogisticRegressionModel.load}). */
  constructor(state: LogisticState) {
    this.state = state;
  }

  /** Input feature names in order. */
  get featureNames(): readonly string[] {
    return this.state.featureNames;
  }

  /** Jupyter display: the model card (terms, penalty, top features). */
  [Symbol.for("Jupyter.display")](): Record<string, string> {
    return {
      "text/html": modelCardHtml(this, [
        ["terms", String(this.terms.length)],
        ["intercept", this.state.intercept.toFixed(4)],
      ]),
    };
  }

  /** Design column names: numeric features, and `feature=level` per dummy of an encoded one. */
  get terms(): string[] {
    return designNames(this.state.featureNames, this.state.encodings ?? []);
  }

  /** Threshold on P(class 1) for a positive label, saved with the model. */
  get decisionThreshold(): number {
    return this.state.decisionThreshold ?? 0.5;
  }

  set decisionThreshold(t: number) {
    this.state = { ...this.state, decisionThreshold: t };
  }

  /** Categories of text-trained features, saved in the model. */
  get vocabulary(): Readonly<Record<string, readonly string[]>> {
    return this.state.vocabulary ?? {};
  }

  set vocabulary(v: Readonly<Record<string, readonly string[]>>) {
    const { vocabulary: _, ...rest } = this.state;
    this.state = Object.keys(v).length ? { ...rest, vocabulary: v } : rest;
  }

  /** The calibrator applied to the margin, saved in the state (undefined: none). */
  get calibration(): Calibrator | undefined {
    return this.state.calibration;
  }

  set calibration(c: Calibrator | undefined) {
    const { calibration: _, ...rest } = this.state;
    this.state = c ? { ...rest, calibration: c } : rest;
  }

  /**
   * P(class 1) per row: the sigmoid of the margin, or the calibrator's probability; missing inputs
   * take the learned fill values, unseen categories the reference.
   */
  predictProba(frame: Frame): Float64Array {
    const margin = this.calibrationScores(frame);
    if (this.state.calibration) return applyCalibrator(this.state.calibration, margin);
    for (let i = 0; i < margin.length; i++) margin[i] = sigmoid(margin[i]!);
    return margin;
  }

  /** The margin (log-odds before calibration) per row: what a calibrator reads. */
  calibrationScores(frame: Frame): Float64Array {
    const out = new Float64Array(frame.rows).fill(this.state.intercept);
    this.#terms(frame, (_k, i, v) => out[i] = out[i]! + v);
    return out;
  }

  /**
   * Exact contributions to the margin: per feature, the sum over its design columns of
   * coefficient × (x − training mean) on the standardized scale (after imputation; a category's
   * dummies together); the bias (last column) is the intercept. A row-major
   * `rows × (features + 1)` matrix whose rows sum to the margin.
   */
  contributions(frame: Frame): Float64Array {
    const { featureNames, encodings = [], intercept } = this.state;
    const width = featureNames.length + 1;
    const owner = designOwners(featureNames, encodings);
    const out = new Float64Array(frame.rows * width);
    for (let i = 0; i < frame.rows; i++) out[i * width + width - 1] = intercept;
    this.#terms(frame, (k, i, v) => {
      const at = i * width + owner[k]!;
      out[at] = out[at]! + v;
    });
    return out;
  }

  /** Calls `add(column, row, term)` for every design term coef/scale × (x − mean). */
  #terms(frame: Frame, add: (k: number, i: number, v: number) => void): void {
    const { featureNames, fill, encodings = [], params, mean, scale, coef } = this.state;
    const filled = applyImputer(
      { strategy: params.impute, names: featureNames, values: Float64Array.from(fill) },
      frame,
    );
    const { columns } = designMatrix(filled, featureNames, encodings);
    columns.forEach((col, k) => {
      const a = coef[k]! / scale[k]!, m = mean[k]!;
      for (let i = 0; i < col.length; i++) add(k, i, a * (col[i]! - m));
    });
  }

  /** |coefficient| on the standardized scale per feature (summed over an encoded feature's dummies). */
  featureImportance(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(
      this.state.featureNames.map((n) => [n, 0]),
    );
    const encoded = new Set((this.state.encodings ?? []).map((e) => e.feature));
    this.terms.forEach((term, k) => {
      const feature = encoded.has(term.split("=")[0]!) ? term.split("=")[0]! : term;
      out[feature] = out[feature]! + Math.abs(this.state.coef[k]!);
    });
    return out;
  }

  /**
   * The coefficient table on the original scale (per unit of each input; a dummy's coefficient is
   * its category against the reference), intercept last: standard errors, Wald z and p-values,
   * 95% intervals and odds ratios (see `logistic_stats.ts` for what the L2 penalty does to them).
   */
  coefficients(): CoefficientRow[] {
    const { mean, scale, coef, intercept } = this.state;
    const beta = coef.map((c, k) => c / scale[k]!);
    const b0 = intercept - beta.reduce((acc, b, k) => acc + b * mean[k]!, 0);
    const se = this.state.stdErr ?? new Array(coef.length + 1).fill(NaN);
    return coefficientTable(this.terms, [...beta, b0], se);
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
    if (!Array.isArray(s.fill) || s.fill.length !== p) {
      throw new ModelFormatError(`Logistic model field "fill" must list one number per feature`);
    }
    const model = new LogisticRegressionModel({ ...s, featureNames: [...s.featureNames] });
    const d = model.terms.length;
    for (const key of ["mean", "scale", "coef"] as const) {
      if (!Array.isArray(s[key]) || s[key].length !== d) {
        throw new ModelFormatError(
          `Logistic model field "${key}" must list one number per design column (${d})`,
        );
      }
    }
    if (typeof s.intercept !== "number") {
      throw new ModelFormatError(`Logistic model lacks "intercept"`);
    }
    if (s.calibration !== undefined) model.calibration = readCalibrator(s.calibration, "margin");
    return model;
  }
}

/**
 * Each row's weight in the loss: its class weight times its own weight, when given
 * (scikit-learn's `sample_weight`); `balanced` class weights come from the weighted class totals,
 * W / (2 · W_class), as scikit-learn ≥ 1.6 computes them.
 */
function sampleWeights(
  labels: Uint8Array,
  { mode, weights }: { mode: "none" | "balanced"; weights?: ArrayLike<number> | undefined },
): Float64Array {
  const n = labels.length;
  if (weights) checkWeights(weights, n, "weights");
  const w = (i: number) => (weights ? weights[i]! : 1);
  let pos = 0, all = 0;
  for (let i = 0; i < n; i++) {
    all += w(i);
    if (labels[i]) pos += w(i);
  }
  const wPos = mode === "none" ? 1 : all / (2 * pos);
  const wNeg = mode === "none" ? 1 : all / (2 * (all - pos));
  return Float64Array.from(labels, (y, i) => (y ? wPos : wNeg) * w(i));
}
