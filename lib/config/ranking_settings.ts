/**
 * What a ranking run (a query-group column, `data.file.groupColumn`) can be configured with: a
 * tree model on our engine with a LambdaMART objective, groups split whole at random, no
 * calibration, tuning, feature selection or early stopping, and no registered version (serve and
 * monitor score registered models as classifiers); the group column in no other role. A `rank:`
 * objective without a group column is refused too.
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
    readonly file: {
      readonly groupColumn?: string | undefined;
      readonly label?: string | undefined;
      readonly entityColumn?: string | undefined;
      readonly timestampColumn?: string | undefined;
      readonly weightColumn?: string | undefined;
      readonly featureColumns: readonly string[];
    };
    readonly split: string;
  };
  readonly mlflow: { readonly registerModel?: string | undefined };
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
 *   data: { file: { groupColumn: "query", featureColumns: [] }, split: "stratified" },
 *   model: { type: "xgboost", engine: "local", params: {}, calibration: "none" },
 *   tune: { enabled: false },
 *   mlflow: {},
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
      `must be rank:ndcg or rank:pairwise ${why}`,
    );
  }
  if (c.model.type !== "xgboost" && c.model.type !== "lightgbm") {
    add(["model", "type"], `must be xgboost or lightgbm ${why}`);
  }
  if (c.model.engine !== "local") add(["model", "engine"], `must be local ${why}`);
  if (c.data.split !== "stratified") {
    add(["data", "split"], `must be stratified ${why}: groups are split whole at random`);
  }
  if (c.model.calibration !== "none") {
    add(["model", "calibration"], `calibrates probabilities: not ${why}`);
  }
  if (c.tune.enabled) add(["tune", "enabled"], `scores binary labels: not ${why}`);
  if (c.model.params.early_stopping_rounds !== undefined) {
    add(["model", "params", "early_stopping_rounds"], `watches a validation share: not ${why}`);
  }
  if (c.mlflow.registerModel !== undefined) {
    add(
      ["mlflow", "registerModel"],
      `registers a model that serve and monitor score as a classifier: not ${why}`,
    );
  }
  problems.push(...roleProblems(c.data.file));
  if (c.model.featureSelection !== undefined) {
    add(["model", "featureSelection"], `scores binary labels: not ${why}`);
  }
  return problems;
}

/** The group column in a second role (the label, weights, ids, times or a feature). */
function roleProblems(file: RankingSettings["data"]["file"]): RankingProblem[] {
  const group = file.groupColumn!;
  const roles = [
    ["label", file.label],
    ["entityColumn", file.entityColumn],
    ["timestampColumn", file.timestampColumn],
    ["weightColumn", file.weightColumn],
  ] as const;
  const problems = roles.filter(([, column]) => column === group).map(([key]) => ({
    path: ["data", "file", key],
    message: `is the group column "${group}" (data.file.groupColumn): a column has one role`,
  }));
  if (file.featureColumns.includes(group)) {
    problems.push({
      path: ["data", "file", "featureColumns"],
      message: `names the group column "${group}" (data.file.groupColumn): it is not a feature`,
    });
  }
  return problems;
}
