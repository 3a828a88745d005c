/**
 * Drift against a training run: the run's reference sample (features, predictions, labels) vs a
 * current sample from the configured feature source (the embedded stream, optionally with a
 * drift scenario), scored by the run's model. The report is logged as a run of its own
 * (`run_type=drift`) with JSON and HTML artifacts.
 *
 * @module
 */

import { join } from "node:path";
import type { TrainingConfig } from "../config/schema.ts";
import { numericColumns, readTable } from "../data/read_table.ts";
import { type DataDriftOptions, detectDataDrift, type FeatureColumn } from "../drift/data_drift.ts";
import { DriftReport } from "../drift/drift_report.ts";
import { performanceDrift, predictionDrift } from "../drift/model_drift.ts";
import { ConfigError, DataError } from "../errors.ts";
import { FEATURE_VIEWS, featuresOf } from "../features/catalog.ts";
import { readRedisFeatures } from "../features/redis/source.ts";
import { describeShrink } from "../features/redis/extract.ts";
import { embeddedFeatures } from "../features/embedded_source.ts";
import type { DriftScenario } from "../features/transactions.ts";
import { labelFraud } from "../labels/fraud_labeler.ts";
import { driftReportHtml } from "../report/drift_html.ts";
import { FileStore, type RunInfo } from "../tracking/file_store.ts";
import { Rng } from "../util/rng.ts";
import { loadModelFile } from "./predict_file.ts";

/** Options of {@link driftFromRun}. */
export interface RunDriftOptions extends DataDriftOptions {
  /** The training run to compare with (default: the latest finished one). */
  readonly runId?: string;
  /** Rows of each sample. @default 1000 */
  readonly maxSamples?: number;
  /** Shift injected into the embedded current sample. @default "none" */
  readonly scenario?: DriftScenario;
  /** Seed of the current sample (default: the config's seed + 7919, unlike training's). */
  readonly seed?: number;
  /** Performance degradation margin (absolute). @default 0.05 */
  readonly performanceMargin?: number;
}

/** The report and where it was logged. */
export interface RunDrift {
  readonly report: DriftReport;
  readonly referenceRunId: string;
  readonly driftRunId: string;
  readonly artifactsDir: string;
}

/**
 * Runs data, prediction and performance drift against a training run and logs the report.
 *
 * @throws {ConfigError} when no training run exists or the source is not available.
 * @throws {DataError} when the run's reference sample is missing or empty.
 */
