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
export function cycleLine(outcome: CycleOutcome): Record<string, unknown> {
  return {
    decision: outcome.decision,
    exit_code: CYCLE_EXIT_CODES[outcome.decision],
    model: outcome.model,
    champion_before: outcome.championBefore,
    champion_after: outcome.championAfter,
    ...(outcome.challenger
      ? { challenger: outcome.challenger.version, challenger_run_id: outcome.challenger.runId }
      : {}),
    ...(outcome.promotion?.scores ? { scores: outcome.promotion.scores } : {}),
    triggers: outcome.triggers.map((t) => ({
      name: t.name,
      fired: t.fired,
      value: Number.isFinite(t.value) ? round(t.value) : null,
      threshold: Number.isFinite(t.threshold) ? round(t.threshold) : null,
    })),
    drifted_share: round(outcome.driftedShare),
    champion_current_roc_auc: Number.isFinite(outcome.championCurrentAuc)
      ? round(outcome.championCurrentAuc)
      : null,
    reason: outcome.reason,
    run_id: outcome.runId,
    lock_token: outcome.lock.token,
    duration_s: round(outcome.durationMs / 1000),
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
