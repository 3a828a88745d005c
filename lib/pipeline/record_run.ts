/**
 * Writes a finished training run's params, metrics and artifacts. The model artifact is
 * written last, so a run that fails part-way never holds a model.
 *
 * @module
 */

import { frameColumns, toCsv } from "../data/csv.ts";
import { sampleRows } from "../data/sample.ts";
import { SCALAR_METRICS } from "../evaluate/binary_metrics.ts";
import { meanAbsShap } from "../explain/shap_importance.ts";
import type { MetricPoint, RunWriter } from "../tracking/store.ts";
import { LogisticRegressionModel } from "../models/logistic_regression.ts";
import type { CoefficientRow } from "../models/logistic_stats.ts";
import { mlflowModelFiles } from "./mlflow_model.ts";
import { OnnxScorer } from "../onnx/onnx_scorer.ts";
import type { TrainingResult } from "./training_result.ts";
import type { TrainingConfig } from "../config/schema.ts";
import type { QualityReport } from "../data/quality.ts";
import type { IterationMetrics } from "../models/model.ts";
import type { Phases } from "../util/phases.ts";
import { logTrainingSet } from "./training_set_artifact.ts";
import { fraudMetricsJson, fraudMetricValues } from "../report/fraud_summary.ts";

/** Most rows kept in the reference sample for drift checks. */
export const REFERENCE_SAMPLE_ROWS = 5000;

/**
 * Logs params, metrics and artifacts of `result` to `run`.
 *
 * Metrics include, with `model.calibration`, the test ECE and Brier score before and after
 * calibration (`test_ece_before_calibration`, …). Artifacts: `config.json`,
 * `feature_names.json`, `metrics.json` (with the calibration's reliability bins),
 * `data_quality.json`,
 * `shap_importance.json` (mean |SHAP| per feature over ≤ 1,000 test rows),
 * `reference_sample.csv` (a sample of the reference pool — test rows, or with a time split
 * training rows: entity id, timestamp, features, label, prediction; with a time split also
 * `holdout_sample.csv`, test rows, which promotion compares models on),
 * with a transaction log the training set (`training_set.parquet`, or its fingerprint
 * `training_set.json` past 200,000 rows), the MLflow Model folder `model/` (with `exportOnnx`: `MLmodel`, ONNX, requirements, examples)
 * and, last, `model/model.json`.
 */
export async function recordRun(
  run: RunWriter,
  result: TrainingResult,
  { modelParams, phases }: { modelParams: Readonly<Record<string, unknown>>; phases: Phases },
): Promise<void> {
  const { config } = result;
  const ranges = result.timeRanges;
  await run.logParams({
    ...configParams(config, modelParams),
    "model.calibration": config.model.calibration,
    ...(result.featureSelection
      ? { "model.selected_features": result.featureSelection.kept.join(",") }
      : {}),
    "featureViews": config.featureViews.join(","),
    ...(ranges
      ? {
        "split.train_from": ranges.train.from,
        "split.train_to": ranges.train.to,
        "split.test_from": ranges.test.from,
        "split.test_to": ranges.test.to,
      }
      : {}),
  });
  await logMetrics(run, result);
  await run.setTags({ readiness: result.readiness, use_case: config.useCase });
  await logArtifacts(run, result, phases);
}

/**
 * The params every training run logs: the data, tracking and seed settings flattened (secrets are
 * already redacted from `config`), the use case, the model type and its parameters.
 */
export function configParams(
  config: TrainingConfig,
  modelParams: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    ...flatten({
      data: { ...config.data, redis: undefined },
      mlflow: config.mlflow,
      seed: config.seed,
    }),
    useCase: config.useCase,
    "model.type": config.model.type,
    ...Object.fromEntries(Object.entries(modelParams).map(([k, v]) => [`model.params.${k}`, v])),
  };
}

