/**
 * What a ranking run (a query-group column, `data.file.groupColumn`) can be configured with: a
 * tree model on our engine with a LambdaMART objective, groups split whole at random, no
 * calibration, tuning or feature selection (they score binary labels). A `rank:` objective without
 * a group column is refused too.
 *
 * @module
 */

/** The LambdaMART objectives a ranking run trains with. */
export const RANKING_OBJECTIVES = ["rank:ndcg", "rank:pairwise"] as const;

/** A ranking run's objective. */
export type RankingObjective = (typeof RANKING_OBJECTIVES)[number];

/** The parts of a training config that decide whether (and how) it ranks. */
export interface RankingSettings {
  readonly data: {
    readonly file: { readonly groupColumn?: string | undefined };
    readonly split: string;
  };
  readonly model: {
    readonly type: string;
    readonly engine: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly calibration: string;
    readonly featureSelection?: unknown;
  };
  readonly tune: { readonly enabled: boolean };
}

/** One problem of a ranking config: the config path and what is wrong there. */
export interface RankingProblem {
  readonly path: string[];
  readonly message: string;
}

/** Whether the config ranks query groups (it names a group column). */
export function isRankingRun(c: RankingSettings): boolean {
  return c.data.file.groupColumn !== undefined;
}

/**
 * The objective a ranking run trains with: `model.params.objective`, else `rank:ndcg`.
 *
 * @example
 * ```ts
 * import { rankingObjective } from "./ranking_settings.ts";
 * const config = {
 *   data: { file: { groupColumn: "query" }, split: "stratified" },
 *   model: { type: "xgboost", engine: "local", params: {}, calibration: "none" },
 *   tune: { enabled: false },
 * };
 * rankingObjective(config); // "rank:ndcg"
 * ```
 */
export function rankingObjective(c: RankingSettings): RankingObjective {
  const o = c.model.params.objective;
  return o === "rank:pairwise" ? "rank:pairwise" : "rank:ndcg";
}

/** Every setting a ranking run cannot honour, or a `rank:` objective without groups. */
export function rankingProblems(c: RankingSettings): RankingProblem[] {
  const objective = c.model.params.objective;
  const ranks = typeof objective === "string" && objective.startsWith("rank:");
  if (!isRankingRun(c)) {
    return ranks
      ? [{
        path: ["model", "params", "objective"],
        message: `${objective} ranks query groups: it needs data.file.groupColumn`,
      }]
      : [];
  }
  const why = "with data.file.groupColumn (a ranking run)";
  const problems: RankingProblem[] = [];
  const add = (path: string[], message: string) => problems.push({ path, message });
  if (objective !== undefined && !RANKING_OBJECTIVES.includes(objective as RankingObjective)) {
    add(
      ["model", "params", "objective"],
      `must be rank:ndcg or rank:pairwise ${why}, got ${objective}`,
    );
  }
  if (c.model.type !== "xgboost" && c.model.type !== "lightgbm") {
    add(["model", "type"], `must be xgboost or lightgbm ${why}, got ${c.model.type}`);
  }
  if (c.model.engine !== "local") add(["model", "engine"], `must be local ${why}`);
  if (c.data.split !== "stratified") {
    add(["data", "split"], `must be stratified ${why}: groups are split whole at random`);
  }
  if (c.model.calibration !== "none") {
    add(["model", "calibration"], `calibrates probabilities: not ${why}`);
  }
  if (c.tune.enabled) add(["tune", "enabled"], `scores binary labels: not ${why}`);
  if (c.model.featureSelection !== undefined) {
    add(["model", "featureSelection"], `scores binary labels: not ${why}`);
  }
  return problems;
}
