/**
 * How the threads share the work of growing a tree, and the kernel jobs of a node over those
 * shares. Rows: each thread owns a contiguous region of the sampled row index, partitions only its
 * part of every node (a node is a row range per thread) and builds a partial histogram of the
 * node's rows it holds, over every feature. Features: each thread owns a contiguous range of
 * features, over which it sums the threads' partials, derives the sibling by subtraction and
 * searches the best split. So every thread touches only its own rows and its own features, and
 * between a split's two halves every thread's partials must be in (a barrier). Gradients are
 * quantized beforehand (`quantizeGh`), which makes every histogram sum exact: the histograms, and
 * so the model, do not depend on how many threads shared the rows.
 *
 * @module
 */

import {
  OP_HIST,
  OP_HIST_COLS,
  OP_HIST_WIDE,
  OP_PARTITION,
  OP_REDUCE,
  OP_SIDE_HIST,
  OP_TOP_BINS,
} from "./_jobs.ts";
import type { Workspace } from "./kernel/workspace.ts";
import type { MissingCells } from "./missing_cells.ts";
import type { FeatureShare, Split } from "./split.ts";
import { splitRange } from "./thread_pool.ts";
import { type WideCategories, wideShare } from "./wide_categories.ts";

/** One thread's features [f0, f1) and gather buffer. */
export interface ThreadShare extends FeatureShare {
  /** Where the histogram kernel gathers scattered rows (`gatherBytes`). */
  readonly buf: number;
}

/** A share per thread: contiguous feature ranges (empty ones when threads outnumber features). */
export function threadShares(
  ws: Workspace,
  { nfeat, threads }: { nfeat: number; threads: number },
): ThreadShare[] {
  return splitRange(nfeat, threads).map(([f0, f1]) => ({
    f0,
    f1,
    buf: ws.alloc(ws.k.gatherBytes(nfeat)),
  }));
}

/**
 * The same threads' shares with their contiguous feature ranges balanced by `cost` (each
 * feature's relative cost): each boundary where the running cost comes nearest its fraction of
 * the total.
 *
 * @example A feature that costs as much as the other three: a thread for it, one for the rest
 * ```ts
 * import { weightedShares } from "./node_jobs.ts";
 * const shares = [{ f0: 0, f1: 2, buf: 0 }, { f0: 2, f1: 4, buf: 64 }];
 * const balanced = weightedShares(shares, [30, 10, 10, 10]); // [0, 1) and [1, 4)
 * ```
 */
export function weightedShares(
  shares: readonly ThreadShare[],
  cost: ArrayLike<number>,
): ThreadShare[] {
  const nf = cost.length, upTo = new Float64Array(nf + 1), bounds = [0];
  for (let j = 0; j < nf; j++) upTo[j + 1] = upTo[j]! + cost[j]!;
  for (let t = 1; t < shares.length; t++) {
    const target = (upTo[nf]! * t) / shares.length;
    let b = bounds[t - 1]!;
    while (b < nf && upTo[b + 1]! <= target) b++;
    if (b < nf && upTo[b + 1]! - target < target - upTo[b]!) b++;
    bounds.push(b);
  }
  bounds.push(nf);
  return shares.map((s, t) => ({ ...s, f0: bounds[t]!, f1: bounds[t + 1]! }));
}

/** Each thread's region of the first `rows` entries of the row index: [start, end) pairs. */
export function rowRegions(rows: number, threads: number): Int32Array {
  return Int32Array.from(splitRange(rows, threads).flat());
}

/** Where a node's rows are: the row index, its partition scratch and the node's range per thread. */
export interface NodeRows {
  readonly rowIndex: number;
  readonly scratch: number;
  /** [start, end) per thread (2 × threads). */
  readonly ranges: Int32Array;
  /** The wide categorical features, whose histograms their own jobs build; absent: none. */
  readonly wide?: WideCategories | undefined;
  /** The missing cells of the features with 256 value bins; absent: none has. */
  readonly missing?: MissingCells | undefined;
}

/**
 * The job splitting bin 255 of the features with 256 value bins into their top bin and missing
 * pair in a partial histogram (its rows as {@link wideHistJob}'s), over every feature.
 */
function topBinsJob(
  missing: MissingCells,
  at: { rows: number; start: number; end: number; dest: number; nfeat: number },
  side: { result: number; right: boolean } = { result: 0, right: false },
): number[] {
  return [OP_TOP_BINS, missing.desc, at.rows, at.start, at.end, side.result, side.right ? 1 : 0]
    .concat([at.dest, 0, at.nfeat]);
}

/**
 * The job building the wide features' partial histogram of rows [start, end) (`rows` 0: those
 * rows themselves), or of one side when `side` names a partition's result slot.
 */
function wideHistJob(
  wide: WideCategories,
  at: { rows: number; start: number; end: number; dest: number },
  side: { result: number; right: boolean } = { result: 0, right: false },
): number[] {
  const { col, n, features, slot, base } = wide;
  return [OP_HIST_WIDE, col, n, features.length, slot, at.rows, at.start, at.end, side.result]
    .concat([side.right ? 1 : 0, at.dest + base]);
}

