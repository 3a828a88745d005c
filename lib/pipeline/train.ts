/**
 * The training pipeline: features → labels → stratified split → cross-validation → final fit →
 * test evaluation → tracked run with artifacts. Tasks and notebooks both call {@link train}.
 *
 * @module
 */

import { redact } from "../config/load.ts";
import type { TrainingConfig } from "../config/schema.ts";
import { takeValues } from "../data/frame.ts";
import { stratifiedKFold, stratifiedSplit } from "../data/split.ts";
import { type BinaryMetrics, evaluateBinary, prf } from "../evaluate/binary_metrics.ts";
import { confusionAt } from "../evaluate/binary_metrics.ts";
import { rankImportance, type Readiness, readiness } from "../evaluate/summary.ts";
import { ConfigError } from "../errors.ts";
import { createEstimator } from "../models/factory.ts";
import type { Classifier, Estimator, IterationMetrics } from "../models/model.ts";
import { FileStore } from "../tracking/file_store.ts";
import { Logger } from "../util/logger.ts";
import { crossValidate, type CrossValidation } from "./cross_validate.ts";
import { type LabeledData, loadLabeledData } from "./load_features.ts";
import { recordRun } from "./record_run.ts";
import type { TrainingResult } from "./training_result.ts";
import { fitFinal, wantsEarlyStopping } from "./fit_final.ts";

/** Options of {@link train}. */
export interface TrainOptions {
  /** Where progress goes (default: nowhere). */
  readonly log?: Logger;
  /** An estimator to use instead of the one `config.model` names (e.g. from a notebook). */
  readonly estimator?: Estimator;
}

/**
 * Runs the whole training pipeline for a validated config and records the run.
 *
 * @throws {ConfigError} for settings not available yet (e.g. a remote tracking URI).
 * @throws {DataError} for data that cannot be trained on.
 * @example
 * ```ts
 * const result = await train(defaultConfig());
 * result.test.roc_auc;
 * ```
 */
export async function train(
  config: TrainingConfig,
  options: TrainOptions = {},
): Promise<TrainingResult> {
  const log = options.log ?? new Logger();
  const started = performance.now();
  const uri = config.mlflow.trackingUri;
  if (/^(https?|databricks|sqlite|postgresql|mysql):/.test(uri)) {
    throw new ConfigError([
      `mlflow.trackingUri: only a local path or file: URI is supported until the MLflow server ` +
      `issue lands, got ${JSON.stringify(uri)}`,
    ]);
  }
  const params = {
    ...(config.model.type === "logistic_regression" ? { impute: config.data.imputeStrategy } : {}),
    ...config.model.params,
  };
  const estimator = options.estimator ?? createEstimator({ type: config.model.type, params });
  log.info("loading features", { source: config.data.source, samples: config.data.maxSamples });
  const data = await loadLabeledData(config);
  const { frame } = data.features;
  log.info("labeled", {
    rows: frame.rows,
    fraud_rate: round(data.labeling.achievedRate, 4),
    target: data.labeling.targetRate,
  });
  for (const w of data.labeling.warnings) log.warn(w);
  if (data.droppedRows) log.warn(`dropped ${data.droppedRows} rows with missing values`);
  if (data.staleRows) log.warn(`dropped ${data.staleRows} rows older than the max feature age`);
  for (const w of data.quality.source?.warnings ?? []) log.warn(w);
  for (
    const [name, n] of Object.entries(
      data.quality.features.reduce(
        (a, f) => (f.nonNumeric ? { ...a, [f.name]: f.nonNumeric } : a),
        {} as Record<string, number>,
      ),
    )
  ) {
    log.warn(`${n} unreadable value(s) in ${name}, treated as missing`);
  }
  for (const f of data.quality.features) {
    if (f.missing || f.outOfRange || f.constant) {
      log.info("data quality", {
        feature: f.name,
        missing: f.missing,
        out_of_range: f.outOfRange,
        constant: f.constant,
      });
    }
  }

  const split = stratifiedSplit(data.labels, config.data.testSize, config.seed);
  const xTrain = frame.take(split.train), yTrain = takeValues(data.labels, split.train);
  const xTest = frame.take(split.test), yTest = takeValues(data.labels, split.test);

  // Folds are made (and their feasibility checked) before any run is written.
  const folds = config.data.cvFolds >= 2
    ? stratifiedKFold(yTrain, config.data.cvFolds, config.seed)
    : undefined;

  const store = new FileStore(uri);
  const experimentId = await store.experimentId(config.mlflow.experimentName);
  const runName = config.mlflow.runName ?? `${config.model.type}-${new Date().toISOString()}`;
  const run = await store.startRun(experimentId, {
    runName,
    tags: { model_type: config.model.type, feature_source: config.data.source, run_type: "train" },
  });
  const fileSink = (line: string) =>
    Deno.writeTextFileSync(`${run.artifactsDir}/logs/train.log`, line + "\n", { append: true });
  Deno.mkdirSync(`${run.artifactsDir}/logs`, { recursive: true });
  Deno.writeTextFileSync(`${run.artifactsDir}/logs/train.log`, "");
  log.addSink(fileSink, true);
  log.info("run started", { run_id: run.runId, experiment_id: experimentId, dir: run.dir });
  try {
    let cv: CrossValidation | undefined;
    if (folds) {
      cv = await crossValidate(
        estimator,
        xTrain,
        yTrain,
        folds,
        {
          evalOnFold: wantsEarlyStopping(estimator),
          onFold: (k, m) =>
            log.info(`cv fold ${k + 1}/${config.data.cvFolds}`, {
              roc_auc: round(m.roc_auc, 4),
              pr_auc: round(m.pr_auc, 4),
            }),
        },
      );
    }
    const { model, history } = await fitFinal(estimator, xTrain, yTrain, config.seed);
    if (history.length) {
      log.info("boosting rounds", {
        rounds: history.length,
        last: history[history.length - 1]!.values,
      });
    }
    const chosenThreshold = cv
      ? evaluateBinary(yTrain, cv.oof).best_threshold
      : evaluateBinary(yTrain, model.predictProba(xTrain)).best_threshold;
    model.decisionThreshold = chosenThreshold;
    const testProbabilities = model.predictProba(xTest);
    const test = evaluateBinary(yTest, testProbabilities);
    const testAtChosen = prf(confusionAt(yTest, testProbabilities, chosenThreshold));
    const result: TrainingResult = {
      runId: run.runId,
      experimentId,
      runDir: run.dir,
      artifactsDir: run.artifactsDir,
      config: redact(config),
      rows: {
        total: frame.rows,
        train: split.train.length,
        test: split.test.length,
        dropped: data.droppedRows,
      },
      data,
      ...(cv ? { cv: { folds: cv.folds, summary: cv.summary } } : {}),
      test,
      chosenThreshold,
      testAtChosen,
      importance: rankImportance(model.featureImportance()),
      readiness: readiness(test.roc_auc),
      model,
      testProbabilities,
      testIndices: split.test,
      history,
      durationMs: 0,
    };
    const done = { ...result, durationMs: performance.now() - started };
    log.info("test metrics", {
      roc_auc: round(test.roc_auc, 4),
      pr_auc: round(test.pr_auc, 4),
      readiness: done.readiness,
    });
    await recordRun(run, done, estimator.params);
    log.info("run finished", { run_id: run.runId, artifacts: run.artifactsDir });
    await run.end("FINISHED");
    return done;
  } catch (error) {
    log.error("run failed", { run_id: run.runId, error: String(error) });
    await run.end("FAILED").catch(() => {});
    throw error;
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
