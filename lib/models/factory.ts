/**
 * The model factory: an estimator per `--model-type`, and loading of saved models by their
 * format tag.
 *
 * @module
 */

import { ConfigError, ModelFormatError } from "../errors.ts";
import { GbtModel } from "./gbt/gbt_model.ts";
import { GradientBoosting } from "./gbt/gradient_boosting.ts";
import { TREE_MODEL_TYPES, type TreeModelType } from "./gbt/params.ts";
import { isXGBoostJSON } from "./gbt/xgboost_json.ts";
import { MODEL_TYPES } from "./model_types.ts";
import {
  LOGISTIC_FORMAT,
  LogisticRegression,
  LogisticRegressionModel,
} from "./logistic_regression.ts";
import type { Classifier, Estimator, ModelJSON } from "./model.ts";

/** What {@link createEstimator} makes. */
export interface EstimatorSpec {
  /** One of {@link MODEL_TYPES}. */
  readonly type: string;
  /** The model's parameters, by its own names (validated). */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * The seed of the model's random choices (row and column sampling), unless `params` sets its
   * own (`seed`, or its alias `random_state`). Models without random choices ignore it.
   */
  readonly seed?: number;
}

/**
 * An estimator of `spec.type` with `spec.params` validated.
 *
 * @throws {ConfigError} for an unknown type (no silent fallback) or bad parameters.
 * @example An estimator by its config name
 * ```ts
 * import { createEstimator } from "./factory.ts";
 * const estimator = createEstimator({ type: "logistic_regression", params: { C: 1 } });
 * estimator.type; // "logistic_regression"
 * createEstimator({ type: "xgboost", params: { max_depth: 4 }, seed: 7 }); // seeded trees
 * ```
 */
export function createEstimator(spec: EstimatorSpec): Estimator {
  const { type, params = {} } = spec;
  if (type === "logistic_regression") return new LogisticRegression({ ...params });
  if ((TREE_MODEL_TYPES as readonly string[]).includes(type)) return treeEstimator(spec);
  throw new ConfigError([
    `model.type: must be one of ${MODEL_TYPES.join(", ")}, got ${JSON.stringify(type)}`,
  ]);
}

/**
 * Loads a model saved with `toJSON`: XGBoost JSON (ours or Python xgboost's 1.7–3.x) or a
 * format-tagged model of ours.
 *
 * @throws {ModelFormatError} for an unknown or missing format tag, or an unsupported model.
 */
export function loadModel(json: unknown): Classifier {
  if (isXGBoostJSON(json)) return GbtModel.fromJSON(json);
  if (typeof json !== "object" || json === null || typeof (json as ModelJSON).format !== "string") {
    throw new ModelFormatError(
      'Expected an XGBoost JSON model (with "learner") or a model with a string "format" tag',
    );
  }
  const model = json as ModelJSON;
  if (model.format === LOGISTIC_FORMAT) return LogisticRegressionModel.load(model);
  throw new ModelFormatError(`Unknown model format "${model.format}"`);
}

/**
 * The tree estimator {@link createEstimator} makes for a tree model type, typed as our engine (its
 * `fit` takes any labels: relevance grades for ranking, with `groups`).
 *
 * @throws {ConfigError} for a type that is not a tree model, or bad parameters.
 */
export function treeEstimator(spec: EstimatorSpec): GradientBoosting {
  const { type, params = {} } = spec;
  if (!(TREE_MODEL_TYPES as readonly string[]).includes(type)) {
    throw new ConfigError([
      `model.type: must be one of ${TREE_MODEL_TYPES.join(", ")}, got ${JSON.stringify(type)}`,
    ]);
  }
  const seeded = spec.seed === undefined || "seed" in params || "random_state" in params
    ? params
    : { ...params, seed: spec.seed };
  return new GradientBoosting({ ...seeded }, { type: type as TreeModelType });
}
