/**
 * Drift against a training run: the run's reference sample (features, predictions, labels) vs a
 * current sample from the configured feature source (the embedded stream, optionally with a
 * drift scenario), scored by the run's model. The report is logged as a run of its own
 * (`run_type=drift`) with JSON and HTML artifacts.
 *
 * @module
 */

import { inRun } from "../tracking/in_run.ts";
import type { TrainingConfig } from "../config/schema.ts";
import type { FeatureSpec } from "../data/feature_spec.ts";
import { Frame, takeValues } from "../data/frame.ts";
import { parseCsv } from "../data/csv_parse.ts";
import { numericColumns } from "../data/read_table.ts";
import { readWarnings } from "../data/read_counts.ts";
import { sampleRows } from "../data/sample.ts";
import { isMature } from "../data/days.ts";
import { type DataDriftOptions, detectDataDrift, type FeatureColumn } from "../drift/data_drift.ts";
import { performanceDrift, predictionDrift, scoreNote } from "../drift/model_drift.ts";
import { ConfigError, DataError } from "../errors.ts";
import { featuresOf } from "../features/catalog.ts";
import { connectRedis } from "../features/redis/client.ts";
import { redisSettings } from "../features/redis/source.ts";
import { logKeys, readPredictionLog } from "../serve/prediction_log.ts";
import { readFeatures } from "../features/source.ts";
import type { DriftScenario } from "../features/transactions.ts";
import { labelByRules } from "../labels/rule_labeler.ts";
import { ruleSet } from "../labels/rule_sets.ts";
import { driftReportHtml, driftSummaryHtml } from "../report/drift_html.ts";
import { withDisplay } from "../report/display.ts";
import { chunkOptions, dataDriftOptions } from "./drift_options.ts";
import type { ScoredSample } from "../drift/cbpe.ts";
import { chunkedDrift } from "../drift/chunked_drift.ts";
import { DriftReport } from "../report/drift_report.ts";
import type { RunInfo, TrackingStore } from "../tracking/store.ts";
import { readModelAt } from "./load_model.ts";
import { locateModel } from "./model_ref.ts";
import type { Classifier } from "../models/model.ts";
import { openSession } from "./tracking_session.ts";

/** Options of {@link driftFromRun}. */
export interface RunDriftOptions extends DataDriftOptions {
  /** The training run to compare with (default: the latest finished one). */
  readonly runId?: string;
  /** A registered model (`models:/name@alias`, `models:/name/3`): its run is the reference. */
  readonly model?: string;
  /** Rows of each sample. @default config `drift.maxSamples` */
  readonly maxSamples?: number;
  /**
   * `source` (default): a sample from the configured source, scored by the model; `predictions`:
   * the latest rows of the model's prediction log in Redis (what production scored, with the
   * scores it returned, joined with the labels sent as feedback).
   */
  readonly current?: "source" | "predictions";
  /** Shift injected into the embedded current sample. @default config.data.scenario */
  readonly scenario?: DriftScenario;
  /** Seed of the current sample (default: the config's seed + 7919, unlike training's). */
  readonly seed?: number;
  /** Performance degradation margin (absolute). @default config `drift.performanceMargin` */
  readonly performanceMargin?: number;
  /** The time label maturity is counted from (ms). @default now */
  readonly now?: number;
}

/** The report and where it was logged. */
export interface RunDrift {
  readonly report: DriftReport;
  readonly referenceRunId: string;
  readonly driftRunId: string;
  readonly artifactUri: string;
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
  const { store } = await openSession(config);
  try {
    return await driftAgainst(store, config, options);
  } finally {
    await store.close();
  }
}

async function driftAgainst(
  store: TrackingStore,
  config: TrainingConfig,
  options: RunDriftOptions,
): Promise<RunDrift> {
  const measured = await measureDrift(store, config, options);
  const logged = await logDriftRun(store, {
    config,
    run: measured.run,
    report: measured.report,
    maxSamples: options.maxSamples ?? config.drift.maxSamples,
  });
  const drift = { report: measured.report, referenceRunId: measured.run.runId, ...logged };
  return withDisplay(drift, (d) => driftSummaryHtml(d.report));
}

/** Run-drift options with what they leave unset taken from the config's `drift` section. */
type ResolvedRunDriftOptions = RunDriftOptions & {
  readonly maxSamples: number;
  readonly performanceMargin: number;
  readonly psiBins: number;
};

