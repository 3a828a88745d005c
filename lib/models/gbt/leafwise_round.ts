/**
 * Leaf-wise growth below a tree's root in one round on the pool (the `growLeafwise` kernel): the
 * threads take the same decisions split after split and meet at barriers, so a split costs no
 * round trip through JavaScript. This module lays out the kernel's parameter block and reads back
 * the splits it recorded, in order, for the tree builder to replay. It applies when every node
 * searches the tree's column sample (no per-level or per-node sampling, whose draws are made here
 * node by node) and `max_leaves` bounds the histogram buffers it needs up front.
 *
 * @module
 */

import { OP_GROW_LEAFWISE } from "./_jobs.ts";
import type { Workspace } from "./kernel/workspace.ts";
import type { ThreadShare } from "./node_jobs.ts";
import type { CategoricalSearch, GainParams, Split } from "./split.ts";
import {
  categoricalOutBytes,
  CATEGORY_SPLIT_BIN,
  lightGbmWords,
  RT_EPS,
  toSplit,
} from "./split.ts";
import { categoriesAt, placeCategorySet } from "./category_sets.ts";
import { categoryCapacity, type WideCategories, wideShare } from "./wide_categories.ts";
import type { MissingCells } from "./missing_cells.ts";
import type { ThreadPool } from "./thread_pool.ts";

/** Most workspace bytes the histogram buffers of one round may take (else: split by split). */
const MAX_BUFFER_BYTES = 256 * 2 ** 20;

/** What the round reads: the binned data, gradients, row index and the threads' shares. */
export interface LeafwiseContext {
  readonly ws: Workspace;
  readonly n: number;
  readonly nfeat: number;
  readonly binsCol: number;
  /** Row-major bins (the histogram kernel's). */
  readonly bins: number;
  /** Gradient pairs. */
  readonly gh: number;
  readonly rowIndex: number;
  readonly scratch: number;
  readonly binCounts: number;
  readonly shares: readonly ThreadShare[];
  /** The shares balanced by the search's cost, used when the threads share the rows. */
  readonly searchShares?: readonly ThreadShare[] | undefined;
  readonly pool: ThreadPool;
  readonly barrier: number;
  /** Categorical features and how they are searched; absent: none. */
  readonly categorical?: CategoricalSearch | undefined;
  /** The categorical features of more than 254 categories; absent: none. */
  readonly wide?: WideCategories | undefined;
  /** The missing cells of the features with 256 value bins; absent: none has. */
  readonly missing?: MissingCells | undefined;
}

/** The growth parameters the round takes. */
export interface LeafwiseParams extends GainParams {
  readonly gamma: number;
  readonly max_leaves: number;
  readonly max_depth: number;
  readonly colsample_bylevel: number;
  readonly colsample_bynode: number;
}

/** The root as the round starts from it. */
export interface LeafwiseRoot {
  readonly g: number;
  readonly h: number;
  readonly hist: number;
  readonly split?: Split | undefined;
  /** [start, end) per thread. */
  readonly ranges: Int32Array;
}

/** A split the round made: the node's id, its split and each thread's count of left rows. */
export interface RecordedSplit {
  readonly node: number;
  readonly split: Split;
  readonly leftCounts: ArrayLike<number>;
}

/**
 * Whether a loss-guided tree with these parameters grows in one round: bounded leaves, no
 * per-node column samples, and no constraints (the one-round kernel knows no weight bounds or
 * interaction paths; category sets, wide ones too, it does).
 */
export function growsInOneRound(
  p: LeafwiseParams,
  tree: {
    readonly nfeat: number;
    readonly constrained: boolean;
    /** Bytes of a node histogram (default: the u8 features' 4 KiB each). */
    readonly histBytes?: number;
  },
): boolean {
  const histBytes = tree.histBytes ?? tree.nfeat * 4096;
  return !tree.constrained && p.max_leaves > 0 && p.colsample_bylevel >= 1 &&
    p.colsample_bynode >= 1 && p.max_leaves * histBytes <= MAX_BUFFER_BYTES;
}

