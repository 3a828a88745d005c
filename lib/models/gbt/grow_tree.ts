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
import { OP_PARTITION } from "./_jobs.ts";
import type { HistBuilder, HistTask } from "./hist_builder.ts";
import type { ThreadPool } from "./thread_pool.ts";
import { calcWeight, findBestSplits, type GainParams, type Split } from "./split.ts";
import { type RegTree, TreeGrower } from "./tree.ts";

/** What growing a tree needs: binned data in the workspace, gradients, cuts and parameters. */
export interface GrowContext {
  readonly ws: Workspace;
  readonly bins: number;
  /** Column-major copy of the bins (feature f's column at `binsCol + f · n`). */
  readonly binsCol: number;
  /** Total rows (the column length). */
  readonly n: number;
  readonly nfeat: number;
  /** Row index array (i32 × n) whose first `rows` entries are the sampled rows. */
  readonly rowIndex: number;
  readonly rows: number;
  readonly scratch: number;
  readonly gh: number;
  readonly cuts: Cuts;
  /** Offset of the value-bin count per feature (i32 × nfeat). */
  readonly binCounts: number;
  readonly hist: HistBuilder;
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

/** A child whose histogram is built (`small`) and the sibling that subtracts it (`large`). */
interface Build {
  small: OpenNode;
  large: OpenNode;
  task: HistTask;
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

  #canSplit(n: OpenNode): boolean {
    return this.#p.max_depth === 0 || n.depth < this.#p.max_depth;
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
   * Finds each node's best split over a column sample (none when the gain is below gamma), all
   * nodes in one batch on the thread pool; column samples are drawn node by node, in order.
   */
  async #evaluate(nodes: readonly OpenNode[]): Promise<void> {
    const ctx = this.#ctx;
    const open = nodes.filter((n) => this.#canSplit(n));
    const searches = open.map((n) => ({
      hist: n.hist,
      features: sampleColumns(this.#levelSet(n.depth), this.#p.colsample_bynode, ctx.rng),
      g: n.g,
      h: n.h,
    }));
    const splits = await findBestSplits(
      ctx.ws,
      { pool: ctx.pool, binCounts: ctx.binCounts, gain: this.#p },
      searches,
    );
    open.forEach((n, k) => {
      const s = splits[k];
      n.split = s && s.gain >= this.#p.gamma ? s : undefined;
    });
  }

  /** The root: its histogram over every sampled row, its leaf value and best split. */
  async root(): Promise<OpenNode> {
    const { ws, rows } = this.#ctx;
    const root: OpenNode = {
      id: 0,
      start: 0,
      end: rows,
      depth: 0,
      g: 0,
      h: 0,
      hist: this.#pool.take(),
    };
    await this.#ctx.hist.build([{ start: 0, end: rows, hist: root.hist }]);
    const rootHist = ws.f64(root.hist, this.#pairs);
    for (let b = 0; b < 256; b++) {
      root.g += rootHist[2 * b]!;
      root.h += rootHist[2 * b + 1]!;
    }
    const l = this.#leaf(root.g, root.h);
    this.#grower.addNode(-1, { value: l.value, raw: l.raw, hess: root.h });
    await this.#evaluate([root]);
    this.#ranges.push([root.id, root.start, root.end]);
    return root;
  }

  /** Partitions the rows of each node by its split (in parallel across nodes); left counts. */
  async #partition(nodes: readonly OpenNode[]): Promise<number[]> {
    const { ws, pool } = this.#ctx;
    const threads = pool.threads;
    const results = ws.alloc(4 * nodes.length);
    const jobs: number[][] = Array.from({ length: threads }, () => []);
    const load = new Float64Array(threads);
    const size = (n: OpenNode) => n.end - n.start;
    const order = nodes.map((_, k) => k).sort((a, b) => size(nodes[b]!) - size(nodes[a]!));
    for (const k of order) {
      const n = nodes[k]!, s = n.split!;
      let t = 0;
      for (let i = 1; i < threads; i++) if (load[i]! < load[t]!) t = i;
      load[t] = load[t]! + size(n);
      const column = this.#ctx.binsCol + s.feature * this.#ctx.n;
      const dest = this.#ctx.scratch + 4 * n.start;
      jobs[t]!.push(
        OP_PARTITION,
        column,
        n.start,
        n.end,
        s.splitBin,
        s.defaultLeft ? 1 : 0,
        dest,
        results + 4 * k,
      );
    }
    await pool.run(jobs);
    const out = Array.from(ws.i32(results, nodes.length));
    ws.reset(results);
    return out;
  }

  /**
   * Creates a partitioned node's children. Children that may split again get histograms: the
   * smaller one is built (task returned), the larger is parent − smaller.
   */
  #expand(n: OpenNode, nl: number): { kids: [OpenNode, OpenNode]; build?: Build } {
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
    if (!this.#canSplit(left)) {
      this.#pool.give(n.hist);
      return { kids: [left, right] };
    }
    const small = nl <= n.end - mid ? left : right;
    const large = small === left ? right : left;
    small.hist = this.#pool.take();
    large.hist = n.hist;
    return {
      kids: [left, right],
      build: { small, large, task: { start: small.start, end: small.end, hist: small.hist } },
    };
  }

  async #buildHistograms(builds: readonly Build[]): Promise<void> {
    await this.#ctx.hist.build(builds.map((b) => b.task));
    for (const b of builds) {
      this.#ctx.ws.k.subPairs(b.large.hist, b.large.hist, b.small.hist, this.#pairs);
    }
  }

  /** Level by level (XGBoost's default), up to max_depth and max_leaves. */
  async growDepthwise(root: OpenNode): Promise<void> {
    const maxLeaves = this.#p.max_leaves;
    let level = [root];
    while (level.length > 0) {
      const next: OpenNode[] = [], builds: Build[] = [], splitting: OpenNode[] = [];
      for (const n of level) {
        if (!n.split || (maxLeaves > 0 && this.#leaves + splitting.length >= maxLeaves)) {
          this.#pool.give(n.hist);
        } else splitting.push(n);
      }
      const lefts = await this.#partition(splitting);
      splitting.forEach((n, k) => {
        const { kids, build } = this.#expand(n, lefts[k]!);
        if (!build) return;
        builds.push(build);
        next.push(...kids);
      });
      await this.#buildHistograms(builds);
      await this.#evaluate(next);
      level = next;
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
      const { kids, build } = this.#expand(n, (await this.#partition([n]))[0]!);
      if (!build) continue;
      await this.#buildHistograms([build]);
      await this.#evaluate(kids);
      for (const k of kids) {
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