/** The defaults of {@link RunDriftOptions} are the config's: `drift.maxSamples`, … */
function withConfigDefaults(
  config: TrainingConfig,
  options: RunDriftOptions,
): ResolvedRunDriftOptions {
  const d = config.drift;
  return {
    ...dataDriftOptions(d),
    maxSamples: d.maxSamples,
    performanceMargin: d.performanceMargin,
    psiBins: d.psiBins,
    ...options,
  };
}

/** A drift report with the samples it compared (nothing logged). */
export interface MeasuredDrift {
  readonly report: DriftReport;
  /** The training run whose reference sample and model were used. */
  readonly run: RunInfo;
  /** The reference sample: features, `prediction`, `label`. */
  readonly reference: Frame;
  /** The current sample's features. */
  readonly current: Frame;
}

/**
 * Measures data, prediction and performance drift of a training run's reference sample against a
 * current sample from the configured source (labeled by the configured rules, or a file's own
 * labels); logs nothing.
 *
 * @throws {ConfigError} when no training run exists; {@link DataError} for a missing sample.
 */
export async function measureDrift(
  store: TrackingStore,
  config: TrainingConfig,
  given: RunDriftOptions,
): Promise<MeasuredDrift> {
  const options = withConfigDefaults(config, given);
  const found = options.model ? await locateModel(store, options.model) : undefined;
  const run = found?.run ??
    await findTrainingRun(store, config.mlflow.experimentName, options.runId);
  const maxSamples = options.maxSamples;
  const scenario = options.scenario ?? config.data.scenario;
  const model = await readModelAt(store, found ?? { run, path: "model" });
  const current = options.current === "predictions"
    ? await loggedSample(config, {
      model: found?.version?.name ?? config.monitor.modelName,
      samples: maxSamples,
    })
    : await currentSample(config, {
      seed: options.seed ?? config.seed + 7919,
      samples: maxSamples,
      scenario,
      // A file's columns are read as the model was trained: text only where it had categories.
      textColumns: new Set(Object.keys(model.vocabulary)),
    });
  const matured = withMatureLabels(current, {
    days: config.monitor.labelMaturityDays,
    now: options.now ?? Date.now(),
  });
  const ref = await referenceSample(store, run, {
    names: current.specs.map((s) => s.name),
    max: maxSamples,
    seed: config.seed,
  });
  const metrics = JSON.parse(await text(store, run, "metrics.json"));
  const chunks = { ...chunkOptions(config.drift), seed: config.seed };
  if (chunks.chunking && "period" in chunks.chunking) {
    throw new ConfigError([
      "drift.chunkBy: a run's reference sample has no timestamps to cut by; against a run use " +
      "drift.chunkSize or drift.chunkCount",
    ]);
  }
  const report = compareSamples(
    { run, ref, current: matured, model, metrics, scenario, chunks },
    options,
  );
  return { report, run, reference: ref, current: current.frame };
}

/** What drift reads of a run's `metrics.json`. */
interface RunMetrics {
  readonly test: { roc_auc: number };
  readonly test_at_chosen_threshold: object;
  readonly time_ranges?: { train: { to: string } } | null;
  /** Where the reference sample came from (absent in runs recorded before it was said). */
  readonly reference_sample?: { from: "test" | "training" };
  /** Each feature's missing share as the run read it (absent in older runs). */
  readonly missing_shares?: Readonly<Record<string, number>>;
}

/** Sources that hold one row per entity at its latest event (a snapshot, not a log). */
const SNAPSHOT_SOURCES = new Set(["embedded", "redis"]);

/** Why a run's reference sample cannot stand for what a current sample is compared with. */
function referenceNote(run: RunInfo, metrics: RunMetrics): string | undefined {
  if (!metrics.time_ranges) return undefined;
  if (!metrics.reference_sample) {
    return `run ${run.runId} was split by time and recorded its test rows (the latest period) ` +
      "as its reference sample, not its training distribution: retrain it to compare with that";
  }
  if (SNAPSHOT_SOURCES.has(run.tags.feature_source ?? "")) {
    return `run ${run.runId} was split by time on a snapshot (${run.tags.feature_source}: one ` +
      `row per entity at its latest event): its training part holds the entities last seen by ` +
      `${metrics.time_ranges.train.to}, and a fresh snapshot also holds those seen since, so it ` +
      "differs by construction; split snapshots with data.split stratified";
  }
  return undefined;
}

