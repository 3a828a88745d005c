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
 * result (i32 slot for the left count), for a categorical split its set (a bit per category; else
 * 0), for a wide categorical feature its missing code (the column then u16 codes; else 0), and
 * the feature's bitmap of missing rows when some feature has 256 value bins (else 0).
 */
export const OP_PARTITION = 4;
/**
 * Best split over a feature chunk: hist, binCounts, features, nsel, g, h, minGain, out (f64 × 9:
 * the split, then 1 when found), the gain parameters lambda, alpha, max_delta_step,
 * min_child_weight (set on the running thread's kernels first: each thread has its own), and the
 * node's weight bounds lower, upper with the monotone constraints (i32 per feature; 0: none),
 * and the categorical features (u8 flag per feature; 0: none) with max_cat_to_onehot and
 * max_cat_threshold, then the histogram slots (i32 pairs per feature; 0: every feature's at
 * f · 4096) and the most categories a feature may have (`catCap`, a multiple of 256), then
 * LightGBM's categorical parameters cat_smooth (below 0: XGBoost's partition), min_data_per_group
 * and cat_l2 (set on the thread's kernels first), and the node's row count: total, and when it
 * is a side of a node partitioned in this round, the partition's left counts (i32 × threads; 0:
 * none), their number and the side (1: right, total − the left counts). `out` takes
 * 80 + catCap / 8 + 24 · catCap bytes with categorical features (the set and sort scratch).
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
 * One side of a node just partitioned by this thread (rows[start, start + nl) went left, `nl`
 * read from the partition's result slot), its histogram over every feature (`buildHist`): rows,
 * start, end, result, builtRight (1: the right side), destination, gather buffer.
 */
export const OP_SIDE_HIST = 10;
/**
 * Sum partial histograms and derive the sibling in the parent's place over a range of the node
 * histogram (`reduceHists`): parts (i32 offsets), nparts, destination, parent (0 at the root), the
 * range's byte offset and its count of bins.
 */
export const OP_REDUCE = 11;
/** The largest |grad| and |hess| (`ghAbsMax`): gh, n, out (f64 pair). */
export const OP_GH_MAX = 12;
/** Round gradient pairs to multiples of their quanta (`quantizeGh`): gh, n, qg, qh. */
export const OP_QUANTIZE = 13;
/** Bin raw float64 values (`binColumn`): values, n, cuts (f32), cut count, out (u8). */
export const OP_BIN_COLUMN = 14;
/** A byte column into a row-major matrix (`scatterColumn`): src, n, dst, stride. */
export const OP_SCATTER = 15;
/**
 * Wait for every thread of the round to get here (`barrier`): counter (an i32 zeroed before the
 * round), parties. Every thread's list must hold it, and the lists must fit one round.
 */
export const OP_BARRIER = 16;
/** A leaf's value added to its rows' margins (`addLeafValue`): rows, start, end, value, margin. */
export const OP_ADD_LEAF = 17;
/**
 * One tree's leaf values added to rows' margins by walking the binned rows (`addTreeBinned`):
 * bins, nfeat, n, the placed tree (feature, splitBin, left, right, defaultLeft, value), margin,
 * the wide categorical codes: wide (at the first row), stride, wideIndex (0: none), missing, and
 * the bitmaps of missing rows (0: none; missing_cells.ts): bits, bytes per bitmap, the first row.
 */
export const OP_ADD_TREE_BINNED = 18;

/**
 * Grow a leaf-wise tree below its root in one round (`growLeafwise`): parameter block, thread
 * index. Every thread of the round must run it (they meet at barriers).
 */
export const OP_GROW_LEAFWISE = 20;

/**
 * The wide categorical features' partial histogram (`buildHistWide`): wide, n, nwide, slot, rows
 * (0: the identity), start, end, result (0: rows [start, end); else the slot of a partition's
 * left count, and then only one side's rows), builtRight (1: the right side), destination (the
 * wide region of a node histogram).
 */
export const OP_HIST_WIDE = 21;

/**
 * XGBoost's cuts of one column (`sketchCuts`): its present values (f32, row order), their weights
 * (f32; 0: all 1), count, max bins, scratch (`sketchScratchBytes`), out (count, min value, cuts).
 */
export const OP_SKETCH = 22;

/**
 * Split bin 255 of the features with 256 value bins into their top bin and missing pair
 * (`splitTopBins`, missing_cells.ts): descriptor, rows (0: the identity), start, end, result and
 * builtRight (as {@link OP_HIST_WIDE}'s), histogram, f0, f1.
 */
export const OP_TOP_BINS = 23;

/**
 * Mark the missing rows of a binned column in its bitmap (`markMissing`, missing_cells.ts):
 * values (f64), n, bitmap, the first row's index.
 */
export const OP_MARK_MISSING = 24;

