/**
 * One monitoring cycle of continuous learning, as `deno task monitor` and the scheduler run it:
 * under a lock, take the registered model's `champion`, measure drift of its reference sample
 * against a current sample, evaluate the configured triggers; when one fires, train a challenger
 * on fresh data (a new seed stream), register it as `challenger`, and promote it only if it beats
 * the champion on its fresh holdout. The cycle is logged as a run (`run_type=monitor`).
 *
 * Safe to run often: the only write that changes what production serves is the `champion` alias,
 * moved last, by the promotion, after checking the lock is still this cycle's. A cycle that dies
 * before leaves the champion as it was (and at most a FAILED run or an unpromoted challenger).
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { missingRises } from "../drift/drift_result.ts";
import { ConfigError, ifFound, ServiceUnreachableError } from "../errors.ts";
import { connectRedis } from "../features/redis/client.ts";
import { redisSettings } from "../features/redis/source.ts";
import { ruleSet } from "../labels/rule_sets.ts";
import { type CycleLock, keepAlive, LockLostError } from "../monitor/cycle_lock.ts";
import { acquireFileLock } from "../monitor/file_lock.ts";
import { patternShiftTrigger } from "../monitor/pattern_shift.ts";
import { acquireRedisLock, redisLockKey } from "../monitor/redis_lock.ts";
import {
  ageTrigger,
  chunkTrigger,
  driftTrigger,
  performanceTrigger,
  type Trigger,
} from "../monitor/triggers.ts";
import type { ModelVersion, TrackingStore } from "../tracking/store.ts";
import { Logger } from "../util/logger.ts";
import { dataDriftOptions } from "./drift_options.ts";
import { type MeasuredDrift, measureDrift } from "./drift_run.ts";
import { logCycleRun } from "./_monitor_run.ts";
import { type CycleDecision, type CycleOutcome } from "./cycle_outcome.ts";
import { promote, type Promotion } from "./promote.ts";
import { openSession } from "./tracking_session.ts";
import { train } from "./train.ts";

/** Options of {@link monitorCycle}. */
export interface CycleOptions {
  /** Where progress goes (`step` lines name each stage). */
  readonly log?: Logger;
}

/**
 * Runs one cycle under the cycle lock (Redis when Redis is the source, else a file).
 *
 * @throws {LockHeldError} when another cycle holds the lock.
 * @throws {ConfigError} when the model has no champion; {@link DataError} for unusable data.
 */
export async function monitorCycle(
  config: TrainingConfig,
  options: CycleOptions = {},
): Promise<CycleOutcome> {
  const log = options.log ?? new Logger();
  const ttlMs = config.monitor.lockTtlSeconds * 1000;
  const redis = config.data.source === "redis"
    ? connectRedis(redisSettings(config.data.redis))
    : undefined;
  try {
    const lock = redis
      ? await acquireRedisLock(redis, redisLockKey(config.monitor.modelName), ttlMs)
      : await acquireFileLock(config.monitor.lockFile);
    const stop = keepAlive(lock, ttlMs);
    try {
      log.info("step", { step: "locked", holder: lock.holder, token: lock.token });
      return await underLock(config, lock, log);
    } finally {
      await stop();
      // A lock that cannot be released (Redis gone) expires by itself: the outcome stands.
      await lock.release().catch((e) => log.warn("lock not released", { reason: String(e) }));
    }
  } finally {
    await redis?.close().catch(() => {});
  }
}

