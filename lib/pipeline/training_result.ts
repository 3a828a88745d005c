/**
 * What a training run produced: the type `train()` returns and `recordRun` records.
 *
 * @module
 */

import type { FeatureSelection } from "./feature_selection.ts";
import type { Tuning } from "./tune.ts";
import type { TrainingConfig } from "../config/schema.ts";
import type { BinaryMetrics } from "../evaluate/binary_metrics.ts";
import type { rankImportance, Readiness } from "../evaluate/summary.ts";
import type { Classifier, IterationMetrics } from "../models/model.ts";
import type { CrossValidation } from "./cross_validate.ts";
import type { CalibrationOutcome } from "./calibrate.ts";
import type { LabeledData } from "./load_features.ts";
import type { FraudMetrics } from "../evaluate/fraud_metrics.ts";

/** First and last feature time of a part, ISO. */
export interface TimeRange {
  readonly from: string;
  readonly to: string;
  readonly rows: number;
}

/** The time spans of an out-of-time split: train, test, and each forward-chaining fold. */
export interface TimeRanges {
  readonly train: TimeRange;
  readonly test: TimeRange;
  readonly folds: ReadonlyArray<{ readonly train: TimeRange; readonly test: TimeRange }>;
}

/**
 * The rows a run's reference sample (what drift compares with) is drawn from, each with the
 * final model's score: with a stratified split, the test rows (a random share of the data, unseen
 * by the model); with a time split, a seeded sample of the training part (the test rows are only
 * the latest period), scored by the model that was fitted on them.
 */
export interface ReferencePool {
  /** Row indices into `data`. */
  readonly rows: Int32Array;
  /** The final model's scores, parallel to `rows`. */
  readonly scores: Float64Array;
  /** Which part of the split the rows come from. */
  readonly from: "test" | "training";
}

/** Everything a training run produced. */
export interface TrainingResult {
  /** MLflow run id. */
  readonly runId: string;
  /** MLflow experiment id. */
  readonly experimentId: string;
  /** The run's artifact root (a folder for local stores, `mlflow-artifacts:/…` on servers). */
  readonly artifactUri: string;
  /** The store the run went to (without secrets). */
  readonly trackingUri: string;
  /** The configuration used (secrets redacted). */
  readonly config: TrainingConfig;
  /** Row counts. */
  readonly rows: { total: number; train: number; test: number; dropped: number };
  /** The labeled data (features, labels, quality report, labeling evidence). */
  readonly data: LabeledData;
  /** Cross-validation on the training part (absent when `cvFolds` is 0). */
  readonly cv?: Omit<CrossValidation, "oof" | "oofScores">;
  /** Test-set metrics at 0.5 and at the test set's best-F1 threshold. */
  readonly test: BinaryMetrics;
  /** Operating threshold chosen without the test set (best F1 on out-of-fold predictions). */
  readonly chosenThreshold: number;
  /** Test precision, recall and F1 at the chosen threshold. */
  readonly testAtChosen: { precision: number; recall: number; f1: number };
  /** Feature importance, most important first. */
  readonly importance: ReturnType<typeof rankImportance>;
  /** Readiness verdict from the test AUC. */
  readonly readiness: Readiness;
  /** The final model, fitted on the whole training part. */
  readonly model: Classifier;
  /** Test-set probabilities, parallel to `testIndices`. */
  readonly testProbabilities: Float64Array;
  /** Row indices (into `data`) of the test set. */
  readonly testIndices: Int32Array;
  /** The rows the run's reference sample (for drift) is drawn from: see {@link ReferencePool}. */
  readonly referencePool: ReferencePool;
  /** With `data.split: "time"`: the time span of each part and fold (ISO times). */
  readonly timeRanges?: TimeRanges;
  /**
   * The calibration, when `model.calibration` asked for one: how it was fitted, and the test
   * rows' reliability bins, ECE and Brier score before and after (`model` is calibrated).
   */
  readonly calibration?: CalibrationOutcome;
  /**
   * With a transaction log: the test period judged as a fraud team judges it (precision@k and
   * card precision@k per day at `evaluation.alertBudget`, card recall, the alert cost).
   */
  readonly fraud?: FraudMetrics;
  /** The features selected before the final fit (`model.featureSelection`), when asked. */
  readonly featureSelection?: FeatureSelection;
  /** Per-round eval metrics of the final fit (boosted models; empty otherwise). */
  readonly history: readonly IterationMetrics[];
  /** The hyperparameter search, when `tune.enabled` asked for one. */
  readonly tuning?: Tuning;
  /** The registered model version, when `mlflow.registerModel` asked for one. */
  readonly registered?: { readonly name: string; readonly version: string };
  /**
   * Set when the run went to the embedded store instead of the configured server: unreachable at
   * the start (with `mlflow.offlineOk`), or lost mid-run (`lostRunId`: the server's run, left
   * unfinished).
   */
  readonly offline?: { readonly from: string; readonly to: string; readonly lostRunId?: string };
  /** Wall time, ms. */
  readonly durationMs: number;
  /**
   * Wall time per phase, ms, in order: `features` (generate or read), `labels`, `split`, `cv`,
   * `fit`, `calibrate` (when asked), `evaluate`, `onnx` (export and onnxruntime check), `tracking` (params, metrics, artifacts).
   */
  readonly phases: Readonly<Record<string, number>>;
}
