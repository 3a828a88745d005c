/**
 * Champion against challenger on live traffic, from the prediction log (`deno task serve
 * --shadow`/`--canary`) and the feedback that matured: how often their decisions agree on the
 * rows both scored (a shadow's rows), how far apart their score distributions are (KS), their
 * realized metrics on rows whose labels are older than `monitor.labelMaturityDays` — on the rows
 * both scored when there are enough, so the two are measured on the same rows — and, where labels
 * are missing, their estimated ROC AUC (CBPE, each from its own run's reference sample).
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { parseCsv } from "../data/csv_parse.ts";
import { numericColumns } from "../data/read_table.ts";
import { estimatePerformance } from "../drift/cbpe.ts";
import { ks2samp } from "../drift/ks.ts";
import { ConfigError, DataError, ifFound } from "../errors.ts";
import { isMature } from "../data/days.ts";
import { evaluateBinary, type ScalarMetric } from "../evaluate/binary_metrics.ts";
import { connectRedis } from "../features/redis/client.ts";
import { redisSettings } from "../features/redis/source.ts";
import { type LoggedSample, logKeys, readPredictionLog } from "../serve/prediction_log.ts";
import { noRegistry } from "../tracking/file_store.ts";
import type { ModelVersion, TrackingStore } from "../tracking/store.ts";
import { readModelAt } from "./load_model.ts";
import { locateModel } from "./model_ref.ts";
import { openSession } from "./tracking_session.ts";
import { textTable } from "../report/text_table.ts";

/** One model's live evidence. */
export interface LiveSide {
  readonly version: string;
  /** Rows it scored (answers and shadow scores). */
  readonly rows: number;
  /** Of those, rows with a matured label. */
  readonly labeled: number;
  /** Realized metric on the compared labeled rows (NaN: too few, or one class). */
  readonly realized: number;
  /** Estimated ROC AUC (CBPE) over all its rows. */
  readonly estimatedRocAuc: number;
}

/** The comparison. */
export interface LiveComparison {
  readonly name: string;
  readonly metric: string;
  readonly champion: LiveSide;
  readonly challenger: LiveSide;
  /** Rows both scored (shadow pairs). */
  readonly paired: number;
  /** Share of paired rows where their decisions agree (NaN without pairs). */
  readonly agreement: number;
  /** KS statistic between the two models' scores. */
  readonly scoreShift: number;
  /** `paired`: realized metrics on the same labeled rows; `own`: each on its own rows. */
  readonly realizedOn: "paired" | "own";
}

/** The latest log entries read (the server keeps about `logMaxLen`, 100,000 by default). */
export const MAX_LOG_ROWS = 200_000;

/** Least labeled rows (with both classes) a realized metric is read from. */
export const MIN_LABELED = 30;

/**
 * Compares the `champion` and `challenger` of `name` on what the server logged.
 *
 * @throws {ConfigError} without a registry or either alias; {@link DataError} for an empty log.
 */