/** Summary metrics, per-fold CV metrics (one step per fold) and per-round boosting metrics. */
async function logMetrics(run: RunWriter, result: TrainingResult): Promise<void> {
  const metrics: Record<string, number> = {
    data_rows: result.rows.total,
    data_positive_rate: result.data.labeling.achievedRate,
    train_rows: result.rows.train,
    test_rows: result.rows.test,
    chosen_threshold: result.chosenThreshold,
    test_precision_at_chosen: result.testAtChosen.precision,
    test_recall_at_chosen: result.testAtChosen.recall,
    test_f1_at_chosen: result.testAtChosen.f1,
    duration_seconds: result.durationMs / 1000,
  };
  for (const m of SCALAR_METRICS) metrics[`test_${m}`] = result.test[m];
  const calibration = result.calibration;
  if (calibration) {
    // test_brier is the calibrated model's; these put it beside the uncalibrated one's.
    metrics.calibration_rows = calibration.rows;
    metrics.test_ece_before_calibration = calibration.before.ece;
    metrics.test_ece_after_calibration = calibration.after.ece;
    metrics.test_brier_before_calibration = calibration.before.brier;
    metrics.test_brier_after_calibration = calibration.after.brier;
  }
  for (const m of result.cv ? SCALAR_METRICS : []) {
    metrics[`cv_${m}_mean`] = result.cv!.summary[m].mean;
    metrics[`cv_${m}_std`] = result.cv!.summary[m].std;
  }
  if (result.fraud) Object.assign(metrics, fraudMetricValues(result.fraud));
  await run.logMetrics(metrics);
  for (const [k, fold] of (result.cv?.folds ?? []).entries()) {
    await run.logMetrics({
      cv_fold_roc_auc: fold.roc_auc,
      cv_fold_pr_auc: fold.pr_auc,
      cv_fold_f1: fold.f1,
    }, k);
  }
  // Boosting-round metrics, one step per round (e.g. train-logloss, valid-auc).
  await run.logMetricPoints(historyPoints(result.history));
}

/**
 * Boosting-round metrics as metric points, one step per round, each key as `key` spells it for
 * MLflow.
 */
export function historyPoints(
  history: readonly IterationMetrics[],
  key: (name: string) => string = (name) => name,
): MetricPoint[] {
  const now = Date.now();
  return history.flatMap((h) =>
    Object.entries(h.values).map(([name, value]) => ({
      key: key(name),
      value,
      step: h.iteration,
      timestamp: now,
    }))
  );
}

/** Each phase's wall time as a metric, `phase_<name>_seconds`. */
export function phaseMetrics(spent: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(spent).map(([k, ms]) => [`phase_${k}_seconds`, ms / 1000]),
  );
}

/** Each feature's missing share as read, before `data.missing` dropped or imputed rows. */
export function missingShares(quality: QualityReport): Record<string, number> {
  return Object.fromEntries(quality.features.map((f) => [f.name, f.missing / quality.rows]));
}

/** Rows of the test set explained for the global SHAP importance (a seeded sample). */
const SHAP_ROWS = 1000;

/** Mean |SHAP| per feature over (a seeded sample of at most 1,000) test rows, largest first. */
function shapImportance(result: TrainingResult, seed: number) {
  const test = result.data.features.frame.take(result.testIndices);
  const rows = test.take(sampleRows(test.rows, SHAP_ROWS, seed));
  const names = result.model.featureNames;
  return {
    rows: rows.rows,
    of: "test rows",
    importance: meanAbsShap(result.model.contributions(rows), names),
  };
}

