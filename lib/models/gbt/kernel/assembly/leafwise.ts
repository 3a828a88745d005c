// Leaf-wise (loss-guided) growth of one tree below its root, in one pool round: every thread runs
// this loop over the same decisions. Each split, sharing the rows (mode 0): every thread
// partitions its region of the best open leaf's rows and builds its partial histogram of the
// smaller child; at a barrier all partials are in; each thread sums them over its features,
// derives the sibling and searches both children there. Sharing the features (mode 1, for small
// data, where a barrier costs more than the rows a thread saves): every thread partitions all the
// leaf's rows in a row index of its own (thread 0's is the shared one) and builds the smaller
// child's histogram over its features only, with no partials to sum: one barrier fewer. Then, at
// a barrier, all candidates are in, and every thread reduces them in feature order (strict >) to
// the same children's splits. The decisions (the open leaves, node ids,
// free histogram buffers) are kept by each thread in its own memory, identically; only histograms,
// partition counts and candidates are shared. The splits are recorded in order, for the caller
// to replay (node ids, leaf values, row ranges) — the same tree the split-by-split loop grows.
//
// Parameter block (f64 words at `block`), written by the caller:
//   0 threads, 1 nfeat, 2 n (column length), 3 binsCol, 4 bins (row-major), 5 gh, 6 rowIndex,
//   7 scratch, 8 binCounts, 9 barrier counter (i32, zeroed before the round), 10 lambda,
//   11 alpha, 12 max_delta_step, 13 min_child_weight, 14 gamma, 15 minGain, 16 max_leaves (> 0),
//   17 max_depth (0: none), 18 spare histogram buffers (i32 offsets), 19 their count,
//   20 partial buffers (i32 offsets of threads 1…T−1), 21 candidates (2 slots per thread, twice:
//   candidateBytes), 22 records, 23 record count (out), 24 root g, 25 root h, 26 root histogram, 27 root has a
//   split (1 or 0), 28–35 root split (gain, feature, splitBin, defaultLeft, gl, hl, gr, hr),
//   36 mode (0: sharing the rows, 1: sharing the features), 37 categorical features (u8 flag per
//   feature; 0: none), 38 max_cat_to_onehot, 39 max_cat_threshold, 40 the root's category set
//   (0: a numeric split), 41 the records' category sets, 42 the wide categorical features' u16
//   codes (0: none; wide.ts), 43 their count, 44 their slot's bins, 45 each feature's wide index
//   (i32, −1 for a u8 feature), 46 each feature's histogram slot (i32 pairs, findBestSplit's), 47
//   the bits of a category set (256, or the wide slot's bins), 48 LightGBM's cat_smooth (below 0:
//   XGBoost's partition of categories), 49 min_data_per_group, 50 cat_l2, 51 the root's rows,
//   52 the descriptor of the features with 256 value bins (missing.ts; 0: none has);
//   per thread t at 53 + 12t: f0, f1, features (i32), feature count, gather buffer, state (private
//   scratch: {@link stateBytes}), start, end (its region of the root's rows; mode 1: all of
//   them), its row index and partition scratch (mode 1; thread 0's are the shared ones), its wide
//   features [k0, k1) (those among its features).
// A record (f64 × (9 + T)): the split node's id, its split as above, then each thread's left count.
// A categorical split (splitBin −3) sends its set's categories right: each thread keeps the set of
// every node of its table, and thread 0 copies a split's set beside its record.

import {
  barrierTo, buildHist, buildHistTake, findBestSplit, partition, reduceHists, setCategoryParams,
  setGainParams,
} from "./kernels";
import { extrasOf, missingBitsOf, splitTopBins, takeTopBins } from "./missing";
import { buildHistWide } from "./wide";

/**
 * f64 words per node in a thread's state: id, depth, start, end, g, h, hist, has split, split (8),
 * rows (all threads'), hints (the node's bins that may hold rows, a bitmap per feature; 0: none).
 */
const NODE: usize = 18;
/**
 * A child of at most this many rows takes its rows' pairs from its parent's histogram one by one
 * (`buildHistTake`), rather than the parent's bins all minus the child's. Measured, same-process
 * alternating fits (1 thread, 31 leaves, 30 features): 5,000 rows 3–7% faster (CPU time 5–11%),
 * 20,000 rows 0–5%; 64 and 256 rows measured the same within noise.
 */
