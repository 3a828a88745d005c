/**
 * A probability calibrator that travels with its model: isotonic regression or Platt's sigmoid,
 * fitted on scores the model did not train on, applied by the model's `predictProba`. It reads the
 * score scikit-learn's `CalibratedClassifierCV` reads: the margin (`decision_function`) of a
 * logistic regression, P(class 1) of a tree model (xgboost's, LightGBM's and scikit-learn's forest
 * classifiers have no `decision_function`).
 *
 * @module
 */

import { ModelFormatError } from "../../errors.ts";
import { fitIsotonic, isotonicPredict } from "./isotonic.ts";
import { fitSigmoid, sigmoidPredict } from "./sigmoid.ts";

/** The config's choices (`model.calibration`): none, or a calibrator's method. */
export const CALIBRATION_METHODS = ["none", "isotonic", "sigmoid"] as const;

/** A calibrator's method. */
export type CalibrationMethod = Exclude<typeof CALIBRATION_METHODS[number], "none">;

/** The score a calibrator reads: the model's uncalibrated P(class 1), or its margin. */
export type CalibrationInput = "probability" | "margin";

/** A fitted calibrator, as saved with its model. */
export type Calibrator =
  | {
    readonly method: "isotonic";
    readonly input: CalibrationInput;
    /** Scores, strictly increasing (scikit-learn's `X_thresholds_`). */
    readonly thresholds: readonly number[];
    /** Calibrated probability at each threshold (`y_thresholds_`). */
    readonly values: readonly number[];
  }
  | {
    readonly method: "sigmoid";
    readonly input: CalibrationInput;
    /** P = 1 / (1 + exp(a·score + b)). */
    readonly a: number;
    readonly b: number;
  };

/**
 * Fits a calibrator of `method` from scores of kind `input` to 0/1 labels.
 *
 * @param method `isotonic` or `sigmoid`.
 * @param data Scores (of kind `input`) and their rows' labels.
 * @param input What the scores are (the model's `calibrationInput`).
 * @returns The calibrator.
 * @throws {RangeError} when there are no rows or the lengths differ.
 * @example Isotonic on four out-of-fold probabilities
 * ```ts
 * import { applyCalibrator, fitCalibrator } from "./calibrator.ts";
 * const data = { scores: [0.1, 0.3, 0.2, 0.8], labels: [0, 1, 0, 1] };
 * const calibrator = fitCalibrator("isotonic", data, "probability");
 * applyCalibrator(calibrator, [0.25]); // [0.75]
 * ```
 */
export function fitCalibrator(
  method: CalibrationMethod,
  data: { readonly scores: ArrayLike<number>; readonly labels: ArrayLike<number> },
  input: CalibrationInput,
): Calibrator {
  return method === "isotonic"
    ? { method, input, ...fitIsotonic(data.scores, data.labels) }
    : { method, input, ...fitSigmoid(data.scores, data.labels) };
}

/**
 * Calibrated P(class 1) per score.
 *
 * @param calibrator A fitted calibrator.
 * @param scores Scores of the kind the calibrator reads.
 * @returns One probability per score.
 * @example Platt's sigmoid on two margins
 * ```ts
 * import { applyCalibrator } from "./calibrator.ts";
 * applyCalibrator({ method: "sigmoid", input: "margin", a: -1, b: 0.5 }, [0, 2]);
 * ```
 */
export function applyCalibrator(calibrator: Calibrator, scores: ArrayLike<number>): Float64Array {
  return calibrator.method === "isotonic"
    ? isotonicPredict(calibrator, scores)
    : sigmoidPredict(calibrator, scores);
}

/**
 * A saved calibrator, checked.
 *
 * @param json The saved form (from a model file).
 * @param input The score its model gives a calibrator (the model's `calibrationInput`).
 * @returns The calibrator.
 * @throws {ModelFormatError} naming what is wrong.
 * @example Read the calibrator a model file holds
 * ```ts
 * import { readCalibrator } from "./calibrator.ts";
 * const saved = { method: "sigmoid", input: "probability", a: -6.1, b: 3.2 };
 * readCalibrator(JSON.parse(JSON.stringify(saved)), "probability").method; // "sigmoid"
 * ```
 */
export function readCalibrator(json: unknown, input: CalibrationInput): Calibrator {
  const c = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const numbers = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "number");
  if (c.input !== input) {
    throw new ModelFormatError(
      `calibration.input must be "${input}" for this model but found ${JSON.stringify(c.input)}`,
    );
  }
  if (c.method === "sigmoid" && Number.isFinite(c.a) && Number.isFinite(c.b)) {
    return { method: "sigmoid", input, a: c.a as number, b: c.b as number };
  }
  const t = c.thresholds as number[], v = c.values as number[];
  if (
    c.method === "isotonic" && numbers(t) && numbers(v) && t.length === v.length && t.length > 0 &&
    t.every((x, i) => i === 0 || x > t[i - 1]!)
  ) {
    return { method: "isotonic", input, thresholds: t, values: v };
  }
  throw new ModelFormatError(
    `calibration must be {method: "sigmoid", a, b} or {method: "isotonic", thresholds, values} ` +
      `with as many values as increasing thresholds; found method ${JSON.stringify(c.method)}`,
  );
}
