/**
 * Histogram building on a {@link ThreadPool}: large row ranges are split among all threads (each
 * into its own partial histogram, summed afterwards); small ones go whole to the least-loaded
 * thread.
 *
 * @module
 */

import { type KernelData, OP_HIST } from "./_jobs.ts";
import type { Workspace } from "./kernel/workspace.ts";
import type { ThreadPool } from "./thread_pool.ts";

/** Build the histogram of rows[start..end) into the buffer at `hist`. */
export interface HistTask {
  readonly start: number;
  readonly end: number;
  readonly hist: number;
}

/** Ranges with fewer rows per thread than this are not split. */
const MIN_ROWS_PER_THREAD = 4096;

/** Builds batches of histograms on a thread pool. */
export class HistBuilder {
  readonly #ws: Workspace;
  readonly #data: KernelData;
  readonly #pool: ThreadPool;

  constructor(ws: Workspace, data: KernelData, pool: ThreadPool) {
    this.#ws = ws;
    this.#data = data;
    this.#pool = pool;
  }

  /** Builds every task's histogram. */
  async build(tasks: readonly HistTask[]): Promise<void> {
    const threads = this.#pool.threads;
    const pairs = this.#data.nfeat * 256;
    const mark = this.#ws.used;
    const jobs: number[][] = Array.from({ length: threads }, () => []);
    const load = new Float64Array(threads);
    const reduce: Array<[number, number]> = [];
    for (const t of tasks) {
      const rows = t.end - t.start;
      if (threads > 1 && rows >= MIN_ROWS_PER_THREAD * threads) {
        for (let i = 0; i < threads; i++) {
          const s = t.start + Math.floor((rows * i) / threads);
          const e = t.start + Math.floor((rows * (i + 1)) / threads);
          const dest = i === 0 ? t.hist : this.#ws.alloc(pairs * 16);
          if (i > 0) reduce.push([t.hist, dest]);
          jobs[i]!.push(OP_HIST, s, e, dest);
          load[i] = load[i]! + (e - s);
        }
      } else {
        let best = 0;
        for (let i = 1; i < threads; i++) if (load[i]! < load[best]!) best = i;
        jobs[best]!.push(OP_HIST, t.start, t.end, t.hist);
        load[best] = load[best]! + rows;
      }
    }
    await this.#pool.run(jobs);
    for (const [dst, src] of reduce) this.#ws.k.addPairs(dst, src, pairs);
    this.#ws.reset(mark);
  }
}
