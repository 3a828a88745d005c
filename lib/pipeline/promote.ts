/**
 * Promotion in the model registry: `champion` moves to a version explicitly, or — comparing — to
 * the `challenger` only when it beats the champion by a margin on the same held-out rows (the
 * challenger's test set, its run's `reference_sample.csv`). The decision and its numbers are
 * logged as a run of its own (`run_type=promotion`) and as tags on both versions.
 *
 * @module
 */

import { inRun } from "../tracking/in_run.ts";
import { z } from "zod";
import type { TrainingConfig } from "../config/schema.ts";
import { parseCsv } from "../data/csv_parse.ts";
import { numericColumns } from "../data/read_table.ts";
import { ConfigError, ifFound } from "../errors.ts";
import { evaluateBinary, SCALAR_METRICS } from "../evaluate/binary_metrics.ts";
import { noRegistry } from "../tracking/file_store.ts";
import type { ModelRegistry, ModelVersion, TrackingStore } from "../tracking/store.ts";
import { readModelAt } from "./load_model.ts";
import { locateModel } from "./model_ref.ts";
import { openSession } from "./tracking_session.ts";
import { compareLive, MIN_LABELED } from "./live_comparison.ts";

/** Metrics where lower is better. */
const LOWER_IS_BETTER = new Set(["log_loss", "brier"]);

/** What to promote, and how to decide. */
export const PromoteOptionsSchema = z.strictObject({
  /** The registered model. */
  name: z.string().min(1).default("fraud_detection"),
  /** Move `champion` to this version. */
  version: z.string().regex(/^\d+$/, { message: "must be a version number" }).optional(),
  /** Compare `challenger` with `champion` and move `champion` only if it is better. */
  compare: z.boolean().default(false),
  /** Compare them on live traffic (the prediction log and matured feedback) instead. */
  fromLive: z.boolean().default(false),
  /** How much better (on `metric`) the challenger must be. */
  minGain: z.number().min(0).default(0.001),
  /** The metric compared (any of the tracked test metrics). */
  metric: z.enum(SCALAR_METRICS).default("roc_auc"),
}).refine((o) => [o.version !== undefined, o.compare, o.fromLive].filter(Boolean).length === 1, {
  message: "give `version`, `compare` or `fromLive`, one of them",
  path: ["version"],
  when: (p) => typeof p.value === "object" && p.value !== null,
});

/** Options of {@link promote}. */
export type PromoteOptions = z.infer<typeof PromoteOptionsSchema>;

/** What was decided. */
export interface Promotion {
  readonly promoted: boolean;
  /** The version `champion` points at now. */
  readonly champion: string;
  /** The version that was proposed (explicitly, or the challenger). */
  readonly candidate: string;
  /** The champion before the decision (none when there was none). */
  readonly previous?: string;
  /** Compared scores on the challenger's test rows (with `compare`). */
  readonly scores?: {
    metric: string;
    champion: number;
    challenger: number;
    gain: number;
    rows: number;
  };
  /** The decision run. */
  readonly runId: string;
  readonly reason: string;
}

/** How a caller (the monitoring cycle) narrows a comparison. */
export interface PromoteHooks {
  /** Compare this version instead of whatever `challenger` points at now. */
  readonly challengerVersion?: string;
  /** Runs right before `champion` moves; throwing stops the move (e.g. a lost cycle lock). */
  readonly guard?: (candidate: ModelVersion) => Promise<void>;
}

/**
 * Moves `champion` as asked, logs the decision run, and tags both versions.
 *
 * @throws {ConfigError} for a store without a registry; {@link DataError} for a missing version.
 */
export async function promote(
  config: TrainingConfig,
  options: PromoteOptions,
  hooks: PromoteHooks = {},
): Promise<Promotion> {
  const { store } = await openSession(config);
  try {
    if (!store.registry) throw noRegistry(store.where);
    const reg = store.registry;
    const previous = await ifFound(reg.getModelVersionByAlias(options.name, "champion"));
    const decision = options.compare
      ? await compare(store, reg, { ...options, ...hooks, previous })
      : options.fromLive
      ? await compareOnLive(config, store, { ...options, previous })
      : {
        candidate: await reg.getModelVersion(options.name, options.version!),
        promoted: true,
        reason: `champion set to version ${options.version} explicitly`,
      };
    if (decision.promoted) {
      await hooks.guard?.(decision.candidate);
      await reg.setAlias(options.name, "champion", decision.candidate.version);
    }
    const runId = await logDecision(store, config, { options, previous, ...decision });
    const tags = {
      "promotion.run_id": runId,
      "promotion.decision": decision.promoted ? "promoted" : "kept champion",
    };
    await reg.setModelVersionTags(options.name, decision.candidate.version, tags);
    if (previous && previous.version !== decision.candidate.version) {
      await reg.setModelVersionTags(options.name, previous.version, tags);
    }
    return {
      promoted: decision.promoted,
      champion: decision.promoted ? decision.candidate.version : previous!.version,
      candidate: decision.candidate.version,
      ...(previous ? { previous: previous.version } : {}),
      ...("scores" in decision && decision.scores ? { scores: decision.scores } : {}),
      runId,
      reason: decision.reason,
    };
  } finally {
    await store.close();
  }
}

interface Decision {
  readonly candidate: ModelVersion;
  readonly promoted: boolean;
  readonly reason: string;
  readonly scores?: Promotion["scores"];
}

