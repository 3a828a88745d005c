/**
 * The training pipeline: features → labels → stratified split → cross-validation → final fit →
 * test evaluation → tracked run with artifacts. Tasks and notebooks both call {@link train}.
 *
 * @module
 */

import { redact } from "../config/load.ts";
import type { TrainingConfig } from "../config/schema.ts";
import { takeValues } from "../data/frame.ts";
import { type SplitIndices, stratifiedKFold, stratifiedSplit } from "../data/split.ts";
import { timeSeriesFolds, timeSplit } from "../data/time_split.ts";
import { evaluateBinary, prf } from "../evaluate/binary_metrics.ts";
import { confusionAt } from "../evaluate/binary_metrics.ts";
import { rankImportance, readiness } from "../evaluate/summary.ts";
import { createEstimator } from "../models/factory.ts";
import type { Classifier, Estimator } from "../models/model.ts";
import { sampleRows } from "../data/sample.ts";
import type { RunWriter, TrackingStore } from "../tracking/store.ts";
import { openSession } from "./tracking_session.ts";
import { Logger } from "../util/logger.ts";
import { Phases } from "../util/phases.ts";
import { crossValidate } from "./cross_validate.ts";
import { type LabeledData, loadLabeledData, logQuality } from "./load_features.ts";
import type { Frame } from "../data/frame.ts";
import { categoricalNames, vocabularyOf } from "../data/feature_spec.ts";
import { phaseMetrics, recordRun, REFERENCE_SAMPLE_ROWS } from "./record_run.ts";
import type { ReferencePool, TimeRange, TimeRanges, TrainingResult } from "./training_result.ts";
import { fitFinal, wantsEarlyStopping } from "./fit_final.ts";
import {
  calibrateModel,
  type CalibrationOutcome,
  checkCalibration,
  outOfFoldProbabilities,
} from "./calibrate.ts";
import { tuneParams } from "./tune.ts";
import { ConfigError } from "../errors.ts";
import { registerIfAsked, trackedRun } from "./tracked_run.ts";
import { isRankingRun } from "../config/ranking_settings.ts";
import { withDisplay } from "../report/display.ts";
import { delayParts } from "./delay_parts.ts";
import { trainingView } from "../report/views.ts";
import { selectFeatures } from "./feature_selection.ts";
import { fraudEvaluation } from "./fraud_evaluation.ts";
import { daskEstimator } from "./dask_engine.ts";

/**
 * The estimator `config.model` names, with the run's seed for its random choices (unless the
 * model's parameters set their own) and, for logistic regression, the configured imputation.
 *
 * @throws {ConfigError} for an unknown model type or bad parameters.
 */
export function estimatorFor(config: TrainingConfig): Estimator {
  const params = {
    ...(config.model.type === "logistic_regression" ? { impute: config.data.imputeStrategy } : {}),
    ...config.model.params,
  };
  return createEstimator({ type: config.model.type, params, seed: config.seed });
}

/**
 * The estimator of the configured engine: ours ({@link estimatorFor}), or on a Dask cluster.
 *
 * @throws {ConfigError} for a Dask engine without a scheduler or entry point, or settings it
 *   cannot honour.
 */
function engineEstimator(
  config: TrainingConfig,
  o: { log: Logger; engine?: TrainOptions["engine"] },
): Estimator {
  if (config.model.engine === "local") return estimatorFor(config);
  const { scheduler, shared, partitions } = config.model.dask;
  if (!scheduler) {
    throw new ConfigError(["model.dask.scheduler: the Dask engine needs the scheduler's address"]);
  }
  if (!o.engine) {
    throw new ConfigError(["model.engine: dask needs the Python entry point (deno task train)"]);
  }
  o.log.info("engine", { engine: "dask", scheduler, shared });
  return daskEstimator(config, {
    scheduler,
    shared,
    partitions,
    python: o.engine.python,
    script: o.engine.script,
    log: o.log,
    ...(o.engine.signal ? { signal: o.engine.signal } : {}),
  });
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Where progress goes (default: nowhere). */
  readonly log?: Logger;
  /** An estimator to use instead of the one `config.model` names (e.g. from a notebook). */
  readonly estimator?: Estimator;
  /**
   * With `model.engine: "dask"`: the Python and the entry point that train on the cluster, and a
   * signal that cancels a fit there.
   */
  readonly engine?: {
    readonly python: () => Promise<string>;
    readonly script: string;
    readonly signal?: AbortSignal;
  };
}

