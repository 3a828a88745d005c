/**
 * Parameters of the gradient-boosted-tree engine, with XGBoost's names, meanings and ranges,
 * and the defaults of each model type that uses it (`xgboost`, `lightgbm`, `random_forest`).
 *
 * @module
 */

import { z } from "zod";
import { rankMetricName } from "./ranking.ts";

const INT_MAX = 2 ** 31 - 1;

function int(lo: number, hi: number) {
  const range = hi === INT_MAX ? `≥ ${lo}` : `in [${lo}, ${hi}]`;
  return z.number().refine((v) => Number.isInteger(v) && v >= lo && v <= hi, {
    message: `must be an integer ${range}`,
  });
}

function num(lo: number, hi: number, options: { loOpen?: boolean; hiOpen?: boolean } = {}) {
  const l = options.loOpen ? "(" : "[", h = options.hiOpen ? ")" : "]";
  const hiText = hi === Infinity ? "∞" : String(hi);
  return z.number().refine(
    (v) =>
      Number.isFinite(v) && (options.loOpen ? v > lo : v >= lo) &&
      (hi === Infinity || (options.hiOpen ? v < hi : v <= hi)),
    { message: `must be a number in ${l}${lo}, ${hiText}${h}` },
  );
}

/** Training objectives. */
export const OBJECTIVES = [
  "binary:logistic",
  "reg:logistic",
  "reg:squarederror",
  "rank:pairwise",
  "rank:ndcg",
] as const;

/** Evaluation metrics. */
export const EVAL_METRICS = ["logloss", "auc", "aucpr", "error", "rmse"] as const;

/** An eval metric: one of {@link EVAL_METRICS}, or a ranking metric (`ndcg`, `map@10`, `ndcg@5-`). */
const EvalMetricName = z.string().refine(
  (m) => (EVAL_METRICS as readonly string[]).includes(m) || rankMetricName(m) !== undefined,
  { message: `must be one of ${EVAL_METRICS.join(", ")}, ndcg[@k][-] or map[@k][-]` },
);

/** The engine's parameters (XGBoost names; aliases are folded in by {@link normalizeAliases}). */
export const GbtParamsSchema = z.strictObject({
  objective: z.enum(OBJECTIVES).default("binary:logistic"),
  num_boost_round: int(1, 100_000).default(100),
  eta: num(0, 1, { loOpen: true }).default(0.3),
  max_depth: int(0, 64).default(6),
  max_leaves: int(0, INT_MAX).default(0),
  grow_policy: z.enum(["depthwise", "lossguide"]).default("depthwise"),
  min_child_weight: num(0, Infinity).default(1),
  gamma: num(0, Infinity).default(0),
  lambda: num(0, Infinity).default(1),
  alpha: num(0, Infinity).default(0),
  max_delta_step: num(0, Infinity).default(0),
  subsample: num(0, 1, { loOpen: true }).default(1),
  colsample_bytree: num(0, 1, { loOpen: true }).default(1),
  colsample_bylevel: num(0, 1, { loOpen: true }).default(1),
  colsample_bynode: num(0, 1, { loOpen: true }).default(1),
  scale_pos_weight: num(0, Infinity, { loOpen: true }).default(1),
  base_score: num(0, 1, { loOpen: true, hiOpen: true }).optional(),
  max_bin: int(2, 256).default(256),
  num_parallel_tree: int(1, 10_000).default(1),
  eval_metric: z.union([EvalMetricName, z.array(EvalMetricName).min(1)]).optional(),
  early_stopping_rounds: int(1, 100_000).optional(),
  seed: int(0, 2 ** 32 - 1).default(0),
  nthread: int(0, 256).default(0),
  /** Split the features the fit names categorical (`FitOptions.categorical`) by category sets. */
  enable_categorical: z.boolean().default(false),
  /** One category against the rest below this many categories, else partitions. */
  max_cat_to_onehot: int(1, INT_MAX).default(4),
  /** At most this many categories on the scanned side of a partition split. */
  max_cat_threshold: int(1, INT_MAX).default(64),
  /**
   * LightGBM's partition of categories instead of XGBoost's when set (the `lightgbm` type sets
   * 10): categories of fewer rows stay with the rest, the others sorted by G / (H + cat_smooth).
   */
  cat_smooth: num(0, Infinity, { loOpen: true }).optional(),
  /** With `cat_smooth`: rows each side of a categorical split keeps, and gathers per candidate. */
  min_data_per_group: num(0, Infinity).default(100),
  /** With `cat_smooth`: extra L2 regularization of a categorical split's gain. */
  cat_l2: num(0, Infinity).default(10),
  /** Ranking: how pairs are chosen (XGBoost's default `topk`, the only one here). */
  lambdarank_pair_method: z.enum(["topk"]).default("topk"),
  /** Ranking: the top k positions each pair's higher member comes from (XGBoost's default 32). */
  lambdarank_num_pair_per_sample: int(1, INT_MAX).default(32),
  /** Ranking: gains 2^rel − 1 (true) or rel. */
  ndcg_exp_gain: z.boolean().default(true),
  /** Per feature 1 (increasing), −1 (decreasing) or 0: `"(1,0,-1)"`, a list, or by feature name. */
  monotone_constraints: z.union([
    z.string(),
    z.array(z.number()),
    z.record(z.string(), z.number()),
  ]).optional(),
  /** Sets of features that may interact: `"[[0,1],[2,3]]"`, or lists of indices or names. */
  interaction_constraints: z.union([
    z.string(),
    z.array(z.array(z.union([z.number(), z.string()]))),
  ]).optional(),
});

/** Validated engine parameters. */
export type GbtParams = z.infer<typeof GbtParamsSchema>;

/** XGBoost / scikit-learn aliases and the canonical name each maps to. */
export const ALIASES: Readonly<Record<string, string>> = {
  learning_rate: "eta",
  n_estimators: "num_boost_round",
  min_split_loss: "gamma",
  reg_lambda: "lambda",
  reg_alpha: "alpha",
  random_state: "seed",
  n_jobs: "nthread",
};

/** The model types the tree engine trains (each a set of defaults on top of XGBoost's). */
export const TREE_MODEL_TYPES = ["xgboost", "lightgbm", "random_forest"] as const;

/** A model type the tree engine trains. */
export type TreeModelType = typeof TREE_MODEL_TYPES[number];

/** Per model type: the defaults it sets on top of XGBoost's. */
export const MODEL_DEFAULTS: Readonly<Record<TreeModelType, Readonly<Record<string, unknown>>>> = {
  xgboost: {},
  // LightGBM-style: leaf-wise growth with its usual leaves, rate and leaf hessian floor.
  lightgbm: {
    grow_policy: "lossguide",
    max_leaves: 31,
    max_depth: 0,
    eta: 0.1,
    min_child_weight: 1e-3,
    // LightGBM's categorical splits and their defaults.
    cat_smooth: 10,
    max_cat_threshold: 32,
  },
  // XGBoost's random forest (XGBRFClassifier): one round of parallel trees, no shrinkage.
  random_forest: {
    num_parallel_tree: 100,
    num_boost_round: 1,
    eta: 1,
    subsample: 0.8,
    colsample_bynode: 0.8,
    lambda: 1e-5,
  },
};

/** Renames aliases to canonical names (the canonical name wins when both are given). */
export function normalizeAliases(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const name = ALIASES[k] ?? k;
    if (!(name in out) || !(k in ALIASES)) out[name] = v;
  }
  return out;
}
