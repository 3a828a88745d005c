/**
 * Loads feature rows from the configured source and labels them.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import type { FeatureSpec } from "../data/feature_spec.ts";
import { takeValues } from "../data/frame.ts";
import { completeRows } from "../data/impute.ts";
import { type QualityReport, qualityReport } from "../data/quality.ts";
import { assertTrainableLabels } from "../data/split.ts";
import { DataError } from "../errors.ts";
import { featuresOf } from "../features/catalog.ts";
import { readFeatures } from "../features/source.ts";
import type { FeatureSet } from "../features/window_processor.ts";
import { type FraudLabels, labelFraud } from "../labels/fraud_labeler.ts";

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
  const read = await readFeatures(data, { views: config.featureViews, seed: config.seed });
  const raw = read.features, frame = raw.frame, nonNumeric = read.nonNumeric;
  const quality = {
    ...qualityReport(frame, specs, nonNumeric),
    ...(read.notes ? { source: read.notes } : {}),
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
  return { features, labels, specs, quality, labeling, droppedRows, staleRows: read.staleRows };
}
