/**
 * Probability calibration in a training run (`model.calibration`), as scikit-learn's
 * `CalibratedClassifierCV(ensemble=False)` does it: the calibrator is fitted on scores of rows the
 * scoring model did not train on, then applied to the final model (fitted on the whole training
 * part). Those scores are the CV's out-of-fold scores; with the time split, the latest
 * {@link CALIBRATION_SLICE_SHARE} of the training part by time, scored by a model fitted (as the
 * final one) on the rows before it — so the calibrator learns from the most recent behaviour.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { type Frame, takeValues } from "../data/frame.ts";
import { classCounts } from "../data/split.ts";
import { latestSplit } from "../data/time_split.ts";
import { ConfigError, DataError } from "../errors.ts";
import { type CalibrationQuality, calibrationQuality } from "../evaluate/reliability.ts";
import {
  applyCalibrator,
  type CalibrationInput,
  type CalibrationMethod,
  fitCalibrator,
} from "../models/calibration/calibrator.ts";
import type { Classifier, Estimator } from "../models/model.ts";
import type { CrossValidation } from "./cross_validate.ts";
import { fitFinal, type TrainingPart } from "./fit_final.ts";

/** Share of the training part (the latest rows) a time-split run calibrates on. */
export const CALIBRATION_SLICE_SHARE = 0.2;

/** How a run's calibrator was fitted, and what it changed on the test rows. */
export interface CalibrationOutcome {
  readonly method: CalibrationMethod;
  /** The score it reads: the model's uncalibrated probability, or its margin. */
  readonly input: CalibrationInput;
  /**
   * `out-of-fold`: the CV's held-out scores; `latest-slice`: the latest 20% of the training part,
   * scored by a model fitted on the rows before it (the time split).
   */
  readonly fittedOn: "out-of-fold" | "latest-slice";
  /** Rows it was fitted on. */
  readonly rows: number;
  /** The test rows' probabilities before calibration: reliability bins, ECE, Brier score. */
  readonly before: CalibrationQuality;
  /** The same after calibration. */
  readonly after: CalibrationQuality;
}

/**
 * Checks that a run can calibrate: it needs CV folds or the time split to have held-out scores.
 *
 * @param config The run's configuration.
 * @throws {ConfigError} naming `model.calibration` and `data.cvFolds`.
 * @example Calibration without folds or a time split is refused
 * ```ts
 * import { defaultConfig } from "../config/schema.ts";
 * import { checkCalibration } from "./calibrate.ts";
 * const config = defaultConfig();
 * const model = { ...config.model, calibration: "isotonic" as const };
 * checkCalibration({ ...config, model, data: { ...config.data, cvFolds: 0 } }); // throws
 * ```
 */
export function checkCalibration(config: TrainingConfig): void {
  const { calibration } = config.model, { cvFolds, split } = config.data;
  if (calibration === "none" || cvFolds >= 2 || split === "time") return;
  throw new ConfigError([
    `model.calibration: "${calibration}" is fitted on held-out scores: needs CV folds ` +
    `(data.cvFolds ≥ 2, got ${cvFolds}) or the time split (data.split "time")`,
  ]);
}

/** What {@link calibrateModel} fits on and measures with. */
export interface CalibrationInputs {
  readonly method: CalibrationMethod;
  /** The estimator of the final model (to fit the model that scores the latest slice). */
  readonly estimator: Estimator;
  /** The training part; in time order (`timeOrdered`) with the time split. */
  readonly train: TrainingPart;
  /**
   * The CV's out-of-fold scores, used unless the training part is in time order; without them,
   * the last 20% of the training rows (in their order) are held out instead.
   */
  readonly cv?: Pick<CrossValidation, "oofScores">;
  /** The test rows, measured before and after. */
  readonly test: { readonly frame: Frame; readonly labels: Uint8Array };
  /** The run's seed (the slice model's early-stopping carve-out). */
  readonly seed: number;
}

