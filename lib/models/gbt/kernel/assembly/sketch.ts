// XGBoost's weighted quantile sketch (`WQuantileSketch<float, float>` in xgboost's
// src/common/quantile.h, as `HostSketchContainer` runs it for `hist`), step for step, and the cuts
// `MakeCuts` takes from its summary. One column per call, each thread on its own scratch.
//
// Values enter a queue in row order (a run of one value is one entry, its weights summed); a full
// queue is sorted into a summary of distinct values with float32 rank bounds and carried up a
// tower of levels, each pruned to `limit` entries; the final summary is pruned to 8 · maxBin
// entries, then maxBin + 1, and its entries after the first are the cuts.
//
// A summary entry is 16 bytes: rmin, rmax, wmin, value (f32), xgboost's `Entry`.

import { sortF32Pairs } from "./kernels";

const ENTRY: usize = 16;
/** XGBoost's kFactor: eight summary entries per bin before the last prunes. */
const FACTOR: f32 = 8.0;
/** Levels room beyond xgboost's level count (level 0 is scratch; a trap if ever exceeded). */
const EXTRA_LEVELS: i32 = 4;
/** A column's state bits: the queue's weights are all 1; the levels hold a summary. */
const ONES: u32 = 1;
const USED_LEVELS: u32 = 2;
/** The queue holds a −0 (which of ±0 a summary keeps depends on the sort's order). */
const NEG_ZERO: u32 = 4;

@inline function rmin(s: usize, i: i32): f32 { return load<f32>(s + <usize>i * ENTRY); }
@inline function rmax(s: usize, i: i32): f32 { return load<f32>(s + <usize>i * ENTRY + 4); }
@inline function wmin(s: usize, i: i32): f32 { return load<f32>(s + <usize>i * ENTRY + 8); }
@inline function value(s: usize, i: i32): f32 { return load<f32>(s + <usize>i * ENTRY + 12); }

@inline function put(s: usize, i: i32, lo: f32, hi: f32, w: f32, v: f32): void {
  const at = s + <usize>i * ENTRY;
  store<f32>(at, lo);
  store<f32>(at + 4, hi);
  store<f32>(at + 8, w);
  store<f32>(at + 12, v);
}

@inline function copyEntry(dst: usize, j: i32, src: usize, i: i32): void {
  v128.store(dst + <usize>j * ENTRY, v128.load(src + <usize>i * ENTRY));
}

/** xgboost's `eps` for `maxn` values and `maxBin` bins: 1 / (bins · kFactor), in double. */
@inline function epsFor(maxn: i32, maxBin: i32): f64 {
  return 1.0 / <f64>(<f32>max(1, min(maxBin, maxn)) * FACTOR);
}

/** A level's entries at `level` levels: `limit_size` in xgboost's `LimitSizeLevel`. */
@inline function limitAt(maxn: i32, eps: f64, level: i32): f64 {
  return min<f64>(<f64>maxn, Math.ceil(<f64>level / eps) + 1.0);
}

/** The number of levels xgboost's `LimitSizeLevel` picks for `maxn` values. */
function levelsFor(maxn: i32, maxBin: i32): i32 {
  const eps = epsFor(maxn, maxBin);
  let level = 1;
  while (Math.pow(2.0, <f64>level) * limitAt(maxn, eps, level) < <f64>maxn) level++;
  return level;
}

/** Entries per level for `maxn` values (xgboost's `limit_size`); the queue holds twice that. */
export function sketchLimit(maxn: i32, maxBin: i32): i32 {
  return <i32>limitAt(maxn, epsFor(maxn, maxBin), levelsFor(maxn, maxBin));
}

/** Scratch bytes `sketchCuts` needs for a column of `maxn` values. */
export function sketchScratchBytes(maxn: i32, maxBin: i32): usize {
  const limit = <usize>max(1, sketchLimit(maxn, maxBin));
  const levels = <usize>(levelsFor(maxn, maxBin) + EXTRA_LEVELS);
  return 32 * limit + 8192 + ENTRY * (4 * limit + levels * limit + <usize>maxBin + 2) + 4 * levels;
}

