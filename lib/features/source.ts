/**
 * The one feature source: rows of the configured feature views from the embedded stream (with an
 * optional drift scenario), the Redis feature store, or a labeled file (whose labels come along),
 * `samples` of them chosen with the seed. Training, drift and the notebooks all read features
 * through {@link readFeatures}.
 *
 * @module
 */

import { takeValues } from "../data/frame.ts";
import type { SourceNotes } from "../data/quality.ts";
import { sampleRows } from "../data/sample.ts";
import { ConfigError, DataError } from "../errors.ts";
import { featuresOf, oneView } from "./catalog.ts";
import type { FeatureSpec, FeatureView } from "../data/feature_spec.ts";
import { type FileSettings, readLabeledFile } from "./file_source.ts";
import { readTransactionLog } from "./log_source.ts";
import { pointInTimeFeatures } from "./point_in_time.ts";
import { generateTransactionLog } from "./embedded_log.ts";
import type { TransactionLog } from "./transaction_log.ts";
import { embeddedFeatures } from "./embedded_source.ts";
import { countUnreadable, describeShrink, type Extraction } from "./redis/extract.ts";
import { readRedisFeatures, type RedisConfig } from "./redis/source.ts";
import type { DriftScenario } from "./transactions.ts";
import type { FeatureSet } from "./window_processor.ts";

/** The data settings the source reads (the config's `data` section is one). */
export interface SourceSettings {
  /**
   * `embedded` (the synthetic stream), `redis` (the feature store), `file` (a labeled file) or
   * `transactions` (a transaction log, one row per transaction).
   */
  readonly source: "embedded" | "redis" | "file" | "transactions";
  /** The labeled file (`source: "file"`), or the log's path and columns (`"transactions"`). */
  readonly file?: FileSettings & LogColumns;
  /** A log's feature windows in days. */
  readonly windowsDays?: readonly number[];
  /** `scenarios`: the embedded source simulates a transaction log with ground-truth fraud. */
  readonly labels?: "rules" | "scenarios";
  /** Days of the simulated log. */
  readonly logDays?: number;
  /** How late a log's labels are known, in days. */
  readonly delayDays?: number;
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
  /** A file's columns to read as text whatever they hold (as the model was trained on them). */
  readonly textColumns?: ReadonlySet<string>;
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
  /** A labeled file's own labels and inferred feature specs (`source: "file"`, `"transactions"`). */
  readonly labeled?: {
    readonly labels: Uint8Array;
    readonly specs: readonly FeatureSpec[];
    /** Row weights from the weight column (`data.file.weightColumn`). */
    readonly weights?: Float64Array;
  };
  /** The transaction log the rows are (`source: "transactions"`; row i of the log is row i here). */
  readonly log?: TransactionLog;
}

/** A transaction log's columns beyond a labeled file's (see `data.file` in the config). */
export interface LogColumns {
  readonly counterpartyColumn?: string | undefined;
  readonly amountColumn?: string | undefined;
  readonly labelTimeColumn?: string | undefined;
  readonly idColumn?: string | undefined;
}

/**
 * Reads feature rows from the configured source.
 *
 * @throws {ConfigError} when asked for more than one view.
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
  if (settings.source === "file") return await fromFile(settings, options);
  if (settings.source === "transactions") return await fromLog(settings);
  if (settings.source === "embedded" && settings.labels === "scenarios") {
    return logRead(simulatedLog(settings, options), {
      settings,
      what: "simulated transaction log",
    });
  }
  const names = featuresOf(options.views).map((s) => s.name);
  const samples = options.samples ?? settings.maxSamples;
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

/** Every row of the labeled file, or `samples` of them (chosen with the seed) when asked. */
async function fromFile(
  settings: SourceSettings,
  options: ReadFeaturesOptions,
): Promise<FeatureRead> {
  if (!settings.file) throw new ConfigError(["data.file: the file source needs data.file.path"]);
  const text = options.textColumns ? { textColumns: options.textColumns } : {};
  const file = await readLabeledFile(settings.file, text);
  const all = file.features, rows = all.frame.rows;
  const keep = options.samples === undefined
    ? null
    : sampleRows(rows, options.samples, options.seed);
  const features = keep === null ? all : {
    frame: all.frame.take(keep),
    entityIds: Array.from(keep, (i) => all.entityIds[i]!),
    timestamps: takeValues(all.timestamps, keep),
  };
  return {
    features,
    nonNumeric: file.nonNumeric,
    staleRows: 0,
    description: keep === null ? file.description : `${file.description}, ${keep.length} sampled`,
    labeled: {
      labels: keep === null ? file.labels : takeValues(file.labels, keep),
      specs: file.specs,
      ...(file.weights
        ? { weights: keep === null ? file.weights : takeValues(file.weights, keep) }
        : {}),
    },
  };
}

/**
 * Every transaction of the log with its point-in-time features (a log is not sampled: each
 * row's features read the rows before it).
 */
async function fromLog(settings: SourceSettings): Promise<FeatureRead> {
  const f = settings.file;
  if (!f?.path) throw new ConfigError(["data.file.path: the transaction log is not set"]);
  const log = await readTransactionLog({
    path: f.path,
    entityColumn: f.entityColumn ?? "",
    counterpartyColumn: f.counterpartyColumn ?? "",
    timeColumn: f.timestampColumn ?? "",
    amountColumn: f.amountColumn ?? "",
    labelColumn: f.label ?? "",
    labelTimeColumn: f.labelTimeColumn,
    idColumn: f.idColumn,
    weightColumn: f.weightColumn,
  });
  return logRead(log, { settings, what: `transaction log "${f.path}"` });
}

/**
 * The handbook's simulated log, about `samples` transactions over `logDays` days (customers to
 * match, twice as many terminals), seeded; its frauds are confirmed days later.
 */
function simulatedLog(settings: SourceSettings, options: ReadFeaturesOptions): TransactionLog {
  const days = settings.logDays ?? 60, samples = options.samples ?? settings.maxSamples;
  const customers = Math.max(20, Math.round(samples / (2 * days)));
  return generateTransactionLog({ seed: options.seed, customers, terminals: 2 * customers, days })
    .log;
}

/** A log's rows with their point-in-time features and the log's own labels. */
function logRead(
  log: TransactionLog,
  o: { settings: SourceSettings; what: string },
): FeatureRead {
  const { frame, specs } = pointInTimeFeatures(log, {
    ...(o.settings.windowsDays ? { windowsDays: o.settings.windowsDays } : {}),
    ...(o.settings.delayDays !== undefined ? { delayDays: o.settings.delayDays } : {}),
  });
  return {
    features: {
      frame,
      entityIds: Array.from(log.entity, (c) => log.entityNames[c]!),
      timestamps: log.time,
    },
    nonNumeric: {},
    staleRows: 0,
    description: `${o.what} (${log.rows} transactions, ${log.entityNames.length} entities, ` +
      `${log.counterpartyNames.length} counterparties)`,
    labeled: { labels: log.label, specs, ...(log.weights ? { weights: log.weights } : {}) },
    log,
  };
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
