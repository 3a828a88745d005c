/**
 * What a ranking run produced: the type `trainRanking()` returns and `recordRanking` records.
 *
 * @module
 */

import type { RankingObjective } from "../config/ranking_settings.ts";
import type { TrainingConfig } from "../config/schema.ts";
import type { GbtModel } from "../models/gbt/gbt_model.ts";
import type { IterationMetrics } from "../models/model.ts";
import type { RankingOutcome } from "../report/ranking_summary.ts";
import type { RankedData } from "./load_ranked.ts";

/** What a ranking run produced (and recorded). */
export interface RankingResult extends RankingOutcome {
  readonly config: TrainingConfig;
  readonly objective: RankingObjective;
  /** The grouped rows the run read. */
  readonly data: RankedData;
  /** The final model (its scores are margins: higher ranks first). */
  readonly model: GbtModel;
  /** Rows of `data` held out (whole groups), ascending. */
  readonly testIndices: Int32Array;
  /** The final model's score of each held-out row. */
  readonly testScores: Float64Array;
  /** The final fit's per-round metrics on its training groups. */
  readonly history: readonly IterationMetrics[];
  readonly phases: Readonly<Record<string, number>>;
}

/** The fitted, evaluated run before it is recorded. */
export type FittedRanking =
  & Omit<
    RankingResult,
    "runId" | "experimentId" | "artifactUri" | "trackingUri" | "registered" | "offline"
  >
  & { readonly params: Readonly<Record<string, unknown>> };
