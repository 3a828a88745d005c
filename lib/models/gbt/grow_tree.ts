/**
 * Grows one tree on binned data: depth-wise (level by level, XGBoost's default) or loss-guided
 * (best leaf first, LightGBM-style), with the histogram subtraction trick — only the smaller
 * child's histogram is built; the larger one is the parent's minus it.
 *
 * @module
 */

import type { Rng } from "../../util/rng.ts";
import type { Workspace } from "./kernel/workspace.ts";
import type { Cuts } from "./binning.ts";
import { sampleColumns } from "./column_sampler.ts";
import { appendSplitJobs, rootJobs, type ThreadShare } from "./node_jobs.ts";
import type { ThreadPool } from "./thread_pool.ts";
import { calcWeight, type GainParams, planSplitSearch, type Split } from "./split.ts";
import { type RegTree, TreeGrower } from "./tree.ts";

/** What growing a tree needs: binned data in the workspace, cuts, the threads' shares and parameters. */
export interface GrowContext {
  readonly ws: Workspace;
  /** Column-major copy of the bins (feature f's column at `binsCol + f · n`). */
  readonly binsCol: number;
  /** Total rows (the column length). */
  readonly n: number;
  readonly nfeat: number;
  /** Per thread: its features, row index and scratch; thread 0's first `rows` entries are the sampled rows. */
  readonly shares: readonly ThreadShare[];
  readonly rows: number;
  readonly cuts: Cuts;
  /** Offset of the value-bin count per feature (i32 × nfeat). */
  readonly binCounts: number;
  readonly pool: ThreadPool;
  readonly rng: Rng;
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
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: number;
  split?: Split | undefined;
}

/** A grown tree and the row range (in the row index) that ended in each leaf. */
export interface GrownTree {
  readonly tree: RegTree;
  /** [leaf node id, start, end) per leaf. */
  readonly leaves: ReadonlyArray<readonly [number, number, number]>;
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
  readonly #ranges: Array<[number, number, number]> = [];
  #leaves = 1;

  constructor(ctx: GrowContext, p: GrowParams) {
    this.#ctx = ctx;
    this.#p = p;
    const { ws, nfeat } = ctx;
    this.#pairs = nfeat * 256;
    this.#mark = ws.used;
    this.#pool = new HistPool(ws, this.#pairs * 16);
    const all = Int32Array.from({ length: nfeat }, (_, i) => i);
    this.#treeSet = sampleColumns(all, p.colsample_bytree, ctx.rng);
    this.#eta = Math.fround(p.eta);
  }

