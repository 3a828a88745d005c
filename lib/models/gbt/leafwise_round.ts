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
import type { GainParams, Split } from "./split.ts";
import { RT_EPS, toSplit } from "./split.ts";
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
  readonly pool: ThreadPool;
  readonly barrier: number;
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
  readonly leftCounts: Int32Array;
}

/**
 * Whether a loss-guided tree with these parameters grows in one round: bounded leaves, no
 * per-node column samples, and no constraints or categorical features (the one-round kernel knows
 * no weight bounds, interaction paths or category sets).
 */
export function growsInOneRound(
  p: LeafwiseParams,
  tree: { readonly nfeat: number; readonly constrained: boolean },
): boolean {
  return !tree.constrained && p.max_leaves > 0 && p.colsample_bylevel >= 1 &&
    p.colsample_bynode >= 1 && p.max_leaves * tree.nfeat * 4096 <= MAX_BUFFER_BYTES;
}

/**
 * Grows the tree below `root` in one round and returns its splits in the order made. `take`
 * hands out histogram buffers (`nfeat` × 4 KiB); `features` is the tree's column sample.
 */
export async function growLeafwiseRound(
  ctx: LeafwiseContext,
  tree: { p: LeafwiseParams; root: LeafwiseRoot; features: Int32Array; take: () => number },
): Promise<RecordedSplit[]> {
  const { ws, shares } = ctx, threads = shares.length, width = 9 + threads;
  const block = ws.alloc(8 * (40 + 8 * threads)), words = ws.f64(block, 40 + 8 * threads);
  const records = ws.alloc(8 * width * tree.p.max_leaves);
  words.set(commonWords(ctx, tree, records));
  shares.forEach((share, t) => words.set(threadWords(ctx, { ...tree, share, t }), 40 + 8 * t));
  Atomics.store(ws.i32(ctx.barrier, 1), 0, 0);
  await ctx.pool.run(shares.map((_, t) => [OP_GROW_LEAFWISE, block, t]));
  const count = ws.f64(block, 40)[23]!, r = ws.f64(records, width * count);
  return Array.from({ length: count }, (_, i) => {
    const w = r.subarray(width * i, width * (i + 1));
    return {
      node: w[0]!,
      split: toSplit(w.subarray(1, 9)),
      leftCounts: Int32Array.from(w.subarray(9)),
    };
  });
}

/** Words 0–35 of the parameter block (see the kernel's module comment). */
function commonWords(
  ctx: LeafwiseContext,
  tree: { p: LeafwiseParams; root: LeafwiseRoot; take: () => number },
  records: number,
): number[] {
  const { ws, shares } = ctx, { p, root } = tree, threads = shares.length;
  const spares = ws.alloc(4 * p.max_leaves), partials = ws.alloc(4 * Math.max(1, threads - 1));
  ws.i32(spares, p.max_leaves).set(Array.from({ length: p.max_leaves }, tree.take));
  ws.i32(partials, threads - 1).set(shares.slice(1).map(tree.take));
  const candidates = ws.alloc(8 * 9 * 2 * threads), s = root.split;
  return [
    ...[threads, ctx.nfeat, ctx.n, ctx.binsCol, ctx.bins, ctx.gh, ctx.rowIndex, ctx.scratch],
    ...[ctx.binCounts, ctx.barrier, p.lambda, p.alpha, p.max_delta_step, p.min_child_weight],
    ...[p.gamma, RT_EPS, p.max_leaves, p.max_depth, spares, p.max_leaves, partials, candidates],
    ...[records, 0, root.g, root.h, root.hist, s ? 1 : 0],
    ...(s ? [s.gain, s.feature, s.splitBin, s.defaultLeft ? 1 : 0, s.gl, s.hl, s.gr, s.hr] : []),
  ];
}

/** Thread t's words: its features (the sample's within its share), buffers and root region. */
function threadWords(
  ctx: LeafwiseContext,
  thread: {
    p: LeafwiseParams;
    root: LeafwiseRoot;
    features: Int32Array;
    share: ThreadShare;
    t: number;
  },
): number[] {
  const { ws } = ctx,
    { share: sh, t } = thread,
    mine = thread.features.filter((f) => f >= sh.f0 && f < sh.f1);
  const features = ws.alloc(4 * Math.max(1, mine.length));
  ws.i32(features, mine.length).set(mine);
  const state = ws.alloc(ws.k.leafwiseStateBytes(thread.p.max_leaves));
  return [
    sh.f0,
    sh.f1,
    features,
    mine.length,
    sh.buf,
    state,
    ...thread.root.ranges.subarray(2 * t, 2 * t + 2),
  ];
}