const TAKE_ROWS: i32 = 128;
/** Words of a record before the left counts. */
const RECORD: usize = 9;
/** Bytes of a thread's state header: partition count (i32), leaves, nodes, barriers, records. */
const HEADER: usize = 40;

@inline function word(block: usize, i: usize): f64 {
  return load<f64>(block + (i << 3));
}

@inline function int(block: usize, i: usize): usize {
  return <usize>load<f64>(block + (i << 3));
}

@inline function setWord(block: usize, i: usize, v: f64): void {
  store<f64>(block + (i << 3), v);
}

/** Bytes of a category set: one bit per category the round's features may have. */
@inline function setBytes(block: usize): usize {
  return int(block, 47) >> 3;
}

/** A split's splitBin when it splits by categories. */
const BY_CATEGORIES: f64 = -3.0;

/** Bytes of a node's hints: 256 bits per feature. */
const HINT_BYTES: usize = 32;

/**
 * Bytes of a thread's private state for `maxLeaves` and `nfeat` features: header, node table, open
 * and free lists, then each node's category set (`catBits` bits), then each node's hints.
 */
export function stateBytes(maxLeaves: i32, catBits: i32, nfeat: i32): i32 {
  const nodes = 2 * maxLeaves + 1;
  return <i32>HEADER + nodes * <i32>(NODE << 3) + 8 * (maxLeaves + 2) + nodes * (catBits >> 3) +
    nodes * nfeat * <i32>HINT_BYTES;
}

/** Node `id`'s category set in a thread's state (after its node table and lists). */
@inline function setOf(block: usize, state: usize, id: usize): usize {
  const maxLeaves = int(block, 16), nodes: usize = 2 * maxLeaves + 1;
  return state + HEADER + nodes * (NODE << 3) + ((maxLeaves + 2) << 3) + id * setBytes(block);
}

/**
 * Node `id`'s hints in a thread's state (after every node's category set): for a child of few rows
 * (built by `buildHistTake`), the bins its rows fall in, feature by feature.
 */
@inline function hintsOf(block: usize, state: usize, id: usize): usize {
  const nodes: usize = 2 * int(block, 16) + 1;
  return setOf(block, state, nodes) + id * int(block, 1) * HINT_BYTES;
}

/** Bytes of a candidate slot: the split's words, or with categorical features the whole search. */
@inline function candidateBytes(block: usize): usize {
  return int(block, 37) != 0 ? 80 + setBytes(block) + 24 * int(block, 47) : 72;
}

/** Thread t's words of the parameter block. (No objects here: the kernels run without a heap.) */
@inline function meOf(block: usize, t: usize): usize {
  return block + ((53 + 12 * t) << 3);
}

/** Node `id` in a thread's node table (ids are table positions: the root 0, then children in order). */
@inline function nodeAt(state: usize, id: usize): usize {
  return state + HEADER + id * (NODE << 3);
}

