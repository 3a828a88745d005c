/**
 * The one list of model types: the tree engine's (`xgboost`, `lightgbm`, `random_forest`) and
 * logistic regression. The config schema, the factory and the help texts read it.
 *
 * @module
 */

import { TREE_MODEL_TYPES } from "./gbt/params.ts";

/** Every model type that can be trained. */
export const MODEL_TYPES = [...TREE_MODEL_TYPES, "logistic_regression"] as const;

/** A model type. */
export type ModelType = typeof MODEL_TYPES[number];
