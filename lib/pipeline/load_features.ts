/**
 * Loads labeled rows: feature rows from the configured source labeled by the configured rule set,
 * or rows with real labels from a file; then the missing-value policy.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import type { FeatureSpec } from "../data/feature_spec.ts";
import { type Frame, takeValues } from "../data/frame.ts";
import { completeRows } from "../data/impute.ts";
import { type QualityReport, qualityReport, type SourceNotes } from "../data/quality.ts";
import { assertTrainableLabels } from "../data/split.ts";
import { DataError } from "../errors.ts";
import { featuresOf } from "../features/catalog.ts";
import { readFeatures } from "../features/source.ts";
import type { FeatureSet } from "../features/window_processor.ts";
import { fileLabeling, labelByRules, type Labeling } from "../labels/rule_labeler.ts";
import { ruleSet } from "../labels/rule_sets.ts";
import { Phases } from "../util/phases.ts";
import type { Logger } from "../util/logger.ts";
import { readWarnings } from "../data/read_counts.ts";
import { MAX_CATEGORIES } from "../models/gbt/wide_categories.ts";
import type { TransactionLog } from "../features/transaction_log.ts";

/** Labeled, cleaned feature rows ready to split. */
export interface LabeledData {
  /** The feature rows (after the missing-value policy). */
  readonly features: FeatureSet;
  /** 0/1 labels, parallel to the rows. */
  readonly labels: Uint8Array;
  /** Row weights, parallel to the rows (`data.file.weightColumn`); absent: every row weighs 1. */
  readonly weights?: Float64Array;
  /** Specs of the columns, in order (the catalog's, or inferred from a file). */
  readonly specs: readonly FeatureSpec[];
  /** Quality report of the rows as loaded (before dropping). */
  readonly quality: QualityReport;
  /** How the labels were made. */
  readonly labeling: Labeling;
  /** Rows dropped by `data.missing = "drop"`. */
  readonly droppedRows: number;
  /** Rows dropped as older than the max feature age (Redis source). */
  readonly staleRows: number;
  /** Where the rows came from, in words. */
  readonly description: string;
  /** The transaction log the rows are (`data.source: "transactions"`), row for row. */
  readonly log?: TransactionLog;
}

/** Rows and labels before the missing-value policy. */
interface Loaded {
  readonly features: FeatureSet;
  readonly labels: Uint8Array;
  readonly weights?: Float64Array | undefined;
  readonly specs: readonly FeatureSpec[];
  readonly labeling: Labeling;
  readonly nonNumeric: Readonly<Record<string, number>>;
  readonly notes?: SourceNotes | undefined;
  readonly staleRows: number;
  readonly description: string;
  readonly log?: TransactionLog | undefined;
}

/**
 * Refuses, before any run starts, text columns with more categories than a categorical split can
 * hold (`enable_categorical`; one line naming each column and its count).
 */
function assertCategoryCounts(specs: readonly FeatureSpec[], description: string): void {
  const wide = specs.filter((s) => (s.categories?.length ?? 0) > MAX_CATEGORIES);
  if (wide.length === 0) return;
  const counts = wide.map((s) =>
    `"${s.name}" (${s.categories!.length.toLocaleString("en")} categories)`
  );
  throw new DataError(
    `${description}: ${wide.length === 1 ? "text column" : "text columns"} ${counts.join(", ")}: ` +
      `a categorical feature holds at most ${MAX_CATEGORIES.toLocaleString("en")} categories ` +
      `(model.params.enable_categorical)`,
  );
}

/** What {@link checkLoadedRows} reads of loaded rows. */
export interface LoadedRows {
  readonly frame: Frame;
  readonly specs: readonly FeatureSpec[];
  readonly quality: QualityReport;
  readonly description: string;
}

/**
 * Refuses loaded rows that cannot be trained on: a feature with no value at all, text columns with
 * more categories than a categorical split holds, or missing values under `data.missing: "error"`.
 *
 * @throws {DataError} one sentence naming the features.
 */