/**
 * The root's first round: each thread's partial histogram of its region's rows over every
 * feature (thread 0's into `dests[0]`, the root's buffer; column by column when every row is
 * sampled, where row r sits at position r).
 */
export function rootHistJobs(
  shares: readonly ThreadShare[],
  root: NodeRows & { contiguous: boolean; dests: readonly number[]; binsCol: number; n: number },
): number[][] {
  const nf = shares.at(-1)!.f1;
  return shares.map((s, t) => {
    const [start, end] = [root.ranges[2 * t]!, root.ranges[2 * t + 1]!], dest = root.dests[t]!;
    const jobs = root.contiguous
      ? [OP_HIST_COLS, root.binsCol, root.n, start, end, dest, 0, nf]
      : [OP_HIST, root.rowIndex, start, end, dest, 0, nf, s.buf];
    const rows = root.contiguous ? 0 : root.rowIndex;
    if (root.missing) jobs.push(...topBinsJob(root.missing, { rows, start, end, dest, nfeat: nf }));
    return root.wide ? jobs.concat(wideHistJob(root.wide, { rows, start, end, dest })) : jobs;
  });
}

/** A node to split: its rows, split and the split feature's column-major bins. */
export interface NodeSplit extends NodeRows {
  readonly split: Split;
  /** Offset of the split feature's column-major bins (a wide feature's: its u16 codes). */
  readonly column: number;
  /** A wide feature's missing code (its `column` holds u16 codes); 0 for a u8 feature. */
  readonly wideMissing: number;
  /** The split feature's bitmap of missing rows (missing_cells.ts); 0: none. */
  readonly missingBits: number;
  /** Per thread, an i32 slot for its left count. */
  readonly results: number;
  /** A categorical split's set in the workspace ({@link placeCategorySet}). */
  readonly categorySet?: number | undefined;
  /**
   * When the children may split again: which child's histogram to build (the one with the
   * smaller hessian sum, a proxy for fewer rows) and where each thread builds its partial.
   */
  readonly build?: { readonly right: boolean; readonly dests: readonly number[] } | undefined;
}

/** Appends each thread's first-half jobs for a node: partition its rows, then its partial histogram. */
export function appendPartitionJobs(
  jobs: number[][],
  shares: readonly ThreadShare[],
  node: NodeSplit,
): void {
  const s = node.split, cats = s.categories ? node.categorySet ?? 0 : 0;
  shares.forEach((sh, t) => {
    const [start, end] = [node.ranges[2 * t]!, node.ranges[2 * t + 1]!];
    const result = node.results + 4 * t;
    jobs[t]!.push(
      OP_PARTITION,
      node.column,
      node.rowIndex,
      start,
      end,
      s.splitBin,
      s.defaultLeft ? 1 : 0,
      node.scratch + 4 * start,
      result,
      cats,
      node.wideMissing,
      node.missingBits,
    );
    if (!node.build) return;
    const { right, dests } = node.build;
    jobs[t]!.push(
      OP_SIDE_HIST,
      node.rowIndex,
      start,
      end,
      result,
      right ? 1 : 0,
      dests[t]!,
      sh.buf,
    );
    const at = { rows: node.rowIndex, start, end, dest: dests[t]! };
    if (node.missing) {
      const nfeat = shares.at(-1)!.f1;
      jobs[t]!.push(...topBinsJob(node.missing, { ...at, nfeat }, { result, right }));
    }
    if (!node.wide) return;
    jobs[t]!.push(...wideHistJob(node.wide, at, { result, right }));
  });
}

/**
 * Appends each thread's second-half job for a node: sum the partials over its features into
 * `dests[0]` and derive the sibling in the parent's buffer (`parent` 0 at the root). `parts` is
 * workspace memory for the other threads' buffer list.
 */
export function appendReduceJobs(
  jobs: number[][],
  shares: readonly ThreadShare[],
  { ws, dests, parent, wide, missing }: {
    ws: Workspace;
    dests: readonly number[];
    parent: number;
    wide?: WideCategories | undefined;
    missing?: MissingCells | undefined;
  },
): void {
  const others = dests.slice(1), parts = ws.alloc(4 * Math.max(1, others.length));
  ws.i32(parts, others.length).set(others);
  const reduce = (off: number, pairs: number) => [
    OP_REDUCE,
    parts,
    others.length,
    dests[0]!,
    parent,
    off,
    pairs,
  ];
  shares.forEach((sh, t) => {
    if (sh.f0 === sh.f1) return;
    jobs[t]!.push(...reduce(sh.f0 * 4096, (sh.f1 - sh.f0) * 256));
    if (missing) jobs[t]!.push(...reduce(missing.extras + 16 * sh.f0, sh.f1 - sh.f0));
    const [k0, k1] = wide ? wideShare(wide, sh.f0, sh.f1) : [0, 0];
    if (k1 > k0) {
      jobs[t]!.push(...reduce(wide!.base + k0 * wide!.slot * 16, (k1 - k0) * wide!.slot));
    }
  });
}