// This call's layout (each thread runs its own instance: these globals are its own).
let limit: i32 = 0;
let queueValues: usize = 0;
let queueWeights: usize = 0;
let sortTmp: usize = 0;
let sortTmpWeights: usize = 0;
let sortCount: usize = 0;
let temp: usize = 0;
let summary: usize = 0;
let levels: usize = 0;
let levelSizes: usize = 0;
let levelCount: i32 = 0;
let finalSummary: usize = 0;

function layout(scratch: usize, maxn: i32, maxBin: i32): void {
  limit = max(1, sketchLimit(maxn, maxBin));
  const l = <usize>limit;
  levelCount = levelsFor(maxn, maxBin) + EXTRA_LEVELS;
  queueValues = scratch;
  queueWeights = queueValues + 8 * l;
  sortTmp = queueWeights + 8 * l;
  sortTmpWeights = sortTmp + 8 * l;
  sortCount = sortTmpWeights + 8 * l;
  temp = sortCount + 8192;
  summary = temp + 2 * l * ENTRY;
  levels = summary + 2 * l * ENTRY;
  finalSummary = levels + <usize>levelCount * l * ENTRY;
  levelSizes = finalSummary + (<usize>(maxBin + 2)) * ENTRY;
  memory.fill(levelSizes, 0, <usize>levelCount << 2);
}

@inline function levelAt(l: i32): usize { return levels + <usize>l * <usize>limit * ENTRY; }
@inline function levelSize(l: i32): i32 { return load<i32>(levelSizes + (<usize>l << 2)); }
@inline function setLevelSize(l: i32, n: i32): void { store<i32>(levelSizes + (<usize>l << 2), n); }

/**
 * `Queue::MakeSummary`: the first `n` queued values sorted into `out`; returns its size. A group
 * of equal values keeps its first value: with a −0 in the queue, which of ±0 that is depends on
 * the sort's order, so the queue is sorted as xgboost's `std::sort` does (libstdc++'s introsort,
 * {@link stdSort}); otherwise by the radix sort, stable, the weights carried along unless every one
 * is 1. Equal values' weights are summed in row order, where xgboost sums them in its sort's
 * order: with weights that are not whole numbers a tie's sum can differ in its last bit (as it
 * does between xgboost builds on libstdc++ and libc++).
 */
function summarize(out: usize, n: i32, state: u32): i32 {
  if ((state & NEG_ZERO) != 0) stdSort(n);
  else {
    const carry = (state & ONES) != 0 ? 0 : queueWeights;
    sortF32Pairs(queueValues, n, sortTmp, sortCount, carry, sortTmpWeights);
  }
  let size = 0, wsum: f32 = 0;
  for (let i = 0; i < n;) {
    const v = load<f32>(queueValues + (<usize>i << 2));
    let w = load<f32>(queueWeights + (<usize>i << 2)), j = i + 1;
    while (j < n && load<f32>(queueValues + (<usize>j << 2)) == v) {
      w += load<f32>(queueWeights + (<usize>j << 2));
      j++;
    }
    put(out, size++, wsum, wsum + w, w, v);
    wsum += w;
    i = j;
  }
  return size;
}

/** `WQSummary::SetPrune`: at most `maxsize` of `src`'s entries, evenly spaced in rank. */
function prune(dst: usize, src: usize, size: i32, maxsize: i32): i32 {
  if (size <= maxsize) {
    memory.copy(dst, src, <usize>size * ENTRY);
    return size;
  }
  const last = size - 1, begin = rmax(src, 0), range: f32 = rmin(src, last) - rmax(src, 0);
  const n = maxsize - 1;
  copyEntry(dst, 0, src, 0);
  let out = 1, i = 1, lastIdx = 0;
  for (let k = 1; k < n; k++) {
    const dx2: f32 = <f32>2.0 * ((<f32>k * range) / <f32>n + begin);
    while (i < last && dx2 >= rmax(src, i + 1) + rmin(src, i + 1)) i++;
    if (i == last) break;
    const pick = dx2 < (rmin(src, i) + wmin(src, i)) + (rmax(src, i + 1) - wmin(src, i + 1)) ? i : i + 1;
    if (pick != lastIdx) {
      copyEntry(dst, out++, src, pick);
      lastIdx = pick;
    }
  }
  if (lastIdx != last) copyEntry(dst, out++, src, last);
  return out;
}

