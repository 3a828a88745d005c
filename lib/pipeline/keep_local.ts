/**
 * What was trained is never lost: when the tracking server stops answering while a run is being
 * recorded, the whole run (params, metrics, artifacts, model) is written to the embedded store
 * instead, tagged with the server's run; the server's run is marked FAILED and tagged with the
 * local copy if the server answers again before the task ends (else it stays RUNNING, carrying
 * from its start the tag that names the embedded store). `mlflow-sync` uploads the copy later.
 *
 * @module
 */

import { resolve } from "node:path";
import type { TrainingConfig } from "../config/schema.ts";
import { ServiceUnreachableError } from "../errors.ts";
import { gitCommit } from "../tracking/_git.ts";
import { DEFAULT_TRACKING_URI, openTrackingStore } from "../tracking/open_store.ts";
import type { RunWriter, TrackingStore } from "../tracking/store.ts";
import type { Logger } from "../util/logger.ts";

/** Tag of a server run: the embedded store that would keep it if the server were lost. */
export const FALLBACK_TAG = "fallback_store";

/** Tag of a kept run: the server run it stands for (and, on that run, the copy). */
export const LOST_RUN_TAG = "lost_server_run_id";

/** The embedded store's URI, absolute (where a lost run is kept). */
export function localStoreUri(): string {
  return `sqlite:///${resolve(DEFAULT_TRACKING_URI.slice("sqlite:///".length))}`;
}

/** The tags of a training run. */
export function trainingTags(config: TrainingConfig): Record<string, string> {
  const commit = gitCommit();
  return {
    model_type: config.model.type,
    feature_source: config.data.source,
    run_type: "train",
    ...(commit ? { "mlflow.source.git.commit": commit } : {}),
  };
}

/** Where a run that lost its server went instead. */
export interface OfflineRun {
  /** The server the run should have gone to, without secrets. */
  readonly from: string;
  /** The embedded store that holds it. */
  readonly to: string;
  /** The server's run, when it was lost mid-run. */
  readonly lostRunId?: string;
}

/** What {@link keepLocally} needs: the lost run, why, and how to record a run. */
export interface LostRun<T> {
  /** The server's run (left RUNNING when the server is gone). */
  readonly lost: RunWriter;
  /** The server, without secrets. */
  readonly server: string;
  readonly error: ServiceUnreachableError;
  readonly config: TrainingConfig;
  readonly log: Logger;
  /** Records the fitted run into `run` of the store at `where`. */
  readonly record: (run: RunWriter, where: string) => Promise<T>;
}

/**
 * Records the run in the embedded store and returns it with `offline` saying where it should have
 * gone and which server run it stands for.
 *
 * @throws the original {@link ServiceUnreachableError} (with the local failure as its cause) when
 *   the embedded store cannot take it either.
 */
export async function keepLocally<T>(lostRun: LostRun<T>): Promise<T & { offline: OfflineRun }> {
  const where = localStoreUri();
  lostRun.log.warn(`${lostRun.error.message}; keeping run ${lostRun.lost.runId} in ${where}`);
  let local: TrackingStore | undefined;
  try {
    local = await openTrackingStore({ trackingUri: where });
    const experimentId = await local.experimentId(lostRun.config.mlflow.experimentName);
    const run = await local.startRun(experimentId, {
      runName: lostRun.lost.runName,
      tags: { ...trainingTags(lostRun.config), [LOST_RUN_TAG]: lostRun.lost.runId },
    });
    const result = await lostRun.record(run, local.where);
    await markLost(lostRun.lost, `${local.where} run ${run.runId}`);
    return {
      ...result,
      offline: { from: lostRun.server, to: local.where, lostRunId: lostRun.lost.runId },
    };
  } catch (cause) {
    throw new ServiceUnreachableError(
      `${lostRun.error.message}; the embedded store ${where} could not keep the run either: ${
        cause instanceof Error ? cause.message : cause
      }`,
      { cause },
    );
  } finally {
    await local?.close();
  }
}

/** Marks the server's run FAILED, tagged with its copy, if the server answers again. */
async function markLost(lost: RunWriter, copy: string): Promise<void> {
  try {
    await lost.setTags({ local_copy: copy });
    await lost.end("FAILED");
  } catch { /* still gone: the run keeps its fallback_store tag */ }
}
