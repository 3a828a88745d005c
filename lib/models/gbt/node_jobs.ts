/**
 * What each thread owns while trees grow — a contiguous range of features, its own copy of the
 * row index and its own partition scratch — and the kernel jobs of a node over those shares.
 * Every thread partitions its own copy of a node's rows (the same stable partition, so the copies
 * stay equal) and builds only its features' part of each histogram, so a split needs one round
 * on the pool and no thread waits for another's rows or partial sums; the histograms, and so the
 * model, do not depend on the thread count.
 *
 * @module
 */

import { OP_CHILD_HISTS, OP_COPY, OP_HIST, OP_HIST_COLS, OP_PARTITION } from "./_jobs.ts";
import type { Workspace } from "./kernel/workspace.ts";
import type { FeatureShare, Split } from "./split.ts";

/** One thread's features [f0, f1), row index and partition scratch (i32 × n each), gather buffer. */
export interface ThreadShare extends FeatureShare {
  readonly rows: number;
  readonly scratch: number;
  /** Where the histogram kernel gathers scattered rows (`gatherBytes`). */
  readonly buf: number;
}

/**
 * Shares for up to `threads` threads (no more than features): thread 0 takes the given row index
 * and scratch, the others get their own from the workspace.
 */
export function threadShares(
  ws: Workspace,
  o: { n: number; nfeat: number; threads: number; rowIndex: number; scratch: number },
): ThreadShare[] {
  const used = Math.max(1, Math.min(o.threads, o.nfeat));
  return Array.from({ length: used }, (_, t) => ({
    f0: Math.floor((o.nfeat * t) / used),
    f1: Math.floor((o.nfeat * (t + 1)) / used),
    rows: t === 0 ? o.rowIndex : ws.alloc(4 * o.n),
    scratch: t === 0 ? o.scratch : ws.alloc(4 * o.n),
    buf: ws.alloc(ws.k.gatherBytes(o.nfeat)),
  }));
}

/**
 * The root's jobs: each thread copies thread 0's sampled rows into its own row index, then
 * builds its features' part of the root histogram (column by column when every row is sampled).
 */
export function rootJobs(
  shares: readonly ThreadShare[],
  o: { rows: number; contiguous: boolean; hist: number; binsCol: number; n: number },
): number[][] {
  const first = shares[0]!.rows;
  return shares.map((s, t) => [
    ...(t > 0 ? [OP_COPY, s.rows, first, 4 * o.rows] : []),
    ...(o.contiguous
      ? [OP_HIST_COLS, o.binsCol, o.n, 0, o.rows, o.hist, s.f0, s.f1]
      : [OP_HIST, s.rows, 0, o.rows, o.hist, s.f0, s.f1, s.buf]),
  ]);
}

/** A node to split: its row range, split, the split feature's bin column and histogram. */
export interface NodeSplit {
  readonly start: number;
  readonly end: number;
  readonly split: Split;
  /** Offset of the split feature's column-major bins. */
  readonly column: number;
  /** The node's histogram (becomes the right child's). */
  readonly hist: number;
  /** A fresh buffer for the left child's histogram, or 0 when the children are leaves. */
  readonly left: number;
  /** Per thread, an i32 slot for the left count. */
  readonly results: readonly number[];
}

/** Appends each thread's jobs for splitting a node: partition its rows, then the children's histograms. */
export function appendSplitJobs(
  jobs: number[][],
  shares: readonly ThreadShare[],
  node: NodeSplit,
): void {
  const { start, end, split: s } = node;
  shares.forEach((sh, t) => {
    const result = node.results[t]!;
    jobs[t]!.push(
      OP_PARTITION,
      node.column,
      sh.rows,
      start,
      end,
      s.splitBin,
      s.defaultLeft ? 1 : 0,
      sh.scratch + 4 * start,
      result,
    );
    if (node.left) {
      jobs[t]!.push(
        OP_CHILD_HISTS,
        sh.rows,
        start,
        end,
        result,
        node.left,
        node.hist,
        sh.f0,
        sh.f1,
        sh.buf,
      );
    }
  });
}