/** Grows the tree below the root (see the module comment); `t` is this thread's index. */
export function growLeafwise(block: usize, t: i32): void {
  setGainParams(word(block, 10), word(block, 11), word(block, 12), word(block, 13));
  setCategoryParams(word(block, 48), word(block, 49), word(block, 50));
  const me = meOf(block, <usize>t), maxLeaves = int(block, 16), state = int(me, 5);
  const open = nodeAt(state, 2 * maxLeaves + 1), free = open + ((maxLeaves + 2) << 2);
  // The header: one leaf, one node, no barrier passed, no split recorded.
  setWord(state, 1, 1.0);
  setWord(state, 2, 1.0);
  setWord(state, 3, 0.0);
  setWord(state, 4, 0.0);
  // The root: node 0, open when it has a split.
  const root = nodeAt(state, 0);
  setWord(root, 0, 0.0);
  setWord(root, 1, 0.0);
  setWord(root, 2, word(me, 6));
  setWord(root, 3, word(me, 7));
  for (let i: usize = 0; i < 4; i++) setWord(root, 4 + i, word(block, 24 + i));
  for (let i: usize = 0; i < 8; i++) setWord(root, 8 + i, word(block, 28 + i));
  setWord(root, 16, word(block, 51));
  setWord(root, 17, 0.0);
  if (int(block, 40) != 0) memory.copy(setOf(block, state, 0), int(block, 40), setBytes(block));
  let openCount: usize = word(root, 7) != 0.0 ? 1 : 0;
  store<i32>(open, 0);
  let freeCount = int(block, 19);
  memory.copy(free, int(block, 18), freeCount << 2);
  while (openCount > 0 && int(state, 1) < maxLeaves) {
    const bi = best(state, open, openCount);
    const node = nodeAt(state, <usize>load<i32>(open + (bi << 2)));
    store<i32>(open + (bi << 2), load<i32>(open + ((openCount - 1) << 2)));
    openCount--;
    const maxDepth = int(block, 17), depth = int(node, 1);
    const build = (maxDepth == 0 || depth + 1 < maxDepth) && int(state, 1) + 1 < maxLeaves;
    let fresh: usize = 0;
    if (build) {
      freeCount--;
      fresh = <usize>load<i32>(free + (freeCount << 2));
    }
    const kids = split(block, <usize>t, node, build, fresh);
    if (!build) {
      store<i32>(free + (freeCount << 2), <i32>word(node, 6));
      freeCount++;
      continue;
    }
    for (let side: usize = 0; side < 2; side++) {
      const kid = kids + side * (NODE << 3);
      if (choose(block, state, kid, side)) {
        store<i32>(open + (openCount << 2), <i32>word(kid, 0));
        openCount++;
      } else {
        store<i32>(free + (freeCount << 2), <i32>word(kid, 6));
        freeCount++;
      }
    }
  }
  if (t == 0) setWord(block, 23, word(state, 4));
}

/** The open leaf with the largest gain (ties: the smaller node id). */
function best(state: usize, open: usize, openCount: usize): usize {
  let bi: usize = 0;
  for (let i: usize = 1; i < openCount; i++) {
    const a = nodeAt(state, <usize>load<i32>(open + (i << 2)));
    const b = nodeAt(state, <usize>load<i32>(open + (bi << 2)));
    const ga = word(a, 8), gb = word(b, 8);
    if (ga > gb || (ga == gb && word(a, 0) < word(b, 0))) bi = i;
  }
  return bi;
}

/**
 * Splits `node`: partition, record, children in the table (returned: the left one's address; the
 * right one follows). With `build`, the smaller child's histogram into `fresh` (this thread's
 * partial elsewhere), the partials summed and the sibling derived over this thread's features,
 * and both children searched there.
 */
function split(block: usize, t: usize, node: usize, build: bool, fresh: usize): usize {
  const me = meOf(block, t), state = int(me, 5), threads = int(block, 0);
  const records = int(state, 4), record = int(block, 22) + records * ((RECORD + threads) << 3);
  setWord(state, 4, <f64>(records + 1));
  const start = <i32>word(node, 2), end = <i32>word(node, 3), byFeatures = word(block, 36) != 0.0;
  const rows = byFeatures ? int(me, 8) : int(block, 6), scratch = byFeatures ? int(me, 9) : int(block, 7);
  const byCategories = word(node, 10) == BY_CATEGORIES, f = int(node, 9), n = int(block, 2);
  const cats = byCategories ? setOf(block, state, int(node, 0)) : 0;
  const k = int(block, 42) != 0 ? load<i32>(int(block, 45) + (f << 2)) : -1; // a wide feature?
  const column = k < 0 ? int(block, 3) + f * n : int(block, 42) + ((<usize>k * n) << 1);
  const bits = k < 0 ? missingBitsOf(int(block, 52), f) : 0;
  partition(
    column, rows, start, end, <i32>word(node, 10), <i32>word(node, 11),
    scratch + (<usize>start << 2), state, cats, k < 0 ? 0 : <i32>int(block, 44) - 1, bits,
  );
  if (t == 0 && byCategories) {
    memory.copy(int(block, 41) + records * setBytes(block), cats, setBytes(block));
  }
  const mid = start + load<i32>(state);
  // Sharing the features, every thread holds every row: the counts are thread 0's region's.
  setWord(record, RECORD + t, byFeatures && t != 0 ? 0.0 : <f64>(mid - start));
  if (t == 0) {
    setWord(record, 0, word(node, 0));
    for (let i: usize = 0; i < 8; i++) setWord(record, 1 + i, word(node, 8 + i));
  }
  const count = int(state, 2), kids = nodeAt(state, count);
  setWord(state, 2, <f64>(count + 2));
  setWord(state, 1, word(state, 1) + 1.0);
  child(kids, node, count, start, mid);
  child(kids + (NODE << 3), node, count + 1, mid, end);
  if (!build) return kids;
  // The smaller child's (by hessian sum) histogram is built; the other is the parent's minus it.
  const right = word(node, 15) < word(node, 13), built = kids + (right ? NODE << 3 : 0);
  const hints = hintsOf(block, state, count + (right ? 1 : 0));
  const taken = childHists(block, t, node, right ? mid : start, right ? end : mid, fresh, hints);
  // The built child's rows' bins if it was taken; its sibling's rows are among its parent's.
  setWord(built, 17, taken ? <f64>hints : 0.0);
  setWord(kids + (right ? 0 : NODE << 3), 17, word(node, 17));
  // Sharing the rows, every thread's left count is in (childHists passed a barrier).
  let left: f64 = <f64>(mid - start);
  if (!byFeatures) {
    left = 0.0;
    for (let u: usize = 0; u < threads; u++) left += word(record, RECORD + u);
  }
  setWord(kids, 16, left);
  setWord(kids + (NODE << 3), 16, word(node, 16) - left);
  // The built child's histogram is in `fresh`, its sibling's in the parent's buffer.
  setWord(kids, 6, right ? word(node, 6) : <f64>fresh);
  setWord(kids + (NODE << 3), 6, right ? <f64>fresh : word(node, 6));
  search(block, t, kids, 0);
  search(block, t, kids + (NODE << 3), 1);
  barrier(block, state);
  return kids;
}

