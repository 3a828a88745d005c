/**
 * XGBoost's weighted quantile sketch (`WQuantileSketch<float, float>` in `src/common/quantile.h`,
 * as `HostSketchContainer` runs it for `hist`), ported step for step so that our cut points are
 * xgboost's: values enter a queue in row order (runs of one value merged), a full queue is sorted
 * into a summary of distinct values with float32 rank bounds and pushed up a tower of pruned
 * levels, and the final summary is pruned twice — to `8 · max_bin` entries, then `max_bin + 1` —
 * before its entries become cuts. Ranks and weights are float32 as there; every sum is rounded
 * to float32 where XGBoost's is.
 *
 * @module
 */

const f = Math.fround;

/** XGBoost's `kFactor`: the sketch keeps eight entries per bin before the last prunes. */
const FACTOR = 8;

/** A summary: ascending distinct values, each with its rank bounds and weight (float32). */
export class Summary {
  value: Float32Array;
  rmin: Float32Array;
  rmax: Float32Array;
  wmin: Float32Array;
  size = 0;

  constructor(capacity: number) {
    this.value = new Float32Array(capacity);
    this.rmin = new Float32Array(capacity);
    this.rmax = new Float32Array(capacity);
    this.wmin = new Float32Array(capacity);
  }

  /** Room for `n` entries (the contents are kept). */
  reserve(n: number): void {
    if (n <= this.value.length) return;
    const grow = (a: Float32Array) => {
      const b = new Float32Array(n);
      b.set(a.subarray(0, this.size));
      return b;
    };
    [this.value, this.rmin, this.rmax, this.wmin] = [this.value, this.rmin, this.rmax, this.wmin]
      .map(grow) as [Float32Array, Float32Array, Float32Array, Float32Array];
  }

  /** Appends an entry (room reserved by the caller). */
  push(e: { rmin: number; rmax: number; wmin: number; value: number }): void {
    const i = this.size++;
    this.rmin[i] = e.rmin;
    this.rmax[i] = e.rmax;
    this.wmin[i] = e.wmin;
    this.value[i] = e.value;
  }

  /** Appends `src`'s entry `i`. */
  pushFrom(src: Summary, i: number): void {
    const k = this.size++;
    this.rmin[k] = src.rmin[i]!;
    this.rmax[k] = src.rmax[i]!;
    this.wmin[k] = src.wmin[i]!;
    this.value[k] = src.value[i]!;
  }

  /** Becomes a copy of `src`. */
  copyFrom(src: Summary): void {
    this.reserve(src.size);
    for (const k of ["value", "rmin", "rmax", "wmin"] as const) {
      this[k].set(src[k].subarray(0, src.size));
    }
    this.size = src.size;
  }
}

/** `WQSummary::SetPrune`: at most `maxsize` of `src`'s entries, evenly spaced in rank. */
export function prune(dst: Summary, src: Summary, maxsize: number): void {
  if (src.size <= maxsize) return dst.copyFrom(src);
  dst.reserve(maxsize);
  const last = src.size - 1, begin = src.rmax[0]!, range = f(src.rmin[last]! - src.rmax[0]!);
  const n = maxsize - 1;
  dst.size = 0;
  dst.pushFrom(src, 0);
  let i = 1, lastIdx = 0;
  for (let k = 1; k < n; k++) {
    const dx2 = f(2 * f(f(f(k * range) / n) + begin));
    while (i < last && dx2 >= f(src.rmax[i + 1]! + src.rmin[i + 1]!)) i++;
    if (i === last) break;
    const nextMin = f(src.rmin[i]! + src.wmin[i]!),
      prevMax = f(src.rmax[i + 1]! - src.wmin[i + 1]!);
    const pick = dx2 < f(nextMin + prevMax) ? i : i + 1;
    if (pick !== lastIdx) {
      dst.pushFrom(src, pick);
      lastIdx = pick;
    }
  }
  if (lastIdx !== last) dst.pushFrom(src, last);
}