/** What {@link compareSamples} compares: a run's reference sample and model, and a current sample. */
interface Samples {
  readonly run: RunInfo;
  readonly ref: Frame;
  readonly current: CurrentSample;
  readonly model: Classifier;
  /** The run's `metrics.json`. */
  readonly metrics: RunMetrics;
  readonly scenario: DriftScenario;
  /** The chunking asked for (none: no chunked measures). */
  readonly chunks: ReturnType<typeof chunkOptions> & { readonly seed: number };
}

/** Data drift, and prediction and performance drift where each has enough values to measure. */
function compareSamples(s: Samples, options: ResolvedRunDriftOptions): DriftReport {
  const { ref, current, model, run } = s, cur = current.frame;
  const scores = current.scores ?? model.predictProba(inModelCodes(cur, current.specs, model));
  const labels = current.labels, rows = current.labeledRows;
  const perf = rows ? { labels, scores: takeValues(scores, rows) } : { labels, scores };
  // A feature trained from text is compared as its categories' text: the reference's codes are
  // the model's vocabulary, a current file's its own (the same text may have another code).
  const columns = (frame: Frame, side: "reference" | "current"): FeatureColumn[] =>
    current.specs.map((f) => {
      const vocab = model.vocabulary[f.name];
      const names = side === "current" ? f.categories ?? vocab : vocab;
      const values = frame.column(f.name);
      return { name: f.name, kind: f.kind, values: names ? categoryText(values, names) : values };
    });
  const data = detectDataDrift(columns(ref, "reference"), columns(cur, "current"), {
    ...options,
    ...(s.metrics.missing_shares ? { referenceMissingShare: s.metrics.missing_shares } : {}),
    importance: model.featureImportance(),
  });
  const refScores = ref.column("prediction"), min = options.minSamples;
  const scoreGap = scoreNote("prediction drift", "scores", { rs: refScores, cs: scores, min });
  const labelGap = hasBothClasses(perf.labels)
    ? scoreNote("performance drift", "labeled rows", { rs: ref.column("label"), cs: labels, min })
    : `performance drift not measurable: ${
      labels.length ? "the current labels hold one class only" : "no labeled current rows"
    }`;
  const warnings = [referenceNote(run, s.metrics), ...current.warnings, scoreGap, labelGap]
    .filter((n) => typeof n === "string");
  const threshold = model.decisionThreshold, margin = options.performanceMargin;
  const reference = { roc_auc: s.metrics.test.roc_auc, ...s.metrics.test_at_chosen_threshold };
  return new DriftReport(data, {
    reference: `run ${run.runId} reference sample (${ref.rows} rows)`,
    current: current.description,
    scenario: s.scenario,
    referenceRunId: run.runId,
    createdAt: new Date().toISOString(),
    ...(warnings.length ? { warnings } : {}),
  }, {
    ...(scoreGap === null
      ? {
        prediction: predictionDrift(refScores, scores, {
          alpha: data.significanceLevel,
          psiBins: options.psiBins,
        }),
      }
      : {}),
    ...(labelGap === null
      ? { performance: performanceDrift(reference, perf, { threshold, margin }) }
      : {}),
    ...(s.chunks.chunking
      ? {
        chunks: chunkedDrift(
          { columns: columns(ref, "reference"), scored: scoredReference(ref, threshold) },
          {
            columns: columns(cur, "current"),
            // Rows in time order when each has a time: the latest chunk is the latest traffic.
            ...(current.times?.every((t) => !Number.isNaN(t)) ? { timestamps: current.times } : {}),
            scored: {
              scores,
              predictions: decided(scores, threshold),
              labels: knownLabels(current),
            },
          },
          {
            by: s.chunks.chunking,
            varianceShare: s.chunks.reconstructionVariance,
            seed: s.chunks.seed,
            dataDrift: { ...options, importance: model.featureImportance() },
          },
        ),
      }
      : {}),
  });
}

/** The reference sample's scores, decisions at `threshold` and labels. */
function scoredReference(ref: Frame, threshold: number): ScoredSample {
  const scores = ref.column("prediction");
  return { scores, predictions: decided(scores, threshold), labels: ref.column("label") };
}

