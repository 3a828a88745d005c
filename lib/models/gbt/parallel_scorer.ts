/**
 * Scoring and explaining on every thread: the forest placed once in a shared workspace, rows split
 * into one contiguous range per thread, each range run by the same WASM kernels as the one-thread
 * path (`addForestRaw`, `treeShap`) — so the numbers are the same, only faster. Close it when done
 * (its workers keep the process alive).
 *
 * @module
 */

import { type Frame, modelColumns } from "../../data/frame.ts";
import { OP_FOREST, OP_ROWS, OP_SHAP } from "./_jobs.ts";
import type { GbtModel } from "./gbt_model.ts";
import { Workspace } from "./kernel/workspace.ts";
import { baseMargin } from "./objective.ts";
import { expectedMargin, maxDepth, placeCovers } from "./shap.ts";
import { splitRange, threadCount, ThreadPool } from "./thread_pool.ts";
import { forestArgs, type PlacedForest, placeForest } from "./tree.ts";

/** Rows per batch (bounds the batch memory). */
const BATCH_ROWS = 1 << 16;

/** A model's forest on a pool of threads. */
export class ParallelScorer {
  readonly #model: GbtModel;
  readonly #ws: Workspace;
  readonly #pool: ThreadPool;
  readonly #forest: PlacedForest;
  readonly #covers: number;
  readonly #mark: number;

  private constructor(
    model: GbtModel,
    { ws, pool, forest, covers }: {
      ws: Workspace;
      pool: ThreadPool;
      forest: PlacedForest;
      covers: number;
    },
  ) {
    this.#model = model;
    this.#ws = ws;
    this.#pool = pool;
    this.#forest = forest;
    this.#covers = covers;
    this.#mark = ws.used;
  }

  /** Places `model`'s forest and starts `threads − 1` workers (0 = every core). */
  static async start(model: GbtModel, threads = 0): Promise<ParallelScorer> {
    const { trees, weightDrop } = model.state, count = threadCount(threads);
    const ws = new Workspace({ shared: count > 1 });
    const forest = placeForest(ws, trees, weightDrop);
    const covers = placeCovers(ws, trees);
    const pool = await ThreadPool.start(ws, { bins: 0, nfeat: 0, gh: 0 }, count);
    return new ParallelScorer(model, { ws, pool, forest, covers });
  }

  /** Threads used, this one included. */
  get threads(): number {
    return this.#pool.threads;
  }

  /** Raw margins per row (as `GbtModel.predictMargin`). */
  async margins(frame: Frame): Promise<Float64Array> {
    const base = baseMargin(this.#model.state.objective, this.#model.state.baseScore);
    return await this.#batches(frame, 1, async ({ x, nf, m, out, rows }) => {
      this.#ws.f64(out, m).fill(base);
      const f = this.#forest;
      await this.#pool.run(
        this.#split(m).map(([s, e]) => [
          ...rows(s, e),
          OP_FOREST,
          x + 4 * s * nf,
          nf,
          e - s,
          ...forestArgs(f),
          out + 8 * s,
        ]),
      );
    });
  }

  /** P(class 1) per row (as `GbtModel.predictProba`: calibrated when the model has a calibrator). */
  async predictProba(frame: Frame): Promise<Float64Array> {
    return this.#model.probabilities(await this.margins(frame));
  }

  /** SHAP values (as `GbtModel.contributions`). */
  async contributions(frame: Frame): Promise<Float64Array> {
    const s = this.#model.state, depth = maxDepth(s.trees);
    const bias = expectedMargin(s.trees, {
      base: baseMargin(s.objective, s.baseScore),
      ...(s.weightDrop ? { scales: s.weightDrop } : {}),
    });
    const width = s.featureNames.length + 1;
    const scratchBytes = 8 * (depth + 2) + 32 + 32 * (((depth + 4) * (depth + 5)) / 2);
    return await this.#batches(frame, width, async ({ x, nf, m, out, rows }) => {
      const phi = this.#ws.f64(out, m * width).fill(0);
      for (let i = 0; i < m; i++) phi[i * width + nf] = bias;
      const f = this.#forest;
      const jobs = this.#split(m).map(([a, b]) => [
        ...rows(a, b),
        OP_SHAP,
        x + 4 * a * nf,
        nf,
        b - a,
        ...forestArgs(f),
        this.#covers,
        this.#ws.alloc(scratchBytes, 32),
        depth,
        out + 8 * a * width,
      ]);
      await this.#pool.run(jobs);
    });
  }

  /** Stops the workers. */
  close(): void {
    this.#pool.close();
  }

  #split(m: number): Array<[number, number]> {
    return splitRange(m, Math.min(this.threads, Math.max(1, Math.floor(m / 64))))
      .filter(([s, e]) => e > s);
  }

  /**
   * Runs `body` per batch of rows: the columns are copied into the workspace as they are, and
   * `rows(s, e)` is the job that writes rows s…e as float32 rows at `x` — each thread runs it on
   * its own range first (the transposition in parallel); `width` f64 per row go to `out`.
   */
  async #batches(
    frame: Frame,
    width: number,
    body: (
      b: {
        x: number;
        nf: number;
        m: number;
        out: number;
        rows: (s: number, e: number) => number[];
      },
    ) => Promise<void>,
  ): Promise<Float64Array> {
    const cols = modelColumns(frame, this.#model.state.featureNames);
    const nf = cols.length, n = frame.rows, result = new Float64Array(n * width), ws = this.#ws;
    for (let start = 0; start < n; start += BATCH_ROWS) {
      const m = Math.min(BATCH_ROWS, n - start);
      ws.reset(this.#mark);
      const colsAt = ws.alloc(8 * m * nf), x = ws.alloc(4 * m * nf), out = ws.alloc(8 * m * width);
      cols.forEach((c, j) => ws.f64(colsAt + 8 * m * j, m).set(c.subarray(start, start + m)));
      const rows = (s: number, e: number) => [OP_ROWS, colsAt, m, nf, s, e, x];
      await body({ x, nf, m, out, rows });
      result.set(ws.f64(out, m * width), start * width);
    }
    ws.reset(this.#mark);
    return result;
  }
}
