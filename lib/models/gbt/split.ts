import { OP_SPLIT } from "./_jobs.ts";
import type { Workspace } from "./kernel/workspace.ts";
import { categoriesAt } from "./category_sets.ts";
import { sortedRange } from "./wide_categories.ts";

/**
 * Split finding on gradient histograms, with XGBoost's regularized gain (`lambda`, `alpha`,
 * `max_delta_step`, `min_child_weight`) and learned default directions for missing values.
 *
 * @module
 */

/** The regularization parameters the gain uses. */
export interface GainParams {
  /** L2 regularization on leaf weights. */
  readonly lambda: number;
  /** L1 regularization on leaf weights. */
  readonly alpha: number;
  /** Largest absolute leaf weight (0 = unbounded). */
  readonly max_delta_step: number;
  /** Least hessian sum a child may have. */
  readonly min_child_weight: number;
}

/** The best split of a node. */
export interface Split {
  /** Feature index. */
  readonly feature: number;
  /** Rows with bin ≤ splitBin go left (−1: only missing rows may go left). */
  readonly splitBin: number;
  /** Where missing values go. */
  readonly defaultLeft: boolean;
  /** Loss reduction (XGBoost's `loss_chg`). */
  readonly gain: number;
  /** Gradient and hessian sums of the children. */
  readonly gl: number;
  readonly hl: number;
  readonly gr: number;
  readonly hr: number;
  /** A categorical split's categories going right (ascending); absent for a numeric split. */
  readonly categories?: Int32Array;
}

/** How categorical features are searched (XGBoost's parameters), and which they are. */
export interface CategoricalSearch {
  /** A u8 flag per feature in the workspace (1: categorical), or 0 when none is. */
  readonly flags: number;
  /** One category against the rest below this many categories (`max_cat_to_onehot`). */
  readonly onehotBelow: number;
  /** At most this many categories on the scanned side of a partition (`max_cat_threshold`). */
  readonly maxThreshold: number;
  /**
   * Each feature's histogram slot (i32 pairs in the workspace: offset, missing bin's offset), or
   * 0 when every feature has the usual 256 bins at f · 4096 with bin 255 missing (no wide
   * categorical feature, none of 256 value bins: `placeHistogramSlots`).
   */
  readonly slots: number;
  /**
   * LightGBM's partition instead of XGBoost's (`cat_smooth`, `min_data_per_group`, `cat_l2`), or
   * undefined.
   */
  readonly lightgbm?: LightGbmCategories | undefined;
}

/** Every feature numeric, each with the usual 4 KiB histogram slot. */
export const NO_CATEGORIES: CategoricalSearch = {
  flags: 0,
  onehotBelow: 0,
  maxThreshold: 0,
  slots: 0,
};

/** LightGBM's categorical parameters (its names and meanings). */
export interface LightGbmCategories {
  /** Categories with fewer rows stay out of the sorted list; the sort key is G / (H + this). */
  readonly cat_smooth: number;
  /** Rows a side must keep, and gather between two candidate sets. */
  readonly min_data_per_group: number;
  /** Extra L2 regularization of a categorical split's gain. */
  readonly cat_l2: number;
}

/** The LightGBM words of a split search or a leaf-wise round: smooth (−1: none), per group, L2. */
export function lightGbmWords(cat: CategoricalSearch | undefined): [number, number, number] {
  const l = cat?.lightgbm;
  return l ? [l.cat_smooth, l.min_data_per_group, l.cat_l2] : [-1, 0, 0];
}

/** Bytes of a search's result: the split, found, the categorical flag. */
const OUT_BYTES = 80;

/** Bytes of a categorical search's result: {@link OUT_BYTES}, the set and the sort's scratch. */
export function categoricalOutBytes(capacity: number): number {
  return OUT_BYTES + capacity / 8 + 24 * capacity;
}

/** The splitBin the kernels record for a split by categories. */
export const CATEGORY_SPLIT_BIN = -3;

/** Loss reductions at or below this are no split (XGBoost's kRtEps). */
export const RT_EPS = 1e-6;

/** Soft-thresholding for L1: sign(g) · max(|g| − alpha, 0). */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** The optimal leaf weight for sums (G, H), as XGBoost's CalcWeight. */
export function calcWeight(p: GainParams, g: number, h: number): number {
  if (h < p.min_child_weight || h <= 0) return 0;
  let w = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.max_delta_step !== 0 && Math.abs(w) > p.max_delta_step) {
    w = Math.sign(w) * p.max_delta_step;
  }
  return w;
}

/** The loss reduction score of a node with sums (G, H), as XGBoost's CalcGain. */
export function calcGain(p: GainParams, g: number, h: number): number {
  if (h < p.min_child_weight || h <= 0) return 0;
  if (p.max_delta_step === 0) {
    const t = p.alpha === 0 ? g : thresholdL1(g, p.alpha);
    return (t * t) / (h + p.lambda);
  }
  const w = calcWeight(p, g, h);
  const ret = -(2 * g * w + (h + p.lambda) * w * w);
  return p.alpha === 0 ? ret : ret + p.alpha * Math.abs(w);
}