/** 1 where the score reaches the threshold, else 0. */
function decided(scores: Float64Array, threshold: number): Float64Array {
  return scores.map((s) => (Number.isNaN(s) ? NaN : s >= threshold ? 1 : 0));
}

/** Each current row's label, NaN where none has arrived. */
function knownLabels(current: CurrentSample): Float64Array {
  const out = new Float64Array(current.frame.rows).fill(NaN);
  const rows = current.labeledRows;
  current.labels.forEach((y, k) => (out[rows ? rows[k]! : k] = y));
  return out;
}

/** A current sample: features, labels (the rules', or the file's own) and what they are. */
interface CurrentSample {
  readonly frame: Frame;
  /** Labels: of every row, or of `labeledRows` only. */
  readonly labels: Uint8Array;
  readonly labeledRows?: Int32Array;
  /** The scores production returned (the prediction log), instead of rescoring. */
  readonly scores?: Float64Array;
  /** Each row's time (ms), when the source has one: label maturity counts from it. */
  readonly times?: Float64Array;
  readonly specs: readonly FeatureSpec[];
  readonly description: string;
  readonly warnings: readonly string[];
}

/** Rows from the configured source: a labeled file, or features labeled by the configured rules. */
async function currentSample(
  config: TrainingConfig,
  sampling: {
    seed: number;
    samples: number;
    scenario: DriftScenario;
    textColumns: ReadonlySet<string>;
  },
): Promise<CurrentSample> {
  const read = await readFeatures(config.data, { views: config.featureViews, ...sampling });
  const frame = read.features.frame;
  const labels = read.labeled?.labels ?? labelByRules(frame, ruleSet(config.data.labelRules), {
    targetRate: config.data.positiveRate,
    seed: sampling.seed,
  }).labels;
  const what = read.labeled ? "the current file" : "the current sample";
  const times = read.features.timestamps;
  return {
    frame,
    labels,
    ...(times.some((t) => !Number.isNaN(t)) ? { times } : {}),
    specs: read.labeled?.specs ?? featuresOf(config.featureViews),
    description: read.description,
    warnings: [
      ...(read.notes?.warnings ?? []),
      ...readWarnings({ nonNumeric: read.nonNumeric }, what),
    ],
  };
}

/**
 * The sample with only its mature labels: those of rows at least `days` old at `now` (a row
 * without a time never matures). A younger row is unlabeled: the estimated performance covers it.
 */
function withMatureLabels(
  current: CurrentSample,
  { days, now }: { days: number; now: number },
): CurrentSample {
  if (days === 0 || !current.times) return current;
  const times = current.times;
  const rows = current.labeledRows ??
    Int32Array.from({ length: current.frame.rows }, (_, i) => i);
  const keep = rows.map((_, k) => k).filter((k) => isMature(times[rows[k]!]!, { days, now }));
  const young = rows.length - keep.length;
  return {
    ...current,
    labels: Uint8Array.from(keep, (k) => current.labels[k]!),
    labeledRows: Int32Array.from(keep, (k) => rows[k]!),
    warnings: [
      ...current.warnings,
      ...(young
        ? [
          `${young} label(s) younger than monitor.labelMaturityDays (${days}) left out of realized performance`,
        ]
        : []),
    ],
  };
}

/** The latest rows of a model's prediction log, with the feedback labels that arrived. */
async function loggedSample(
  config: TrainingConfig,
  { model, samples }: { model: string; samples: number },
): Promise<CurrentSample> {
  if (config.data.source !== "redis") {
    throw new ConfigError([
      `current: "predictions" are read from the prediction log in Redis (data.source "redis", got "${config.data.source}")`,
    ]);
  }
  const conn = connectRedis(redisSettings(config.data.redis));
  try {
    const keys = logKeys(model);
    const log = await readPredictionLog(conn, { ...keys, max: samples, roles: ["champion"] });
    const specs = featuresOf(config.featureViews).filter((s) => log.names.includes(s.name));
    return {
      frame: new Frame([...log.names], log.columns),
      labels: log.labels,
      labeledRows: log.labeledRows,
      scores: log.scores,
      times: log.times,
      specs,
      description: `prediction log ${keys.stream} on ${conn.where} (${log.scores.length} rows, ` +
        `${log.labels.length} with feedback)`,
      warnings: [],
    };
  } finally {
    await conn.close();
  }
}

/**
 * `frame` with each text feature's codes (its file's own, in `specs`) turned into the model's
 * (a category the model never saw is missing, as `predict` scores it).
 */
