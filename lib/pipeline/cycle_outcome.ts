/**
 * What a monitoring cycle decided and why, and the exit codes a scheduler reads from it.
 *
 * @module
 */

import type { Trigger } from "../monitor/triggers.ts";
import type { Promotion } from "./promote.ts";

/**
 * What a cycle decided: nothing to do, a retrain that promoted or kept the champion, or a data
 * alarm — a feature's missing values rose (a broken upstream feed), so retraining was held: a
 * model trained on a broken feed would learn the break.
 */
export type CycleDecision = "nothing_to_do" | "promoted" | "kept_champion" | "data_alarm";

/**
 * Exit codes a scheduler reads: 0 nothing to do, 10 promoted, 11 kept, 12 another cycle runs,
 * 13 data alarm (retraining held).
 */
export const CYCLE_EXIT_CODES = {
  nothing_to_do: 0,
  promoted: 10,
  kept_champion: 11,
  lock_held: 12,
  data_alarm: 13,
} as const;

/** One cycle's outcome. */
export interface CycleOutcome {
  readonly decision: CycleDecision;
  readonly model: string;
  readonly championBefore: string;
  readonly championAfter: string;
  /** Every trigger evaluated, fired or not. */
  readonly triggers: readonly Trigger[];
  readonly reason: string;
  /** The challenger trained (when a trigger fired). */
  readonly challenger?: { readonly version: string; readonly runId: string; readonly seed: number };
  /** The comparison (when a challenger was trained). */
  readonly promotion?: Promotion;
  /** Share of drifted features, and the champion's ROC AUC on the current sample. */
  readonly driftedShare: number;
  readonly championCurrentAuc: number;
  /** The cycle's run (`run_type=monitor`). */
  readonly runId: string;
  readonly lock: { readonly holder: string; readonly token: number };
  readonly durationMs: number;
}
