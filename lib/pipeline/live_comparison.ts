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
import { ConfigError } from "../errors.ts";
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
  if (!store.registry) throw noRegistry(store.where);
  const version = async (alias: string) => {
    try {
      return await store.registry!.getModelVersionByAlias(o.name, alias);
    } catch {
      throw new ConfigError([`compare: ${o.name} has no @${alias}`]);
    }
  };
  const [champion, challenger] = [await version("champion"), await version("challenger")];
  const log = await readLog(config, o.name);
  const matured = maturedLabels(log, {
    days: config.monitor.labelMaturityDays,
    now: o.now ?? Date.now(),
  });
  const pick = (v: ModelVersion) =>
    Int32Array.from(log.versions.flatMap((x, i) => (x === v.version ? [i] : [])));
  const [a, b] = [pick(champion), pick(challenger)];
  const pairs = pairedRows(log, { champion: a, challenger: b });
  const bothLabeled = pairs.filter(([i]) => !Number.isNaN(matured[i]!));
  const onPairs = enoughLabels(bothLabeled.map(([i]) => matured[i]!));
  const realized = (rows: Int32Array, paired: number[]) => {
    const at = onPairs ? Int32Array.from(paired) : rows.filter((i) => !Number.isNaN(matured[i]!));
    const labels = Array.from(at, (i) => matured[i]!);
    if (!enoughLabels(labels)) return { value: NaN, labeled: at.length };
    const scores = Array.from(at, (i) => log.scores[i]!);
    return { value: evaluateBinary(labels, scores)[o.metric], labeled: at.length };
  };
  const side = async (v: ModelVersion, rows: Int32Array, paired: number[]): Promise<LiveSide> => {
    const r = realized(rows, paired);
    return {
      version: v.version,
      rows: rows.length,
      labeled: r.labeled,
      realized: r.value,
      estimatedRocAuc: await estimatedAuc(store, { version: v, scores: take(log.scores, rows) }),
    };
  };
  const agree = pairs.filter(([i, j]) => (log.decisions[i] ?? 0) === (log.decisions[j] ?? 0));
  return {
    name: o.name,
    metric: o.metric,
    champion: await side(champion, a, bothLabeled.map(([i]) => i)),
    challenger: await side(challenger, b, bothLabeled.map(([, j]) => j)),
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
    return await readPredictionLog(conn, { ...logKeys(name), max: 1_000_000 });
  } finally {
    await conn.close();
  }
}

/** Each row's label if it matured (its row at least `days` old), else NaN. */
function maturedLabels(log: LoggedSample, { days, now }: { days: number; now: number }) {
  const out = new Float64Array(log.scores.length).fill(NaN);
  const cutoff = now - days * 86_400_000;
  log.labeledRows.forEach((row, k) => {
    if (days === 0 || !(log.times[row]! > cutoff)) out[row] = log.labels[k]!;
  });
  return out;
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
  o: { version: ModelVersion; scores: Float64Array },
): Promise<number> {
  if (o.scores.length < 2) return NaN;
  const at = await locateModel(store, `models:/${o.version.name}/${o.version.version}`);
  const t = (await readModelAt(store, at)).decisionThreshold;
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
