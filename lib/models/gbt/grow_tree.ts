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
import {
  calcWeight,
  findBestSplit,
  type GainParams,
  type Split,
  splitScratchBytes,
} from "./split.ts";
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
  const { ws, nfeat } = ctx;
  const pairs = nfeat * 256;
  ws.k.setGainParams(p.lambda, p.alpha, p.max_delta_step, p.min_child_weight);
  const splitScratch = ws.alloc(splitScratchBytes(nfeat));
  const pool = new HistPool(ws, pairs * 16);
  const all = Int32Array.from({ length: nfeat }, (_, i) => i);
  const treeSet = sampleColumns(all, p.colsample_bytree, ctx.rng);
  const levelSets = new Map<number, Int32Array>();
  const levelSet = (depth: number) => {
    let s = levelSets.get(depth);
    if (!s) levelSets.set(depth, s = sampleColumns(treeSet, p.colsample_bylevel, ctx.rng));
    return s;
  };
  const grower = new TreeGrower();
  // XGBoost: the weight in float32, the leaf value = float32(weight × eta).
  const eta = Math.fround(p.eta);
  const leaf = (g: number, h: number) => {
    const raw = Math.fround(calcWeight(p, g, h));
    return { raw, value: Math.fround(raw * eta), hess: h };
  };

  const root: OpenNode = {
    id: 0,
    start: 0,
    end: ctx.rows,
    depth: 0,
    g: 0,
    h: 0,
    hist: pool.take(),
  };
  await ctx.hist.build([{ start: 0, end: ctx.rows, hist: root.hist }]);
  const rootHist = ws.f64(root.hist, pairs);
  for (let b = 0; b < 256; b++) {
    root.g += rootHist[2 * b]!;
    root.h += rootHist[2 * b + 1]!;
  }
  const rootLeaf = leaf(root.g, root.h);
  grower.addNode(-1, rootLeaf.value, rootLeaf.raw, root.h);
  const canSplit = (n: OpenNode) => p.max_depth === 0 || n.depth < p.max_depth;
  const evaluate = (n: OpenNode) => {
    if (!canSplit(n)) return;
    const features = sampleColumns(levelSet(n.depth), p.colsample_bynode, ctx.rng);
    const s = findBestSplit(ws, n.hist, ctx.binCounts, features, n.g, n.h, splitScratch);
    n.split = s && s.gain >= p.gamma ? s : undefined;
  };
  evaluate(root);
  let leaves = 1;
  const ranges: Array<[number, number, number]> = [];
  const track = (n: OpenNode) => ranges.push([n.id, n.start, n.end]);
  track(root);

  interface Build {
    small: OpenNode;
    large: OpenNode;
    task: HistTask;
  }
  /**
   * Partitions a node's rows and creates its children. Children that may split again get
   * histograms: the smaller one is built (task returned), the larger is parent − smaller.
   */
  /** Partitions the rows of each node by its split (in parallel across nodes); returns left counts. */
  const partitionNodes = async (nodes: readonly OpenNode[]): Promise<number[]> => {
    const threads = ctx.pool.threads;
    const results = ws.alloc(4 * nodes.length);
    const jobs: number[][] = Array.from({ length: threads }, () => []);
    const load = new Float64Array(threads);
    const order = nodes.map((_, k) => k).sort((a, b) =>
      (nodes[b]!.end - nodes[b]!.start) - (nodes[a]!.end - nodes[a]!.start)
    );
    for (const k of order) {
      const n = nodes[k]!, s = n.split!;
      let t = 0;
      for (let i = 1; i < threads; i++) if (load[i]! < load[t]!) t = i;
      load[t] = load[t]! + (n.end - n.start);
      jobs[t]!.push(
        OP_PARTITION,
        ctx.binsCol + s.feature * ctx.n,
        n.start,
        n.end,
        s.splitBin,
        s.defaultLeft ? 1 : 0,
        ctx.scratch + 4 * n.start,
        results + 4 * k,
      );
    }
    await ctx.pool.run(jobs);
    const out = Array.from(ws.i32(results, nodes.length));
    ws.reset(results);
    return out;
  };

  /**
   * Creates a partitioned node's children. Children that may split again get histograms: the
   * smaller one is built (task returned), the larger is parent − smaller.
   */
  const expand = (n: OpenNode, nl: number): { kids: [OpenNode, OpenNode]; build?: Build } => {
    const s = n.split!;
    const threshold = s.splitBin >= 0
      ? ctx.cuts.cuts[s.feature]![s.splitBin]!
      : ctx.cuts.minValues[s.feature]!;
    const [l, r] = grower.split(n.id, { ...s, threshold }, leaf(s.gl, s.hl), leaf(s.gr, s.hr));
    const mid = n.start + nl;
    const left: OpenNode = {
      id: l,
      start: n.start,
      end: mid,
      depth: n.depth + 1,
      g: s.gl,
      h: s.hl,
      hist: 0,
    };
    const right: OpenNode = {
      id: r,
      start: mid,
      end: n.end,
      depth: n.depth + 1,
      g: s.gr,
      h: s.hr,
      hist: 0,
    };
    track(left);
    track(right);
    leaves++;
    if (!canSplit(left)) {
      pool.give(n.hist);
      return { kids: [left, right] };
    }
    const small = nl <= n.end - mid ? left : right;
    const large = small === left ? right : left;
    small.hist = pool.take();
    large.hist = n.hist;
    return {
      kids: [left, right],
      build: { small, large, task: { start: small.start, end: small.end, hist: small.hist } },
    };
  };
  const finishBuilds = (builds: readonly Build[]) => {
    for (const b of builds) ws.k.subPairs(b.large.hist, b.large.hist, b.small.hist, pairs);
  };

  if (p.grow_policy === "depthwise") {
    let level = [root];
    while (level.length > 0) {
      const next: OpenNode[] = [];
      const builds: Build[] = [];
      const splitting: OpenNode[] = [];
      for (const n of level) {
        if (!n.split || (p.max_leaves > 0 && leaves + splitting.length >= p.max_leaves)) {
          pool.give(n.hist);
        } else splitting.push(n);
      }
      const lefts = await partitionNodes(splitting);
      splitting.forEach((n, k) => {
        const { kids, build } = expand(n, lefts[k]!);
        if (!build) return;
        builds.push(build);
        next.push(...kids);
      });
      await ctx.hist.build(builds.map((b) => b.task));
      finishBuilds(builds);
      for (const n of next) evaluate(n);
      level = next;
    }
  } else {
    const open: OpenNode[] = [root];
    while (open.length > 0) {
      let bi = 0;
      for (let i = 1; i < open.length; i++) {
        const a = open[i]!.split?.gain ?? -1, b = open[bi]!.split?.gain ?? -1;
        if (a > b || (a === b && open[i]!.id < open[bi]!.id)) bi = i;
      }
      const n = open[bi]!;
      if (!n.split || (p.max_leaves > 0 && leaves >= p.max_leaves)) break;
      open.splice(bi, 1);
      const { kids, build } = expand(n, (await partitionNodes([n]))[0]!);
      if (!build) continue;
      await ctx.hist.build([build.task]);
      finishBuilds([build]);
      for (const k of kids) {
        evaluate(k);
        if (k.split) open.push(k);
        else pool.give(k.hist);
      }
    }
  }
  pool.release();
  ws.reset(splitScratch);
  const tree = grower.finish();
  return { tree, leaves: ranges.filter(([id]) => tree.left[id] === -1) };
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