/** Scores the challenger and the champion on the challenger's test rows. */
async function compare(
  store: TrackingStore,
  reg: ModelRegistry,
  options: PromoteOptions & { previous: ModelVersion | undefined; challengerVersion?: string },
): Promise<Decision> {
  const candidate = options.challengerVersion
    ? await reg.getModelVersion(options.name, options.challengerVersion)
    : await reg.getModelVersionByAlias(options.name, "challenger");
  if (!options.previous) {
    return {
      candidate,
      promoted: true,
      reason: "no champion yet: the challenger becomes champion",
    };
  }
  if (options.previous.version === candidate.version) {
    throw new ConfigError([
      `compare: the challenger is already the champion (version ${candidate.version})`,
    ]);
  }
  const rows = await testRows(store, candidate);
  const score = async (v: ModelVersion) => {
    const at = await locateModel(store, `models:/${v.name}/${v.version}`);
    const p = (await readModelAt(store, at)).predictProba(rows.frame);
    return evaluateBinary(rows.labels, p)[options.metric];
  };
  const [challenger, champion] = [await score(candidate), await score(options.previous)];
  const gain = LOWER_IS_BETTER.has(options.metric) ? champion - challenger : challenger - champion;
  const promoted = gain >= options.minGain;
  const f = (x: number) => x.toFixed(4);
  return {
    candidate,
    promoted,
    scores: { metric: options.metric, champion, challenger, gain, rows: rows.labels.length },
    reason: `${options.metric} on ${rows.labels.length} held-out rows: ` +
      `challenger v${candidate.version} ${f(challenger)}, ` +
      `champion v${options.previous.version} ${f(champion)}, gain ${f(gain)} ` +
      `${promoted ? "≥" : "<"} ${options.minGain}`,
  };
}

/**
 * The live decision: the challenger's realized metric on matured feedback against the champion's
 * (on the rows both scored when there are enough), with the gain rule of {@link compare}; kept
 * when either lacks enough matured labels.
 */
async function compareOnLive(
  config: TrainingConfig,
  store: TrackingStore,
  options: PromoteOptions & { previous: ModelVersion | undefined },
): Promise<Decision> {
  const live = await compareLive(config, store, { name: options.name, metric: options.metric });
  const candidate = await store.registry!.getModelVersion(options.name, live.challenger.version);
  const [champion, challenger] = [live.champion.realized, live.challenger.realized];
  const f = (x: number) => x.toFixed(4);
  const rows = Math.min(live.champion.labeled, live.challenger.labeled);
  if (Number.isNaN(champion) || Number.isNaN(challenger)) {
    return {
      candidate,
      promoted: false,
      reason: `live ${options.metric} not measurable: ${live.champion.labeled} (champion) and ` +
        `${live.challenger.labeled} (challenger) rows with matured labels, at least ${MIN_LABELED} ` +
        `of both classes needed (estimated ROC AUC ${f(live.champion.estimatedRocAuc)} vs ` +
        `${f(live.challenger.estimatedRocAuc)})`,
    };
  }
  const gain = LOWER_IS_BETTER.has(options.metric) ? champion - challenger : challenger - champion;
  const promoted = gain >= options.minGain;
  return {
    candidate,
    promoted,
    scores: { metric: options.metric, champion, challenger, gain, rows },
    reason: `live ${options.metric} on ${rows} rows with matured labels (${live.realizedOn}): ` +
      `challenger v${live.challenger.version} ${f(challenger)}, champion ` +
      `v${live.champion.version} ${f(champion)}, gain ${f(gain)} ${promoted ? "≥" : "<"} ` +
      `${options.minGain}; decisions agree on ${f(live.agreement)} of ${live.paired} paired rows`,
  };
}

/**
 * The challenger's held-out test rows with labels: its run's reference sample, or — when that is
 * a sample of the training part (a time split) — its holdout sample.
 */
async function testRows(store: TrackingStore, v: ModelVersion) {
  const run = await store.getRun(v.runId);
  if (!run) throw new ConfigError([`compare: version ${v.version}'s run ${v.runId} is gone`]);
  const text = async (path: string) =>
    new TextDecoder().decode(await store.readArtifact(run, path));
  const metrics = JSON.parse(await text("metrics.json")) as {
    reference_sample?: { from: string };
  };
  const name = metrics.reference_sample?.from === "training"
    ? "holdout_sample.csv"
    : "reference_sample.csv";
  const table = parseCsv(await text(name), name);
  const frame = numericColumns(table, table.names.filter((n) => n !== "entity_id")).frame;
  return { frame, labels: Uint8Array.from(frame.column("label")) };
}

async function logDecision(
  store: TrackingStore,
  config: TrainingConfig,
  d: Decision & { options: PromoteOptions; previous: ModelVersion | undefined },
): Promise<string> {
  const exp = await store.experimentId(config.mlflow.experimentName);
  const run = await store.startRun(exp, {
    runName: `promotion-${d.options.name}-${new Date().toISOString()}`,
    tags: {
      run_type: "promotion",
      decision: d.promoted ? "promoted" : "kept champion",
      reason: d.reason,
    },
  });
  await inRun(run, async () => {
    await run.logParams({
      name: d.options.name,
      mode: d.options.compare ? "compare" : d.options.fromLive ? "live" : "explicit",
      candidate_version: d.candidate.version,
      champion_version_before: d.previous?.version ?? "none",
      metric: d.options.metric,
      min_gain: d.options.minGain,
    });
    await run.logMetrics({
      promoted: d.promoted ? 1 : 0,
      ...(d.scores
        ? {
          champion_score: d.scores.champion,
          challenger_score: d.scores.challenger,
          gain: d.scores.gain,
        }
        : {}),
    });
  });
  return run.runId;
}