/** `WQSummary::SetCombine` (then `FixError`): the merge of a and b into dst; returns its size. */
function combine(dst: usize, a: usize, na: i32, b: usize, nb: i32): i32 {
  if (na == 0) return prune(dst, b, nb, nb);
  if (nb == 0) return prune(dst, a, na, na);
  let ia = 0, ib = 0, out = 0, aPrev: f32 = 0, bPrev: f32 = 0;
  while (ia < na && ib < nb) {
    const av = value(a, ia), bv = value(b, ib);
    if (av == bv) {
      put(dst, out++, rmin(a, ia) + rmin(b, ib), rmax(a, ia) + rmax(b, ib), wmin(a, ia) + wmin(b, ib), av);
      aPrev = rmin(a, ia) + wmin(a, ia);
      bPrev = rmin(b, ib) + wmin(b, ib);
      ia++;
      ib++;
    } else if (av < bv) {
      put(dst, out++, rmin(a, ia) + bPrev, rmax(a, ia) + (rmax(b, ib) - wmin(b, ib)), wmin(a, ia), av);
      aPrev = rmin(a, ia) + wmin(a, ia);
      ia++;
    } else {
      put(dst, out++, rmin(b, ib) + aPrev, rmax(b, ib) + (rmax(a, ia) - wmin(a, ia)), wmin(b, ib), bv);
      bPrev = rmin(b, ib) + wmin(b, ib);
      ib++;
    }
  }
  const bMax = rmax(b, nb - 1), aMax = rmax(a, na - 1);
  for (; ia < na; ia++) put(dst, out++, rmin(a, ia) + bPrev, rmax(a, ia) + bMax, wmin(a, ia), value(a, ia));
  for (; ib < nb; ib++) put(dst, out++, rmin(b, ib) + aPrev, rmax(b, ib) + aMax, wmin(b, ib), value(b, ib));
  fixError(dst, out);
  return out;
}

/** `WQSummary::FixError`: rank bounds made monotone again after float rounding. */
function fixError(s: usize, size: i32): void {
  let prevMin: f32 = 0, prevMax: f32 = 0;
  for (let i = 0; i < size; i++) {
    const at = s + <usize>i * ENTRY;
    let lo = load<f32>(at), hi = load<f32>(at + 4);
    if (lo < prevMin) lo = prevMin;
    else prevMin = lo;
    if (hi < prevMax) hi = prevMax;
    const nextMin = lo + load<f32>(at + 8);
    if (hi < nextMin) hi = nextMin;
    store<f32>(at, lo);
    store<f32>(at + 4, hi);
    prevMax = hi;
  }
}

/** `PushTemp`: the queue's summary (in `temp`, `size` entries) carried up until a level has room. */
function pushTemp(size: i32): void {
  let tempSize = size;
  for (let l = 1; l < levelCount; l++) {
    if (levelSize(l) == 0) {
      setLevelSize(l, prune(levelAt(l), temp, tempSize, limit));
      return;
    }
    const n0 = prune(levelAt(0), temp, tempSize, limit);
    tempSize = combine(temp, levelAt(0), n0, levelAt(l), levelSize(l));
    if (tempSize <= limit) {
      setLevelSize(l, prune(levelAt(l), temp, tempSize, tempSize));
      return;
    }
    setLevelSize(l, 0);
  }
  unreachable(); // more levels than xgboost's sizing allows
}

/** `GetSummary`: every value pushed, in `summary`; returns its size. */
function finish(queued: i32, state: u32): i32 {
  let size = summarize(summary, queued, state);
  if ((state & USED_LEVELS) == 0) {
    if (size <= limit) return size;
    const n = prune(temp, summary, size, limit);
    return prune(summary, temp, n, n);
  }
  let n0 = prune(levelAt(0), summary, size, limit);
  for (let l = 1; l < levelCount; l++) {
    const nl = levelSize(l);
    if (nl == 0) continue;
    if (n0 == 0) {
      n0 = prune(levelAt(0), levelAt(l), nl, nl);
    } else {
      size = combine(summary, levelAt(0), n0, levelAt(l), nl);
      n0 = prune(levelAt(0), summary, size, limit);
    }
  }
  return prune(summary, levelAt(0), n0, n0);
}