/**
 * The histogram of the rows [lo, hi) of a split node's smaller child into `fresh`, and its
 * sibling's in place of the node's (the node's minus it), over this
 * thread's features (u8 and wide): sharing the features, of its features only, in its own row
 * index; sharing the rows, its rows' partial over every feature, summed with the others' once all
 * are in (a barrier). A child of at most {@link TAKE_ROWS} rows, where one thread holds all of
 * them, has its rows' pairs taken from the node's bins one by one instead.
 */
function childHists(
  block: usize, t: usize, node: usize, lo: i32, hi: i32, fresh: usize, hints: usize,
): bool {
  const me = meOf(block, t), state = int(me, 5), threads = int(block, 0), nf = <i32>int(block, 1);
  const byFeatures = word(block, 36) != 0.0, rows = byFeatures ? int(me, 8) : int(block, 6);
  const f0 = <i32>int(me, 0), f1 = <i32>int(me, 1), parent = int(node, 6);
  const wide = int(block, 42), n = <i32>int(block, 2);
  const slotBytes = int(block, 44) << 4, base = <usize>nf << 12;
  const k0 = int(me, 10), k1 = int(me, 11), gh = int(block, 5), slot = <i32>int(block, 44);
  const desc = int(block, 52);
  // A few rows, each thread holding all of them: their pairs are taken from the parent's
  // histogram as the child's is built (cheaper than subtracting every bin).
  const take = (byFeatures || threads == 1) && hi - lo <= TAKE_ROWS;
  if (take || byFeatures) {
    if (f0 < f1) {
      if (take) buildHistTake(int(block, 4), nf, rows, lo, hi, gh, fresh, parent, f0, f1, hints);
      else buildHist(int(block, 4), nf, rows, lo, hi, gh, fresh, f0, f1, int(me, 4));
      if (desc != 0) splitTopBins(desc, rows, lo, hi, gh, fresh, f0, f1);
      if (desc != 0 && take) takeTopBins(desc, fresh, parent, f0, f1);
    }
    if (k1 > k0) {
      const col = wide + ((k0 * <usize>n) << 1), at = fresh + base + k0 * slotBytes;
      buildHistWide(col, n, <i32>(k1 - k0), slot, rows, lo, hi, gh, at);
    }
  } else {
    const mine = t == 0 ? fresh : <usize>load<i32>(int(block, 20) + ((t - 1) << 2));
    buildHist(int(block, 4), nf, rows, lo, hi, gh, mine, 0, nf, int(me, 4));
    if (desc != 0) splitTopBins(desc, rows, lo, hi, gh, mine, 0, nf);
    if (wide != 0) buildHistWide(wide, n, <i32>int(block, 43), slot, rows, lo, hi, gh, mine + base);
    barrier(block, state);
  }
  // Taken, the u8 features' sibling is already in the parent's place; wide slots subtract. (A
  // take has one thread holding the rows: no partials to sum.)
  const parts = byFeatures ? 0 : <i32>threads - 1, partials = int(block, 20);
  if (f0 < f1 && !take) {
    reduceHists(partials, parts, fresh, parent, <usize>f0 << 12, (f1 - f0) << 8);
    if (desc != 0) {
      reduceHists(partials, parts, fresh, parent, extrasOf(desc) + (<usize>f0 << 4), f1 - f0);
    }
  }
  if (k1 > k0) {
    const off = base + k0 * slotBytes, pairs = <i32>(k1 - k0) * slot;
    reduceHists(partials, parts, fresh, parent, off, pairs);
  }
  return take;
}