/**
 * Runs the whole training pipeline for a validated config and records the run; with
 * `mlflow.registerModel`, registers the model as a new version once the run is complete.
 *
 * @throws {ConfigError} for unusable settings; {@link EnvironmentError} for an unreachable store.
 * @throws {DataError} for data that cannot be trained on.
 * @example Train on 5,000 rows with the fraud use case's defaults
 * ```ts
 * import { defaultConfig } from "../config/schema.ts";
 * import { train } from "./train.ts";
 * const config = defaultConfig();
 * const result = await train({ ...config, data: { ...config.data, maxSamples: 5000 } });
 * result.test.roc_auc; // held-out ROC AUC
 * result.runId; // the MLflow run that recorded it
 * ```
 */
export async function train(
  config: TrainingConfig,
  options: TrainOptions = {},
): Promise<TrainingResult> {
  const log = (options.log ?? new Logger()).child(); // this run's lines only
  if (isRankingRun(config)) {
    throw new ConfigError([
      "data.file.groupColumn: ranks query groups: train it with trainRanking (lib/pipeline/train_ranking.ts)",
    ]);
  }
  if (config.tune.enabled && config.data.cvFolds < 2) {
    throw new ConfigError([
      "tune.enabled: needs CV folds to score configurations (data.cvFolds ≥ 2)",
    ]);
  }
  checkCalibration(config);
  const started = performance.now();
  const phases = new Phases();
  const estimator = options.estimator ?? engineEstimator(config, { ...options, log });
  log.info("loading features", { source: config.data.source, samples: config.data.maxSamples });
  const data = await loadLabeledData(config, phases);
  logData(log, data);
  // Data and folds are checked before the store is touched.
  const parts = await phases.time("split", () => splitData(data, config));
  if (parts.removedTestRows) {
    log.info("test rows left out", { rows: parts.removedTestRows, why: "card known compromised" });
  }
  const session = await openSession(config, log);
  try {
    const inputs = { config, log, estimator, data, parts, started, phases };
    const result: TrainingResult = await trackedRun(session, {
      config,
      log,
      fit: (at) => fitForRun(inputs, at),
      record: (run, recorded) => finishRun(run, { inputs, ...recorded }),
    });
    // A server lost mid-run: the run was kept in the embedded store, and nothing registered.
    if (result.offline) return withDisplay(result, showTraining);
    const tags = { test_roc_auc: String(result.test.roc_auc) };
    const registered = await registerIfAsked(session, { ...result, tags }, log);
    return withDisplay({
      ...result,
      ...(registered ? { registered } : {}),
      ...(session.offline ? { offline: session.offline } : {}),
    }, showTraining);
  } finally {
    await session.store.close();
  }
}

/** A training result in a notebook: {@link trainingView}'s summary. */
const showTraining = (r: TrainingResult) => trainingView(r).html;

/** What a run is made of before it is tracked. */
interface TrainingInputs {
  readonly config: TrainingConfig;
  readonly log: Logger;
  readonly estimator: Estimator;
  readonly data: LabeledData;
  readonly parts: Parts;
  readonly started: number;
  readonly phases: Phases;
}

