/**
 * One tree as an `ai.onnx.ml` tree ensemble's node lists, shared by the classifier and the
 * calibrated graph's per-tree regressors: `x < threshold` goes to the true (left) node, missing
 * values the default way; a categorical split becomes a chain of BRANCH_EQ nodes, one per category
 * going right (the right subtree shared by the chain), the last "no" going left. The graph floors
 * categorical columns first ({@link categoricalInput}), as XGBoost truncates a category value.
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
  const push = (
    id: number,
    e: { f: number; v: number; yes: number; no: number; m: number; mode: string },
  ) => {
    out.nodeids.push(id);
    out.featureids.push(e.f);
    out.values.push(e.v);
    out.truenodeids.push(e.yes);
    out.falsenodeids.push(e.no);
    out.missing.push(e.m);
    out.modes.push(e.mode);
  };
  let extra = t.left.length; // the ids of categorical chains' nodes
  for (let i = 0; i < t.left.length; i++) {
    const cats = t.categories?.get(i);
    if (t.left[i] === -1) {
      push(i, { f: 0, v: 0, yes: 0, no: 0, m: 0, mode: "LEAF" });
      out.leaves.push({ nodeid: i, weight: Math.fround(t.threshold[i]! * scale) });
    } else if (cats) {
      const ids = [i, ...cats.slice(1).map(() => extra++)];
      cats.forEach((cat, k) => {
        const no = k + 1 < ids.length ? ids[k + 1]! : t.left[i]!;
        // Missing: to the right subtree at the first node when that is its default, else left.
        const m = k === 0 && !t.defaultLeft[i] ? 1 : 0;
        push(ids[k]!, { f: t.feature[i]!, v: cat, yes: t.right[i]!, no, m, mode: "BRANCH_EQ" });
      });
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
