/**
 * The common classifier interface every model type implements.
 *
 * @module
 */

import type { Frame } from "../data/frame.ts";
import type { CalibrationInput, Calibrator } from "./calibration/calibrator.ts";

/**
 * A serialized model: a JSON object. Our own formats carry a `format` tag that loading checks;
 * tree models are XGBoost JSON (recognized by its `learner` key).
 */
export interface ModelJSON {
  /** Format tag, e.g. `fraud-pipeline/logistic_regression@1` (absent in XGBoost JSON). */
  readonly format?: string;
  /** Model-specific fields. */
  readonly [key: string]: unknown;
}

/** One boosting round's (or solver iteration's) metrics on named eval sets. */
export interface IterationMetrics {
  /** 0-based iteration. */
  readonly iteration: number;
  /** Metric values keyed `"{evalSet}-{metric}"`, e.g. `"valid-logloss"`. */
  readonly values: Readonly<Record<string, number>>;
}

/** Hooks called by iterative trainers (xgboost's `TrainingCallback`). */
export interface TrainingCallback {
  /** Called after each iteration with its metrics; returning `"stop"` ends training early. */
  afterIteration?(metrics: IterationMetrics): void | "stop";
  /**
   * Called once training ended, in callback order, with the fitted model, which it may change
   * before `fit` returns it (early stopping keeps the rounds up to its best iteration).
   */
  afterTraining?(model: Classifier): void;
}

/** Options of `fit`. */
export interface FitOptions {
  /**
   * Named evaluation sets scored after each iteration (where the model iterates), each with its
   * own row weights when given (weighted metrics).
   */
  readonly evalSets?: ReadonlyArray<EvalSet>;
  /**
   * Row weights (≥ 0, not all 0): a row of weight 2 counts as that row twice in the gradients,
   * hessians, `min_child_weight`, cut points, base score and every eval metric. @default all 1
   */
  readonly weights?: ArrayLike<number> | undefined;
  /**
   * Query-group ids, one per row, rows of a group together (ranking objectives: documents are
   * ranked within their group, metrics averaged over groups).
   */
  readonly groups?: ArrayLike<number> | undefined;
  /** Training callbacks. */
  readonly callbacks?: readonly TrainingCallback[];
  /**
   * Features holding category codes: models that need it encode them (logistic regression
   * one-hot encodes them inside the model); tree models split on the codes.
   */
  readonly categorical?: readonly string[];
}

/** An evaluation set: a name, its rows and labels, and optionally row weights. */
export interface EvalSet {
  readonly name: string;
  readonly frame: Frame;
  readonly labels: ArrayLike<number>;
  readonly weights?: ArrayLike<number> | undefined;
  /** Query-group ids (ranking), as `FitOptions.groups`. */
  readonly groups?: ArrayLike<number> | undefined;
}

/** A fitted binary classifier. */
export interface Classifier {
  /** Model family (e.g. `logistic_regression`). */
  readonly type: string;
  /** Feature names in the order the model reads them. */
  readonly featureNames: readonly string[];
  /** Threshold on P(class 1) for a positive label: 0.5 unless one was chosen (and saved). */
  decisionThreshold: number;
  /**
   * Categories of features trained from text (code i = `vocabulary[feature][i]`), saved with the
   * model so that raw text columns can be scored; empty when every input was numeric.
   */
  vocabulary: Readonly<Record<string, readonly string[]>>;
  /** P(class 1) per row of `frame` (columns looked up by name), calibrated when it has a calibrator. */
  predictProba(frame: Frame): Float64Array;
  /**
   * The calibrator `predictProba` applies to {@link calibrationScores}, saved with the model;
   * undefined for none (`predictProba` is then the model's own probability).
   */
  calibration: Calibrator | undefined;
  /**
   * What a calibrator of this model reads, as scikit-learn's `CalibratedClassifierCV` does: the
   * margin of a model with a `decision_function` (logistic regression), else P(class 1).
   */
  readonly calibrationInput: CalibrationInput;
  /** The uncalibrated score per row that a calibrator reads (see {@link calibrationInput}). */
  calibrationScores(frame: Frame): Float64Array;
  /** Importance per feature name (larger = more important; the meaning is the model's). */
  featureImportance(): Record<string, number>;
  /**
   * Each row's contributions to the raw margin (SHAP values: exact TreeSHAP for trees, exact
   * linear terms for logistic regression): a row-major `rows × (features + 1)` matrix, features
   * in `featureNames` order, the bias last; a row sums to the row's margin.
   */
  contributions(frame: Frame): Float64Array;
  /** A JSON-serializable form that `loadModel` reads back. */
  toJSON(): ModelJSON;
  /** The model file's text (JSON), byte-identical for identical models. */
  serialize(): string;
}

/** An unfitted model: parameters in the constructor, learning in `fit`. */
export interface Estimator {
  /** Model family. */
  readonly type: string;
  /** The validated parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Learns from `frame` (NaN = missing) and binary labels. */
  fit(frame: Frame, labels: Uint8Array, options?: FitOptions): Promise<Classifier>;
}
