/**
 * Grows one tree on binned data: depth-wise (level by level, XGBoost's default) or loss-guided
 * (best leaf first, LightGBM-style), with the histogram subtraction trick — only the child with
 * the smaller hessian sum (a proxy for fewer rows) has its histogram built; the other's is the
 * parent's minus it. The threads share rows and features as `node_jobs.ts` lays out: a split is
 * one round on the pool, whose two halves (partition and partial histograms, then sums and split
 * search) a barrier separates. A loss-guided tree whose nodes all search the tree's column sample
 * grows below its root in a single round instead (`leafwise_round.ts`), its splits replayed here.
 *
 * @module
 */

import type { Rng } from "../../util/rng.ts";
import { OP_BARRIER } from "./_jobs.ts";
import type { Workspace } from "./kernel/workspace.ts";
import type { Cuts } from "./binning.ts";
import { sampleColumns } from "./column_sampler.ts";
import { placeCategorySet } from "./category_sets.ts";
import {
  appendPartitionJobs,
  appendReduceJobs,
  rootHistJobs,
  rowRegions,
  type ThreadShare,
} from "./node_jobs.ts";
import type { ThreadPool } from "./thread_pool.ts";
import {
  calcWeight,
  type CategoricalSearch,
  type GainParams,
  NO_CATEGORIES,
  type NodeRowCount,
  planSplitSearch,
  type Split,
} from "./split.ts";
import { growLeafwiseRound, growsInOneRound } from "./leafwise_round.ts";
import { type RegTree, TreeGrower } from "./tree.ts";
import { allowedFeatures, type TreeConstraints } from "./constraints.ts";
import {
  categoryCapacity,
  columnOf,
  nodeHistBytes,
  type WideCategories,
} from "./wide_categories.ts";
import type { MissingCells } from "./missing_cells.ts";

/** What growing a tree needs: binned data in the workspace, cuts, the threads' shares and parameters. */
export interface GrowContext {
  readonly ws: Workspace;
  /** Column-major copy of the bins (feature f's column at `binsCol + f · n`). */
  readonly binsCol: number;
  /** Row-major copy of the bins (the histogram kernel's). */
  readonly bins: number;
  /** Gradient pairs (f64 × 2 per row). */
  readonly gh: number;
  /** Total rows (the column length). */
  readonly n: number;
  readonly nfeat: number;
  /** Per thread: its features and gather buffer (a thread per share). */
  readonly shares: readonly ThreadShare[];
  /**
   * The shares balanced by the split search's cost, for a one-round growth whose threads share
   * the rows (where a thread's features are only summed and searched); absent: `shares`.
   */
  readonly searchShares?: readonly ThreadShare[] | undefined;
  /** The row index (i32 × n): its first `rows` entries are the sampled rows. */
  readonly rowIndex: number;
  /** Partition scratch (i32 × n). */
  readonly scratch: number;
  readonly rows: number;
  readonly cuts: Cuts;
  /** Offset of the value-bin count per feature (i32 × nfeat). */
  readonly binCounts: number;
  readonly pool: ThreadPool;
  /** An i32 the threads count themselves at (zeroed before each round that uses it). */
  readonly barrier: number;
  readonly rng: Rng;
  /** Monotone and interaction constraints, resolved; absent: none. */
  readonly constraints?: PlacedConstraints | undefined;
  /** Categorical features and how they are searched; absent: every feature is numeric. */
  readonly categorical?: CategoricalSearch | undefined;
  /** The categorical features with more than 254 categories; absent: none. */
  readonly wide?: WideCategories | undefined;
  /** The missing cells of the features with 256 value bins; absent: none has. */
  readonly missing?: MissingCells | undefined;
}

/** {@link TreeConstraints} with the monotone ones also in the workspace (i32 per feature). */
export interface PlacedConstraints extends TreeConstraints {
  /** Where the monotone constraints are in the workspace (0: none). */
  readonly monotonePtr: number;
}

