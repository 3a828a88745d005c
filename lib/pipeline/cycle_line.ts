/**
 * A cycle's outcome as one JSON object (the line `deno task monitor` prints and the scheduler
 * logs): the decision, its exit code, versions, each trigger's value and threshold, and the run.
 *
 * @module
 */

import { CYCLE_EXIT_CODES, type CycleOutcome } from "./cycle_outcome.ts";
import { LockHeldError, type LockLostError } from "../monitor/cycle_lock.ts";
import { round } from "../monitor/triggers.ts";

/** The outcome as a flat, printable object. */
export function cycleLine(o: CycleOutcome): Record<string, unknown> {
  return {
    decision: o.decision,
    exit_code: CYCLE_EXIT_CODES[o.decision],
    model: o.model,
    champion_before: o.championBefore,
    champion_after: o.championAfter,
    ...(o.challenger
      ? { challenger: o.challenger.version, challenger_run_id: o.challenger.runId }
      : {}),
    ...(o.promotion?.scores ? { scores: o.promotion.scores } : {}),
    triggers: o.triggers.map((t) => ({
      name: t.name,
      fired: t.fired,
      value: Number.isFinite(t.value) ? round(t.value) : null,
      threshold: Number.isFinite(t.threshold) ? round(t.threshold) : null,
    })),
    drifted_share: round(o.driftedShare),
    champion_current_roc_auc: Number.isFinite(o.championCurrentAuc)
      ? round(o.championCurrentAuc)
      : null,
    reason: o.reason,
    run_id: o.runId,
    lock_token: o.lock.token,
    duration_s: round(o.durationMs / 1000),
  };
}

/** The line of a cycle that found the lock held, or lost it before it could promote. */
export function lockHeldLine(error: LockHeldError | LockLostError): Record<string, unknown> {
  return {
    decision: "lock_held",
    exit_code: CYCLE_EXIT_CODES.lock_held,
    ...(error instanceof LockHeldError ? { holder: error.holder } : {}),
    reason: error.message,
  };
}