/**
 * Below this many cells (sampled rows × features) the threads share a tree's features rather than
 * its rows: each partitions every row of a split leaf in its own row index and builds the
 * histograms of its own features, so a split needs one barrier instead of two and no partial
 * histograms are summed (measured on 2 cores, 30 features, 31 leaves, medians of 8 fits: 5,000
 * rows 272 → 243 ms, 20,000 rows 341 → 301 ms; at 50,000 rows sharing the rows is faster).
 */
const FEATURE_SHARE_CELLS = 1_000_000;

/** Words of a thread's part of the parameter block, and of the part before the threads'. */
const THREAD_WORDS = 12, HEADER_WORDS = 53;

/** Bytes of a candidate slot: the split's words, or with categorical features the whole search. */
function candidateBytes(ctx: LeafwiseContext): number {
  return ctx.categorical?.flags ? categoricalOutBytes(categoryCapacity(ctx.wide)) : 72;
}

/** The splits a round made, and the root's row ranges they refer to. */
export interface LeafwiseGrowth {
  readonly splits: RecordedSplit[];
  /**
   * The root's [start, end) per thread as the splits' left counts refer to them: the root's own
   * ranges when the threads shared the rows; thread 0's range holding every row when they shared
   * the features (the shared row index is thread 0's).
   */
  readonly rootRanges: Int32Array;
}

/**
 * Grows the tree below `root` in one round and returns its splits in the order made. `take`
 * hands out histogram buffers (`nfeat` × 4 KiB); `features` is the tree's column sample.
 */
export async function growLeafwiseRound(
  ctx: LeafwiseContext,
  tree: { p: LeafwiseParams; root: LeafwiseRoot; features: Int32Array; take: () => number },
): Promise<LeafwiseGrowth> {
  const { ws, shares } = ctx, threads = shares.length, width = 9 + threads;
  const rows = tree.root.ranges[2 * threads - 1]!;
  const byFeatures = threads > 1 && rows * ctx.nfeat < FEATURE_SHARE_CELLS;
  const rootRanges = byFeatures
    ? Int32Array.from({ length: 2 * threads }, (_, i) => (i === 0 ? 0 : rows))
    : tree.root.ranges;
  const size = HEADER_WORDS + THREAD_WORDS * threads, block = ws.alloc(8 * size);
  const records = ws.alloc(8 * width * tree.p.max_leaves);
  const setBytes = categoryCapacity(ctx.wide) / 8, sets = ws.alloc(setBytes * tree.p.max_leaves);
  const common = commonWords(ctx, { ...tree, byFeatures, rows }, { records, sets });
  // Sharing the rows, a thread's features are only summed and searched: balanced by that cost.
  const mine = byFeatures ? shares : ctx.searchShares ?? shares;
  const own = mine.map((share, t) =>
    threadWords(ctx, { ...tree, share, t, rows: byFeatures ? rows : -1 })
  );
  const words = ws.f64(block, size);
  words.set(common);
  own.forEach((w, t) => words.set(w, HEADER_WORDS + THREAD_WORDS * t));
  Atomics.store(ws.i32(ctx.barrier, 1), 0, 0);
  await ctx.pool.run(shares.map((_, t) => [OP_GROW_LEAFWISE, block, t]));
  const count = ws.f64(block, 40)[23]!, r = ws.f64(records, width * count);
  const splits: RecordedSplit[] = [];
  for (let i = 0, at = 0; i < count; i++, at += width) {
    const split = toSplit(r, at + 1);
    splits.push({
      node: r[at]!,
      split: split.splitBin === CATEGORY_SPLIT_BIN
        ? { ...split, categories: categoriesAt(ws, sets + setBytes * i, 8 * setBytes) }
        : split,
      leftCounts: r.slice(at + 9, at + width),
    });
  }
  return { splits, rootRanges };
}

