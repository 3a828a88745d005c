/**
 * The model factory: an estimator per `--model-type`, and loading of saved models by their
 * format tag.
 *
 * @module
 */

import { ConfigError, ModelFormatError } from "../errors.ts";
import {
  LOGISTIC_FORMAT,
  LogisticRegression,
  LogisticRegressionModel,
} from "./logistic_regression.ts";
import type { Classifier, Estimator, ModelJSON } from "./model.ts";

/** Model types that can be trained now. */
export const AVAILABLE_MODEL_TYPES: readonly string[] = ["logistic_regression"];

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
      throw new ConfigError([
        `model.type: "${type}" is not available yet (the gradient-boosted-tree trainer lands ` +
        `in its own issue); available now: ${AVAILABLE_MODEL_TYPES.join(", ")}`,
      ]);
    default:
      throw new ConfigError([
        `model.type: must be one of ${AVAILABLE_MODEL_TYPES.join(", ")}, got ${
          JSON.stringify(type)
        }`,
      ]);
  }
}

/**
 * Loads a model saved with `toJSON`, dispatching on its format tag.
 *
 * @throws {ModelFormatError} for an unknown or missing format tag.
 */
export function loadModel(json: unknown): Classifier {
  if (typeof json !== "object" || json === null || typeof (json as ModelJSON).format !== "string") {
    throw new ModelFormatError('Expected a model object with a string "format" tag');
  }
  const model = json as ModelJSON;
  if (model.format === LOGISTIC_FORMAT) return LogisticRegressionModel.load(model);
  throw new ModelFormatError(`Unknown model format "${model.format}"`);
}