  #leaf(g: number, h: number) {
    const raw = Math.fround(calcWeight(this.#p, g, h));
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

  /** Each node's column sample (drawn node by node, in order). */
  #searches(nodes: readonly Pick<OpenNode, "hist" | "depth" | "g" | "h">[]) {
    return nodes.map((n) => ({
      hist: n.hist,
      features: sampleColumns(this.#levelSet(n.depth), this.#p.colsample_bynode, this.#ctx.rng),
      g: n.g,
      h: n.h,
    }));
  }

  /** A split, or none when its gain is below gamma. */
  #kept(s: Split | undefined): Split | undefined {
    return s && s.gain >= this.#p.gamma ? s : undefined;
  }

  /** The root: its histogram over every sampled row, its leaf value and best split. */
  async root(): Promise<OpenNode> {
    const { ws, rows, n, shares, pool } = this.#ctx;
    const root: OpenNode = {
      id: 0,
      start: 0,
      end: rows,
      depth: 0,
      g: 0,
      h: 0,
      hist: this.#pool.take(),
    };
    // Every row sampled: the row index is the identity, the column-wise kernel applies.
    const contiguous = rows === n;
    await pool.run(
      rootJobs(shares, { rows, contiguous, hist: root.hist, binsCol: this.#ctx.binsCol, n }),
    );
    const rootHist = ws.f64(root.hist, this.#pairs);
    for (let b = 0; b < 256; b++) {
      root.g += rootHist[2 * b]!;
      root.h += rootHist[2 * b + 1]!;
    }
    const l = this.#leaf(root.g, root.h);
    this.#grower.addNode(-1, { value: l.value, raw: l.raw, hess: root.h });
    if (this.#canSplit(root.depth)) {
      const mark = ws.used, jobs = shares.map((): number[] => []);
      const read = planSplitSearch(this.#searchOn(), this.#searches([root]), jobs);
      await pool.run(jobs);
      root.split = this.#kept(read()[0]);
      ws.reset(mark);
    }
    this.#ranges.push([root.id, root.start, root.end]);
    return root;
  }

  #searchOn() {
    const { ws, shares, binCounts } = this.#ctx;
    return { ws, shares, binCounts, gain: this.#p };
  }

  /**
   * Splits the nodes in one round on the pool: each thread partitions its copy of every node's
   * rows, builds its features' part of the children's histograms (when they may split again) and
   * searches their best splits. Returns the children that may split again.
   */
  async #step(nodes: readonly OpenNode[]): Promise<OpenNode[]> {
    const { ws, shares, pool } = this.#ctx;
    const growing = nodes.map((n) => this.#canSplit(n.depth + 1));
    const lefts = nodes.map((_, k) => (growing[k] ? this.#pool.take() : 0));
    const mark = ws.used, jobs = shares.map((): number[] => []);
    const results = nodes.map(() => ws.alloc(4 * shares.length));
    nodes.forEach((n, k) => {
      const column = this.#ctx.binsCol + n.split!.feature * this.#ctx.n;
      const slots = shares.map((_, t) => results[k]! + 4 * t);
      appendSplitJobs(jobs, shares, {
        ...n,
        split: n.split!,
        column,
        left: lefts[k]!,
        results: slots,
      });
    });
    // The children's g and h are the split's sums; their samples are drawn in order, left first.
    const kids = nodes.flatMap((n, k) => {
      if (!growing[k]) return [];
      const s = n.split!, depth = n.depth + 1;
      return [
        { depth, g: s.gl, h: s.hl, hist: lefts[k]! },
        { depth, g: s.gr, h: s.hr, hist: n.hist },
      ];
    });
    const read = planSplitSearch(this.#searchOn(), this.#searches(kids), jobs);
    await pool.run(jobs);
    const splits = read(), counts = results.map((r) => ws.i32(r, 1)[0]!);
    ws.reset(mark);
    const next: OpenNode[] = [];
    nodes.forEach((n, k) => {
      const [left, right] = this.#expand(n, counts[k]!);
      if (!growing[k]) return this.#pool.give(n.hist);
      left.hist = lefts[k]!;
      right.hist = n.hist;
      next.push(left, right);
    });
    next.forEach((kid, i) => (kid.split = this.#kept(splits[i])));
    return next;
  }

  /** Creates a partitioned node's children (leaves for now). */
  #expand(n: OpenNode, nl: number): [OpenNode, OpenNode] {
    const s = n.split!, cuts = this.#ctx.cuts;
    const threshold = s.splitBin >= 0
      ? cuts.cuts[s.feature]![s.splitBin]!
      : cuts.minValues[s.feature]!;
    const [l, r] = this.#grower.split(n.id, { ...s, threshold }, {
      left: this.#leaf(s.gl, s.hl),
      right: this.#leaf(s.gr, s.hr),
    });
    const mid = n.start + nl, depth = n.depth + 1;
    const left: OpenNode = { id: l, start: n.start, end: mid, depth, g: s.gl, h: s.hl, hist: 0 };
    const right: OpenNode = { id: r, start: mid, end: n.end, depth, g: s.gr, h: s.hr, hist: 0 };
    this.#ranges.push([left.id, left.start, left.end], [right.id, right.start, right.end]);
    this.#leaves++;
    return [left, right];
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

  /** Best leaf first (LightGBM-style), up to max_leaves. */
  async growLossguide(root: OpenNode): Promise<void> {
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

  /** Frees every buffer (the workspace returns to where it was). */
  release(): void {
    this.#ws.reset(this.#mark);
  }
}