export function checkLoadedRows(rows: LoadedRows, config: TrainingConfig): void {
  const { frame, quality } = rows;
  const empty = quality.features.filter((f) => frame.rows > 0 && f.missing === frame.rows);
  if (empty.length) {
    throw new DataError(
      `${rows.description}: ${empty.length === 1 ? "feature" : "features"} ${
        empty.map((f) => f.name).join(", ")
      } entirely missing (no value in ${frame.rows} rows)`,
    );
  }
  if (config.model.params.enable_categorical) assertCategoryCounts(rows.specs, rows.description);
  if (quality.rowsWithMissing > 0 && config.data.missing === "error") {
    const cols = quality.features.filter((f) => f.missing > 0).map((f) =>
      `${f.name} (${f.missing})`
    );
    throw new DataError(
      `${quality.rowsWithMissing} of ${frame.rows} rows have missing values, in ${
        cols.join(", ")
      }; data.missing is "error" (use "impute" or "drop")`,
    );
  }
}

/**
 * Loads the configured rows with labels, and applies the missing-value policy; the time of reading
 * and of labeling goes to `phases` (`features`, `labels`).
 *
 * @throws {ConfigError} for a source that cannot serve the config.
 * @throws {DataError} for a bad file, empty data, a single class, or missing values under
 *   `missing: "error"`.
 */
export async function loadLabeledData(
  config: TrainingConfig,
  phases = new Phases(),
): Promise<LabeledData> {
  const loaded = await labeledRows(config, phases);
  const { features: raw, specs } = loaded;
  const frame = raw.frame;
  const quality = {
    ...qualityReport(frame, specs, loaded.nonNumeric),
    ...(loaded.notes ? { source: loaded.notes } : {}),
  };
  checkLoadedRows({ frame, specs, quality, description: loaded.description }, config);
  let features: FeatureSet = raw;
  let labels = loaded.labels, weights = loaded.weights;
  if (quality.rowsWithMissing > 0 && config.data.missing === "drop") {
    const keep = completeRows(frame);
    features = {
      frame: frame.take(keep),
      entityIds: Array.from(keep, (i) => raw.entityIds[i]!),
      timestamps: takeValues(raw.timestamps, keep),
    };
    labels = takeValues(labels, keep);
    if (weights) weights = takeValues(weights, keep);
  }
  assertTrainableLabels(labels, "the labeled data");
  return {
    features,
    labels,
    ...(weights ? { weights } : {}),
    specs,
    quality,
    labeling: loaded.labeling,
    droppedRows: frame.rows - features.frame.rows,
    staleRows: loaded.staleRows,
    description: loaded.description,
    // A log stays row for row with the features (its features are never missing, none dropped).
    ...(loaded.log && features.frame.rows === frame.rows ? { log: loaded.log } : {}),
  };
}

/** The source's rows with labels: a labeled file's own, else the configured rules'. */
async function labeledRows(config: TrainingConfig, phases: Phases): Promise<Loaded> {
  const read = await phases.time(
    "features",
    () => readFeatures(config.data, { views: config.featureViews, seed: config.seed }),
  );
  const common = {
    features: read.features,
    nonNumeric: read.nonNumeric,
    notes: read.notes,
    staleRows: read.staleRows,
    description: read.description,
    log: read.log,
  };
  if (read.labeled) {
    const { labels, specs, weights } = read.labeled;
    // A transaction log's positives are frauds, whatever its label column is called.
    const positive = read.log ? "fraud" : config.data.file.label!;
    return { ...common, labels, weights, specs, labeling: fileLabeling(labels, positive) };
  }
  const { labels, scores: _scores, ...labeling } = await phases.time("labels", () =>
    labelByRules(
      read.features.frame,
      ruleSet(config.data.labelRules),
      { targetRate: config.data.positiveRate, noise: config.data.labelNoise, seed: config.seed },
    ));
  return { ...common, labels, specs: featuresOf(config.featureViews), labeling };
}

/**
 * What was wrong with loaded rows, as log lines: rows dropped (missing values, stale), the
 * source's warnings, unreadable cells counted per feature, and each feature's missing,
 * out-of-range or constant values.
 */
export function logQuality(
  log: Logger,
  data: { quality: QualityReport; droppedRows: number; staleRows?: number },
): void {
  if (data.droppedRows) log.warn(`dropped ${data.droppedRows} rows with missing values`);
  if (data.staleRows) log.warn(`dropped ${data.staleRows} rows older than the max feature age`);
  for (const w of data.quality.source?.warnings ?? []) log.warn(w);
  const unreadable = Object.fromEntries(data.quality.features.map((f) => [f.name, f.nonNumeric]));
  for (const line of readWarnings({ nonNumeric: unreadable })) log.warn(line);
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
}
