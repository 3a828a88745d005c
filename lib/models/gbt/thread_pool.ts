/**
 * A pool of worker threads sharing the workspace memory and running kernel jobs; the calling
 * thread takes the first share itself. With one thread there are no workers at all.
 *
 * @module
 */

import { type KernelData, runJobs } from "./_jobs.ts";
import { kernelModule, type Workspace } from "./kernel/workspace.ts";

/** Threads for `nthread` (0 = every core). */
export function threadCount(nthread: number): number {
  return nthread > 0 ? nthread : Math.max(1, navigator.hardwareConcurrency ?? 1);
}

/**
 * Runs job lists on the calling thread and `threads − 1` workers. Close it to stop the workers.
 *
 * @example
 * ```ts
 * const pool = await ThreadPool.start(ws, data, 2);
 * await pool.run([[OP_HIST, 0, 500, histA], [OP_HIST, 500, 1000, histB]]);
 * pool.close();
 * ```
 */
export class ThreadPool {
  readonly #ws: Workspace;
  readonly #data: KernelData;
  readonly #workers: Worker[];

  private constructor(ws: Workspace, data: KernelData, workers: Worker[]) {
    this.#ws = ws;
    this.#data = data;
    this.#workers = workers;
  }

  /** Starts `threads − 1` workers and waits until each has instantiated the kernels. */
  static async start(ws: Workspace, data: KernelData, threads: number): Promise<ThreadPool> {
    const workers = Array.from(
      { length: Math.max(0, threads - 1) },
      () => new Worker(new URL("./pool_worker.ts", import.meta.url), { type: "module" }),
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
    return new ThreadPool(ws, data, workers);
  }

  /** Threads, the calling one included. */
  get threads(): number {
    return this.#workers.length + 1;
  }

  /** Runs `perThread[t]` on thread t (0 = this one) and resolves when all are done. */
  async run(perThread: readonly (readonly number[])[]): Promise<void> {
    const pending = this.#workers.map((w, i) => {
      const jobs = perThread[i + 1];
      if (!jobs || jobs.length === 0) return Promise.resolve();
      const done = once(w);
      w.postMessage({ jobs });
      return done;
    });
    try {
      runJobs({ k: this.#ws.k, memory: this.#ws.memory, data: this.#data }, perThread[0] ?? []);
    } finally {
      await Promise.all(pending);
    }
  }

  /** Stops the workers. */
  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/** Splits [0, n) into `parts` contiguous ranges. */
export function splitRange(n: number, parts: number): Array<[number, number]> {
  return Array.from(
    { length: parts },
    (_, i) => [Math.floor((n * i) / parts), Math.floor((n * (i + 1)) / parts)],
  );
}

function once(w: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    w.onmessage = (e: MessageEvent<string>) =>
      e.data === "error" ? reject(new Error("kernel worker failed")) : resolve();
    w.onerror = (e) => {
      e.preventDefault();
      reject(new Error(`kernel worker failed: ${e.message}`));
    };
  });
}
