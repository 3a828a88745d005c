/**
 * The one feature source: rows of the configured feature views from the embedded stream (with an
 * optional drift scenario) or the Redis feature store, `samples` of them chosen with the seed.
 * Training, drift and the notebooks all read features through {@link readFeatures}.
 *
 * @module
 */

import { takeValues } from "../data/frame.ts";
import type { SourceNotes } from "../data/quality.ts";
import { sampleRows } from "../data/sample.ts";
import { ConfigError, DataError } from "../errors.ts";
import { featuresOf, oneView } from "./catalog.ts";
import type { FeatureView } from "../data/feature_spec.ts";
import { embeddedFeatures } from "./embedded_source.ts";
import { countUnreadable, describeShrink, type Extraction } from "./redis/extract.ts";
import { readRedisFeatures, type RedisConfig } from "./redis/source.ts";
import type { DriftScenario } from "./transactions.ts";
import type { FeatureSet } from "./window_processor.ts";

/** The data settings the source reads (the config's `data` section is one). */
export interface SourceSettings {
  /** `embedded` (the synthetic stream) or `redis` (the feature store); `file` is read with labels by the pipeline. */
  readonly source: "embedded" | "redis" | "file";
  /** Rows to read unless `samples` is given. */
  readonly maxSamples: number;
  /** Snapshot time of the embedded stream. */
  readonly snapshotTime: string;
  /** A known shift in the embedded stream (unless `scenario` is given per read). */
  readonly scenario?: DriftScenario;
  readonly redis: RedisConfig;
}

/** Options of {@link readFeatures}. */
export interface ReadFeaturesOptions {
  /** Feature views whose columns are returned, in catalog order. */
  readonly views: readonly string[];
  /** Seed of the embedded stream and of the row sample. */
  readonly seed: number;
  /** Rows to return. @default settings.maxSamples */
  readonly samples?: number;
  /** A known shift injected into the embedded stream. @default settings.scenario ?? "none" */
  readonly scenario?: DriftScenario;
}

/** The rows read and what the source reported. */
export interface FeatureRead {
  /** Rows with the views' columns only. */
  readonly features: FeatureSet;
  /** Present-but-unreadable values per feature (loaded as missing). */
  readonly nonNumeric: Readonly<Record<string, number>>;
  /** Rows dropped as older than the max feature age. */
  readonly staleRows: number;
  /** Counts and warnings of the source (Redis), for the data-quality report. */
  readonly notes?: SourceNotes;
  /** Where the rows came from, in words (`embedded stream, seed 7 (1000 rows)`). */
  readonly description: string;
}

/**
 * Reads feature rows from the configured source.
 *
 * @throws {ConfigError} when asked for more than one view, or for the file source (whose rows
 *   come with labels: `readLabeledFile`).
 * @throws {DataError} when the source returns no rows or cannot be read.
 * @example 1,000 rows from the embedded stream
 * ```ts
 * import { config } from "../config/load.ts";
 * import { readFeatures } from "./source.ts";
 * const { data, featureViews } = config({ data: { source: "embedded", maxSamples: 1000 } });
 * const read = await readFeatures(data, { views: featureViews, seed: 7 });
 * read.features.frame.rows; // 1000
 * read.description; // "embedded transaction stream, seed 7 (1000 rows)"
 * ```
 */
export async function readFeatures(
  settings: SourceSettings,
  options: ReadFeaturesOptions,
): Promise<FeatureRead> {
  const names = featuresOf(options.views).map((s) => s.name);
  const samples = options.samples ?? settings.maxSamples;
  if (settings.source === "file") {
    throw new ConfigError([
      `data.source: "file" rows are read with their labels for training; drift between files ` +
      `takes the reference and current files`,
    ]);
  }
  const view = oneView(options.views, `the ${settings.source} source reads`);
  const read = settings.source === "redis"
    ? await fromRedis(settings.redis, { view, samples, seed: options.seed })
    : fromEmbedded(settings, { ...options, samples });
  const f = read.features;
  if (f.frame.rows === 0) {
    throw new DataError(`the ${settings.source} feature source returned no rows`);
  }
  return { ...read, features: { ...f, frame: f.frame.select(names) } };
}

function fromEmbedded(
  settings: SourceSettings,
  options: ReadFeaturesOptions & { samples: number },
): FeatureRead {
  const scenario = options.scenario ?? settings.scenario ?? "none";
  const features = embeddedFeatures({
    view: options.views[0]!,
    samples: options.samples,
    seed: options.seed,
    snapshotTime: settings.snapshotTime,
    scenario,
  });
  return {
    features,
    nonNumeric: {},
    staleRows: 0,
    description: `embedded ${options.views[0]} stream, seed ${options.seed}${
      scenario === "none" ? "" : `, scenario ${scenario}`
    } (${features.frame.rows} rows)`,
  };
}

async function fromRedis(
  redis: RedisConfig,
  want: { view: FeatureView; samples: number; seed: number },
): Promise<FeatureRead> {
  const { view, samples, seed } = want;
  const ex = await readRedisFeatures(redis, view);
  const all = ex.features;
  const pick = sampleRows(all.frame.rows, samples, seed);
  const features = pick.length === all.frame.rows ? all : {
    frame: all.frame.take(pick),
    entityIds: Array.from(pick, (i) => all.entityIds[i]!),
    timestamps: takeValues(all.timestamps, pick),
  };
  return {
    features,
    nonNumeric: pick.length === all.frame.rows
      ? ex.nonNumeric
      : countUnreadable(ex.unreadable, all.frame.names, pick),
    staleRows: ex.stale,
    notes: redisNotes(ex),
    description: `Redis (${redis.layout} layout), ${features.frame.rows} of ${all.frame.rows} rows`,
  };
}

function redisNotes(ex: Extraction): SourceNotes {
  return {
    name: "redis",
    counts: {
      keys_read: ex.keysRead,
      stale_rows: ex.stale,
      duplicates: ex.duplicates,
      rescans: ex.rescans,
      rows_gone_after_rescan: ex.rescanShrink.reduce((a, s) => a + s.missing, 0),
      keys_not_hashes: ex.wrongTypeKeys,
      keys_gone_before_read: ex.goneKeys,
    },
    warnings: [
      ...ex.rescanShrink.map(describeShrink),
      ...(ex.wrongTypeKeys
        ? [`${ex.wrongTypeKeys} key(s) matching the view's pattern hold no hash (skipped)`]
        : []),
      ...(ex.goneKeys
        ? [`${ex.goneKeys} key(s) were deleted or expired between SCAN and their read (no row)`]
        : []),
    ],
  };
}
