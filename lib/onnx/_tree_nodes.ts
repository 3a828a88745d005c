/**
 * One tree as an `ai.onnx.ml` tree ensemble's node lists, shared by the classifier and the
 * calibrated graph's per-tree regressors: `x < threshold` goes to the true (left) node, missing
 * values the default way; a categorical split becomes a balanced search over the boundaries of
 * its categories' runs ({@link categorySearch}: threshold nodes, as deep as the log of the runs,
 * so a set of a thousand categories stays a few levels deep where a chain of BRANCH_EQ nodes
 * overflowed onnxruntime's stack), whose regions inside a run lead to the right subtree and the
 * others to the left one (both shared). The graph floors categorical columns first
 * ({@link categoricalInput}), as XGBoost truncates a category value.
 *
 * @module
 */

import type { GbtState } from "../models/gbt/xgboost_json.ts";
import { featureTypes } from "../models/gbt/xgboost_json.ts";
import type { RegTree } from "../models/gbt/tree.ts";
import { boolTensor, node } from "./proto.ts";

/** A tree's nodes (ids, tests, children, where missing values go) and its leaves' values. */
export interface TreeNodes {
  readonly nodeids: number[];
  readonly featureids: number[];
  readonly values: number[];
  readonly modes: string[];
  readonly truenodeids: number[];
  readonly falsenodeids: number[];
  readonly missing: number[];
  /** Each leaf's node id and value (× `scale`, in float32). */
  readonly leaves: Array<{ nodeid: number; weight: number }>;
}

/** A node as the lists hold it: feature, threshold, true and false node ids, missing → true, mode. */
interface NodeEntry {
  readonly f: number;
  readonly v: number;
  readonly yes: number;
  readonly no: number;
  readonly m: number;
  readonly mode: string;
}

/**
 * The nodes testing whether a floored value is in the category set `cats` (ascending integers):
 * the boundaries of its runs (a run [a, b] gives a and b + 1) split a value's line into regions,
 * the odd ones inside the set; a balanced search of threshold nodes finds the region and goes to
 * `right` inside the set, `left` outside. onnxruntime lays a node's false child right after it, so
 * a subtree may be a false child once only: the subtrees are reached by true edges (a node whose
 * other child is a search node tests `x >= boundary` when that puts the subtree on its true side),
 * and where both children are subtrees the false one goes through a proxy (`x <= +∞`, missing
 * true, its false child a leaf of 0 never reached). A missing value follows each node's `m` to
 * region 1 (inside) when the split sends it right, to region 0 (outside) otherwise. `ids` gives
 * the nodes' ids, its first call the split node's own.
 */
export function categorySearch(
  split: { cats: Int32Array; feature: number; left: number; right: number; defaultLeft: boolean },
  ids: () => number,
): Array<{ id: number; entry: NodeEntry }> {
  const bounds: number[] = [];
  split.cats.forEach((c, k) => {
    if (k === 0 || c !== split.cats[k - 1]! + 1) bounds.push(c);
    if (k === split.cats.length - 1 || split.cats[k + 1] !== c + 1) bounds.push(c + 1);
  });
  const f = split.feature, nanRegion = split.defaultLeft ? 0 : 1;
  const out: Array<{ id: number; entry: NodeEntry }> = [];
  const proxy = (target: number): number => {
    const id = ids(), never = ids();
    out.push({ id, entry: { f, v: Infinity, yes: target, no: never, m: 1, mode: "BRANCH_LEQ" } });
    out.push({ id: never, entry: { f: 0, v: 0, yes: 0, no: 0, m: 0, mode: "LEAF" } });
    return id;
  };
  const build = (lo: number, hi: number): { id: number; subtree: boolean } => {
    if (lo === hi) return { id: lo % 2 === 1 ? split.right : split.left, subtree: true };
    const mid = (lo + hi) >> 1, id = ids(), at = out.length, v = bounds[mid]!;
    out.push({ id, entry: { f, v, yes: 0, no: 0, m: 0, mode: "BRANCH_LT" } });
    const below = build(lo, mid), above = build(mid + 1, hi), nanBelow = nanRegion <= mid;
    const entry = below.subtree && !above.subtree
      ? { f, v, yes: below.id, no: above.id, m: nanBelow ? 1 : 0, mode: "BRANCH_LT" }
      : !below.subtree
      ? { f, v, yes: above.id, no: below.id, m: nanBelow ? 0 : 1, mode: "BRANCH_GTE" }
      : { f, v, yes: below.id, no: proxy(above.id), m: nanBelow ? 1 : 0, mode: "BRANCH_LT" };
    out[at] = { id, entry };
    return { id, subtree: false };
  };
  build(0, bounds.length);
  return out;
}

/** The ONNX nodes of one tree, its leaf values multiplied by `scale` (DART weights). */
export function treeNodes(t: RegTree, scale: number): TreeNodes {
  const out: TreeNodes = {
    nodeids: [],
    featureids: [],
    values: [],
    modes: [],
    truenodeids: [],
    falsenodeids: [],
    missing: [],
    leaves: [],
  };
  const push = (id: number, e: NodeEntry) => {
    out.nodeids.push(id);
    out.featureids.push(e.f);
    out.values.push(e.v);
    out.truenodeids.push(e.yes);
    out.falsenodeids.push(e.no);
    out.missing.push(e.m);
    out.modes.push(e.mode);
  };
  let extra = t.left.length; // the ids of categorical searches' further nodes
  for (let i = 0; i < t.left.length; i++) {
    const cats = t.categories?.get(i);
    if (t.left[i] === -1) {
      push(i, { f: 0, v: 0, yes: 0, no: 0, m: 0, mode: "LEAF" });
      out.leaves.push({ nodeid: i, weight: Math.fround(t.threshold[i]! * scale) });
    } else if (cats) {
      let first = true;
      const split = {
        cats,
        feature: t.feature[i]!,
        left: t.left[i]!,
        right: t.right[i]!,
        defaultLeft: t.defaultLeft[i] === 1,
      };
      const ids = () => (first ? ((first = false), i) : extra++);
      for (const { id, entry } of categorySearch(split, ids)) {
        push(id, entry);
        if (entry.mode === "LEAF") out.leaves.push({ nodeid: id, weight: 0 });
      }
    } else {
      const e = { f: t.feature[i]!, v: t.threshold[i]!, yes: t.left[i]!, no: t.right[i]! };
      push(i, { ...e, m: t.defaultLeft[i]!, mode: "BRANCH_LT" });
    }
  }
  return out;
}

/**
 * The input the trees read: `float_input` itself, or with categorical columns floored (XGBoost
 * truncates category values; a negative one matches no category either way), and the nodes
 * that make it.
 */
export function categoricalInput(
  s: GbtState,
): { input: string; nodes: unknown[]; initializers: unknown[] } {
  const types = featureTypes(s);
  if (!types.includes("c")) return { input: "float_input", nodes: [], initializers: [] };
  return {
    input: "tree_input",
    nodes: [
      node("Floor", { inputs: ["float_input"], outputs: ["floored_input"] }),
      node("Where", {
        inputs: ["is_category", "floored_input", "float_input"],
        outputs: ["tree_input"],
      }),
    ],
    initializers: [
      boolTensor("is_category", [types.length], types.map((t) => t === "c")),
    ],
  };
}