async function underLock(
  config: TrainingConfig,
  lock: CycleLock,
  log: Logger,
): Promise<CycleOutcome> {
  const started = performance.now();
  const name = config.monitor.modelName;
  const { store } = await openSession(config, log);
  try {
    const champion = await championOf(store, name);
    const measured = await measureDrift(store, config, {
      ...dataDriftOptions(config.drift),
      maxSamples: config.drift.maxSamples,
      performanceMargin: config.monitor.performanceMargin,
      model: `models:/${name}/${champion.version}`,
    });
    const lastTry = await lastAttempt(store, name, champion);
    const triggers = evaluateTriggers(config, measured, { champion, since: lastTry });
    const fired = triggers.filter((t) => t.fired);
    const broken = brokenFeed(measured, config);
    log.info("step", {
      step: "triggers",
      fired: fired.map((t) => t.name).join(",") || "none",
      champion: champion.version,
      ...(broken ? { data_alarm: broken } : {}),
    });
    const retrained = fired.length && !broken
      ? await retrain(config, { champion, lock, log, store })
      : undefined;
    const decision: CycleDecision = broken
      ? "data_alarm"
      : !retrained
      ? "nothing_to_do"
      : retrained.promotion.promoted
      ? "promoted"
      : "kept_champion";
    const reason = broken
      ? `${broken}; retraining held (a model trained on a broken feed would learn the break)`
      : fired.length
      ? `${fired.map((t) => `${t.name}: ${t.detail}`).join("; ")}; ${retrained!.promotion.reason}`
      : `no trigger fired (${triggers.map((t) => `${t.name}: ${t.detail}`).join("; ")})`;
    const auc = measured.report.performance?.metrics.find((m) => m.metric === "roc_auc");
    const outcome = {
      decision,
      model: name,
      championBefore: champion.version,
      championAfter: retrained?.promotion.champion ?? champion.version,
      triggers,
      reason,
      ...(retrained ?? {}),
      driftedShare: measured.report.data.dataset.driftedShare,
      championCurrentAuc: auc?.current ?? Number.NaN,
      lock: { holder: lock.holder, token: lock.token },
    };
    const runId = await logCycleRun(store, config, { outcome, report: measured.report });
    log.info("step", { step: "done", decision, run_id: runId });
    return { ...outcome, runId, durationMs: performance.now() - started };
  } finally {
    await store.close();
  }
}

/** The data alarm in words when a feature's missing share rose past `drift.missingShareRise`. */
function brokenFeed(measured: MeasuredDrift, config: TrainingConfig): string | undefined {
  const data = measured.report.data;
  const fired = data.dataset.triggers.some((t) => t.name === "missing_values" && t.fired);
  return fired
    ? `missing values rose: ${
      missingRises(data)
    } (drift.missingShareRise ${config.drift.missingShareRise})`
    : undefined;
}

async function championOf(store: TrackingStore, name: string): Promise<ModelVersion> {
  if (!store.registry) {
    throw new ConfigError([`mlflow.trackingUri: ${store.where} has no model registry`]);
  }
  const champion = await ifFound(store.registry.getModelVersionByAlias(name, "champion"));
  if (champion) return champion;
  throw new ConfigError([
    `monitor.modelName: "${name}" has no champion at ${store.where}; register a version ` +
    `(mlflow.registerModel) and promote it first`,
  ]);
}

/** The configured triggers, in the configured order. */
function evaluateTriggers(
  config: TrainingConfig,
  measured: MeasuredDrift,
  { since }: { champion: ModelVersion; since: number },
): Trigger[] {
  const m = config.monitor, report = measured.report;
  const chunked = (measure: string, name: "estimated_performance" | "multivariate") => {
    const found = report.chunks?.measures.find((x) => x.measure === measure);
    return found && chunkTrigger(name, found);
  };
  const make: Record<Trigger["name"], () => Trigger | undefined> = {
    drift: () =>
      driftTrigger(report.data, {
        severity: m.driftSeverity,
        importanceShare: m.driftImportanceShare,
      }),
    performance: () =>
      report.performance &&
      performanceTrigger(report.performance, {
        metric: m.performanceMetric,
        margin: m.performanceMargin,
      }),
    age: () => ageTrigger(since, m.maxAgeHours),
    // Measured only with a chunking (drift.chunkSize, chunkCount or chunkBy).
    estimated_performance: () => chunked("estimated_roc_auc", "estimated_performance"),
    multivariate: () => chunked("reconstruction_error", "multivariate"),
    data: () =>
      patternShiftTrigger(measured, ruleSet(config.data.labelRules), {
        band: m.dataBand,
        minDifference: m.dataMinDifference,
        alpha: m.dataAlpha,
        targetRate: config.data.positiveRate,
      }),
  };
  return m.triggers.map((t) => make[t]()).filter((t): t is Trigger => t !== undefined)
    .map(({ name, fired, value, threshold, detail }) => ({
      name,
      fired,
      value,
      threshold,
      detail,
    }));
}

