/**
 * A regression tree in XGBoost's array form: node i is a leaf when `left[i] === -1`; an internal
 * node sends `x` left when `x < threshold[i]` (float32) — or, splitting on categories, when `x`
 * is not one of its categories — and missing values by `defaultLeft[i]`.
 *
 * @module
 */

import type { Workspace } from "./kernel/workspace.ts";

/** One tree, as XGBoost's JSON stores it. */
export interface RegTree {
  /** Left child per node (−1 for a leaf). */
  readonly left: Int32Array;
  /** Right child per node (−1 for a leaf). */
  readonly right: Int32Array;
  /** Parent per node (2147483647 for the root). */
  readonly parent: Int32Array;
  /** Split feature per node (0 for a leaf). */
  readonly feature: Int32Array;
  /** Split threshold (internal node) or leaf value (leaf), float32 — XGBoost's split_conditions. */
  readonly threshold: Float32Array;
  /** 1 when missing values go left. */
  readonly defaultLeft: Uint8Array;
  /** Node weight (leaf value for a leaf), float32. */
  readonly baseWeight: Float32Array;
  /** Loss reduction of the split (0 for a leaf). */
  readonly lossChange: Float32Array;
  /** Hessian sum (cover) per node. */
  readonly sumHessian: Float32Array;
  /** Bin of the split per node, when the tree was grown here (−2 for leaves); absent when loaded. */
  readonly splitBin?: Int32Array;
  /**
   * Categorical splits (XGBoost's `split_type` 1): per such node, its categories in ascending
   * order — a row whose category is listed goes RIGHT, any other (negative, unseen, too large)
   * LEFT, a missing one by `defaultLeft`. Absent: every split is numeric.
   */
  readonly categories?: ReadonlyMap<number, Int32Array>;
}

/** A node's flag byte for the kernels: bit 0 missing goes left, bit 1 categorical split. */
function nodeFlags(tree: RegTree, i: number): number {
  return tree.defaultLeft[i]! | (tree.categories?.has(i) ? 2 : 0);
}

/**
 * Writes each categorical node's set into the workspace (a u32 bit count, then u32 words, bit c
 * set for category c) and returns node → its address.
 */
function placeCategories(ws: Workspace, tree: RegTree): Map<number, number> {
  const out = new Map<number, number>();
  for (const [node, cats] of tree.categories ?? []) {
    const bits = cats.length ? cats[cats.length - 1]! + 1 : 0, words = (bits + 31) >>> 5;
    const at = ws.alloc(4 * (1 + words));
    const u = new Uint32Array(ws.memory.buffer, at, 1 + words);
    u.fill(0);
    u[0] = bits;
    for (const c of cats) u[1 + (c >>> 5)] = u[1 + (c >>> 5)]! | (1 << (c & 31));
    out.set(node, at);
  }
  return out;
}

/** Pointers of a tree laid out for the kernels. */
export interface PlacedTree {
  readonly feature: number;
  readonly split: number;
  readonly left: number;
  readonly right: number;
  readonly defaultLeft: number;
  readonly value: number;
}

/** Number of leaves of a tree. */
export function leafCount(tree: RegTree): number {
  let n = 0;
  for (const l of tree.left) if (l === -1) n++;
  return n;
}

/**
 * Copies a tree into the workspace for `addTreeRaw` (thresholds) or `addTreeBinned` (bins), with
 * leaf values multiplied by `scale` (DART weights).
 */
export function placeTree(
  ws: Workspace,
  tree: RegTree,
  options: { binned: boolean; scale?: number },
): PlacedTree {
  const { binned, scale = 1 } = options;
  const n = tree.left.length, sets = placeCategories(ws, tree);
  const feature = ws.alloc(4 * n), split = ws.alloc(4 * n), left = ws.alloc(4 * n);
  const right = ws.alloc(4 * n), defaultLeft = ws.alloc(n), value = ws.alloc(8 * n);
  ws.i32(feature, n).set(tree.feature);
  if (binned) {
    if (!tree.splitBin) throw new Error("placeTree: a binned walk needs split bins");
    ws.i32(split, n).set(tree.splitBin);
  } else {
    ws.f32(split, n).set(tree.threshold);
  }
  for (const [node, at] of sets) ws.i32(split, n)[node] = at;
  ws.i32(left, n).set(tree.left);
  ws.i32(right, n).set(tree.right);
  ws.u8(defaultLeft, n).set(Uint8Array.from(tree.defaultLeft, (_, i) => nodeFlags(tree, i)));
  const v = ws.f64(value, n);
  for (let i = 0; i < n; i++) {
    v[i] = tree.left[i] === -1 ? Math.fround(tree.threshold[i]! * scale) : 0;
  }
  return { feature, split, left, right, defaultLeft, value };
}