/**
 * Fits a calibrator on held-out scores and gives it to `model` (so its `predictProba`, and the
 * model file, are calibrated); measures the test rows before and after.
 *
 * @param model The final model, uncalibrated.
 * @param inputs The method, the scores' source and the test rows.
 * @returns How it was fitted and what it changed.
 * @throws {DataError} when the rows it would fit on hold a single class.
 * @example Isotonic calibration on out-of-fold scores
 * ```ts
 * import { stratifiedKFold } from "../data/split.ts";
 * import { embeddedFeatures } from "../features/embedded_source.ts";
 * import { FRAUD_RULE_SET } from "../labels/fraud_rules.ts";
 * import { labelByRules } from "../labels/rule_labeler.ts";
 * import { createEstimator } from "../models/factory.ts";
 * import { calibrateModel } from "./calibrate.ts";
 * import { crossValidate } from "./cross_validate.ts";
 * const snapshotTime = "2024-06-03T03:00:00Z";
 * const { frame } = embeddedFeatures({ samples: 3000, seed: 42, snapshotTime });
 * const { labels } = labelByRules(frame, FRAUD_RULE_SET, { targetRate: 0.05 });
 * const estimator = createEstimator({ type: "xgboost", seed: 42 });
 * const cv = await crossValidate(estimator, { frame, labels, folds: stratifiedKFold(labels, 5, 42) });
 * const model = await estimator.fit(frame, labels);
 * const test = { frame, labels }; // use held-out rows in practice
 * const outcome = await calibrateModel(model, {
 *   method: "isotonic",
 *   estimator,
 *   train: { frame, labels },
 *   cv,
 *   test,
 *   seed: 42,
 * });
 * outcome.after.ece; // expected calibration error of model.predictProba, now calibrated
 * ```
 */
export async function calibrateModel(
  model: Classifier,
  inputs: CalibrationInputs,
): Promise<CalibrationOutcome> {
  const { test, method } = inputs;
  model.calibration = undefined;
  const before = calibrationQuality(test.labels, model.predictProba(test.frame));
  const held = inputs.train.timeOrdered || !inputs.cv
    ? await latestSlice(inputs)
    : outOfFold(inputs.train.labels, inputs.cv.oofScores);
  const positives = classCounts(held.labels)[1];
  if (positives === 0 || positives === held.labels.length) {
    throw new DataError(
      `model.calibration: the ${held.labels.length} ${held.fittedOn} rows it is fitted on hold ` +
        `only ${positives ? "positives" : "negatives"}`,
    );
  }
  model.calibration = fitCalibrator(method, held, model.calibrationInput);
  const after = calibrationQuality(test.labels, model.predictProba(test.frame));
  const { input } = model.calibration;
  return { method, input, fittedOn: held.fittedOn, rows: held.labels.length, before, after };
}

/** Held-out scores and their rows' labels. */
interface HeldOut {
  readonly scores: Float64Array;
  readonly labels: Uint8Array;
  readonly fittedOn: CalibrationOutcome["fittedOn"];
}

/** The rows with an out-of-fold score (forward-chaining CV leaves the first block without one). */
function outOfFold(labels: Uint8Array, oofScores: Float64Array): HeldOut {
  const rows = Int32Array.from(oofScores.keys()).filter((i) => !Number.isNaN(oofScores[i]!));
  return {
    scores: takeValues(oofScores, rows),
    labels: takeValues(labels, rows),
    fittedOn: "out-of-fold",
  };
}

/** The latest slice of the training part, scored by a model fitted on the rows before it. */
async function latestSlice(inputs: CalibrationInputs): Promise<HeldOut> {
  const { frame, labels } = inputs.train;
  const { train, test } = latestSplit(labels.length, CALIBRATION_SLICE_SHARE);
  const earlier = { ...inputs.train, frame: frame.take(train), labels: takeValues(labels, train) };
  const { model } = await fitFinal(inputs.estimator, earlier, inputs.seed);
  return {
    scores: model.calibrationScores(frame.take(test)),
    labels: takeValues(labels, test),
    fittedOn: "latest-slice",
  };
}

/**
 * The CV's out-of-fold probabilities as the final model states them: through its calibrator
 * when it has one (NaN where a row has no out-of-fold score).
 *
 * @param cv The cross-validation of the training part.
 * @param model The final model.
 * @returns One probability per training row.
 * @example The scores a run chooses its threshold on
 * ```ts
 * import { stratifiedKFold } from "../data/split.ts";
 * import { Frame } from "../data/frame.ts";
 * import { LogisticRegression } from "../models/logistic_regression.ts";
 * import { outOfFoldProbabilities } from "./calibrate.ts";
 * import { crossValidate } from "./cross_validate.ts";
 * const frame = new Frame(["amount"], [Float64Array.from({ length: 40 }, (_, i) => i)]);
 * const labels = Uint8Array.from({ length: 40 }, (_, i) => (i % 3 === 0 || i > 30 ? 1 : 0));
 * const estimator = new LogisticRegression();
 * const cv = await crossValidate(estimator, { frame, labels, folds: stratifiedKFold(labels, 4, 1) });
 * const model = await estimator.fit(frame, labels);
 * outOfFoldProbabilities(cv, model); // cv.oof: the model has no calibrator
 * ```
 */
export function outOfFoldProbabilities(
  cv: Pick<CrossValidation, "oof" | "oofScores">,
  model: Classifier,
): Float64Array {
  return model.calibration ? applyCalibrator(model.calibration, cv.oofScores) : cv.oof;
}
