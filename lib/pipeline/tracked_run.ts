/**
 * A training run's life in the tracking store, for every kind of training: the run starts (its log
 * lines kept from the start), the fit happens inside it, and the run is recorded and ends FINISHED,
 * or FAILED with its log. A server lost while the run is recorded loses nothing: the run is kept in
 * the embedded store. Registration comes after, only for a complete run.
 *
 * @module
 */

import type { TrainingConfig } from "../config/schema.ts";
import { EnvironmentError, ServiceUnreachableError } from "../errors.ts";
import { inRun } from "../tracking/in_run.ts";
import type { RunWriter, TrackingStore } from "../tracking/store.ts";
import type { Logger } from "../util/logger.ts";
import {
  FALLBACK_TAG,
  keepLocally,
  localStoreUri,
  type OfflineRun,
  trainingTags,
} from "./keep_local.ts";
import type { TrackingSession } from "./tracking_session.ts";

/** What {@link trackedRun} does inside the run: fit, then record what was fitted. */
export interface RunSteps<F, R> {
  readonly config: TrainingConfig;
  readonly log: Logger;
  /** The work inside the run (tuning's nested runs go under `at.run`). */
  readonly fit: (at: { store: TrackingStore; run: RunWriter }) => Promise<F>;
  /**
   * Records `fitted` into `run` (of the store at `where`) and ends it FINISHED; `lines` are the
   * run's log lines so far (for `logs/train.log`).
   */
  readonly record: (
    run: RunWriter,
    recorded: { fitted: F; lines: string[]; where: string },
  ) => Promise<R>;
}

/**
 * Fits and records a run in the session's store; a run whose server was lost while recording is
 * kept in the embedded store and comes back with `offline`.
 */
export async function trackedRun<F, R extends { readonly offline?: OfflineRun }>(
  session: TrackingSession,
  steps: RunSteps<F, R>,
): Promise<R> {
  const { config, log } = steps;
  const { run, lines } = await startRun(session.store, config, log);
  const onFailure = async (error: unknown) => {
    log.error("run failed", { run_id: run.runId, error: String(error) });
    await run.logArtifact("logs/train.log", lines.join("\n") + "\n");
  };
  const fitted = await inRun(run, () => steps.fit({ store: session.store, run }), {
    end: () => null, // the run stays open until it is recorded
    onFailure,
  });
  const record = (to: RunWriter, where: string) => steps.record(to, { fitted, lines, where });
  // A server lost while recording (not one already given up for the embedded store): kept locally.
  const keep = (error: unknown) =>
    error instanceof ServiceUnreachableError && !session.offline
      ? keepLocally({ lost: run, server: session.store.where, error, config, log, record })
      : undefined;
  return await inRun(run, () => record(run, session.store.where), {
    end: () => null, // record ends it FINISHED, after its last artifact
    onFailure,
    rescue: keep,
  });
}

/**
 * Starts the run; its log lines are kept (replayed from the start) for `logs/train.log`. A run on
 * a server names the embedded store that keeps it should the server be lost mid-run.
 */
async function startRun(store: TrackingStore, config: TrainingConfig, log: Logger) {
  const experimentId = await store.experimentId(config.mlflow.experimentName);
  const runName = config.mlflow.runName ?? `${config.model.type}-${new Date().toISOString()}`;
  const server = /^https?:/.test(store.where);
  const run = await store.startRun(experimentId, {
    runName,
    tags: {
      ...trainingTags(config),
      ...(server ? { [FALLBACK_TAG]: localStoreUri() } : {}),
    },
  });
  const lines: string[] = [];
  log.addSink((line) => lines.push(line), true);
  log.info("run started", { run_id: run.runId, experiment_id: experimentId, store: store.where });
  return { run, lines };
}

/** A finished run to register: where its model is, and the version's tags. */
export interface FinishedRun {
  readonly config: TrainingConfig;
  readonly runId: string;
  readonly artifactUri: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Registers the finished run's model when `mlflow.registerModel` asks (not when offline), and
 * points `mlflow.registerAlias` at the new version.
 *
 * @throws {EnvironmentError} when the version is registered but its alias could not be set.
 */
export async function registerIfAsked(
  session: TrackingSession,
  finished: FinishedRun,
  log: Logger,
): Promise<{ name: string; version: string } | undefined> {
  const name = finished.config.mlflow.registerModel;
  if (!name) return undefined;
  if (session.offline) {
    log.warn(`offline: model not registered as "${name}"; register it after mlflow-sync`);
    return undefined;
  }
  const v = await session.store.registry!.createModelVersion({
    name,
    source: `${finished.artifactUri}/model`,
    runId: finished.runId,
    tags: { model_type: finished.config.model.type, ...finished.tags },
  });
  const alias = finished.config.mlflow.registerAlias;
  if (alias) {
    await session.store.registry!.setAlias(name, alias, v.version).catch((cause) => {
      if (!(cause instanceof ServiceUnreachableError)) throw cause;
      throw new EnvironmentError(
        `version ${v.version} of "${name}" is registered (run ${finished.runId}) but has no ` +
          `alias "${alias}": ${cause instanceof Error ? cause.message : cause}; point the alias ` +
          `at it once the server answers`,
        { cause },
      );
    });
  }
  log.info("model registered", {
    name,
    version: v.version,
    alias: alias ?? "",
    run_id: finished.runId,
  });
  return { name, version: v.version };
}
