/**
 * XGBoost's JSON model format: reading models written by xgboost 1.7 through 3.x (base_score as
 * `"5E-1"` or `"[5E-1]"`, gbtree or dart) and writing models xgboost loads.
 *
 * @module
 */

import { ModelFormatError } from "../../errors.ts";
import { isRanking, type ObjectiveName } from "./objective.ts";
import type { RegTree } from "./tree.ts";

/** Everything a tree ensemble model holds. */
export interface GbtState {
  /** Feature names in input order. */
  readonly featureNames: readonly string[];
  /** The trees, in boosting order. */
  readonly trees: readonly RegTree[];
  /** Trees per boosting round (random forest mode > 1). */
  readonly numParallelTree: number;
  /** XGBoost's base_score (a probability for logistic objectives). */
  readonly baseScore: number;
  /** The objective. */
  readonly objective: ObjectiveName;
  /** scale_pos_weight used in training (kept in the objective's parameters). */
  readonly scalePosWeight: number;
  /** DART weights per tree, when the booster is dart. */
  readonly weightDrop?: readonly number[];
  /** Learner attributes (e.g. best_iteration). */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * XGBoost's `feature_types` per feature (`"c"` for a categorical one, `"float"` otherwise); absent:
   * those of the trees (a feature any categorical split uses is `"c"`).
   */
  readonly featureTypes?: readonly string[];
}

const OBJECTIVES: readonly string[] = [
  "binary:logistic",
  "reg:logistic",
  "reg:squarederror",
  "binary:logitraw",
  "rank:pairwise",
  "rank:ndcg",
];
const ROOT_PARENT = 2147483647;

/** The ranking objectives' parameters as XGBoost 3.2 writes its defaults (the ones trained here). */
const LAMBDARANK_DEFAULTS = {
  lambdarank_bias_norm: "1",
  lambdarank_normalization: "1",
  lambdarank_num_pair_per_sample: "4294967295",
  lambdarank_pair_method: "topk",
  lambdarank_score_normalization: "1",
  lambdarank_unbiased: "0",
  ndcg_exp_gain: "1",
};

/** True when `json` looks like an XGBoost JSON model. */
export function isXGBoostJSON(json: unknown): boolean {
  return typeof json === "object" && json !== null && "learner" in json;
}

/**
 * Reads an XGBoost JSON model.
 *
 * @throws {ModelFormatError} for multi-class models, unsupported objectives or boosters, and
 *   malformed trees (categorical splits included).
 */
export function parseXGBoostJSON(json: unknown): GbtState {
  const learner = obj(obj(json, "model").learner, "learner");
  const lmp = obj(learner.learner_model_param, "learner_model_param");
  const numClass = Number(lmp.num_class ?? 0);
  const numTarget = Number(lmp.num_target ?? 1);
  if (numClass > 1 || numTarget > 1) {
    throw new ModelFormatError(
      `Only binary or single-target models are supported; found num_class=${numClass}, num_target=${numTarget}`,
    );
  }
  const baseScore = parseFloat(String(lmp.base_score ?? "0.5").replace(/^\[|\]$/g, ""));
  if (!Number.isFinite(baseScore)) {
    throw new ModelFormatError(`Unreadable base_score ${JSON.stringify(lmp.base_score)}`);
  }
  const objective = obj(learner.objective, "objective");
  const name = String(objective.name);
  if (!OBJECTIVES.includes(name)) {
    throw new ModelFormatError(
      `Unsupported objective "${name}"; supported: ${OBJECTIVES.join(", ")}`,
    );
  }
  const spw = Number(obj(objective.reg_loss_param ?? {}, "reg_loss_param").scale_pos_weight ?? 1);
  let booster = obj(learner.gradient_booster, "gradient_booster");
  let weightDrop: number[] | undefined;
  if (booster.name === "dart") {
    weightDrop = (booster.weight_drop as number[]).map(Number);
    booster = obj(booster.gbtree, "gbtree");
  }
  if (booster.name !== "gbtree") {
    throw new ModelFormatError(`Unsupported booster "${String(booster.name)}"`);
  }
  const model = obj(booster.model, "model");
  const numFeature = Number(lmp.num_feature);
  const names = (learner.feature_names as string[] | undefined) ?? [];
  const featureNames = names.length
    ? names.map(String)
    : Array.from({ length: numFeature }, (_, i) => `f${i}`);
  const trees = (model.trees as unknown[]).map((t, i) =>
    parseTree(obj(t, `tree ${i}`), i, featureNames.length)
  );
  const gmp = obj(model.gbtree_model_param ?? {}, "gbtree_model_param");
  return {
    featureNames,
    trees,
    numParallelTree: Number(gmp.num_parallel_tree ?? 1),
    baseScore,
    objective: name as ObjectiveName,
    scalePosWeight: spw,
    ...(weightDrop ? { weightDrop } : {}),
    attributes: Object.fromEntries(
      Object.entries(obj(learner.attributes ?? {}, "attributes")).map(([k, v]) => [k, String(v)]),
    ),
    ...(Array.isArray(learner.feature_types) && learner.feature_types.length === featureNames.length
      ? { featureTypes: learner.feature_types.map(String) }
      : {}),
  };
}