/**
 * XGBoost's cuts of one column: its `n` present values (f32, row order) with their weights (f32;
 * `weights` 0: every one 1; a weight of 0 adds nothing) through the sketch, then `MakeCuts`. Writes
 * the cut count (i32) at `out`, XGBoost's `min_val` (f32) at out + 4 and the cuts (f32) after it.
 * `scratch` holds {@link sketchScratchBytes}(n, maxBin) bytes.
 */
export function sketchCuts(values: usize, weights: usize, n: i32, maxBin: i32, scratch: usize, out: usize): void {
  const eps: f32 = 1e-5;
  if (n == 0) {
    store<i32>(out, 1);
    store<f32>(out + 4, eps);
    store<f32>(out + 8, <f32>(<f64>eps + (<f64>eps + <f64>eps)));
    return;
  }
  layout(scratch, n, maxBin);
  const weighted = weights != 0, full = 2 * limit, fresh: u32 = weighted ? 0 : ONES;
  let tail = 0, state = fresh;
  for (let i = 0; i < n; i++) {
    const x = load<f32>(values + (<usize>i << 2));
    const w: f32 = weighted ? load<f32>(weights + (<usize>i << 2)) : 1.0;
    if (w == 0) continue;
    if (x == 0 && reinterpret<i32>(x) < 0) state |= NEG_ZERO;
    if (tail > 0 && load<f32>(queueValues + (<usize>(tail - 1) << 2)) == x) {
      const at = queueWeights + (<usize>(tail - 1) << 2);
      store<f32>(at, load<f32>(at) + w);
      state &= ~ONES;
      continue;
    }
    if (tail == full) {
      pushTemp(summarize(temp, tail, state));
      state = USED_LEVELS | fresh | (x == 0 && reinterpret<i32>(x) < 0 ? NEG_ZERO : 0);
      tail = 0;
    }
    store<f32>(queueValues + (<usize>tail << 2), x);
    store<f32>(queueWeights + (<usize>tail << 2), w);
    tail++;
  }
  const size = finish(tail, state);
  cutsOf(size, maxBin, n, out);
}

/** `MakeCuts` and `AddCutPoint` from the final summary (`size` entries in `summary`). */
function cutsOf(size: i32, maxBin: i32, count: i32, out: usize): void {
  const intermediate = min(count, maxBin * <i32>FACTOR), bins = min(intermediate, maxBin);
  const reducedSize = prune(temp, summary, size, intermediate);
  const a = finalSummary, na = prune(a, temp, reducedSize, bins + 1);
  let k = 0, lastCut: f32 = 0;
  for (let i = 1; i < min(na, bins); i++) {
    const v = value(a, i);
    if (i == 1 || v > lastCut) {
      store<f32>(out + 8 + (<usize>k << 2), v);
      k++;
      lastCut = v;
    }
  }
  // XGBoost computes these two in double (`fabs` of a float is a double) and stores a float. With
  // every value of weight 0 the summary is empty: it reads a zeroed entry (min −1e-5), and its last
  // cut is above that min.
  const eps: f64 = <f64><f32>1e-5, first = na > 0 ? <f64>value(a, 0) : 0.0;
  const top = na > 0 ? <f64>value(a, na - 1) : <f64><f32>(first - Math.abs(first) - eps);
  store<f32>(out + 8 + (<usize>k << 2), <f32>(top + (Math.abs(top) + eps)));
  store<i32>(out, k + 1);
  store<f32>(out + 4, <f32>(first - Math.abs(first) - eps));
}

// ---- libstdc++'s std::sort (introsort, threshold 16), as xgboost's Queue::MakeSummary sorts ----
// The queue's entries (value, weight) are compared by value only; equal values end up in the
// order this algorithm leaves them, which decides the order their float32 weights are summed in.

const THRESHOLD: i32 = 16;

@inline function key(i: i32): f32 { return load<f32>(queueValues + (<usize>i << 2)); }
@inline function weightAt(i: i32): f32 { return load<f32>(queueWeights + (<usize>i << 2)); }

@inline function setAt(i: i32, v: f32, w: f32): void {
  store<f32>(queueValues + (<usize>i << 2), v);
  store<f32>(queueWeights + (<usize>i << 2), w);
}

@inline function moveAt(to: i32, from: i32): void { setAt(to, key(from), weightAt(from)); }

@inline function swapAt(i: i32, j: i32): void {
  const v = key(i), w = weightAt(i);
  moveAt(i, j);
  setAt(j, v, w);
}

