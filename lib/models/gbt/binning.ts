/**
 * Histogram cut points per feature (XGBoost's `hist` method): each feature's values are
 * bucketed into at most `maxBin` bins (up to 256, XGBoost's default). A value `x`
 * falls in bin `i` when `cuts[i−1] ≤ x < cuts[i]` (float32 comparison), so a split after bin `b`
 * is `x < cuts[b]`, XGBoost's condition.
 *
 * @module
 */

import { OP_SKETCH } from "./_jobs.ts";
import type { Workspace } from "./kernel/workspace.ts";
import { splitRange, type ThreadPool } from "./thread_pool.ts";

/** Rows of a column the sketch reads: every row up to this many, else evenly strided ones. */
export const SKETCH_SAMPLE = 1 << 17;

/**
 * Most value bins per feature: 256, XGBoost's default `max_bin` (a feature with 256 keeps its
 * missing values apart from its top bin: missing_cells.ts).
 */
export const MAX_VALUE_BINS = 256;

/** Cut points of every feature. */
export interface Cuts {
  /** Ascending float32 upper bounds per feature; the last exceeds every value. */
  readonly cuts: readonly Float32Array[];
  /** Below the smallest value, as XGBoost's min_val (a threshold sending every present value right). */
  readonly minValues: Float32Array;
}

/** Where {@link computeCuts} runs — a workspace and the threads that share the columns — and the
 * rows' weights, if any. */
export interface SortOn {
  readonly ws: Workspace;
  readonly pool: ThreadPool;
  /** Row weights: the sketch weighs each value by its row's (XGBoost's weighted sketch). */
  readonly weights?: ArrayLike<number> | undefined;
}

/** A column's sampled present values in the workspace, their weights, and where its cuts go. */
interface Sample {
  readonly at: number;
  readonly weights: number;
  readonly n: number;
  readonly out: number;
}

/**
 * Cut points for each column, XGBoost's (`hist`): a column's present values, in row order, go
 * through XGBoost's weighted quantile sketch (weights 1 without row weights; the WASM kernel
 * `sketch.ts`, a share of the columns per thread) and its final summary gives the cuts; with at
 * most `maxBin` distinct values a feature gets one bin per value. Up to {@link SKETCH_SAMPLE}
 * rows the cuts are xgboost's own; a longer column is read at an even stride (that many rows),
 * where xgboost reads every row. `maxBin` is capped at 256. The workspace memory used is
 * returned before this resolves.
 *
 * @example Three distinct values, one bin each
 * ```ts
 * import { computeCuts } from "./binning.ts";
 * import { Workspace } from "./kernel/workspace.ts";
 * import { ThreadPool } from "./thread_pool.ts";
 * const ws = new Workspace(), pool = await ThreadPool.start(ws, { bins: 0, nfeat: 1, gh: 0 }, 1);
 * const { cuts } = await computeCuts([Float64Array.of(1, 2, 2, 3)], 256, { ws, pool });
 * cuts[0]; // Float32Array [2, 3, 6.00001]
 * pool.close();
 * ```
 */
export async function computeCuts(
  columns: readonly ArrayLike<number>[],
  maxBin: number,
  on: SortOn,
): Promise<Cuts> {
  const { ws, pool } = on, mark = ws.used, bins = Math.min(maxBin, MAX_VALUE_BINS);
  try {
    const n = Math.min(STAGED_ROWS, columns.reduce((m, c) => Math.max(m, c.length), 0));
    const staging = { values: ws.alloc(8 * n), weights: on.weights ? ws.alloc(4 * n) : 0 };
    const samples = columns.map((col) =>
      sampleInto(col, { ws, staging, weights: on.weights, bins })
    );
    const most = samples.reduce((m, s) => Math.max(m, s.n), 0);
    await pool.run(
      splitRange(samples.length, pool.threads).map(([f0, f1]) => {
        const scratch = ws.alloc(ws.k.sketchScratchBytes(most, bins));
        return samples.slice(f0, f1)
          .flatMap((s) => [OP_SKETCH, s.at, s.weights, s.n, bins, scratch, s.out]);
      }),
    );
    const minValues = new Float32Array(columns.length);
    const cuts = samples.map((s, j) => {
      const count = ws.i32(s.out, 1)[0]!;
      minValues[j] = ws.f32(s.out + 4, 1)[0]!;
      return ws.f32(s.out + 8, count).slice();
    });
    return { cuts, minValues };
  } finally {
    ws.reset(mark);
  }
}

/** Rows of a column (and of the weights) copied to the workspace at a time for the sketch. */
const STAGED_ROWS = 1 << 20;

/**
 * Writes the column's present values (float32) in row order, every `step`-th row, and with row
 * weights theirs (float32), in the workspace, with room for its cuts: the kernel `presentValues`
 * reads the rows copied to `staging` ({@link STAGED_ROWS} at a time, a multiple of `step`).
 */
function sampleInto(
  col: ArrayLike<number>,
  on: {
    ws: Workspace;
    staging: { values: number; weights: number };
    weights: ArrayLike<number> | undefined;
    bins: number;
  },
): Sample {
  const { ws, staging, weights } = on, n = col.length;
  const step = Math.max(1, Math.ceil(n / SKETCH_SAMPLE)),
    chunk = step * Math.floor(STAGED_ROWS / step);
  const most = Math.ceil(n / step), at = ws.alloc(4 * most);
  const w = weights ? ws.alloc(4 * most) : 0, out = ws.alloc(4 * (on.bins + 3));
  let k = 0;
  for (let c = 0; c < n; c += chunk) {
    const m = Math.min(chunk, n - c);
    ws.f64(staging.values, m).set(rowsOf(col, c, m));
    if (weights) ws.f32(staging.weights, m).set(rowsOf(weights, c, m));
    k += ws.k.presentValues(staging.values, m, step, staging.weights, at + 4 * k, w && w + 4 * k);
  }
  return { at, weights: w, n: k, out };
}

/** Rows [from, from + m) of a column: a view of a typed array, else a copy. */
function rowsOf(col: ArrayLike<number>, from: number, m: number): ArrayLike<number> {
  if (ArrayBuffer.isView(col)) return (col as Float64Array).subarray(from, from + m);
  return Float64Array.from({ length: m }, (_, i) => col[from + i]!);
}