/** Growth parameters (XGBoost names). */
export interface GrowParams extends GainParams {
  readonly eta: number;
  readonly gamma: number;
  readonly max_depth: number;
  readonly max_leaves: number;
  readonly grow_policy: "depthwise" | "lossguide";
  readonly colsample_bytree: number;
  readonly colsample_bylevel: number;
  readonly colsample_bynode: number;
}

interface OpenNode {
  id: number;
  /** [start, end) in the row index per thread. */
  ranges: Int32Array;
  depth: number;
  g: number;
  h: number;
  hist: number;
  /** Weight bounds under monotone constraints (±∞ without). */
  lower: number;
  upper: number;
  /** The features split on from the root to here (interaction constraints). */
  path: readonly number[];
  split?: Split | undefined;
}

/** A grown tree and the row ranges (in the row index) that ended in each leaf. */
export interface GrownTree {
  readonly tree: RegTree;
  /**
   * [leaf node id, start, end) per leaf and thread region (a leaf may have several), then the
   * region's thread (the one that partitioned those rows).
   */
  readonly leaves: ReadonlyArray<readonly [number, number, number, number]>;
}

/** Grows one tree from the gradients in `ctx.gh` over the sampled rows. */
export async function growTree(ctx: GrowContext, p: GrowParams): Promise<GrownTree> {
  const b = new TreeBuilder(ctx, p);
  try {
    const root = await b.root();
    if (p.grow_policy === "depthwise") await b.growDepthwise(root);
    else await b.growLossguide(root);
    return b.finish();
  } finally {
    b.release();
  }
}

/** The state of one tree's growth: its open nodes, histograms, column samples and leaf ranges. */
class TreeBuilder {
  readonly #ctx: GrowContext;
  readonly #p: GrowParams;
  readonly #pairs: number;
  readonly #mark: number;
  readonly #pool: HistPool;
  readonly #treeSet: Int32Array;
  readonly #levelSets = new Map<number, Int32Array>();
  readonly #grower = new TreeGrower();
  /** XGBoost: the weight in float32, the leaf value = float32(weight × eta). */
  readonly #eta: number;
  readonly #ranges: Array<[number, number, number, number]> = [];
  #leaves = 1;

  constructor(ctx: GrowContext, p: GrowParams) {
    this.#ctx = ctx;
    this.#p = p;
    const { ws, nfeat } = ctx;
    this.#pairs = nodeHistBytes(nfeat, ctx.wide, ctx.missing) / 16;
    this.#mark = ws.used;
    this.#pool = new HistPool(ws, this.#pairs * 16);
    const all = Int32Array.from({ length: nfeat }, (_, i) => i);
    this.#treeSet = sampleColumns(all, p.colsample_bytree, ctx.rng);
    this.#eta = Math.fround(p.eta);
  }