/**
 * A whole ensemble laid out for `addForestRaw`: nodes concatenated with absolute child indices,
 * leaves looping to themselves, `roots` = each tree's first node, then each tree's depth.
 */
export interface PlacedForest extends PlacedTree {
  readonly roots: number;
  readonly trees: number;
}

/** Copies every tree into one node table for `addForestRaw`; leaf values × per-tree `scales`. */
export function placeForest(
  ws: Workspace,
  trees: readonly RegTree[],
  scales?: readonly number[],
): PlacedForest {
  const total = trees.reduce((a, t) => a + t.left.length, 0);
  const sets = trees.map((t) => placeCategories(ws, t));
  const roots = ws.alloc(8 * trees.length); // first nodes, then depths
  const feature = ws.alloc(4 * total), split = ws.alloc(4 * total), left = ws.alloc(4 * total);
  const right = ws.alloc(4 * total), defaultLeft = ws.alloc(total), value = ws.alloc(8 * total);
  const r = ws.i32(roots, 2 * trees.length), fe = ws.i32(feature, total);
  const th = ws.f32(split, total), at = ws.i32(split, total);
  const le = ws.i32(left, total), ri = ws.i32(right, total), dl = ws.u8(defaultLeft, total);
  const va = ws.f64(value, total);
  let off = 0;
  trees.forEach((t, k) => {
    r[k] = off;
    r[trees.length + k] = treeDepth(t);
    const scale = scales?.[k] ?? 1;
    for (let i = 0; i < t.left.length; i++) {
      // A leaf loops to itself (feature 0, both ways), so walks of a fixed depth stay on it.
      const leaf = t.left[i] === -1;
      fe[off + i] = leaf ? 0 : t.feature[i]!;
      th[off + i] = t.threshold[i]!;
      const set = sets[k]!.get(i);
      if (set !== undefined) at[off + i] = set;
      le[off + i] = (leaf ? i : t.left[i]!) + off;
      ri[off + i] = (leaf ? i : t.right[i]!) + off;
      dl[off + i] = nodeFlags(t, i);
      va[off + i] = leaf ? Math.fround(t.threshold[i]! * scale) : 0;
    }
    off += t.left.length;
  });
  return { roots, trees: trees.length, feature, split, left, right, defaultLeft, value };
}

/** A placed forest as the kernels take it: roots, tree count, then the node arrays. */
export type ForestArgs = [number, number, number, number, number, number, number, number];

/** The kernel arguments of a placed forest (`addForestRaw`, `treeShap`), in their order. */
export function forestArgs(f: PlacedForest): ForestArgs {
  return [f.roots, f.trees, f.feature, f.split, f.left, f.right, f.defaultLeft, f.value];
}

/**
 * The number of splits on the longest root-to-leaf path (0 for a single leaf), negative when the
 * mean leaf depth is under 80% of it (an unbalanced tree, walked row by row).
 */
function treeDepth(t: RegTree): number {
  let most = 0, sum = 0, leaves = 0;
  const stack: Array<[number, number]> = [[0, 0]];
  while (stack.length) {
    const [node, d] = stack.pop()!;
    if (t.left[node] === -1) {
      most = Math.max(most, d);
      sum += d;
      leaves++;
    } else stack.push([t.left[node]!, d + 1], [t.right[node]!, d + 1]);
  }
  // Fixed-depth walks pay off when leaves sit near the bottom; otherwise mark it (negative).
  return sum / leaves >= 0.8 * most ? most : -most;
}

