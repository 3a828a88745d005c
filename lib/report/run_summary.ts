/**
 * The summary `deno task train` prints, whichever kind of run it was: a classifier's
 * ({@link formatTrainingSummary}) or a ranking run's ({@link formatRankingSummary}), as text or as
 * one JSON line.
 *
 * @module
 */

import {
  formatRankingSummary,
  type RankingOutcome,
  rankingSummaryJson,
} from "./ranking_summary.ts";
import type { TrainingOutcome } from "./training_outcome.ts";
import { formatTrainingSummary, trainingSummaryJson } from "./training_summary.ts";

/** A ranking run's outcome (it names its objective), not a classifier's. */
function isRanking(r: TrainingOutcome | RankingOutcome): r is RankingOutcome {
  return "objective" in r && "groups" in r;
}

/**
 * The run's summary as text, or as one JSON object on one line.
 *
 * @example
 * ```ts
 * import { config } from "../config/load.ts";
 * import { train } from "../pipeline/train.ts";
 * import { runSummary } from "./run_summary.ts";
 * console.log(runSummary(await train(config({ data: { maxSamples: 5000 } })), "json"));
 * ```
 */
export function runSummary(r: TrainingOutcome | RankingOutcome, format: "text" | "json"): string {
  if (isRanking(r)) {
    return format === "json" ? JSON.stringify(rankingSummaryJson(r)) : formatRankingSummary(r);
  }
  return format === "json" ? JSON.stringify(trainingSummaryJson(r)) : formatTrainingSummary(r);
}