  /** A leaf's weight (clamped to its bounds) and value, XGBoost's float32 steps. */
  #leaf(g: number, h: number, bounds = UNBOUNDED) {
    const w = Math.min(bounds.upper, Math.max(bounds.lower, calcWeight(this.#p, g, h)));
    const raw = Math.fround(w);
    return { raw, value: Math.fround(raw * this.#eta), hess: h };
  }

  /** Whether a node at `depth` may split. */
  #canSplit(depth: number): boolean {
    return this.#p.max_depth === 0 || depth < this.#p.max_depth;
  }

  #levelSet(depth: number): Int32Array {
    let s = this.#levelSets.get(depth);
    if (!s) {
      s = sampleColumns(this.#treeSet, this.#p.colsample_bylevel, this.#ctx.rng);
      this.#levelSets.set(depth, s);
    }
    return s;
  }

  /**
   * Each node's column sample (drawn node by node, in order), then only the features its path
   * allows under interaction constraints.
   */
  #searches(nodes: readonly SearchNode[]) {
    const sets = this.#ctx.constraints?.interactions;
    return nodes.map((n) => {
      let features = sampleColumns(
        this.#levelSet(n.depth),
        this.#p.colsample_bynode,
        this.#ctx.rng,
      );
      const allowed = sets && allowedFeatures(sets, n.path);
      if (allowed) features = features.filter((f) => allowed.has(f));
      const { hist, g, h, lower, upper, rows } = n;
      return { hist, features, g, h, lower, upper, rows };
    });
  }

  /** A split, or none when its gain is below gamma. */
  #kept(s: Split | undefined): Split | undefined {
    return s && s.gain >= this.#p.gamma ? s : undefined;
  }

  /** The root: its histogram over every sampled row, its leaf value and best split. */
  async root(): Promise<OpenNode> {
    const { ws, rows, n, shares, pool, binsCol } = this.#ctx;
    const root: OpenNode = {
      id: 0,
      ranges: rowRegions(rows, shares.length),
      depth: 0,
      g: 0,
      h: 0,
      hist: this.#pool.take(),
      ...UNBOUNDED,
      path: [],
    };
    const dests = this.#partials(root.hist);
    // Every row sampled: the row index is the identity, the column-wise kernel applies.
    await pool.run(
      rootHistJobs(shares, { ...this.#rowsOf(root), contiguous: rows === n, dests, binsCol, n }),
    );
    // The sums over feature 0's bins (and its missing pair, kept apart when it has 256 value
    // bins) of every partial (exact: the gradients are quantized).
    const m = this.#ctx.missing, apart = m?.features[0] === 0 ? [m.extras / 16] : [];
    const before = ws.used, sum = ws.alloc(16), sums = ws.f64(sum, 2).fill(0);
    for (const d of dests) {
      ws.k.sumPairs(d, 256, sum);
      for (const pair of apart) ws.k.sumPairs(d + 16 * pair, 1, sum);
    }
    root.g = sums[0]!;
    root.h = sums[1]!;
    ws.reset(before);
    const l = this.#leaf(root.g, root.h);
    this.#grower.addNode(-1, { value: l.value, raw: l.raw, hess: root.h });
    const mark = ws.used, jobs = shares.map((): number[] => []);
    appendReduceJobs(jobs, shares, {
      ws,
      dests,
      parent: 0,
      wide: this.#ctx.wide,
      missing: this.#ctx.missing,
    });
    const read = this.#canSplit(root.depth)
      ? planSplitSearch(
        this.#searchOn(),
        this.#searches([{ ...root, rows: { total: rows } }]),
        jobs,
      )
      : undefined;
    await pool.run(jobs);
    root.split = this.#kept(read?.()[0]);
    ws.reset(mark);
    this.#pool.giveAll(dests.slice(1));
    this.#addRanges(root.id, root.ranges);
    return root;
  }

  /** `first` (thread 0's histogram buffer) and a fresh partial buffer for every other thread. */
  #partials(first: number): number[] {
    return this.#ctx.shares.map((_, t) => (t === 0 ? first : this.#pool.take()));
  }

  #rowsOf(n: OpenNode) {
    const { rowIndex, scratch, wide, missing } = this.#ctx;
    return { rowIndex, scratch, ranges: n.ranges, wide, missing };
  }

  #searchOn() {
    const { ws, shares, binCounts } = this.#ctx;
    return {
      ws,
      shares,
      binCounts,
      gain: this.#p,
      monotone: this.#ctx.constraints?.monotonePtr ?? 0,
      categorical: this.#ctx.categorical ?? NO_CATEGORIES,
    };
  }

