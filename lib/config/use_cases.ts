/**
 * Use cases as data: a use case is a feature view, a rule set that labels it, and the defaults
 * that suit it. `useCase` in the config (`--use-case`) puts these defaults under every layer the
 * user gives (a config file, the environment and flags still win). Adding a use case is adding an
 * entry here (with its view in the catalog, its stream in the embedded source and its rule set in
 * `lib/labels`); no pipeline code changes.
 *
 * @module
 */

/** A partial config tree. */
type ConfigTree = { [key: string]: unknown };

/** One use case. */
export interface UseCase {
  /** Name, as `useCase` gives it. */
  readonly name: string;
  /** What it predicts, in words. */
  readonly description: string;
  /** Settings under the user's layers, as a partial config. */
  readonly defaults: ConfigTree;
}

/** The use cases, by name. */
export const USE_CASES: ReadonlyMap<string, UseCase> = new Map([
  ["fraud", {
    name: "fraud",
    description: "card fraud from transaction features (per card), rule labels at 2%",
    defaults: {
      featureViews: ["transaction"],
      data: { labelRules: "fraud", positiveRate: 0.02 },
      model: { type: "xgboost" },
      mlflow: { experimentName: "fraud-detection" },
    },
  }],
  ["personalization", {
    name: "personalization",
    description: "purchase propensity from clickstream features (per user), rule labels at 10%",
    defaults: {
      featureViews: ["clickstream"],
      data: { labelRules: "propensity", positiveRate: 0.1, redis: { joinKey: "user_id" } },
      model: { type: "logistic_regression" },
      mlflow: { experimentName: "personalization" },
    },
  }],
]);