/** `std::sort` of the first `n` queued entries. */
function stdSort(n: i32): void {
  if (n == 0) return;
  introsortLoop(0, n, 2 * (31 - <i32>clz(n)));
  if (n > THRESHOLD) {
    insertionSort(0, THRESHOLD);
    for (let i = THRESHOLD; i < n; i++) unguardedLinearInsert(i);
  } else {
    insertionSort(0, n);
  }
}

function introsortLoop(first: i32, last: i32, depth: i32): void {
  while (last - first > THRESHOLD) {
    if (depth == 0) {
      makeHeap(first, last);
      for (let end = last; end - first > 1;) {
        end--;
        const v = key(end), w = weightAt(end);
        moveAt(end, first);
        adjustHeap(first, 0, end - first, v, w);
      }
      return;
    }
    depth--;
    const cut = partitionPivot(first, last);
    introsortLoop(cut, last, depth);
    last = cut;
  }
}

/** `__unguarded_partition_pivot`: the median of three moved to `first`, then the partition. */
function partitionPivot(first: i32, last: i32): i32 {
  const a = first + 1, b = first + (last - first) / 2, c = last - 1;
  if (key(a) < key(b)) {
    if (key(b) < key(c)) swapAt(first, b);
    else if (key(a) < key(c)) swapAt(first, c);
    else swapAt(first, a);
  } else if (key(a) < key(c)) swapAt(first, a);
  else if (key(b) < key(c)) swapAt(first, c);
  else swapAt(first, b);
  const pivot = key(first);
  let lo = first + 1, hi = last;
  while (true) {
    while (key(lo) < pivot) lo++;
    hi--;
    while (pivot < key(hi)) hi--;
    if (!(lo < hi)) break;
    swapAt(lo, hi);
    lo++;
  }
  return lo;
}

function insertionSort(first: i32, last: i32): void {
  if (first == last) return;
  for (let i = first + 1; i < last; i++) {
    if (key(i) < key(first)) {
      const v = key(i), w = weightAt(i);
      for (let k = i; k > first; k--) moveAt(k, k - 1);
      setAt(first, v, w);
    } else {
      unguardedLinearInsert(i);
    }
  }
}

function unguardedLinearInsert(at: i32): void {
  const v = key(at), w = weightAt(at);
  let hole = at, next = at - 1;
  while (v < key(next)) {
    moveAt(hole, next);
    hole = next;
    next--;
  }
  setAt(hole, v, w);
}

function makeHeap(first: i32, last: i32): void {
  const len = last - first;
  if (len < 2) return;
  let parent = (len - 2) / 2;
  while (true) {
    adjustHeap(first, parent, len, key(first + parent), weightAt(first + parent));
    if (parent == 0) break;
    parent--;
  }
}

function adjustHeap(first: i32, hole: i32, len: i32, v: f32, w: f32): void {
  const top = hole;
  let child = hole;
  while (child < (len - 1) / 2) {
    child = 2 * (child + 1);
    if (key(first + child) < key(first + child - 1)) child--;
    moveAt(first + hole, first + child);
    hole = child;
  }
  if ((len & 1) == 0 && child == (len - 2) / 2) {
    child = 2 * (child + 1);
    moveAt(first + hole, first + child - 1);
    hole = child - 1;
  }
  let parent = (hole - 1) / 2;
  while (hole > top && key(first + parent) < v) {
    moveAt(first + hole, first + parent);
    hole = parent;
    parent = (hole - 1) / 2;
  }
  setAt(first + hole, v, w);
}

/**
 * The sketch's input from a column (f64 × n): every `step`-th row's present value as float32 into
 * `out` in row order, and with row weights (`weights`: f32 × n; 0: none) its row's into `outW`.
 * Returns how many were present.
 */
export function presentValues(
  values: usize, n: i32, step: i32, weights: usize, out: usize, outW: usize,
): i32 {
  let k = 0;
  for (let i = 0; i < n; i += step) {
    const x = load<f64>(values + (<usize>i << 3));
    if (x != x) continue;
    if (weights != 0) store<f32>(outW + (<usize>k << 2), load<f32>(weights + (<usize>i << 2)));
    store<f32>(out + (<usize>k << 2), <f32>x);
    k++;
  }
  return k;
}
