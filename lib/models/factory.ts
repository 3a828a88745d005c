/**
 * The model factory: an estimator per `--model-type`, and loading of saved models by their
 * format tag.
 *
 * @module
 */

import { ConfigError, ModelFormatError } from "../errors.ts";
import { GbtModel } from "./gbt/gbt_model.ts";
import { GradientBoosting } from "./gbt/gradient_boosting.ts";
import { isXGBoostJSON } from "./gbt/xgboost_json.ts";
import {
  LOGISTIC_FORMAT,
  LogisticRegression,
  LogisticRegressionModel,
} from "./logistic_regression.ts";
import type { Classifier, Estimator, ModelJSON } from "./model.ts";

/** Model types that can be trained. */
export const AVAILABLE_MODEL_TYPES: readonly string[] = [
  "xgboost",
  "lightgbm",
  "random_forest",
  "logistic_regression",
];

/**
 * An estimator for `type` with `params` validated.
 *
 * @throws {ConfigError} for a type not available yet (no silent fallback) or bad parameters.
 * @example
 * ```ts
 * const estimator = createEstimator("logistic_regression", { C: 1 });
 * ```
 */
export function createEstimator(type: string, params: Record<string, unknown> = {}): Estimator {
  switch (type) {
    case "logistic_regression":
      return new LogisticRegression(params);
    case "xgboost":
    case "lightgbm":
    case "random_forest":
      return new GradientBoosting(params, type);
    default:
      throw new ConfigError([
        `model.type: must be one of ${AVAILABLE_MODEL_TYPES.join(", ")}, got ${
          JSON.stringify(type)
        }`,
      ]);
  }
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
