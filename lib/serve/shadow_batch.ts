/**
 * The shadow's work, batched: rows the challenger shadows are queued as requests are answered
 * and scored together a few milliseconds later — one model call for every request of the batch —
 * then logged (role `shadow`, each row's request id). The champion's answers never wait on it; a
 * failure is counted, never raised to a caller.
 *
 * @module
 */

import { Frame } from "../data/frame.ts";
import type { Loaded } from "./model_slot.ts";
import type { LoggedRow, ServeContext } from "./serve_context.ts";

/** Rows of one answered request for the shadow, and how to log each of them. */
export interface ShadowJob {
  readonly frame: Frame;
  readonly rows: Int32Array;
  readonly logged: (
    row: number,
    answer: { probability: number; label: number; by: Loaded },
  ) => LoggedRow;
}

/** How long shadowed rows wait to be scored together. */
export const SHADOW_BATCH_MS = 5;

const pending = new WeakMap<
  ServeContext,
  { jobs: ShadowJob[]; timer: ReturnType<typeof setTimeout> }
>();

/** Queues a request's shadowed rows; the batch is scored {@link SHADOW_BATCH_MS} after its first. */
export function queueShadow(ctx: ServeContext, job: ShadowJob): void {
  const batch = pending.get(ctx) ??
    { jobs: [], timer: setTimeout(() => flushShadow(ctx), SHADOW_BATCH_MS) };
  pending.set(ctx, batch);
  batch.jobs.push(job);
}

/**
 * Scores the queued rows with the challenger in one call and logs them (now, when the server
 * stops: before its prediction log closes).
 */
export function flushShadow(ctx: ServeContext): void {
  const batch = pending.get(ctx);
  if (!batch) return;
  clearTimeout(batch.timer);
  pending.delete(ctx);
  const jobs = batch.jobs;
  const rows = jobs.reduce((n, j) => n + j.rows.length, 0);
  try {
    const by = ctx.rollout!.challenger.current, names = by.model.featureNames;
    const columns = names.map(() => new Float64Array(rows));
    let at = 0;
    for (const job of jobs) {
      names.forEach((name, f) => {
        const source = job.frame.column(name);
        job.rows.forEach((r, k) => (columns[f]![at + k] = source[r]!));
      });
      at += job.rows.length;
    }
    const p = by.model.predictProba(new Frame([...names], columns));
    const t = by.model.decisionThreshold, out: LoggedRow[] = [];
    at = 0;
    for (const job of jobs) {
      job.rows.forEach((r, k) => {
        const probability = p[at + k]!;
        out.push({
          ...job.logged(r, { probability, label: probability >= t ? 1 : 0, by }),
          role: "shadow",
        });
      });
      at += job.rows.length;
    }
    ctx.logRows?.(out);
    ctx.metrics.shadowed(rows);
  } catch (error) {
    ctx.metrics.shadowFailed();
    ctx.onError?.(error);
  }
}
