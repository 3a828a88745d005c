/**
 * Parallel histogram building across worker threads that share the workspace memory. Large
 * row ranges are split among all threads (each into its own partial histogram, summed after);
 * small ones go whole to the least-loaded thread. The calling thread works too.
 *
 * @module
 */

import { kernelModule, type Workspace } from "./kernel/workspace.ts";
import {
  type HistBuilder,
  type HistData,
  type HistTask,
  SerialHistBuilder,
} from "./hist_builder.ts";

/** Ranges with fewer rows per thread than this are not split. */
const MIN_ROWS_PER_THREAD = 4096;

/** Threads for `nthread` (0 = every core). */
export function threadCount(nthread: number): number {
  return nthread > 0 ? nthread : Math.max(1, navigator.hardwareConcurrency ?? 1);
}

/**
 * A serial builder for one thread; a {@link ParallelHistBuilder} otherwise.
 *
 * The builder must be closed (`close()`) to stop its workers.
 */
export async function createHistBuilder(
  ws: Workspace,
  data: HistData,
  nthread: number,
): Promise<HistBuilder> {
  const threads = threadCount(nthread);
  if (threads <= 1) return new SerialHistBuilder(ws, data);
  return await ParallelHistBuilder.start(ws, data, threads);
}

/** Histogram building on the calling thread plus `threads − 1` workers. */
export class ParallelHistBuilder implements HistBuilder {
  readonly #ws: Workspace;
  readonly #data: HistData;
  readonly #workers: Worker[];

  private constructor(ws: Workspace, data: HistData, workers: Worker[]) {
    this.#ws = ws;
    this.#data = data;
    this.#workers = workers;
  }

  /** Starts the workers and waits until each has instantiated the kernels. */
  static async start(ws: Workspace, data: HistData, threads: number): Promise<ParallelHistBuilder> {
    const workers = Array.from(
      { length: threads - 1 },
      () => new Worker(new URL("./hist_worker.ts", import.meta.url), { type: "module" }),
    );
    try {
      await Promise.all(workers.map((w) => {
        const ready = once(w);
        w.postMessage({ init: { module: kernelModule(), memory: ws.memory, data } });
        return ready;
      }));
    } catch (error) {
      for (const w of workers) w.terminate();
      throw error;
    }
    return new ParallelHistBuilder(ws, data, workers);
  }

  async build(tasks: readonly HistTask[]): Promise<void> {
    const threads = this.#workers.length + 1;
    const pairs = this.#data.nfeat * 256;
    const mark = this.#ws.used;
    const jobs: number[][] = Array.from({ length: threads }, () => []);
    const load = new Float64Array(threads);
    const reduce: Array<[number, number]> = [];
    for (const t of tasks) {
      const rows = t.end - t.start;
      if (rows >= MIN_ROWS_PER_THREAD * threads) {
        for (let i = 0; i < threads; i++) {
          const s = t.start + Math.floor((rows * i) / threads),
            e = t.start + Math.floor((rows * (i + 1)) / threads);
          const dest = i === 0 ? t.hist : this.#ws.alloc(pairs * 16);
          if (i > 0) reduce.push([t.hist, dest]);
          jobs[i]!.push(s, e, dest);
          load[i] = load[i]! + (e - s);
        }
      } else {
        let best = 0;
        for (let i = 1; i < threads; i++) if (load[i]! < load[best]!) best = i;
        jobs[best]!.push(t.start, t.end, t.hist);
        load[best] = load[best]! + rows;
      }
    }
    const pending = this.#workers.map((w, i) => {
      const mine = jobs[i + 1]!;
      if (mine.length === 0) return Promise.resolve();
      const done = once(w);
      w.postMessage({ jobs: mine });
      return done;
    });
    const own = jobs[0]!;
    for (let i = 0; i < own.length; i += 3) {
      this.#ws.f64(own[i + 2]!, pairs * 2).fill(0);
      this.#ws.k.buildHist(
        this.#data.bins,
        this.#data.nfeat,
        this.#data.rowIndex,
        own[i]!,
        own[i + 1]!,
        this.#data.gh,
        own[i + 2]!,
      );
    }
    await Promise.all(pending);
    for (const [dst, src] of reduce) this.#ws.k.addPairs(dst, src, pairs);
    this.#ws.reset(mark);
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

function once(w: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    w.onmessage = () => resolve();
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`histogram worker failed: ${e.message}`));
    };
  });
}