/** A growing tree's node fields, a column each (the reals rounded to float32 when it is done). */
interface NodeColumns {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly parent: Int32Array;
  readonly feature: Int32Array;
  readonly splitBin: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly threshold: Float64Array;
  readonly weight: Float64Array;
  readonly raw: Float64Array;
  readonly loss: Float64Array;
  readonly hess: Float64Array;
}

/** `a` copied into a column of `capacity` entries. */
function widened<T extends Int32Array | Uint8Array | Float64Array>(a: T, capacity: number): T {
  const out = new (a.constructor as new (n: number) => T)(capacity);
  out.set(a);
  return out;
}

/** Node columns of `capacity` entries, holding `from`'s when given. */
function nodeColumns(capacity: number, from?: NodeColumns): NodeColumns {
  const i32 = (a?: Int32Array) => (a ? widened(a, capacity) : new Int32Array(capacity));
  const f64 = (a?: Float64Array) => (a ? widened(a, capacity) : new Float64Array(capacity));
  return {
    left: i32(from?.left),
    right: i32(from?.right),
    parent: i32(from?.parent),
    feature: i32(from?.feature),
    splitBin: i32(from?.splitBin),
    defaultLeft: from ? widened(from.defaultLeft, capacity) : new Uint8Array(capacity),
    threshold: f64(from?.threshold),
    weight: f64(from?.weight),
    raw: f64(from?.raw),
    loss: f64(from?.loss),
    hess: f64(from?.hess),
  };
}

/** Growable node storage used while a tree is grown (columns, doubled when full). */
export class TreeGrower {
  #c = nodeColumns(64);
  #count = 0;
  readonly #categories = new Map<number, Int32Array>();

  /**
   * Adds a leaf node and returns its id. As XGBoost stores them, a leaf's base weight is its
   * (eta-scaled) value, while the root and every split node keep the unscaled weight.
   */
  addNode(parent: number, leaf: { value: number; raw: number; hess: number }): number {
    if (this.#count === this.#c.left.length) this.#c = nodeColumns(2 * this.#count, this.#c);
    const c = this.#c, id = this.#count++;
    c.left[id] = c.right[id] = -1;
    c.parent[id] = parent;
    c.feature[id] = 0;
    c.threshold[id] = leaf.value;
    c.splitBin[id] = -2;
    c.defaultLeft[id] = 0;
    c.weight[id] = parent < 0 ? leaf.raw : leaf.value;
    c.raw[id] = leaf.raw;
    c.loss[id] = 0;
    c.hess[id] = leaf.hess;
    return id;
  }

  /** Turns leaf `id` into a split with two new leaf children; returns [left, right]. */
  split(
    id: number,
    s: {
      feature: number;
      splitBin: number;
      threshold: number;
      defaultLeft: boolean;
      gain: number;
      categories?: Int32Array | undefined;
    },
    children: {
      left: { value: number; raw: number; hess: number };
      right: { value: number; raw: number; hess: number };
    },
  ): [number, number] {
    const l = this.addNode(id, children.left);
    const r = this.addNode(id, children.right);
    const c = this.#c;
    c.weight[id] = c.raw[id]!;
    c.left[id] = l;
    c.right[id] = r;
    c.feature[id] = s.feature;
    c.threshold[id] = s.threshold;
    c.splitBin[id] = s.splitBin;
    c.defaultLeft[id] = s.defaultLeft ? 1 : 0;
    c.loss[id] = s.gain;
    if (s.categories) this.#categories.set(id, s.categories);
    return [l, r];
  }

  /** The finished tree. */
  finish(): RegTree {
    const c = this.#c, n = this.#count;
    const f32 = (a: Float64Array) => new Float32Array(a.subarray(0, n));
    return {
      left: c.left.slice(0, n),
      right: c.right.slice(0, n),
      parent: c.parent.slice(0, n),
      feature: c.feature.slice(0, n),
      threshold: f32(c.threshold),
      defaultLeft: c.defaultLeft.slice(0, n),
      baseWeight: f32(c.weight),
      lossChange: f32(c.loss),
      sumHessian: f32(c.hess),
      splitBin: c.splitBin.slice(0, n),
      ...(this.#categories.size ? { categories: new Map(this.#categories) } : {}),
    };
  }
}