/** Fills node `id` at `kid`, a child of `node` over rows [start, end): left if id is odd. */
function child(kid: usize, node: usize, id: usize, start: i32, end: i32): void {
  const side: usize = (id & 1) ^ 1;
  setWord(kid, 0, <f64>id);
  setWord(kid, 1, word(node, 1) + 1.0);
  setWord(kid, 2, <f64>start);
  setWord(kid, 3, <f64>end);
  setWord(kid, 4, word(node, 12 + 2 * side));
  setWord(kid, 5, word(node, 13 + 2 * side));
  setWord(kid, 7, 0.0);
  setWord(kid, 17, 0.0);
}

/**
 * The candidate slots of the current split: two sets, by the parity of the barriers passed before
 * its last one (`chosen`: that barrier passed), so a thread that has chosen may search the next
 * split's children while another still reads these (sharing the features, no barrier comes
 * between; a split that builds no histogram passes none).
 */
@inline function candidates(block: usize, state: usize, chosen: bool): usize {
  const passed = int(state, 3) - (chosen ? 1 : 0);
  return int(block, 21) + (passed & 1) * int(block, 0) * 2 * candidateBytes(block);
}

/** This thread's best split of child `side` over its features, into its candidate slot. */
function search(block: usize, t: usize, kid: usize, side: usize): void {
  const me = meOf(block, t), state = int(me, 5);
  const out = candidates(block, state, false) + (t * 2 + side) * candidateBytes(block);
  const nsel = <i32>int(me, 3);
  if (nsel == 0) {
    setWord(out, 8, 0.0);
    return;
  }
  findBestSplit(
    int(kid, 6), int(block, 8), int(me, 2), nsel, word(kid, 4), word(kid, 5), word(block, 15), out,
    0.0, 0.0, 0, int(block, 37), <i32>int(block, 38), <i32>int(block, 39), int(block, 46),
    <i32>int(block, 47), word(kid, 16), int(kid, 17),
  ); // no constraints: such trees grow a split per round
}

/**
 * Child `side`'s split: the threads' candidates reduced in feature order (strict >), kept when its
 * gain reaches gamma. Returns whether it has one.
 */
function choose(block: usize, state: usize, kid: usize, side: usize): bool {
  const cands = candidates(block, state, true), bytes = candidateBytes(block);
  let best: usize = 0;
  for (let u: usize = 0; u < int(block, 0); u++) {
    const c = cands + (u * 2 + side) * bytes;
    if (word(c, 8) == 1.0 && (best == 0 || word(c, 0) > word(best, 0))) best = c;
  }
  if (best == 0 || word(best, 0) < word(block, 14)) return false;
  setWord(kid, 7, 1.0);
  for (let i: usize = 0; i < 8; i++) setWord(kid, 8 + i, word(best, i));
  if (word(best, 2) == BY_CATEGORIES) {
    memory.copy(setOf(block, state, int(kid, 0)), best + 80, setBytes(block));
  }
  return true;
}

/** Waits until every thread has reached this barrier (the k-th of the round). */
function barrier(block: usize, state: usize): void {
  const k = word(state, 3) + 1.0;
  setWord(state, 3, k);
  barrierTo(int(block, 9), <i32>k * <i32>int(block, 0));
}