function parseTree(t: Record<string, unknown>, index: number, numFeature: number): RegTree {
  const arr = (key: string): number[] => {
    const v = t[key];
    if (!Array.isArray(v)) throw new ModelFormatError(`tree ${index} lacks "${key}"`);
    return v.map((x) => (typeof x === "boolean" ? (x ? 1 : 0) : Number(x)));
  };
  const left = arr("left_children"), n = left.length;
  const categories = parseCategories(t, { index, n, arr });
  const fields = {
    right: arr("right_children"),
    parent: arr("parents"),
    feature: arr("split_indices"),
    threshold: arr("split_conditions"),
    defaultLeft: arr("default_left"),
    baseWeight: arr("base_weights"),
    lossChange: arr("loss_changes"),
    sumHessian: arr("sum_hessian"),
  };
  for (const [k, v] of Object.entries(fields)) {
    if (v.length !== n) {
      throw new ModelFormatError(`tree ${index}: "${k}" has ${v.length} entries, expected ${n}`);
    }
  }
  for (let i = 0; i < n; i++) {
    const l = left[i]!, r = fields.right[i]!;
    if (l === -1) continue;
    if (!(l > i && l < n && r > i && r < n)) {
      throw new ModelFormatError(`tree ${index}: node ${i} has bad children`);
    }
    if (!(fields.feature[i]! >= 0 && fields.feature[i]! < numFeature)) {
      throw new ModelFormatError(
        `tree ${index}: node ${i} splits on feature ${fields.feature[i]}, beyond ${numFeature}`,
      );
    }
  }
  return {
    left: Int32Array.from(left),
    right: Int32Array.from(fields.right),
    parent: Int32Array.from(fields.parent),
    feature: Int32Array.from(fields.feature),
    threshold: Float32Array.from(fields.threshold),
    defaultLeft: Uint8Array.from(fields.defaultLeft),
    baseWeight: Float32Array.from(fields.baseWeight),
    lossChange: Float32Array.from(fields.lossChange),
    sumHessian: Float32Array.from(fields.sumHessian),
    ...(categories.size ? { categories } : {}),
  };
}

/**
 * A tree's categorical splits: `split_type` 1 nodes, in `categories_nodes` (ascending), each with
 * its run of `categories` (`categories_segments`, `categories_sizes`): the categories going right.
 */
function parseCategories(
  t: Record<string, unknown>,
  at: { index: number; n: number; arr: (key: string) => number[] },
): Map<number, Int32Array> {
  const out = new Map<number, Int32Array>();
  const types = Array.isArray(t.split_type) ? at.arr("split_type") : [];
  if (!types.some((s) => s !== 0)) return out;
  const [nodes, segments, sizes, cats] = [
    "categories_nodes",
    "categories_segments",
    "categories_sizes",
    "categories",
  ].map((k) => at.arr(k));
  const bad = (why: string) => new ModelFormatError(`tree ${at.index}: categorical split ${why}`);
  if (nodes!.length !== segments!.length || nodes!.length !== sizes!.length) {
    throw bad("fields of different lengths");
  }
  nodes!.forEach((node, k) => {
    const from = segments![k]!, size = sizes![k]!;
    if (!(node >= 0 && node < at.n) || types[node] !== 1) throw bad(`node ${node} is not one`);
    if (!(size > 0 && from >= 0 && from + size <= cats!.length)) {
      throw bad(`of node ${node} is out of range`);
    }
    const set = Int32Array.from(cats!.slice(from, from + size)).sort();
    if (set.some((c) => !(c >= 0 && c < 16_777_216))) {
      throw bad(`of node ${node} holds a bad category`);
    }
    out.set(node, set);
  });
  if (types.filter((s) => s === 1).length !== out.size) throw bad("nodes are not all listed");
  return out;
}

