/**
 * The end-of-run summary of a ranking run (query groups): NDCG@k and MAP@k of the CV folds and of
 * the held-out groups, the groups on each side, top features and where the outputs went.
 *
 * @module
 */

import type { MeanStd } from "../evaluate/summary.ts";
import { textTable } from "./text_table.ts";
import { type RunFacts, runJson, runLines } from "./training_summary.ts";

/** A ranking run's metric values by name (`ndcg@5`, `ndcg@10`, `map@5`, `map@10`). */
export type RankingMetrics = Readonly<Record<string, number>>;

/** "1 query group", "40 query groups". */
function groups(n: number): string {
  return `${n} query ${n === 1 ? "group" : "groups"}`;
}

/** The parts of a ranking run that the summary shows. */
export interface RankingOutcome extends RunFacts {
  /** `rank:ndcg` or `rank:pairwise`. */
  readonly objective: string;
  readonly rows: { readonly total: number; readonly train: number; readonly test: number };
  readonly groups: { readonly total: number; readonly train: number; readonly test: number };
  /** Metrics of the held-out groups (scored by the final model). */
  readonly test: RankingMetrics;
  /** Metrics of each CV fold's held-out groups, and their mean ± std. */
  readonly cv?: {
    readonly folds: readonly RankingMetrics[];
    readonly summary: Readonly<Record<string, MeanStd>>;
  };
  readonly importance: ReadonlyArray<{ feature: string; importance: number; share: number }>;
}

/**
 * Formats a ranking run's summary as text.
 *
 * @example
 * ```ts
 * import { formatRankingSummary, type RankingOutcome } from "./ranking_summary.ts";
 * declare const result: RankingOutcome; // what trainRanking returns
 * console.log(formatRankingSummary(result)); // NDCG@k and MAP@k, CV and test, top features
 * ```
 */
export function formatRankingSummary(r: RankingOutcome): string {
  const f = (v: number) => (Number.isNaN(v) ? "nan" : v.toFixed(4));
  const folds = r.cv?.folds.length ?? 0;
  const metrics = textTable(
    ["metric", folds ? `CV (${folds} folds) mean ± std` : "CV", "test"],
    Object.keys(r.test).map((name) => {
      const cv = r.cv?.summary[name];
      return [name, cv ? `${f(cv.mean)} ± ${f(cv.std)}` : "-", f(r.test[name]!)];
    }),
  );
  const top = textTable(
    ["feature", "importance", "share"],
    r.importance.slice(0, 8).map((x) => [x.feature, f(x.importance), f(x.share)]),
  );
  return [
    `Model ${r.config.model.type} (${r.objective}) on ${r.rows.total} rows in ` +
    `${groups(r.groups.total)} (${groups(r.groups.train)}, ${r.rows.train} rows train; ` +
    `${groups(r.groups.test)}, ${r.rows.test} rows test)`,
    "",
    metrics,
    "",
    top,
    "",
    ...runLines(r),
  ].join("\n");
}

/** The ranking summary as one JSON object (`deno task train --log-format json`). */
export function rankingSummaryJson(r: RankingOutcome): Record<string, unknown> {
  return runJson(r, {
    objective: r.objective,
    rows: r.rows,
    groups: r.groups,
    test: r.test,
    ...(r.cv ? { cv: r.cv.summary } : {}),
    top_features: r.importance.slice(0, 10),
  });
}