/** The retrain seed: a new stream per cycle (its lock token), reproducible from the config seed. */
export function retrainSeed(seed: number, token: number): number {
  return (seed + 104_729 * token) % 2 ** 32;
}

/** Tags a cycle's challenger carries: the champion it was trained against, and the cycle's lock. */
const TAG_AGAINST = "monitor.champion_version", TAG_LOCK = "monitor.lock";

/**
 * When the champion was last put in question: the creation of the latest challenger trained
 * against it (its age is measured from there, so a kept champion is not retrained every cycle),
 * else its own registration.
 */
async function lastAttempt(store: TrackingStore, name: string, champion: ModelVersion) {
  const c = await ifFound(store.registry!.getModelVersionByAlias(name, "challenger"));
  return c && c.tags[TAG_AGAINST] === champion.version ? c.creationTime : champion.creationTime;
}

/**
 * Right before `champion` moves: the lock must still be this cycle's, and the champion must not
 * carry a newer cycle's token of the same lock kind (fencing).
 */
function fence(held: { lock: CycleLock; store: TrackingStore; name: string }) {
  return async () => {
    if (!(await held.lock.stillHeld())) throw new LockLostError("of this cycle (before promotion)");
    const now = await ifFound(held.store.registry!.getModelVersionByAlias(held.name, "champion"));
    const [kind, token] = (now?.tags[TAG_LOCK] ?? "").split(":");
    if (kind === held.lock.kind && Number(token) > held.lock.token) {
      throw new LockLostError(`of this cycle (token ${held.lock.token}; a newer cycle promoted)`);
    }
  };
}

/** Trains and registers a challenger on fresh data, then promotes it only if it is better. */
async function retrain(
  config: TrainingConfig,
  cycle: { champion: ModelVersion; lock: CycleLock; log: Logger; store: TrackingStore },
): Promise<{ challenger: NonNullable<CycleOutcome["challenger"]>; promotion: Promotion }> {
  const name = config.monitor.modelName;
  const seed = retrainSeed(config.seed, cycle.lock.token);
  cycle.log.info("step", { step: "training", seed });
  const trained = await train({
    ...config,
    seed,
    mlflow: {
      ...config.mlflow,
      registerModel: name,
      registerAlias: "challenger",
      runName: `challenger-of-v${cycle.champion.version}-seed-${seed}`,
    },
  }, { log: cycle.log });
  if (trained.offline || !trained.registered) {
    // The server stopped answering while the challenger was recorded: it is kept locally.
    throw new ServiceUnreachableError(
      `the tracking server stopped answering while the challenger was recorded; it was kept in ` +
        `${trained.offline?.to ?? "the embedded store"} (run ${trained.runId}); nothing was ` +
        `registered or promoted`,
    );
  }
  const version = trained.registered.version;
  await cycle.store.registry!.setModelVersionTags(name, version, {
    [TAG_AGAINST]: cycle.champion.version,
    [TAG_LOCK]: `${cycle.lock.kind}:${cycle.lock.token}`,
  });
  cycle.log.info("step", { step: "registered", version, run_id: trained.runId });
  const guard = fence({ lock: cycle.lock, store: cycle.store, name });
  await guard();
  cycle.log.info("step", { step: "promoting", version });
  const promotion = await promote(config, {
    name,
    compare: true,
    fromLive: false,
    minGain: config.monitor.minGain,
    metric: config.monitor.promotionMetric,
  }, { challengerVersion: version, guard });
  return { challenger: { version, runId: trained.runId, seed }, promotion };
}