export async function driftFromRun(
  config: TrainingConfig,
  options: RunDriftOptions = {},
): Promise<RunDrift> {
  const store = new FileStore(config.mlflow.trackingUri);
  const run = await findTrainingRun(store, config.mlflow.experimentName, options.runId);
  const maxSamples = options.maxSamples ?? 1000;
  const specs = featuresOf(config.featureViews);
  const names = specs.map((s) => s.name);

  const table = await readTable(join(run.artifactsDir, "reference_sample.csv"));
  if (table.rows === 0) throw new DataError(`run ${run.runId} has an empty reference sample`);
  const refAll = numericColumns(table, [...names, "prediction", "label"]).frame;
  const pick = sampleIndices(refAll.rows, maxSamples, config.seed);
  const ref = refAll.take(pick);

  const seed = options.seed ?? config.seed + 7919;
  let curFrame;
  let currentSource: string;
  const warnings: string[] = [];
  if (config.data.source === "redis") {
    // The current rows are what the streaming pipeline left in the feature store.
    const ex = await readRedisFeatures(
      config.data.redis,
      FEATURE_VIEWS.get(config.featureViews[0]!)!,
    );
    const frame = ex.features.frame.select(names);
    warnings.push(...ex.rescanShrink.map(describeShrink));
    curFrame = frame.take(sampleIndices(frame.rows, maxSamples, seed));
    currentSource =
      `Redis (${config.data.redis.layout} layout), ${curFrame.rows} of ${frame.rows} rows`;
  } else {
    const cur = embeddedFeatures({
      samples: maxSamples,
      seed,
      snapshotTime: config.data.snapshotTime,
      scenario: options.scenario ?? "none",
    });
    curFrame = cur.frame.select(names);
    currentSource = `embedded stream, seed ${seed} (${curFrame.rows} rows)`;
  }
  if (curFrame.rows === 0) {
    throw new DataError(`the ${config.data.source} feature source returned no rows`);
  }
  const labels = labelFraud(curFrame, { targetRate: config.data.fraudRateTarget, seed }).labels;
  const model = await loadModelFile(join(run.artifactsDir, "model/model.json"));
  const scores = model.predictProba(curFrame);

  const columns = (get: (n: string) => Float64Array): FeatureColumn[] =>
    specs.map((s) => ({ name: s.name, kind: s.kind, values: get(s.name) }));
  const data = detectDataDrift(
    columns((n) => ref.column(n)),
    columns((n) => curFrame.column(n)),
    { ...options, importance: model.featureImportance() },
  );
  const metrics = JSON.parse(await Deno.readTextFile(join(run.artifactsDir, "metrics.json")));
  const reference = { roc_auc: metrics.test.roc_auc, ...metrics.test_at_chosen_threshold };
  const report = new DriftReport(data, {
    reference: `run ${run.runId} reference sample (${ref.rows} rows)`,
    current: currentSource,
    scenario: options.scenario ?? "none",
    referenceRunId: run.runId,
    createdAt: new Date().toISOString(),
    ...(warnings.length ? { warnings } : {}),
  }, {
    prediction: predictionDrift(
      ref.column("prediction"),
      scores,
      data.significanceLevel,
      options.psiBins ?? 10,
    ),
    performance: performanceDrift(
      reference,
      labels,
      scores,
      model.decisionThreshold,
      options.performanceMargin ?? 0.05,
    ),
  });

  const experimentId = await store.experimentId(config.mlflow.experimentName);
  const driftRun = await store.startRun(experimentId, {
    runName: `drift-${options.scenario ?? "none"}-${new Date().toISOString()}`,
    tags: { run_type: "drift", reference_run_id: run.runId },
  });
  try {
    await driftRun.logParams({
      scenario: options.scenario ?? "none",
      max_samples: maxSamples,
      significance_level: data.significanceLevel,
      correction: data.correction,
    });
    await driftRun.logMetrics({
      drifted_share: data.dataset.driftedShare,
      drifted_count: data.dataset.driftedCount,
      ...(data.dataset.driftedImportanceShare !== null
        ? { drifted_importance_share: data.dataset.driftedImportanceShare }
        : {}),
      prediction_psi: report.prediction!.psi,
      prediction_ks_p_value: report.prediction!.pValue,
      drift_found: report.driftFound ? 1 : 0,
    });
    await driftRun.logArtifact("drift_report.json", JSON.stringify(report, null, 2) + "\n");
    await driftRun.logArtifact("drift_report.html", await driftReportHtml(report));
    await driftRun.end("FINISHED");
  } catch (error) {
    await driftRun.end("FAILED").catch(() => {});
    throw error;
  }
  return {
    report,
    referenceRunId: run.runId,
    driftRunId: driftRun.runId,
    artifactsDir: driftRun.artifactsDir,
  };
}

async function findTrainingRun(
  store: FileStore,
  experiment: string,
  runId?: string,
): Promise<RunInfo> {
  const id = await store.findExperiment(experiment);
  const runs = id ? await store.listRuns(id) : [];
  const training = runs.filter((r) => r.status === 3 && (r.tags.run_type ?? "train") === "train");
  const run = runId ? runs.find((r) => r.runId === runId) : training[0];
  if (!run) {
    throw new ConfigError([
      runId
        ? `--run-id: no run ${runId} in experiment "${experiment}"`
        : `mlflow.experimentName: no finished training run in "${experiment}" at ${store.root}; run \`deno task train\` first`,
    ]);
  }
  return run;
}

function sampleIndices(n: number, k: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (n <= k) return all;
  return new Rng(seed).shuffle(all).slice(0, k).sort();
}
