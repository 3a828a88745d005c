/**
 * A tracked run's lifecycle, written once: the work inside the run, then FINISHED; on any error,
 * FAILED (after an optional last word) and the error goes on. Train, drift, tune, the monitor's
 * cycle, promotion and sync all end their runs through it.
 *
 * @module
 */

import type { EndStatus, RunWriter } from "./store.ts";

/** Options of {@link inRun}. */
export interface InRunOptions<T> {
  /**
   * How the run ends once `work` resolves: a status (and end time), or `null` when `work` ended
   * it itself. @default "FINISHED" now
   */
  readonly end?: (value: T) => { status: EndStatus; endTime?: number } | null;
  /** Runs before the run is marked FAILED (e.g. uploads the log); its own failure is ignored. */
  readonly onFailure?: (error: unknown) => Promise<void>;
  /**
   * Another way to finish when `work` fails (e.g. keep the run elsewhere): its promise is
   * returned instead, and the run is not marked FAILED; `undefined` when it does not apply.
   */
  readonly rescue?: (error: unknown) => Promise<T> | undefined;
}

/**
 * `work`'s value, with `run` ended FINISHED after it; if `work` (or ending the run) fails, the
 * run is ended FAILED — a failure to mark it is ignored, the first error is what the caller sees.
 *
 * @example A run that ends FINISHED, or FAILED if the work throws
 * ```ts
 * import { inRun } from "./in_run.ts";
 * import { SqliteStore } from "./sqlite_store.ts";
 * const store = await SqliteStore.open("sqlite:///mlflow.db");
 * const run = await store.startRun(await store.experimentId("examples"), { runName: "inRun" });
 * await inRun(run, async () => {
 *   await run.logMetrics({ auc: 0.93 });
 * });
 * await store.close();
 * ```
 */
export async function inRun<T>(
  run: Pick<RunWriter, "end">,
  work: () => Promise<T>,
  options: InRunOptions<T> = {},
): Promise<T> {
  try {
    const value = await work();
    const end = options.end ? options.end(value) : { status: "FINISHED" as const };
    if (end) await run.end(end.status, end.endTime);
    return value;
  } catch (error) {
    const rescued = options.rescue?.(error);
    if (rescued) return await rescued;
    await options.onFailure?.(error).catch(() => {});
    await run.end("FAILED").catch(() => {});
    throw error;
  }
}
