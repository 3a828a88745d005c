/**
 * `mlflow-sync`: copies runs from one tracking store to another — the file store or an offline
 * `sqlite:///mlflow.db` to a server, say — with their params, metrics (steps and timestamps kept),
 * tags, artifacts, status and times. Each copy is tagged with the run it came from
 * (`mlflow_sync.source_run_id`; a server chooses its own run ids), and a run copied before is not
 * copied again. A run kept locally because the server was lost mid-run (`lost_server_run_id`)
 * ends the server's unfinished run when it lands there: FAILED, tagged with its replacement.
 *
 * @module
 */

import { inRun } from "../tracking/in_run.ts";
import { z } from "zod";
import { ConfigError } from "../errors.ts";
import { openTrackingStore, type StoreSettings } from "../tracking/open_store.ts";
import type { RunInfo, TrackingStore } from "../tracking/store.ts";
import { LOST_RUN_TAG } from "./keep_local.ts";

/** What to copy where. */
export const SyncOptionsSchema = z.strictObject({
  /** The source store (a path, `file:`, `sqlite:///…`, or a server). */
  from: z.string().min(1),
  /** The target store. */
  to: z.string().min(1),
  /** Only this experiment (default: every experiment with runs). */
  experiment: z.string().min(1).optional(),
  /** Only these runs. */
  runIds: z.array(z.string()).default([]),
});

/** Options of {@link syncRuns}. */
export type SyncOptions = z.infer<typeof SyncOptionsSchema> & {
  /** Credentials for a server target or source (from the config). */
  readonly auth?: Omit<StoreSettings, "trackingUri">;
};

/** One run copied (or found copied before). */
export interface SyncedRun {
  readonly sourceRunId: string;
  readonly targetRunId: string;
  readonly experiment: string;
  readonly copied: boolean;
}

const SOURCE_TAG = "mlflow_sync.source_run_id";

/** Copies the selected runs; returns what happened to each. */
export async function syncRuns(options: SyncOptions): Promise<SyncedRun[]> {
  const source = await openTrackingStore({ ...options.auth, trackingUri: options.from });
  const target = await openTrackingStore({ ...options.auth, trackingUri: options.to });
  try {
    const out: SyncedRun[] = [];
    for (const { name, runs } of await selectRuns(source, options)) {
      const exp = await target.experimentId(name);
      const done = new Map(
        (await target.listRuns(exp)).map((r) => [r.tags[SOURCE_TAG], r.runId] as const),
      );
      for (const run of runs) {
        const already = done.get(run.runId);
        out.push(
          already
            ? { sourceRunId: run.runId, targetRunId: already, experiment: name, copied: false }
            : { ...(await copyRun(source, target, { run, exp })), experiment: name, copied: true },
        );
      }
    }
    return out;
  } finally {
    await source.close();
    await target.close();
  }
}

/** Runs of the source, by experiment name (oldest first, so copies keep their order). */
async function selectRuns(source: TrackingStore, options: SyncOptions) {
  const names = options.experiment
    ? [options.experiment]
    : (await source.listExperiments()).map((e) => e.name);
  const out: Array<{ name: string; runs: RunInfo[] }> = [];
  for (const name of names) {
    const id = await source.findExperiment(name);
    if (!id) throw new ConfigError([`experiment: no experiment "${name}" in ${source.where}`]);
    const runs = (await source.listRuns(id))
      .filter((r) => options.runIds.length === 0 || options.runIds.includes(r.runId)).reverse();
    if (runs.length) out.push({ name, runs });
  }
  return out;
}

async function copyRun(
  source: TrackingStore,
  target: TrackingStore,
  { run, exp }: { run: RunInfo; exp: string },
): Promise<{ sourceRunId: string; targetRunId: string }> {
  const rec = await source.readRun(run.runId);
  const copy = await target.startRun(exp, {
    runName: run.runName,
    startTime: run.startTime,
    tags: { ...run.tags, [SOURCE_TAG]: run.runId, "mlflow_sync.source": source.where },
  });
  // The copy ends as the source run did (a source still running is KILLED), at its end time.
  const status = run.status === "RUNNING" ? "KILLED" : run.status as "FINISHED";
  await inRun(copy, async () => {
    await copy.logParams(rec.params);
    await copy.logMetricPoints(rec.metrics);
    for (const path of rec.artifacts) {
      await copy.logArtifact(path, await source.readArtifact(run, path));
    }
  }, { end: () => ({ status, endTime: run.endTime ?? Date.now() }) });
  const lost = run.tags[LOST_RUN_TAG];
  if (lost) await endReplaced(target, { lost, by: copy.runId });
  return { sourceRunId: run.runId, targetRunId: copy.runId };
}

/** The server run a kept copy stands for, left RUNNING when the server was lost: FAILED now. */
async function endReplaced(
  target: TrackingStore,
  { lost, by }: { lost: string; by: string },
): Promise<void> {
  const info = await target.getRun(lost);
  if (info?.status !== "RUNNING") return;
  const run = target.writerFor(info);
  await run.setTags({ "mlflow_sync.replaced_by": by });
  await run.end("FAILED");
}