  /**
   * Splits the nodes: each thread partitions its part of every node's rows and builds its partial
   * histogram of one child (when the children may split again); then, once all are in, each
   * thread sums the partials over its features, derives the sibling and searches both children's
   * best splits there. One round on the pool with a barrier between the halves (two rounds when
   * the job lists are too long for one). Returns the children that may split again.
   */
  async #step(nodes: readonly OpenNode[]): Promise<OpenNode[]> {
    const { ws, shares } = this.#ctx;
    // Histogram buffers first: the workspace is reset past the round's own memory at the end.
    // None once these splits use up max_leaves: no child will split then.
    const full = this.#p.max_leaves > 0 && this.#leaves + nodes.length >= this.#p.max_leaves;
    const builds = nodes.map((n) =>
      this.#canSplit(n.depth + 1) && !full
        ? { right: n.split!.hr < n.split!.hl, dests: this.#partials(this.#pool.take()) }
        : undefined
    );
    const mark = ws.used, first = shares.map((): number[] => []);
    const capacity = categoryCapacity(this.#ctx.wide);
    const partitions = nodes.map((n, k) => {
      const s = n.split!, out = ws.alloc(4 * shares.length);
      const categorySet = s.categories ? placeCategorySet(ws, s.categories, capacity) : undefined;
      const node = {
        ...this.#rowsOf(n),
        ...columnOf(this.#ctx.wide, { ...this.#ctx, f: s.feature }),
        split: s,
        results: out,
        build: builds[k],
        categorySet,
      };
      appendPartitionJobs(first, shares, node);
      return out;
    });
    const second = shares.map((): number[] => []);
    nodes.forEach((n, k) => {
      const b = builds[k];
      if (b) {
        appendReduceJobs(second, shares, {
          ws,
          dests: b.dests,
          parent: n.hist,
          wide: this.#ctx.wide,
          missing: this.#ctx.missing,
        });
      }
    });
    // The children (left first: their column samples are drawn in this order) and their searches.
    const kids = nodes.flatMap((n, k) => {
      const b = builds[k], s = n.split!, depth = n.depth + 1;
      if (!b) return [];
      const [lb, rb] = this.#childBounds(n), path = [...n.path, s.feature];
      const total = rowCount(n.ranges), threads = shares.length, results = partitions[k]!;
      const rows = (right: boolean) => ({ total, results, threads, right });
      const [lh, rh] = childBuffers(n.hist, b);
      const left = { depth, g: s.gl, h: s.hl, hist: lh, ...lb, path, rows: rows(false) };
      return [left, { depth, g: s.gr, h: s.hr, hist: rh, ...rb, path, rows: rows(true) }];
    });
    const read = planSplitSearch(this.#searchOn(), this.#searches(kids), second);
    await this.#runHalves(first, kids.length > 0 ? second : []);
    const splits = read(), next: OpenNode[] = [];
    nodes.forEach((n, k) => {
      const [left, right] = this.#expand(n, ws.i32(partitions[k]!, shares.length));
      const b = builds[k];
      if (!b) return this.#pool.give(n.hist);
      [left.hist, right.hist] = childBuffers(n.hist, b);
      next.push(left, right);
    });
    next.forEach((kid, i) => (kid.split = this.#kept(splits[i])));
    for (const b of builds) this.#pool.giveAll(b?.dests.slice(1) ?? []);
    ws.reset(mark);
    return next;
  }

  /** Runs `first` then `second` (per thread): one round with a barrier when they fit one. */
  async #runHalves(first: number[][], second: number[][]): Promise<void> {
    const { ws, pool, barrier, shares } = this.#ctx;
    const merged = second.length > 0 && shares.length > 1 &&
      first.every((f, t) => f.length + 3 + second[t]!.length <= pool.roundCapacity);
    if (!merged) {
      await pool.run(first);
      if (second.length > 0) await pool.run(second);
      return;
    }
    Atomics.store(ws.i32(barrier, 1), 0, 0);
    await pool.run(first.map((f, t) => [...f, OP_BARRIER, barrier, shares.length, ...second[t]!]));
  }

  /** Creates a partitioned node's children (leaves for now); `nl` holds each thread's left count. */
  #expand(n: OpenNode, nl: Int32Array): [OpenNode, OpenNode] {
    const s = n.split!, [l, r] = this.#splitNode(n.id, s, n);
    const lr = n.ranges.slice(), rr = n.ranges.slice(), depth = n.depth + 1;
    nl.forEach((count, t) => (lr[2 * t + 1] = rr[2 * t] = n.ranges[2 * t]! + count));
    const [lb, rb] = this.#childBounds(n), path = [...n.path, s.feature];
    const left: OpenNode = { id: l, ranges: lr, depth, g: s.gl, h: s.hl, hist: 0, ...lb, path };
    const right: OpenNode = { id: r, ranges: rr, depth, g: s.gr, h: s.hr, hist: 0, ...rb, path };
    this.#addRanges(l, lr);
    this.#addRanges(r, rr);
    return [left, right];
  }

  /**
   * Turns node `id` into split `s` with two leaf children (their values within the parent's
   * `bounds`), one leaf more; returns the children's ids.
   */
  #splitNode(id: number, s: Split, bounds?: Bounds): [number, number] {
    this.#leaves++;
    return this.#grower.split(id, { ...s, threshold: this.#threshold(s) }, {
      left: this.#leaf(s.gl, s.hl, bounds),
      right: this.#leaf(s.gr, s.hr, bounds),
    });
  }