/** A run's result before it is recorded: the fit, its evaluation and the parameters used. */
interface Fitted {
  readonly result: Omit<TrainingResult, "runId" | "experimentId" | "artifactUri" | "trackingUri">;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Tuning (its trials nested in `run`), the final fit and its evaluation. */
async function fitForRun(
  inputs: TrainingInputs,
  at: { store: TrackingStore; run: RunWriter },
): Promise<Fitted> {
  const { config, log, data, phases } = inputs;
  const selection = config.model.featureSelection
    ? await phases.time("select", () => selectedParts(inputs, config.model.featureSelection!))
    : undefined;
  const parts = selection?.parts ?? inputs.parts;
  const tuning = config.tune.enabled
    ? await phases.time("tune", () =>
      tuneParams({
        config,
        train: trainingPart(parts),
        folds: parts.folds,
        log,
        parent: { store: at.store, experimentId: at.run.experimentId, runId: at.run.runId },
      }))
    : undefined;
  const estimator = tuning
    ? createEstimator({ type: config.model.type, params: tuning.params, seed: config.seed })
    : inputs.estimator;
  if (tuning) log.info("tuned", { [`cv_${tuning.metric}`]: round(tuning.bestScore, 4) });
  const evaluated = await fitAndEvaluate(estimator, parts, { config, log, phases });
  const fraud = fraudEvaluation(data, {
    rows: parts.split.test,
    scores: evaluated.testProbabilities,
    threshold: evaluated.chosenThreshold,
  }, config);
  if (fraud) {
    log.info("fraud metrics", {
      [`card_precision_at_${fraud.k}`]: round(fraud.meanCardPrecisionAtK, 4),
      [`precision_at_${fraud.k}`]: round(fraud.meanPrecisionAtK, 4),
      days: fraud.days.length,
    });
  }
  const result = {
    config: redact(config),
    rows: {
      total: data.features.frame.rows,
      train: parts.split.train.length,
      test: parts.split.test.length,
      dropped: data.droppedRows,
    },
    data,
    ...evaluated,
    testIndices: parts.split.test,
    ...(parts.timeRanges ? { timeRanges: parts.timeRanges } : {}),
    durationMs: performance.now() - inputs.started,
    phases: phases.toJSON(),
    ...(tuning ? { tuning } : {}),
    ...(fraud ? { fraud } : {}),
    ...(selection ? { featureSelection: selection.selection } : {}),
  };
  return { result, params: estimator.params };
}

/** The features kept by `model.featureSelection` (chosen on the training part), and the parts cut to them. */
async function selectedParts(
  inputs: TrainingInputs,
  settings: { keep: number; importance: "shap" | "permutation" },
) {
  const { parts, config, log } = inputs;
  const keep = settings.keep >= 1 ? { top: settings.keep } : { minShare: settings.keep };
  const selection = await selectFeatures(inputs.estimator, {
    ...trainingPart(parts),
    folds: parts.folds,
  }, { settings: { importance: settings.importance, ...keep }, seed: config.seed });
  log.info("features selected", {
    kept: selection.kept.join(","),
    dropped: selection.dropped.join(",") || "none",
    importance: selection.importance,
  });
  const kept = new Set(selection.kept);
  return {
    selection,
    parts: {
      ...parts,
      xTrain: parts.xTrain.select(selection.kept),
      xTest: parts.xTest.select(selection.kept),
      categorical: parts.categorical.filter((c) => kept.has(c)),
      vocabulary: Object.fromEntries(Object.entries(parts.vocabulary).filter(([k]) => kept.has(k))),
    },
  };
}

/** Records a fitted result in `run` (params, metrics, artifacts, the log) and ends it FINISHED. */
async function finishRun(
  run: RunWriter,
  finished: { inputs: TrainingInputs; fitted: Fitted; lines: string[]; where: string },
): Promise<TrainingResult> {
  const { log, phases } = finished.inputs;
  const result: TrainingResult = {
    ...finished.fitted.result,
    runId: run.runId,
    experimentId: run.experimentId,
    artifactUri: run.artifactUri,
    trackingUri: finished.where,
  };
  const inner = () => (phases.toJSON().onnx ?? 0) + (phases.toJSON().explain ?? 0);
  const innerBefore = inner(), t0 = performance.now();
  await recordRun(run, result, { modelParams: finished.fitted.params, phases });
  phases.add("tracking", performance.now() - t0 - (inner() - innerBefore));
  const spent = phases.toJSON();
  await run.logMetrics(phaseMetrics(spent));
  log.info("phases", Object.fromEntries(Object.entries(spent).map(([k, ms]) => [k, sec(ms)])));
  log.info("run finished", { run_id: run.runId, artifacts: run.artifactUri });
  await run.logArtifact("logs/train.log", finished.lines.join("\n") + "\n");
  await run.end("FINISHED");
  return { ...result, phases: spent, durationMs: performance.now() - finished.inputs.started };
}

/** What was loaded, and what was wrong with it, as log lines. */
function logData(log: Logger, data: LabeledData): void {
  log.info("labeled", {
    rows: data.features.frame.rows,
    [`${data.labeling.positive}_rate`]: round(data.labeling.achievedRate, 4),
    target: data.labeling.targetRate,
  });
  for (const w of data.labeling.warnings) log.warn(w);
  logQuality(log, data);
}

/**
 * The train/test split and the CV folds, made (and their feasibility checked) before any run.
 * With the time split, the training rows are in time order and the folds forward-chaining.
 */
interface Parts {
  readonly split: SplitIndices;
  readonly xTrain: Frame;
  readonly yTrain: Uint8Array;
  readonly xTest: Frame;
  readonly yTest: Uint8Array;
  /** Row weights of the training and test parts (`data.file.weightColumn`). */
  readonly wTrain?: Float64Array;
  readonly wTest?: Float64Array;
  readonly folds?: readonly SplitIndices[];
  readonly categorical: readonly string[];
  /** Categories of text columns (a file source), saved with the model. */
  readonly vocabulary: Record<string, readonly string[]>;
  readonly timeRanges?: TimeRanges;
  /** Test rows of cards known compromised before their day, left out (the split by days). */
  readonly removedTestRows?: number;
}

function splitData(data: LabeledData, config: TrainingConfig): Parts {
  const { frame, timestamps } = data.features;
  const { testSize, cvFolds, split: how } = config.data;
  const byTime = how === "time";
  // A transaction log split by days: training, the label delay, test (the handbook's way).
  const byDays = config.data.trainDays !== undefined ? delayParts(data, config) : undefined;
  const split = byDays?.split ??
    (byTime
      ? timeSplit(data.labels, timestamps, testSize)
      : stratifiedSplit(data.labels, testSize, config.seed));
  const yTrain = takeValues(data.labels, split.train);
  const folds = byDays
    ? byDays.folds
    : cvFolds < 2
    ? undefined
    : byTime
    ? timeSeriesFolds(yTrain, cvFolds)
    : stratifiedKFold(yTrain, cvFolds, config.seed);
  const span = (rows: ArrayLike<number>): TimeRange => {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < rows.length; i++) {
      const t = timestamps[rows[i]!]!;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    return { from: new Date(lo).toISOString(), to: new Date(hi).toISOString(), rows: rows.length };
  };
  const inTrain = (rows: Int32Array) => rows.map((k) => split.train[k]!);
  return {
    split,
    xTrain: frame.take(split.train),
    yTrain,
    xTest: frame.take(split.test),
    yTest: takeValues(data.labels, split.test),
    ...(data.weights
      ? {
        wTrain: takeValues(data.weights, split.train),
        wTest: takeValues(data.weights, split.test),
      }
      : {}),
    ...(folds ? { folds } : {}),
    categorical: categoricalNames(data.specs),
    vocabulary: vocabularyOf(data.specs),
    ...(byDays?.removedRows ? { removedTestRows: byDays.removedRows } : {}),
    ...(byDays ? { timeRanges: byDays.timeRanges } : byTime
      ? {
        timeRanges: {
          train: span(split.train),
          test: span(split.test),
          folds: (folds ?? []).map((f) => ({
            train: span(inTrain(f.train)),
            test: span(inTrain(f.test)),
          })),
        },
      }
      : {}),
  };
}

type Evaluated = Pick<
  TrainingResult,
  | "cv"
  | "test"
  | "chosenThreshold"
  | "testAtChosen"
  | "importance"
  | "readiness"
  | "model"
  | "testProbabilities"
  | "referencePool"
  | "history"
  | "calibration"
>;

/**
 * CV on the training part, the final fit, its calibration (when asked), the chosen threshold (on
 * calibrated scores when calibrated) and the test metrics.
 */
async function fitAndEvaluate(
  estimator: Estimator,
  p: Parts,
  { config, log, phases }: { config: TrainingConfig; log: Logger; phases: Phases },
): Promise<Evaluated> {
  const train = trainingPart(p);
  const cv = p.folds
    ? await phases.time("cv", () => crossValidated(estimator, p, { config, log }))
    : undefined;
  const { model, history } = await phases.time(
    "fit",
    () => fitFinal(estimator, train, config.seed),
  );
  model.vocabulary = p.vocabulary;
  if (history.length) {
    log.info("boosting rounds", { rounds: history.length, last: history.at(-1)!.values });
  }
  const method = config.model.calibration;
  const calibration = method === "none"
    ? undefined
    : await phases.time("calibrate", () =>
      calibrateModel(model, {
        method,
        estimator,
        train,
        ...(cv ? { cv } : {}),
        test: { frame: p.xTest, labels: p.yTest },
        seed: config.seed,
      }));
  if (calibration) logCalibration(log, calibration);
  const t0 = performance.now();
  const chosenThreshold = cv
    ? outOfFoldThreshold(p, outOfFoldProbabilities(cv, model))
    : evaluateBinary(p.yTrain, model.predictProba(p.xTrain), { weights: p.wTrain }).best_threshold;
  model.decisionThreshold = chosenThreshold;
  const testProbabilities = model.predictProba(p.xTest);
  const test = evaluateBinary(p.yTest, testProbabilities, { weights: p.wTest });
  phases.add("evaluate", performance.now() - t0);
  log.info("test metrics", {
    roc_auc: round(test.roc_auc, 4),
    pr_auc: round(test.pr_auc, 4),
    readiness: readiness(test.roc_auc),
  });
  return {
    ...(cv ? { cv: { folds: cv.folds, summary: cv.summary } } : {}),
    test,
    chosenThreshold,
    testAtChosen: prf(
      confusionAt(p.yTest, testProbabilities, { threshold: chosenThreshold, weights: p.wTest }),
    ),
    importance: rankImportance(model.featureImportance()),
    readiness: readiness(test.roc_auc),
    model,
    testProbabilities,
    referencePool: referencePool(p, { model, testProbabilities, seed: config.seed }),
    history,
    ...(calibration ? { calibration } : {}),
  };
}

/** Cross-validation of the training part, a log line per fold. */
function crossValidated(
  estimator: Estimator,
  p: Parts,
  { config, log }: { config: TrainingConfig; log: Logger },
) {
  return crossValidate(estimator, { ...trainingPart(p), folds: p.folds! }, {
    evalOnFold: wantsEarlyStopping(estimator),
    onFold: (k, m) =>
      log.info(`cv fold ${k + 1}/${config.data.cvFolds}`, {
        roc_auc: round(m.roc_auc, 4),
        pr_auc: round(m.pr_auc, 4),
      }),
  });
}

/** The calibration's log line: where it was fitted, and the test ECE and Brier score it changed. */
function logCalibration(log: Logger, c: CalibrationOutcome): void {
  log.info("calibrated", {
    method: c.method,
    fitted_on: c.fittedOn,
    rows: c.rows,
    test_ece_before: round(c.before.ece, 4),
    test_ece_after: round(c.after.ece, 4),
    test_brier_before: round(c.before.brier, 4),
    test_brier_after: round(c.after.brier, 4),
  });
}

/**
 * The reference pool of a run (see {@link ReferencePool}): the test rows with their scores, or
 * with a time split a seeded sample of the training part scored by the final model.
 */
function referencePool(
  p: Parts,
  scoring: { model: Classifier; testProbabilities: Float64Array; seed: number },
): ReferencePool {
  if (!p.timeRanges) return { rows: p.split.test, scores: scoring.testProbabilities, from: "test" };
  const pick = sampleRows(p.split.train.length, REFERENCE_SAMPLE_ROWS, scoring.seed);
  return {
    rows: pick.map((k) => p.split.train[k]!),
    scores: scoring.model.predictProba(p.xTrain.take(pick)),
    from: "training",
  };
}

/** The training part as CV and the final fit take it. */
function trainingPart(p: Parts) {
  return {
    frame: p.xTrain,
    labels: p.yTrain,
    weights: p.wTrain,
    categorical: p.categorical,
    timeOrdered: p.timeRanges !== undefined,
  };
}

/** Best-F1 threshold on the rows that have an out-of-fold prediction (forward-chaining CV leaves the first block without one). */
function outOfFoldThreshold(p: Parts, oof: Float64Array): number {
  const rows = Int32Array.from(oof.keys()).filter((i) => !Number.isNaN(oof[i]!));
  const weights = p.wTrain && takeValues(p.wTrain, rows);
  return evaluateBinary(takeValues(p.yTrain, rows), takeValues(oof, rows), { weights })
    .best_threshold;
}

/** Seconds with one decimal, for log lines. */
function sec(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