const ARITY: Readonly<Record<number, number>> = {
  [OP_ROWS]: 6,
  [OP_FOREST]: 12,
  [OP_SHAP]: 15,
  [OP_HIST]: 7,
  [OP_HIST_COLS]: 7,
  [OP_SIDE_HIST]: 7,
  [OP_REDUCE]: 6,
  [OP_GH_MAX]: 3,
  [OP_QUANTIZE]: 4,
  [OP_BIN_COLUMN]: 5,
  [OP_SCATTER]: 4,
  [OP_BARRIER]: 2,
  [OP_ADD_LEAF]: 5,
  [OP_ADD_TREE_BINNED]: 17,
  [OP_TOP_BINS]: 9,
  [OP_MARK_MISSING]: 4,
  [OP_HIST_WIDE]: 10,
  [OP_SKETCH]: 6,
  [OP_GROW_LEAFWISE]: 2,
  [OP_GRAD_LOGISTIC]: 6,
  [OP_GRAD_SQUARED]: 5,
  [OP_PARTITION]: 11,
  [OP_SPLIT]: 27,
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
      case OP_SIDE_HIST: {
        const nl = new Int32Array(memory.buffer, a(3), 1)[0]!, mid = a(1) + nl;
        const [lo, hi] = a(4) ? [mid, a(2)] : [a(1), mid];
        k.buildHist(d.bins, d.nfeat, a(0), lo, hi, d.gh, a(5), 0, d.nfeat, a(6));
        break;
      }
      case OP_REDUCE:
        k.reduceHists(a(0), a(1), a(2), a(3), a(4), a(5));
        break;
      case OP_GH_MAX:
        k.ghAbsMax(a(0), a(1), a(2));
        break;
      case OP_QUANTIZE:
        k.quantizeGh(a(0), a(1), a(2), a(3));
        break;
      case OP_BIN_COLUMN:
        k.binColumn(a(0), a(1), a(2), a(3), a(4));
        break;
      case OP_SCATTER:
        k.scatterColumn(a(0), a(1), a(2), a(3));
        break;
      case OP_MARK_MISSING:
        k.markMissing(a(0), a(1), a(2), a(3));
        break;
      case OP_GROW_LEAFWISE:
        k.growLeafwise(a(0), a(1));
        break;
      case OP_BARRIER:
        k.barrier(a(0), a(1));
        break;
      case OP_ADD_LEAF:
        k.addLeafValue(a(0), a(1), a(2), a(3), a(4));
        break;
      case OP_ADD_TREE_BINNED:
        k.addTreeBinned(...args<Parameters<Kernels["addTreeBinned"]>>(a, 17));
        break;
      case OP_HIST_WIDE:
        runWideHist({ k, memory, gh: d.gh }, a);
        break;
      case OP_TOP_BINS: {
        const [start, end] = sideOf(memory, [a(2), a(3)], [a(4), a(5)]);
        k.splitTopBins(a(0), a(1), start, end, d.gh, a(6), a(7), a(8));
        break;
      }
      case OP_SKETCH:
        k.sketchCuts(a(0), a(1), a(2), a(3), a(4), a(5));
        break;
      case OP_GRAD_LOGISTIC:
        k.gradLogistic(a(0), a(1), a(2), a(3), a(4), a(5));
        break;
      case OP_GRAD_SQUARED:
        k.gradSquared(a(0), a(1), a(2), a(3), a(4));
        break;
      case OP_PARTITION:
        k.partition(...args<Parameters<Kernels["partition"]>>(a, 11));
        break;
      case OP_SPLIT:
        runSplit(k, a, memory);
        break;
      default:
        runScoringJob(k, op, a);
    }
    i += 1 + ARITY[op]!;
  }
}

/** A job's first `n` arguments, typed as the kernel's parameters. */
function args<T extends readonly number[]>(a: (j: number) => number, n: number): T {
  return Array.from({ length: n }, (_, j) => a(j)) as unknown as T;
}

/** A split search: the thread's gain and category parameters set, the node's rows, the search. */
function runSplit(k: Kernels, a: (j: number) => number, memory: WebAssembly.Memory): void {
  k.setGainParams(a(8), a(9), a(10), a(11));
  k.setCategoryParams(a(20), a(21), a(22));
  let rows = a(23);
  // Only LightGBM's categorical split (cat_smooth ≥ 0) reads a child's rows: counted then.
  if (a(24) !== 0 && a(20) >= 0) {
    const left = new Int32Array(memory.buffer, a(24), a(25)).reduce((x, y) => x + y, 0);
    rows = a(26) ? rows - left : left;
  }
  const search = [0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 16, 17, 18, 19].map(a);
  k.findBestSplit(...([...search, rows, 0] as Parameters<Kernels["findBestSplit"]>));
}

/** The wide features' histogram of a row range, or of one side of a node just partitioned. */
function runWideHist(
  on: { k: Kernels; memory: WebAssembly.Memory; gh: number },
  a: (j: number) => number,
): void {
  const [start, end] = sideOf(on.memory, [a(5), a(6)], [a(7), a(8)]);
  on.k.buildHistWide(a(0), a(1), a(2), a(3), a(4), start, end, on.gh, a(9));
}

/**
 * The rows [start, end), or with `result` ≠ 0 (the slot of a partition's left count) one side of
 * them: the right one when `right` is 1.
 */
function sideOf(
  memory: WebAssembly.Memory,
  [start, end]: [number, number],
  [result, right]: [number, number],
): [number, number] {
  if (result === 0) return [start, end];
  const mid = start + new Int32Array(memory.buffer, result, 1)[0]!;
  return right ? [mid, end] : [start, mid];
}

/** The scoring jobs (rows, forest margins, SHAP), or a RangeError for an unknown op. */
function runScoringJob(k: Kernels, op: number, a: (j: number) => number): void {
  switch (op) {
    case OP_ROWS:
      return k.rowsF32(...args<Parameters<Kernels["rowsF32"]>>(a, 6));
    case OP_FOREST:
      return k.addForestRaw(...args<Parameters<Kernels["addForestRaw"]>>(a, 12));
    case OP_SHAP:
      return k.treeShap(...args<Parameters<Kernels["treeShap"]>>(a, 15));
    default:
      throw new RangeError(`Unknown kernel job ${op}`);
  }
}