/** `WQSummary::SetCombine`: the merge of two summaries, its rank errors then fixed. */
export function combine(dst: Summary, a: Summary, b: Summary): void {
  if (a.size === 0) return dst.copyFrom(b);
  if (b.size === 0) return dst.copyFrom(a);
  dst.reserve(a.size + b.size);
  dst.size = 0;
  let ia = 0, ib = 0, aPrev = 0, bPrev = 0;
  while (ia < a.size && ib < b.size) {
    const av = a.value[ia]!, bv = b.value[ib]!;
    if (av === bv) {
      dst.push({
        rmin: f(a.rmin[ia]! + b.rmin[ib]!),
        rmax: f(a.rmax[ia]! + b.rmax[ib]!),
        wmin: f(a.wmin[ia]! + b.wmin[ib]!),
        value: av,
      });
      aPrev = f(a.rmin[ia]! + a.wmin[ia]!);
      bPrev = f(b.rmin[ib]! + b.wmin[ib]!);
      ia++;
      ib++;
    } else if (av < bv) {
      dst.push({
        rmin: f(a.rmin[ia]! + bPrev),
        rmax: f(a.rmax[ia]! + f(b.rmax[ib]! - b.wmin[ib]!)),
        wmin: a.wmin[ia]!,
        value: av,
      });
      aPrev = f(a.rmin[ia]! + a.wmin[ia]!);
      ia++;
    } else {
      dst.push({
        rmin: f(b.rmin[ib]! + aPrev),
        rmax: f(b.rmax[ib]! + f(a.rmax[ia]! - a.wmin[ia]!)),
        wmin: b.wmin[ib]!,
        value: bv,
      });
      bPrev = f(b.rmin[ib]! + b.wmin[ib]!);
      ib++;
    }
  }
  const bMax = b.rmax[b.size - 1]!, aMax = a.rmax[a.size - 1]!;
  for (; ia < a.size; ia++) {
    dst.push({
      rmin: f(a.rmin[ia]! + bPrev),
      rmax: f(a.rmax[ia]! + bMax),
      wmin: a.wmin[ia]!,
      value: a.value[ia]!,
    });
  }
  for (; ib < b.size; ib++) {
    dst.push({
      rmin: f(b.rmin[ib]! + aPrev),
      rmax: f(b.rmax[ib]! + aMax),
      wmin: b.wmin[ib]!,
      value: b.value[ib]!,
    });
  }
  fixError(dst);
}

/** `WQSummary::FixError`: rank bounds made monotone again after float rounding. */
function fixError(s: Summary): void {
  let prevMin = 0, prevMax = 0;
  for (let i = 0; i < s.size; i++) {
    if (s.rmin[i]! < prevMin) s.rmin[i] = prevMin;
    else prevMin = s.rmin[i]!;
    if (s.rmax[i]! < prevMax) s.rmax[i] = prevMax;
    const nextMin = f(s.rmin[i]! + s.wmin[i]!);
    if (s.rmax[i]! < nextMin) s.rmax[i] = nextMin;
    prevMax = s.rmax[i]!;
  }
}

/**
 * Sorts the first `n` queued values ascending, carrying their weights (the WASM radix sort in
 * the workspace: the queue lives there).
 */
export type QueueSort = (n: number) => void;

/** The queue a sketch fills: values and weights (float32), both `capacity` long. */
export interface SketchQueue {
  readonly values: Float32Array;
  readonly weights: Float32Array;
  readonly sort: QueueSort;
}

/** `LimitSizeLevel`: entries per level and the queue's length (twice that) for `maxn` values. */
export function limitSize(maxn: number, maxBin: number): number {
  const eps = 1 / (Math.max(1, Math.min(maxBin, maxn)) * FACTOR);
  for (let level = 1;; level++) {
    const limit = Math.min(maxn, Math.ceil(level / eps) + 1);
    if (2 ** level * limit >= maxn) return limit;
  }
}

/** One feature's sketch (`WQuantileSketch::Push`, `PushTemp`, `GetSummary`). */
export class QuantileSketch {
  readonly #limit: number;
  readonly #queue: SketchQueue;
  readonly #levels: Summary[] = [];
  readonly #temp: Summary;
  #tail = 0;

  /** A sketch of at most `maxn` values, its queue `2 · limitSize(maxn, maxBin)` long. */
  constructor(limit: number, queue: SketchQueue) {
    this.#limit = limit;
    this.#queue = queue;
    this.#temp = new Summary(2 * limit);
  }

