/**
 * Loads feature rows from the configured source and labels them.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { completeRows } from "../data/impute.ts";
import { type QualityReport, qualityReport, type SourceNotes } from "../data/quality.ts";
import { describeShrink } from "../features/redis/extract.ts";
import { assertTrainableLabels } from "../data/split.ts";
import { ConfigError, DataError } from "../errors.ts";
import { FEATURE_VIEWS, featuresOf, type FeatureSpec } from "../features/catalog.ts";
import { readRedisFeatures } from "../features/redis/source.ts";
import { Rng } from "../util/rng.ts";
import { embeddedFeatures } from "../features/embedded_source.ts";
import type { FeatureSet } from "../features/window_processor.ts";
import { type FraudLabels, labelFraud } from "../labels/fraud_labeler.ts";
import { takeValues } from "../data/frame.ts";

/** Labeled, cleaned feature rows ready to split. */
export interface LabeledData {
  /** The feature rows (after the missing-value policy). */
  readonly features: FeatureSet;
  /** 0/1 labels, parallel to the rows. */
  readonly labels: Uint8Array;
  /** Catalog specs of the columns, in order. */
  readonly specs: readonly FeatureSpec[];
  /** Quality report of the rows as loaded (before dropping). */
  readonly quality: QualityReport;
  /** How the labels were made. */
  readonly labeling: Omit<FraudLabels, "labels" | "scores">;
  /** Rows dropped by `data.missing = "drop"`. */
  readonly droppedRows: number;
  /** Rows dropped as older than the max feature age (Redis source). */
  readonly staleRows: number;
}

/**
 * Loads the configured features, labels them, and applies the missing-value policy.
 *
 * @throws {ConfigError} for a source not available yet.
 * @throws {DataError} for empty data, a single class, or missing values under `missing: "error"`.
 */
export async function loadLabeledData(config: TrainingConfig): Promise<LabeledData> {
  const { data } = config;
  const specs = featuresOf(config.featureViews);
  let raw: FeatureSet;
  let nonNumeric: Record<string, number> = {};
  let stale = 0;
  let source: SourceNotes | undefined;
  if (data.source === "redis") {
    if (config.featureViews.length !== 1) {
      throw new ConfigError([
        `featureViews: the Redis source reads one view, got ${JSON.stringify(config.featureViews)}`,
      ]);
    }
    const ex = await readRedisFeatures(data.redis, FEATURE_VIEWS.get(config.featureViews[0]!)!);
    nonNumeric = ex.nonNumeric;
    stale = ex.stale;
    source = {
      name: "redis",
      counts: {
        keys_read: ex.keysRead,
        stale_rows: ex.stale,
        duplicates: ex.duplicates,
        rescans: ex.rescans,
        rows_gone_after_rescan: ex.rescanShrink.reduce((a, s) => a + s.missing, 0),
      },
      warnings: ex.rescanShrink.map(describeShrink),
    };
    raw = limitRows(ex.features, data.maxSamples, config.seed);
  } else {
    raw = embeddedFeatures({
      samples: data.maxSamples,
      seed: config.seed,
      snapshotTime: data.snapshotTime,
    });
  }
  const frame = raw.frame.select(specs.map((s) => s.name));
  if (frame.rows === 0) throw new DataError(`the ${data.source} feature source returned no rows`);
  const quality = {
    ...qualityReport(frame, specs, nonNumeric),
    ...(source ? { source } : {}),
  };
  const { labels: allLabels, scores: _scores, ...labeling } = labelFraud(frame, {
    targetRate: data.fraudRateTarget,
    noise: data.labelNoise,
    seed: config.seed,
  });

  let features: FeatureSet = { ...raw, frame };
  let labels = allLabels;
  let droppedRows = 0;
  if (quality.rowsWithMissing > 0 && data.missing === "error") {
    const cols = quality.features.filter((f) => f.missing > 0).map((f) =>
      `${f.name} (${f.missing})`
    );
    throw new DataError(
      `${quality.rowsWithMissing} of ${frame.rows} rows have missing values, in ${
        cols.join(", ")
      }; ` +
        `data.missing is "error" (use "impute" or "drop")`,
    );
  }
  if (quality.rowsWithMissing > 0 && data.missing === "drop") {
    const keep = completeRows(frame);
    droppedRows = frame.rows - keep.length;
    features = {
      frame: frame.take(keep),
      entityIds: Array.from(keep, (i) => raw.entityIds[i]!),
      timestamps: takeValues(raw.timestamps, keep),
    };
    labels = takeValues(allLabels, keep);
  }
  assertTrainableLabels(labels, "the labeled data");
  return { features, labels, specs, quality, labeling, droppedRows, staleRows: stale };
}

/** At most `max` rows, a seeded sample when there are more. */
function limitRows(f: FeatureSet, max: number, seed: number): FeatureSet {
  if (f.frame.rows <= max) return f;
  const pick = new Rng(seed).shuffle(Int32Array.from({ length: f.frame.rows }, (_, i) => i)).slice(
    0,
    max,
  ).sort();
  return {
    frame: f.frame.take(pick),
    entityIds: Array.from(pick, (i) => f.entityIds[i]!),
    timestamps: takeValues(f.timestamps, pick),
  };
}
