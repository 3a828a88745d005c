/**
 * Kernel jobs as flat number lists, so the calling thread and the worker threads run the same
 * work: `[op, ...args, op, ...args]`.
 *
 * @module
 */

import type { Kernels } from "./kernel/workspace.ts";

/** Where the data the kernels read lives in the shared memory. */
export interface KernelData {
  readonly bins: number;
  readonly nfeat: number;
  readonly gh: number;
}

/**
 * Build the histogram of rows[start..end) over features [f0, f1) (`buildHist`, that part zeroed
 * first): rows (a thread's row index), start, end, destination, f0, f1, gather buffer.
 */
export const OP_HIST = 1;
/** Logistic gradients: margin, label, weight, n, scale_pos_weight, gh. */
export const OP_GRAD_LOGISTIC = 2;
/** Squared-error gradients: margin, label, weight, n, gh. */
export const OP_GRAD_SQUARED = 3;
/**
 * Partition a node's rows (`partition`): column, rows, start, end, splitBin, defaultLeft, scratch,
 * result (i32 slot for the left count).
 */
export const OP_PARTITION = 4;
/**
 * Best split over a feature chunk: hist, binCounts, features, nsel, g, h, minGain, out (f64 × 9:
 * the split, then 1 when found), and the gain parameters lambda, alpha, max_delta_step,
 * min_child_weight (set on the running thread's kernels first: each thread has its own).
 */
export const OP_SPLIT = 5;

/** Add the forest's margins (`addForestRaw`): x, nfeat, n, roots, ntrees, the placed nodes (6), margin. */
export const OP_FOREST = 6;
/** TreeSHAP (`treeShap`): x, nfeat, n, roots, ntrees, the placed nodes (6), cover, scratch, depth, out. */
export const OP_SHAP = 7;

/** Rows from columns (`rowsF32`): cols, n, nfeat, start, end, x. */
export const OP_ROWS = 8;
/**
 * {@link OP_HIST} for the contiguous rows [start, end) (the row index is the identity there), from
 * the column-major bins (`buildHistCols`): binsCol, n, start, end, destination, f0, f1.
 */
export const OP_HIST_COLS = 9;
/**
 * A partitioned node's children's histograms over features [f0, f1) (`childHists`): rows, start,
 * end, result (the partition's left-count slot), left (fresh buffer), parent (becomes the right's),
 * f0, f1, gather buffer.
 */
export const OP_CHILD_HISTS = 10;
/** Copy bytes (`copyBytes`): destination, source, byte count. */
export const OP_COPY = 11;

const ARITY: Readonly<Record<number, number>> = {
  [OP_ROWS]: 6,
  [OP_FOREST]: 12,
  [OP_SHAP]: 15,
  [OP_HIST]: 7,
  [OP_HIST_COLS]: 7,
  [OP_CHILD_HISTS]: 9,
  [OP_COPY]: 3,
  [OP_GRAD_LOGISTIC]: 6,
  [OP_GRAD_SQUARED]: 5,
  [OP_PARTITION]: 8,
  [OP_SPLIT]: 12,
};

/** Where the job starting at `i` ends (the index of the next one). */
export function jobEnd(jobs: ArrayLike<number>, i: number): number {
  const arity = ARITY[jobs[i]!];
  if (arity === undefined) throw new RangeError(`Unknown kernel job ${jobs[i]}`);
  return i + 1 + arity;
}

/** Runs a job list with the given kernels over `memory`. */
export function runJobs(
  on: { k: Kernels; memory: WebAssembly.Memory; data: KernelData },
  jobs: ArrayLike<number>,
): void {
  const { k, memory, data: d } = on;
  for (let i = 0; i < jobs.length;) {
    const op = jobs[i]!;
    const a = (j: number) => jobs[i + 1 + j]!;
    switch (op) {
      case OP_HIST:
        k.buildHist(d.bins, d.nfeat, a(0), a(1), a(2), d.gh, a(3), a(4), a(5), a(6));
        break;
      case OP_HIST_COLS:
        k.buildHistCols(a(0), a(1), a(2), a(3), d.gh, a(4), a(5), a(6));
        break;
      case OP_CHILD_HISTS: {
        const nl = new Int32Array(memory.buffer, a(3), 1)[0]!;
        k.childHists(d.bins, d.nfeat, a(0), a(1), a(2), nl, d.gh, a(4), a(5), a(6), a(7), a(8));
        break;
      }
      case OP_COPY:
        k.copyBytes(a(0), a(1), a(2));
        break;
      case OP_GRAD_LOGISTIC:
        k.gradLogistic(a(0), a(1), a(2), a(3), a(4), a(5));
        break;
      case OP_GRAD_SQUARED:
        k.gradSquared(a(0), a(1), a(2), a(3), a(4));
        break;
      case OP_PARTITION:
        k.partition(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7));
        break;
      case OP_SPLIT:
        k.setGainParams(a(8), a(9), a(10), a(11));
        k.findBestSplit(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7));
        break;
      case OP_ROWS:
        k.rowsF32(a(0), a(1), a(2), a(3), a(4), a(5));
        break;
      case OP_FOREST:
        k.addForestRaw(a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8), a(9), a(10), a(11));
        break;
      case OP_SHAP:
        k.treeShap(
          a(0),
          a(1),
          a(2),
          a(3),
          a(4),
          a(5),
          a(6),
          a(7),
          a(8),
          a(9),
          a(10),
          a(11),
          a(12),
          a(13),
          a(14),
        );
        break;
      default:
        throw new RangeError(`Unknown kernel job ${op}`);
    }
    i += 1 + ARITY[op]!;
  }
}