/** Writes a model as XGBoost JSON (loadable by xgboost 2.x and 3.x). */
export function toXGBoostJSON(s: GbtState): Record<string, unknown> {
  const numFeature = String(s.featureNames.length);
  const rounds = s.trees.length / s.numParallelTree;
  const trees = s.trees.map((t, id) => ({
    base_weights: Array.from(t.baseWeight),
    ...categoryFields(t),
    default_left: Array.from(t.defaultLeft),
    id,
    left_children: Array.from(t.left),
    loss_changes: Array.from(t.lossChange),
    parents: Array.from(t.parent, (p) => (p < 0 ? ROOT_PARENT : p)),
    right_children: Array.from(t.right),
    split_conditions: Array.from(t.threshold, (v, i) => (t.categories?.has(i) ? 1e-45 : v)),
    split_indices: Array.from(t.feature),
    split_type: Array.from(t.left, (_, i) => (t.categories?.has(i) ? 1 : 0)),
    sum_hessian: Array.from(t.sumHessian),
    tree_param: {
      num_deleted: "0",
      num_feature: numFeature,
      num_nodes: String(t.left.length),
      size_leaf_vector: "1",
    },
  }));
  const gbtree = {
    model: {
      gbtree_model_param: {
        num_parallel_tree: String(s.numParallelTree),
        num_trees: String(s.trees.length),
      },
      iteration_indptr: Array.from({ length: rounds + 1 }, (_, i) => i * s.numParallelTree),
      tree_info: s.trees.map(() => 0),
      trees,
    },
    name: "gbtree",
  };
  return {
    learner: {
      attributes: { ...s.attributes },
      feature_names: [...s.featureNames],
      feature_types: featureTypes(s),
      gradient_booster: s.weightDrop
        ? { gbtree, name: "dart", weight_drop: [...s.weightDrop] }
        : gbtree,
      learner_model_param: {
        base_score: floatString(s.baseScore),
        boost_from_average: "1",
        num_class: "0",
        num_feature: numFeature,
        num_target: "1",
      },
      objective: isRanking(s.objective)
        ? { name: s.objective, lambdarank_param: LAMBDARANK_DEFAULTS }
        : {
          name: s.objective,
          reg_loss_param: { scale_pos_weight: floatString(s.scalePosWeight) },
        },
    },
    version: [2, 1, 0],
  };
}

/** Each feature's XGBoost type: the model's own, or "c" where a categorical split uses it. */
export function featureTypes(s: GbtState): string[] {
  if (s.featureTypes) return [...s.featureTypes];
  const categorical = new Set<number>();
  for (const t of s.trees) {
    for (const node of t.categories?.keys() ?? []) categorical.add(t.feature[node]!);
  }
  return s.featureNames.map((_, j) => (categorical.has(j) ? "c" : "float"));
}

/** A tree's categorical splits in XGBoost's fields (nodes ascending, their categories in runs). */
function categoryFields(t: RegTree) {
  const nodes = [...(t.categories?.keys() ?? [])].sort((a, b) => a - b);
  const categories: number[] = [], segments: number[] = [], sizes: number[] = [];
  for (const node of nodes) {
    const set = t.categories!.get(node)!;
    segments.push(categories.length);
    sizes.push(set.length);
    categories.push(...set);
  }
  return {
    categories,
    categories_nodes: nodes,
    categories_segments: segments,
    categories_sizes: sizes,
  };
}

/** Keys whose arrays XGBoost reads as floating-point numbers (an integer literal is refused). */
const FLOAT_KEYS = new Set(["base_weights", "loss_changes", "split_conditions", "sum_hessian"]);
const MARK = "\u0000f:";

/**
 * XGBoost JSON text: like `JSON.stringify`, but float arrays are written as float32 in their
 * shortest form with a decimal point (`0.0`, not `0`), as xgboost's parser requires.
 */
export function stringifyXGBoostJSON(model: Record<string, unknown>, indent = 0): string {
  const text = JSON.stringify(
    model,
    (key, value) =>
      FLOAT_KEYS.has(key) && Array.isArray(value) ? value.map((v) => MARK + float32Text(v)) : value,
    indent,
  );
  return text.replace(/"\\u0000f:([^"]*)"/g, "$1");
}

/** The shortest decimal text that reads back as the same float32, always with a point or exponent. */
export function float32Text(v: number): string {
  const f = Math.fround(v);
  let s = String(f);
  for (let p = 1; p <= 9; p++) {
    const t = f.toPrecision(p);
    if (Math.fround(Number(t)) === f) {
      s = String(Number(t));
      break;
    }
  }
  return /[.eE]/.test(s) || !Number.isFinite(f) ? s : `${s}.0`;
}

function floatString(v: number): string {
  return float32Text(v);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ModelFormatError(`Expected an object for "${what}" in the XGBoost model`);
  }
  return v as Record<string, unknown>;
}