/** Where a node's split search reads from. */
export interface SplitSearch {
  /**
   * Offset of the node's histogram: f64 pairs at `(feature · 256 + bin)`, bin 255 = missing (wide
   * categorical features in their own slots after those: {@link CategoricalSearch.slots}).
   */
  readonly hist: number;
  /** The candidate features. */
  readonly features: Int32Array;
  /** The node's gradient and hessian sums. */
  readonly g: number;
  readonly h: number;
  /** The node's weight bounds under monotone constraints (±∞ otherwise). */
  readonly lower: number;
  readonly upper: number;
  /** The node's rows (LightGBM's categorical split counts them): see {@link NodeRowCount}. */
  readonly rows: NodeRowCount;
}

/**
 * A node's row count as a split search learns it: `total` itself, or — for a child of a node
 * partitioned in the same pool round — its side of `total` (the parent's rows) by the threads'
 * left counts (i32 × `threads` at `results`).
 */
export interface NodeRowCount {
  readonly total: number;
  readonly results?: number;
  readonly threads?: number;
  readonly right?: boolean;
}

/** A thread's features [f0, f1). */
export interface FeatureShare {
  readonly f0: number;
  readonly f1: number;
}

/**
 * Plans the best-split search of each node (run by the WASM kernel on every thread of the pool:
 * each thread searches the node's features within its share, and the shares' winners are reduced
 * in feature order with a strict `>`, so the result is exactly the sequential scan's): appends the
 * jobs to `jobs` (one list per share) and returns the reader to call once they ran, giving each
 * node's split, or undefined where none reduces the loss by more than {@link RT_EPS}. The search
 * takes workspace memory: reset it after reading.
 */
export function planSplitSearch(
  on: {
    ws: Workspace;
    shares: readonly FeatureShare[];
    binCounts: number;
    gain: GainParams;
    /** Monotone constraints (i32 per feature in the workspace), or 0 for none. */
    monotone: number;
    /** Categorical features, or flags 0 for none. */
    categorical: CategoricalSearch;
  },
  nodes: readonly SplitSearch[],
  jobs: number[][],
): () => Array<Split | undefined> {
  const { ws, gain: p } = on;
  // Per node, in feature order: each share's result and the category bits it holds.
  const chunks: Array<Array<{ out: number; bits: number }>> = [];
  for (const node of nodes) {
    const outs: Array<{ out: number; bits: number }> = [];
    on.shares.forEach((sh, t) => {
      const [from, to] = sortedRange(node.features, sh.f0, sh.f1);
      if (to === from) return;
      const cat = on.categorical, listed = node.features.subarray(from, to);
      const bits = categoryBits(on, listed);
      const feats = ws.alloc(4 * (to - from)),
        out = ws.alloc(bits ? categoricalOutBytes(bits) : OUT_BYTES);
      ws.i32(feats, to - from).set(listed);
      jobs[t]!.push(OP_SPLIT, node.hist, on.binCounts, feats, to - from, node.g, node.h);
      jobs[t]!.push(RT_EPS, out, p.lambda, p.alpha, p.max_delta_step, p.min_child_weight);
      jobs[t]!.push(
        node.lower,
        node.upper,
        on.monotone,
        cat.flags,
        cat.onehotBelow,
        cat.maxThreshold,
        cat.slots,
        bits || 256,
        ...lightGbmWords(cat),
        node.rows.total,
        node.rows.results ?? 0,
        node.rows.threads ?? 0,
        node.rows.right ? 1 : 0,
      );
      outs.push({ out, bits });
    });
    chunks.push(outs);
  }
  return () =>
    chunks.map((outs) => {
      let best: Float64Array | undefined;
      let from = outs[0]!;
      for (const o of outs) {
        const r = ws.f64(o.out, 10);
        if (r[8] === 1 && (!best || r[0]! > best[0]!)) [best, from] = [r.slice(), o];
      }
      if (!best) return undefined;
      return from.bits && best[9] === 1 // word 9 is written only with categorical features
        ? { ...toSplit(best), categories: categoriesAt(ws, from.out + 80, from.bits) }
        : toSplit(best);
    });
}

/**
 * The category bits a search over `features` needs: the most categories among its categorical
 * ones, rounded up to a multiple of 256 (its result's set and sort scratch are sized by it); 0
 * when none of them is categorical (the result is then the plain split's 80 bytes).
 */
function categoryBits(
  on: { ws: Workspace; binCounts: number; categorical: CategoricalSearch },
  features: Int32Array,
): number {
  const { flags } = on.categorical;
  if (!flags || features.length === 0) return 0;
  const last = features[features.length - 1]! + 1;
  const isCategorical = on.ws.u8(flags, last), bins = on.ws.i32(on.binCounts, last);
  let most = 0;
  for (const f of features) if (isCategorical[f]) most = Math.max(most, bins[f]!, 1);
  return most === 0 ? 0 : 256 * Math.ceil(most / 256);
}

/**
 * A split from the kernels' words from `at` in `r`: gain, feature, splitBin, defaultLeft (1/0),
 * gl, hl, gr, hr.
 */
export function toSplit(r: Float64Array, at = 0): Split {
  return {
    gain: r[at]!,
    feature: r[at + 1]!,
    splitBin: r[at + 2]!,
    defaultLeft: r[at + 3] === 1,
    gl: r[at + 4]!,
    hl: r[at + 5]!,
    gr: r[at + 6]!,
    hr: r[at + 7]!,
  };
}