/** Words 0–52 of the parameter block (see the kernel's module comment). */
function commonWords(
  ctx: LeafwiseContext,
  tree: {
    p: LeafwiseParams;
    root: LeafwiseRoot;
    take: () => number;
    byFeatures: boolean;
    rows: number;
  },
  out: { records: number; sets: number },
): number[] {
  const { ws, shares } = ctx, { p, root } = tree, threads = shares.length;
  const spares = ws.alloc(4 * p.max_leaves), partials = ws.alloc(4 * Math.max(1, threads - 1));
  ws.i32(spares, p.max_leaves).set(Array.from({ length: p.max_leaves }, tree.take));
  // Sharing the features, no thread builds a partial histogram.
  if (!tree.byFeatures) ws.i32(partials, threads - 1).set(shares.slice(1).map(tree.take));
  // Two sets of candidate slots, by parity (see the kernel).
  const candidates = ws.alloc(candidateBytes(ctx) * 2 * threads * 2), s = root.split;
  const bits = categoryCapacity(ctx.wide), cat = ctx.categorical, w = ctx.wide;
  const rootSet = s?.categories ? placeCategorySet(ws, s.categories, bits) : 0;
  return [
    ...[threads, ctx.nfeat, ctx.n, ctx.binsCol, ctx.bins, ctx.gh, ctx.rowIndex, ctx.scratch],
    ...[ctx.binCounts, ctx.barrier, p.lambda, p.alpha, p.max_delta_step, p.min_child_weight],
    ...[p.gamma, RT_EPS, p.max_leaves, p.max_depth, spares, p.max_leaves, partials, candidates],
    ...[out.records, 0, root.g, root.h, root.hist, s ? 1 : 0],
    ...(s
      ? [s.gain, s.feature, s.splitBin, s.defaultLeft ? 1 : 0, s.gl, s.hl, s.gr, s.hr]
      : Array<number>(8).fill(0)),
    tree.byFeatures ? 1 : 0,
    ...[cat?.flags ?? 0, cat?.onehotBelow ?? 0, cat?.maxThreshold ?? 0, rootSet, out.sets],
    ...(w ? [w.col, w.features.length, w.slot, w.index] : [0, 0, 0, 0]),
    ...[cat?.slots ?? 0, bits, ...lightGbmWords(cat), tree.rows],
    ctx.missing?.desc ?? 0,
  ];
}

/**
 * Thread t's words: its features (the sample's within its share), buffers and root region; with
 * `rows` ≥ 0 (sharing the features) every row, in its own copy of the row index (thread 0 the
 * shared one).
 */
function threadWords(
  ctx: LeafwiseContext,
  thread: {
    p: LeafwiseParams;
    root: LeafwiseRoot;
    features: Int32Array;
    share: ThreadShare;
    t: number;
    rows: number;
  },
): number[] {
  const { ws } = ctx,
    { share: sh, t } = thread,
    mine = thread.features.filter((f) => f >= sh.f0 && f < sh.f1);
  const features = ws.alloc(4 * Math.max(1, mine.length));
  ws.i32(features, mine.length).set(mine);
  const bits = categoryCapacity(ctx.wide);
  const state = ws.alloc(ws.k.leafwiseStateBytes(thread.p.max_leaves, bits, ctx.nfeat));
  const wides = ctx.wide ? wideShare(ctx.wide, sh.f0, sh.f1) : [0, 0];
  if (thread.rows < 0) {
    return [sh.f0, sh.f1, features, mine.length, sh.buf, state]
      .concat(Array.from(thread.root.ranges.subarray(2 * t, 2 * t + 2)), [0, 0], wides);
  }
  const own = t === 0
    ? { index: ctx.rowIndex, scratch: ctx.scratch }
    : { index: ws.alloc(4 * thread.rows), scratch: ws.alloc(4 * thread.rows) };
  if (t > 0) ws.i32(own.index, thread.rows).set(ws.i32(ctx.rowIndex, thread.rows));
  return [sh.f0, sh.f1, features, mine.length, sh.buf, state, 0, thread.rows, own.index]
    .concat([own.scratch], wides);
}