  /**
   * Adds a column's present values in row order, every `step`-th row (`Push` for each: NaN is
   * missing), weighted by `weights` (float32; 1 without; a weight of 0 adds nothing).
   */
  pushColumn(
    col: ArrayLike<number>,
    { weights, step = 1 }: { weights?: ArrayLike<number> | undefined; step?: number } = {},
  ): void {
    const { values, weights: qw } = this.#queue, full = 2 * this.#limit, fr = Math.fround;
    let tail = this.#tail, last = tail > 0 ? values[tail - 1]! : NaN;
    for (let i = 0; i < col.length; i += step) {
      const x = fr(col[i]!), w = weights ? fr(weights[i]!) : 1;
      if (x !== x || w === 0) continue;
      if (x === last && tail > 0) {
        qw[tail - 1] = fr(qw[tail - 1]! + w);
        continue;
      }
      if (tail === full) {
        this.#tail = tail;
        this.#summarize(this.#temp);
        this.#pushTemp();
        tail = 0;
      }
      values[tail] = x;
      qw[tail++] = w;
      last = x;
    }
    this.#tail = tail;
  }

  /** The summary of every value pushed. */
  summary(): Summary {
    const out = new Summary(2 * this.#limit), limit = this.#limit;
    this.#summarize(out);
    if (this.#levels.length === 0) {
      if (out.size <= limit) return out;
      const pruned = new Summary(limit);
      prune(pruned, out, limit);
      return pruned;
    }
    const [level0, ...rest] = this.#levels as [Summary, ...Summary[]];
    prune(level0, out, limit);
    for (const level of rest) {
      if (level.size === 0) continue;
      if (level0.size === 0) {
        level0.copyFrom(level);
      } else {
        combine(out, level0, level);
        prune(level0, out, limit);
      }
    }
    out.copyFrom(level0);
    return out;
  }

  /** `Queue::MakeSummary`: the queue sorted into distinct values with rank bounds; emptied. */
  #summarize(out: Summary): void {
    const n = this.#tail, { values, weights } = this.#queue;
    this.#queue.sort(n);
    out.reserve(n);
    out.size = 0;
    let wsum = 0;
    for (let i = 0; i < n;) {
      let j = i + 1, w = weights[i]!;
      while (j < n && values[j] === values[i]) w = f(w + weights[j++]!);
      out.push({ rmin: wsum, rmax: f(wsum + w), wmin: w, value: values[i]! });
      wsum = f(wsum + w);
      i = j;
    }
    this.#tail = 0;
  }

  /** `PushTemp`: the queue's summary carried up the levels until one has room. */
  #pushTemp(): void {
    const limit = this.#limit, temp = this.#temp, levels = this.#levels;
    for (let l = 1;; l++) {
      while (levels.length < l + 1) levels.push(new Summary(limit));
      const level = levels[l]!, level0 = levels[0]!;
      if (level.size === 0) return prune(level, temp, limit);
      prune(level0, temp, limit);
      combine(temp, level0, level);
      if (temp.size <= limit) return level.copyFrom(temp);
      level.size = 0;
    }
  }
}

/**
 * XGBoost's cuts from a feature's final summary (`MakeCuts`, `AddCutPoint`): pruned to
 * `8 · maxBin` entries, then `maxBin + 1`; the entries after the first are the cuts, and one
 * above the largest ends them. `count` is the feature's number of values (not missing); with
 * none, the cuts are XGBoost's for an empty column. Returns the cuts and the value below every
 * present one (XGBoost's `min_vals`).
 */
export function cutsOfSummary(
  summary: Summary,
  { maxBin, count }: { maxBin: number; count: number },
): { cuts: Float32Array; minValue: number } {
  const eps = f(1e-5);
  if (count === 0) return { cuts: Float32Array.of(f(eps + (eps + eps))), minValue: eps };
  const intermediate = Math.min(count, maxBin * FACTOR), bins = Math.min(intermediate, maxBin);
  const reduced = new Summary(intermediate), a = new Summary(bins + 1);
  prune(reduced, summary, intermediate);
  prune(a, reduced, bins + 1);
  const first = a.value[0]!, top = a.value[a.size - 1]!, cuts: number[] = [];
  for (let i = 1; i < Math.min(a.size, bins); i++) {
    const v = a.value[i]!;
    if (i === 1 || v > cuts[cuts.length - 1]!) cuts.push(v);
  }
  // XGBoost computes these two in double (`fabs` of a float is a double) and stores a float.
  cuts.push(f(top + (Math.abs(top) + eps)));
  return { cuts: Float32Array.from(cuts), minValue: f(first - Math.abs(first) - eps) };
}