  /** A split's threshold: its cut point (the feature's least value below bin 0; 0 by categories). */
  #threshold(s: Split): number {
    const cuts = this.#ctx.cuts;
    if (s.categories) return 0; // a categorical split decides by its categories
    return s.splitBin >= 0 ? cuts.cuts[s.feature]![s.splitBin]! : cuts.minValues[s.feature]!;
  }

  /**
   * The children's weight bounds (XGBoost's TreeEvaluator::AddSplit): the parent's, and on a
   * feature constrained increasing the left child's upper and the right child's lower bound at
   * the mean of their clamped weights (the other way round when decreasing).
   */
  #childBounds(n: OpenNode): [Bounds, Bounds] {
    const s = n.split!, c = this.#ctx.constraints?.monotone?.[s.feature] ?? 0;
    const same = { lower: n.lower, upper: n.upper };
    if (c === 0) return [same, same];
    const wl = this.#leaf(s.gl, s.hl, n).raw, wr = this.#leaf(s.gr, s.hr, n).raw;
    const mid = Math.fround((wl + wr) / 2);
    return c > 0
      ? [{ lower: n.lower, upper: mid }, { lower: mid, upper: n.upper }]
      : [{ lower: mid, upper: n.upper }, { lower: n.lower, upper: mid }];
  }

  /** Records node `id`'s row ranges, [start, end) per thread (the leaves' update the margins). */
  #addRanges(id: number, ranges: Int32Array): void {
    for (let t = 0; 2 * t < ranges.length; t++) {
      const start = ranges[2 * t]!, end = ranges[2 * t + 1]!;
      if (start < end) this.#ranges.push([id, start, end, t]);
    }
  }

  /** Level by level (XGBoost's default), up to max_depth and max_leaves. */
  async growDepthwise(root: OpenNode): Promise<void> {
    const maxLeaves = this.#p.max_leaves;
    let level = [root];
    while (level.length > 0) {
      const splitting: OpenNode[] = [];
      for (const n of level) {
        if (!n.split || (maxLeaves > 0 && this.#leaves + splitting.length >= maxLeaves)) {
          this.#pool.give(n.hist);
        } else splitting.push(n);
      }
      level = splitting.length > 0 ? await this.#step(splitting) : [];
    }
  }

  /**
   * Best leaf first (LightGBM-style), up to max_leaves: in one round on the pool when no node
   * draws its own column sample (`growLeafwiseRound`), else a split per round.
   */
  async growLossguide(root: OpenNode): Promise<void> {
    const constrained = this.#ctx.constraints !== undefined, histBytes = this.#pairs * 16;
    if (growsInOneRound(this.#p, { nfeat: this.#ctx.nfeat, constrained, histBytes })) {
      return await this.#growInOneRound(root);
    }
    const open: OpenNode[] = [root];
    while (open.length > 0) {
      let bi = 0;
      for (let i = 1; i < open.length; i++) {
        const a = open[i]!.split?.gain ?? -1, b = open[bi]!.split?.gain ?? -1;
        if (a > b || (a === b && open[i]!.id < open[bi]!.id)) bi = i;
      }
      const n = open[bi]!;
      if (!n.split || (this.#p.max_leaves > 0 && this.#leaves >= this.#p.max_leaves)) break;
      open.splice(bi, 1);
      for (const k of await this.#step([n])) {
        if (k.split) open.push(k);
        else this.#pool.give(k.hist);
      }
    }
  }

  /** The splits the one-round growth made, replayed in order: the same nodes, ids and ranges. */
  async #growInOneRound(root: OpenNode): Promise<void> {
    const { splits, rootRanges } = await growLeafwiseRound(this.#ctx, {
      p: this.#p,
      root,
      features: this.#treeSet,
      take: () => this.#pool.take(),
    });
    // Node k's [start, end) per thread at k × width (ids are the kernel's: children in order).
    const width = rootRanges.length, ranges = new Int32Array(width * (2 * splits.length + 1));
    ranges.set(rootRanges);
    for (const { node, split, leftCounts } of splits) {
      const [l, r] = this.#splitNode(node, split);
      for (let t = 0; 2 * t < width; t++) {
        const start = ranges[node * width + 2 * t]!, mid = start + leftCounts[t]!;
        ranges[l * width + 2 * t] = start;
        ranges[l * width + 2 * t + 1] = ranges[r * width + 2 * t] = mid;
        ranges[r * width + 2 * t + 1] = ranges[node * width + 2 * t + 1]!;
      }
      this.#addRanges(l, ranges.subarray(l * width, (l + 1) * width));
      this.#addRanges(r, ranges.subarray(r * width, (r + 1) * width));
    }
  }

  /** The grown tree and the row range of each leaf. */
  finish(): GrownTree {
    const tree = this.#grower.finish();
    return { tree, leaves: this.#ranges.filter(([id]) => tree.left[id] === -1) };
  }

  /** Returns the workspace memory the growth took. */
  release(): void {
    this.#pool.release();
    this.#ctx.ws.reset(this.#mark);
  }
}

/** A node's weight bounds. */
interface Bounds {
  readonly lower: number;
  readonly upper: number;
}

const UNBOUNDED: Bounds = { lower: -Infinity, upper: Infinity };

/** What a node's split search needs of it. */
type SearchNode =
  & Pick<OpenNode, "hist" | "depth" | "g" | "h" | "lower" | "upper" | "path">
  & { rows: NodeRowCount };

/** Histogram buffers in the workspace, reused through a free list. */
class HistPool {
  readonly #ws: Workspace;
  readonly #bytes: number;
  readonly #free: number[] = [];
  readonly #mark: number;

  constructor(ws: Workspace, bytes: number) {
    this.#ws = ws;
    this.#bytes = bytes;
    this.#mark = ws.used;
  }

  take(): number {
    return this.#free.pop() ?? this.#ws.alloc(this.#bytes);
  }

  give(ptr: number): void {
    if (ptr) this.#free.push(ptr);
  }

  giveAll(ptrs: readonly number[]): void {
    for (const p of ptrs) this.give(p);
  }

  /** Frees every buffer (the workspace returns to where it was). */
  release(): void {
    this.#ws.reset(this.#mark);
  }
}

/** Rows of a node: the sum of its threads' [start, end) ranges. */
function rowCount(ranges: Int32Array): number {
  let rows = 0;
  for (let t = 0; t < ranges.length; t += 2) rows += ranges[t + 1]! - ranges[t]!;
  return rows;
}

/**
 * The histogram buffers of a split node's children, left and right: the built child's is its
 * first partial buffer, its sibling's the parent's (derived there in place).
 */
function childBuffers(
  parent: number,
  built: { right: boolean; dests: number[] },
): [number, number] {
  const fresh = built.dests[0]!;
  return built.right ? [parent, fresh] : [fresh, parent];
}