export async function compareLive(
  config: TrainingConfig,
  store: TrackingStore,
  o: { name: string; metric: ScalarMetric; now?: number },
): Promise<LiveComparison> {
  const { champion, challenger } = await aliasesOf(store, o.name);
  const log = await readLog(config, o.name);
  const matured = maturedLabels(log, {
    days: config.monitor.labelMaturityDays,
    now: o.now ?? Date.now(),
  });
  // The champion's answers; the challenger's shadow scores and canary answers.
  const pick = (v: ModelVersion, roles: readonly string[]) =>
    Int32Array.from(
      log.versions.flatMap((x, i) => x === v.version && roles.includes(log.roles[i]!) ? [i] : []),
    );
  const [a, b] = [pick(champion, ["champion"]), pick(challenger, ["shadow", "canary"])];
  if (a.length === 0 || b.length === 0) throw emptySide(log, { champion, challenger });
  const thresholds = {
    champion: await thresholdOf(store, champion),
    challenger: await thresholdOf(store, challenger),
  };
  const pairs = pairedRows(log, { champion: a, challenger: b });
  const bothLabeled = pairs.filter(([i]) => !Number.isNaN(matured[i]!));
  const onPairs = enoughLabels(bothLabeled.map(([i]) => matured[i]!));
  const realized = (rows: Int32Array, at: { paired: number[]; threshold: number }) => {
    const kept = onPairs
      ? Int32Array.from(at.paired)
      : rows.filter((i) => !Number.isNaN(matured[i]!));
    const labels = Array.from(kept, (i) => matured[i]!);
    if (!enoughLabels(labels)) return { value: NaN, labeled: kept.length };
    const scores = Array.from(kept, (i) => log.scores[i]!);
    const metrics = evaluateBinary(labels, scores, { threshold: at.threshold });
    return { value: metrics[o.metric], labeled: kept.length };
  };
  const side = async (
    v: ModelVersion,
    at: { rows: Int32Array; paired: number[]; threshold: number },
  ): Promise<LiveSide> => {
    const r = realized(at.rows, at);
    const scores = take(log.scores, at.rows);
    return {
      version: v.version,
      rows: at.rows.length,
      labeled: r.labeled,
      realized: r.value,
      estimatedRocAuc: await estimatedAuc(store, { version: v, scores, threshold: at.threshold }),
    };
  };
  const agree = pairs.filter(([i, j]) => (log.decisions[i] ?? 0) === (log.decisions[j] ?? 0));
  return {
    name: o.name,
    metric: o.metric,
    champion: await side(champion, {
      rows: a,
      paired: bothLabeled.map(([i]) => i),
      threshold: thresholds.champion,
    }),
    challenger: await side(challenger, {
      rows: b,
      paired: bothLabeled.map(([, j]) => j),
      threshold: thresholds.challenger,
    }),
    paired: pairs.length,
    agreement: pairs.length ? agree.length / pairs.length : NaN,
    scoreShift: a.length && b.length
      ? ks2samp(take(log.scores, a), take(log.scores, b)).statistic
      : NaN,
    realizedOn: onPairs ? "paired" : "own",
  };
}

/** The log with each row's decision (0/1), read from the configured Redis. */
async function readLog(
  config: TrainingConfig,
  name: string,
): Promise<LoggedSample> {
  if (config.data.source !== "redis") {
    throw new ConfigError([
      `compare: the prediction log is read from Redis (data.source "redis", got "${config.data.source}")`,
    ]);
  }
  const conn = connectRedis(redisSettings(config.data.redis));
  try {
    return await readPredictionLog(conn, { ...logKeys(name), max: MAX_LOG_ROWS });
  } finally {
    await conn.close();
  }
}

/** Each row's label if it matured (its row at least `days` old), else NaN. */
function maturedLabels(log: LoggedSample, maturity: { days: number; now: number }) {
  const out = new Float64Array(log.scores.length).fill(NaN);
  log.labeledRows.forEach((row, k) => {
    if (isMature(log.times[row]!, maturity)) out[row] = log.labels[k]!;
  });
  return out;
}

/**
 * The versions `@champion` and `@challenger` point at.
 *
 * @throws {ConfigError} without a registry, without either alias, or when both are one version.
 */
async function aliasesOf(store: TrackingStore, name: string) {
  if (!store.registry) throw noRegistry(store.where);
  const version = async (alias: string) => {
    const v = await ifFound(store.registry!.getModelVersionByAlias(name, alias));
    if (!v) throw new ConfigError([`name: ${name} has no @${alias}`]);
    return v;
  };
  const [champion, challenger] = [await version("champion"), await version("challenger")];
  if (champion.version === challenger.version) {
    throw new ConfigError([
      `name: ${name}@champion and @challenger are the same version ${champion.version}; nothing to compare`,
    ]);
  }
  return { champion, challenger };
}

/** Why a side has no row: what the log holds, by version and role. */
function emptySide(
  log: LoggedSample,
  v: { champion: ModelVersion; challenger: ModelVersion },
): DataError {
  const held = new Map<string, number>();
  log.versions.forEach((x, i) => {
    const key = `v${x} ${log.roles[i]}`;
    held.set(key, (held.get(key) ?? 0) + 1);
  });
  return new DataError(
    `the prediction log has no answers of @champion (v${v.champion.version}) or no shadow or ` +
      `canary rows of @challenger (v${v.challenger.version}); it holds ${
        [...held].map(([k, n]) => `${k} ${n}`).join(", ")
      } (a rollout: serve with a shadow or a canary)`,
  );
}