function inModelCodes(frame: Frame, specs: readonly FeatureSpec[], model: Classifier): Frame {
  const columns = frame.names.map((name, j) => {
    const own = specs.find((f) => f.name === name)?.categories, vocab = model.vocabulary[name];
    const values = frame.columns[j]!;
    if (!own || !vocab) return values;
    const code = new Map(vocab.map((c, k) => [c, k]));
    return Float64Array.from(values, (c) => (Number.isNaN(c) ? NaN : code.get(own[c]!) ?? NaN));
  });
  return new Frame([...frame.names], columns);
}

/** Category codes as their text ("" for missing; a code past `names` as its number). */
function categoryText(codes: Float64Array, names: readonly string[]): string[] {
  return Array.from(codes, (c) => (Number.isNaN(c) ? "" : names[c] ?? String(c)));
}

function hasBothClasses(labels: Uint8Array): boolean {
  let ones = 0;
  for (const y of labels) ones += y;
  return ones > 0 && ones < labels.length;
}

/** An artifact as text. */
async function text(store: TrackingStore, run: RunInfo, path: string): Promise<string> {
  return new TextDecoder().decode(await store.readArtifact(run, path));
}

/** The run's reference sample: features, `prediction` and `label`, at most `max` rows. */
async function referenceSample(
  store: TrackingStore,
  run: RunInfo,
  sample: { names: readonly string[]; max: number; seed: number },
): Promise<Frame> {
  const { names, max, seed } = sample;
  const table = parseCsv(await text(store, run, "reference_sample.csv"), "reference_sample.csv");
  if (table.rows === 0) throw new DataError(`run ${run.runId} has an empty reference sample`);
  const all = numericColumns(table, [...names, "prediction", "label"]).frame;
  return all.take(sampleRows(all.rows, max, seed));
}

/** Logs a report as a run of its own (`run_type=drift`) with JSON and HTML artifacts. */
export async function logDriftRun(
  store: TrackingStore,
  what: { config: TrainingConfig; run: RunInfo; report: DriftReport; maxSamples: number },
): Promise<{ driftRunId: string; artifactUri: string }> {
  const { report } = what, data = report.data, scenario = report.context.scenario ?? "none";
  const experimentId = await store.experimentId(what.config.mlflow.experimentName);
  const driftRun = await store.startRun(experimentId, {
    runName: `drift-${scenario}-${new Date().toISOString()}`,
    tags: { run_type: "drift", reference_run_id: what.run.runId },
  });
  await inRun(driftRun, async () => {
    await driftRun.logParams({
      scenario,
      max_samples: what.maxSamples,
      significance_level: data.significanceLevel,
      correction: data.correction,
    });
    await driftRun.logMetrics({
      drifted_share: data.dataset.driftedShare,
      drifted_count: data.dataset.driftedCount,
      // Features both samples held enough values of: 0 means no verdict could be given.
      measured_features: data.dataset.measuredCount,
      ...(data.dataset.driftedImportanceShare !== null
        ? { drifted_importance_share: data.dataset.driftedImportanceShare }
        : {}),
      ...(report.prediction
        ? {
          prediction_psi: report.prediction.psi,
          prediction_ks_p_value: report.prediction.pValue,
        }
        : {}),
      drift_found: report.driftFound ? 1 : 0,
    });
    await driftRun.logArtifact("drift_report.json", JSON.stringify(report, null, 2) + "\n");
    await driftRun.logArtifact("drift_report.html", await driftReportHtml(report));
  });
  return { driftRunId: driftRun.runId, artifactUri: driftRun.artifactUri };
}

async function findTrainingRun(
  store: TrackingStore,
  experiment: string,
  runId?: string,
): Promise<RunInfo> {
  const id = await store.findExperiment(experiment);
  const runs = id ? await store.listRuns(id) : [];
  const training = runs.filter((r) =>
    r.status === "FINISHED" && (r.tags.run_type ?? "train") === "train"
  );
  const run = runId ? runs.find((r) => r.runId === runId) : training[0];
  if (!run) {
    throw new ConfigError([
      runId
        ? `runId: no run ${runId} in experiment "${experiment}"`
        : `mlflow.experimentName: no finished training run in "${experiment}" at ${store.where}; run \`deno task train\` first`,
    ]);
  }
  return run;
}