/** Every artifact; the ONNX model is checked by onnxruntime first, and `model.json` comes last. */
async function logArtifacts(run: RunWriter, result: TrainingResult, phases: Phases): Promise<void> {
  const { config } = result;
  const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";
  await run.logArtifact("config.json", json(config));
  await run.logArtifact("feature_names.json", json(result.model.featureNames));
  if (result.featureSelection) {
    await run.logArtifact("feature_selection.json", json(result.featureSelection));
  }
  await run.logArtifact("data_quality.json", json(result.data.quality));
  await run.logArtifact(
    "metrics.json",
    json({
      test: result.test,
      test_at_chosen_threshold: { threshold: result.chosenThreshold, ...result.testAtChosen },
      cv: result.cv ?? null,
      // Reliability bins (10 equal-width), ECE and Brier score of the test rows, before and after.
      calibration: result.calibration ?? null,
      readiness: result.readiness,
      feature_importance: result.importance,
      labeling: result.data.labeling,
      rows: result.rows,
      time_ranges: result.timeRanges ?? null,
      // With a transaction log: P@k and card P@k per test day at the alert budget, the costs.
      fraud: result.fraud ? fraudMetricsJson(result.fraud) : null,
      reference_sample: {
        from: result.referencePool.from,
        rows: Math.min(result.referencePool.rows.length, REFERENCE_SAMPLE_ROWS),
      },
      missing_shares: missingShares(result.data.quality),
    }),
  );
  if (result.tuning) {
    await run.logArtifact("tuning.json", json(result.tuning));
    await run.logMetrics({ [`tune_best_cv_${result.tuning.metric}`]: result.tuning.bestScore });
  }
  await run.logArtifact(
    "shap_importance.json",
    json(await phases.time("explain", () => shapImportance(result, config.seed))),
  );
  if (result.model instanceof LogisticRegressionModel) {
    await run.logArtifact("coefficients.csv", coefficientsCsv(result.model.coefficients()));
  }
  const pool = result.referencePool;
  await run.logArtifact("reference_sample.csv", sampleCsv(result, { ...pool, seed: config.seed }));
  if (pool.from !== "test") {
    // Promotion compares models on held-out rows: the test rows, when the reference is not them.
    const test = { rows: result.testIndices, scores: result.testProbabilities, seed: config.seed };
    await run.logArtifact("holdout_sample.csv", sampleCsv(result, test));
  }
  // Which entities (and feature timestamps) the run was trained and tested on.
  const { entityIds, timestamps } = result.data.features;
  await run.logArtifact(
    "entities.csv",
    toCsv([["entity_id", entityIds], ["feature_timestamp", timestamps]]),
  );
  if (result.data.log) await logTrainingSet(run, result.data);
  if (config.exportOnnx) {
    // The MLflow Model folder; onnxruntime must accept both ONNX files before they are logged.
    const files = await phases.time("onnx", async () => {
      const files = mlflowModelFiles(result.model, {
        runId: run.runId,
        threshold: result.model.decisionThreshold,
        trainingRows: result.data.features.frame,
        specs: result.data.specs,
      });
      for (const f of ["model.onnx", "pyfunc.onnx"]) {
        await OnnxScorer.load(files[f] as Uint8Array).then((s) => s.release());
      }
      return files;
    });
    for (const [name, data] of Object.entries(files)) {
      if (name !== "model.json") await run.logArtifact(`model/${name}`, data);
    }
  }
  await run.logArtifact("model/model.json", result.model.serialize());
}

function coefficientsCsv(rows: readonly CoefficientRow[]): string {
  const col = <K extends keyof CoefficientRow>(k: K) => rows.map((r) => r[k]);
  return toCsv([
    ["term", col("term")],
    ["coef", col("coef")],
    ["std_err", col("stdErr")],
    ["z", col("z")],
    ["p_value", col("pValue")],
    ["ci_low", col("ciLow")],
    ["ci_high", col("ciHigh")],
    ["odds_ratio", col("oddsRatio")],
    ["odds_ratio_low", col("oddsRatioLow")],
    ["odds_ratio_high", col("oddsRatioHigh")],
  ]);
}

/**
 * A seeded sample (at most {@link REFERENCE_SAMPLE_ROWS}) of `rows` with their `scores`: entity
 * id, time, features, label and score (`prediction`).
 */
function sampleCsv(
  result: TrainingResult,
  sample: { rows: Int32Array; scores: Float64Array; seed: number },
): string {
  const { features, labels } = result.data;
  const pick = sampleRows(sample.rows.length, REFERENCE_SAMPLE_ROWS, sample.seed);
  const rows = Array.from(pick, (k) => sample.rows[k]!);
  return toCsv([
    ["entity_id", rows.map((i) => features.entityIds[i]!)],
    ["feature_timestamp", rows.map((i) => features.timestamps[i]!)],
    ...frameColumns(features.frame.take(rows)),
    ["label", rows.map((i) => labels[i]!)],
    ["prediction", Array.from(pick, (k) => sample.scores[k]!)],
  ]);
}

function flatten(tree: Record<string, unknown>, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tree)) {
    if (v === undefined) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) {
      Object.assign(out, flatten(v as Record<string, unknown>, key));
    } else out[key] = String(v);
  }
  return out;
}