/** A version's decision threshold. */
async function thresholdOf(store: TrackingStore, v: ModelVersion): Promise<number> {
  const at = await locateModel(store, `models:/${v.name}/${v.version}`);
  return (await readModelAt(store, at)).decisionThreshold;
}

/** Pairs (champion row, challenger row) of the same request row. */
function pairedRows(
  log: LoggedSample,
  rows: { champion: Int32Array; challenger: Int32Array },
): [number, number][] {
  const byRequest = new Map<string, number>();
  for (const i of rows.champion) if (log.requests[i]) byRequest.set(log.requests[i]!, i);
  const pairs: [number, number][] = [];
  for (const j of rows.challenger) {
    const i = byRequest.get(log.requests[j]!);
    if (i !== undefined) pairs.push([i, j]);
  }
  return pairs;
}

/** At least {@link MIN_LABELED} labels, both classes among them. */
function enoughLabels(labels: readonly number[]): boolean {
  const ones = labels.filter((y) => y === 1).length;
  return labels.length >= MIN_LABELED && ones > 0 && ones < labels.length;
}

function take(values: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (i) => values[i]!);
}

/** A version's estimated ROC AUC over the scores (CBPE from its run's reference sample). */
async function estimatedAuc(
  store: TrackingStore,
  o: { version: ModelVersion; scores: Float64Array; threshold: number },
): Promise<number> {
  if (o.scores.length < 2) return NaN;
  const at = await locateModel(store, `models:/${o.version.name}/${o.version.version}`);
  const t = o.threshold;
  const text = new TextDecoder().decode(await store.readArtifact(at.run, "reference_sample.csv"));
  const table = parseCsv(text, "reference_sample.csv");
  const ref = numericColumns(table, ["prediction", "label"]).frame;
  const decide = (s: Float64Array) => s.map((v) => (v >= t ? 1 : 0));
  const refScores = ref.column("prediction");
  const estimate = estimatePerformance(
    { scores: refScores, predictions: decide(refScores), labels: ref.column("label") },
    { scores: o.scores, predictions: decide(o.scores) },
    { by: { count: 1 }, metrics: ["roc_auc"], calibration: "auto" },
  );
  return estimate.estimated[0]!.overall.value;
}

/**
 * {@link compareLive} in its own tracking session (what `deno task compare` runs).
 *
 * @throws as {@link compareLive}.
 */
export async function compareLiveTraffic(
  config: TrainingConfig,
  o: { name: string; metric: ScalarMetric },
): Promise<LiveComparison> {
  const { store } = await openSession(config);
  try {
    return await compareLive(config, store, o);
  } finally {
    await store.close();
  }
}

/**
 * The comparison as text: a row per model, then agreement and score shift.
 *
 * @example
 * ```ts
 * import { formatLiveComparison } from "./live_comparison.ts";
 * const side = (version: string, realized: number) =>
 *   ({ version, rows: 200, labeled: 120, realized, estimatedRocAuc: 0.9 });
 * formatLiveComparison({
 *   name: "fraud_detection", metric: "roc_auc", champion: side("1", 0.81), challenger: side("2", 0.86),
 *   paired: 200, agreement: 0.93, scoreShift: 0.12, realizedOn: "paired",
 * }).includes("challenger"); // true
 * ```
 */
export function formatLiveComparison(c: LiveComparison): string {
  const f = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(4));
  const table = textTable(
    ["model", "version", "rows", "matured labels", `realized ${c.metric}`, "estimated roc_auc"],
    ([["champion", c.champion], ["challenger", c.challenger]] as const).map(([role, s]) => [
      role,
      s.version,
      String(s.rows),
      String(s.labeled),
      f(s.realized),
      f(s.estimatedRocAuc),
    ]),
  );
  return `${c.name} on live traffic (realized ${c.metric} on ${
    c.realizedOn === "paired" ? "the rows both scored" : "each model's own rows"
  }):\n${table}\n` +
    `Decisions agree on ${f(c.agreement)} of ${c.paired} rows both scored; ` +
    `score shift (KS) ${f(c.scoreShift)}.`;
}
