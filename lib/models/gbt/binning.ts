/**
 * Histogram cut points per feature (XGBoost's `hist` method): each feature's values are
 * bucketed into at most `maxBin` bins (capped at 255; bin 255 is the missing bin). A value `x`
 * falls in bin `i` when `cuts[i−1] ≤ x < cuts[i]` (float32 comparison), so a split after bin `b`
 * is `x < cuts[b]`, XGBoost's condition.
 *
 * @module
 */

import { OP_SORT_SAMPLE } from "./_jobs.ts";
import type { Workspace } from "./kernel/workspace.ts";
import { splitRange, type ThreadPool } from "./thread_pool.ts";

/** Values sampled per feature to place quantile cuts on large data. */
export const SKETCH_SAMPLE = 1 << 16;

/** Most value bins per feature (bin 255 holds missing values). */
export const MAX_VALUE_BINS = 255;

/** Cut points of every feature. */
export interface Cuts {
  /** Ascending float32 upper bounds per feature; the last exceeds every value. */
  readonly cuts: readonly Float32Array[];
  /** Below the smallest value, as XGBoost's min_val (a threshold sending every present value right). */
  readonly minValues: Float32Array;
}

/**
 * Where {@link computeCuts} sorts its samples — a workspace and the threads that share the sorts —
 * and the rows' weights, if any.
 */
export interface SortOn {
  readonly ws: Workspace;
  readonly pool: ThreadPool;
  /** Row weights: quantile cuts by cumulative weight (XGBoost's weighted sketch). */
  readonly weights?: ArrayLike<number> | undefined;
}

/** A feature's sample in the workspace: its values, their count, and where its distinct count goes. */
interface Sample {
  readonly at: number;
  readonly n: number;
  readonly out: number;
  /** With row weights: each sampled value's row (i32), carried through the sort; else 0. */
  readonly rows: number;
}

/**
 * Cut points for each column. With at most `maxBin` distinct values a feature gets one bin per
 * value (cuts at the next distinct value); otherwise cuts sit at evenly spaced quantiles of up to
 * {@link SKETCH_SAMPLE} evenly strided values. The samples are sorted and their distinct values
 * counted in the workspace by the WASM kernels, a share of the features per thread; their memory
 * is returned before this resolves. With row weights, each quantile is the first sampled value
 * whose cumulative weight passes its share of the total (with weights 1, the same cuts): a row of
 * weight 2 places cuts as that row twice.
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
  const { ws, weights } = on, mark = ws.used, bins = Math.min(maxBin, MAX_VALUE_BINS);
  try {
    const samples = columns.map((col): Sample => {
      const most = Math.ceil(col.length / sampleStep(col.length));
      const at = ws.alloc(4 * most), rows = weights ? ws.alloc(4 * most) : 0;
      return { at, rows, n: sampleInto(col, { at, rows }, ws), out: ws.alloc(4 * (1 + bins)) };
    });
    await sortSamples({ ws, pool: on.pool, bins }, samples);
    const minValues = new Float32Array(columns.length);
    const cuts = samples.map((s, j) => {
      if (s.n === 0) {
        minValues[j] = 0;
        return Float32Array.of(1e-5);
      }
      const sorted = ws.f32(s.at, s.n);
      minValues[j] = Math.fround(sorted[0]! - Math.abs(sorted[0]!) - 1e-5);
      const distinct = ws.i32(s.out, 1)[0]!;
      if (weights && distinct > bins) {
        return weightedQuantiles(sorted, weightsOf(ws, s, weights), bins);
      }
      return cutsOfSorted(sorted, { bins, distinct, values: ws.f32(s.out + 4, bins) });
    });
    return { cuts, minValues };
  } finally {
    ws.reset(mark);
  }
}

/**
 * A feature's cuts from its sorted (non-empty) sample, given its count of distinct values and
 * (when there are at most `bins` of them) the values themselves.
 */
function cutsOfSorted(
  sorted: Float32Array,
  { bins, distinct, values }: { bins: number; distinct: number; values: Float32Array },
): Float32Array {
  const last = sorted[sorted.length - 1]!, top = Math.fround(last + Math.abs(last) + 1e-5);
  if (distinct <= bins) {
    const out = new Float32Array(distinct);
    out.set(values.subarray(1, distinct));
    out[distinct - 1] = top;
    return out;
  }
  const picked: number[] = [];
  for (let i = 1; i < bins; i++) {
    const v = sorted[Math.floor((i * sorted.length) / bins)]!;
    if (v > sorted[0]! && (picked.length === 0 || v > picked[picked.length - 1]!)) picked.push(v);
  }
  picked.push(top);
  return Float32Array.from(picked);
}

/** The weights of a sample's rows, in its sorted order (a loop: TypedArray.from with a map iterates). */
function weightsOf(ws: Workspace, s: Sample, weights: ArrayLike<number>): Float64Array {
  const rows = ws.i32(s.rows, s.n), w = new Float64Array(s.n);
  for (let k = 0; k < s.n; k++) w[k] = weights[rows[k]!]!;
  return w;
}

/** `bins − 1` cuts at the first value whose cumulative weight exceeds i/bins of the total. */
function weightedQuantiles(sorted: Float32Array, w: Float64Array, bins: number): Float32Array {
  const picked: number[] = [];
  let total = 0;
  for (let k = 0; k < w.length; k++) total += w[k]!;
  const last = sorted[sorted.length - 1]!;
  let k = 0, cumulative = w[0]!;
  for (let i = 1; i < bins; i++) {
    const target = (i * total) / bins;
    while (cumulative <= target && k < sorted.length - 1) cumulative += w[++k]!;
    const v = sorted[k]!;
    if (v > sorted[0]! && (picked.length === 0 || v > picked[picked.length - 1]!)) picked.push(v);
  }
  picked.push(Math.fround(last + Math.abs(last) + 1e-5));
  return Float32Array.from(picked);
}

/** Every how many rows a value is sampled. */
function sampleStep(n: number): number {
  return Math.max(1, Math.ceil(n / SKETCH_SAMPLE));
}

/**
 * Writes the column's sampled non-NaN values (float32) at `at` and, when `rows` is not 0, their
 * rows (i32) there; returns how many.
 */
function sampleInto(
  col: ArrayLike<number>,
  to: { at: number; rows: number },
  ws: Workspace,
): number {
  const n = col.length, step = sampleStep(n), most = Math.ceil(n / step);
  const out = ws.f32(to.at, most), rows = to.rows ? ws.i32(to.rows, most) : undefined;
  let k = 0;
  for (let i = 0; i < n; i += step) {
    const v = col[i]!;
    if (Number.isNaN(v)) continue;
    if (rows) rows[k] = i;
    out[k++] = v;
  }
  return k;
}

/**
 * Sorts every sample (stably, carrying its rows when weighted) and counts its distinct values: a
 * share of the features per thread, each thread with its own scratch.
 */
async function sortSamples(
  on: { ws: Workspace; pool: ThreadPool; bins: number },
  samples: readonly Sample[],
): Promise<void> {
  const { ws, pool, bins } = on, most = Math.max(0, ...samples.map((s) => s.n));
  await pool.run(
    splitRange(samples.length, pool.threads).map(([f0, f1]) => {
      const tmp = ws.alloc(4 * most), count = ws.alloc(4 * 2048), rowsTmp = ws.alloc(4 * most);
      return samples.slice(f0, f1)
        .flatMap((s) => [OP_SORT_SAMPLE, s.at, s.n, tmp, count, bins, s.out, s.rows, rowsTmp]);
    }),
  );
}
