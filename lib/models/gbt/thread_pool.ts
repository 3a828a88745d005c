/**
 * A pool of worker threads sharing the workspace memory and running kernel jobs; the calling
 * thread takes the first share itself. With one thread there are no workers at all.
 *
 * Job lists reach the workers through shared memory, not messages: each worker waits on its own
 * sequence number (`Atomics.wait`, after polling it for `SPIN_MS`), runs the list written to
 * its slot and posts its completion the same way, so a round costs a few microseconds instead of
 * a message round trip (~75 µs, paid thousands of times per model: a round per split). A round
 * wakes only the workers that have jobs.
 *
 * @module
 */

import { jobEnd, type KernelData, runJobs } from "./_jobs.ts";
import { kernelModule, type Workspace } from "./kernel/workspace.ts";
import {
  CLOSE,
  doneAt,
  JOB_CAPACITY,
  jobsAt,
  lengthAt,
  pollWhile,
  seqAt,
  STATUS_FAILED,
  statusAt,
  WORDS_PER_WORKER,
} from "./_pool_control.ts";

/** Checks of a worker's completion word before the calling thread blocks (a few µs). */
const SPIN = 1000;

/** Threads for `nthread` (0 = every core). */
export function threadCount(nthread: number): number {
  return nthread > 0 ? nthread : Math.max(1, navigator.hardwareConcurrency ?? 1);
}

/**
 * Runs job lists on the calling thread and `threads − 1` workers. Close it to stop the workers.
 *
 * @example Squared-error gradients of 1,000 rows on two threads
 * ```ts
 * import { OP_GRAD_SQUARED } from "./_jobs.ts";
 * import { Workspace } from "./kernel/workspace.ts";
 * import { splitRange, ThreadPool } from "./thread_pool.ts";
 * const ws = new Workspace(), n = 1000;
 * const margin = ws.alloc(8 * n), label = ws.alloc(4 * n), gh = ws.alloc(16 * n);
 * const pool = await ThreadPool.start(ws, { bins: 0, nfeat: 0, gh }, 2);
 * // Thread t's rows [s, e): margins, labels, weights (0: none), row count, gradient pairs.
 * const job = ([s, e]: [number, number]) =>
 *   [OP_GRAD_SQUARED, margin + 8 * s, label + 4 * s, 0, e - s, gh + 16 * s];
 * await pool.run(splitRange(n, 2).map(job));
 * pool.close();
 * ```
 */
export class ThreadPool {
  readonly #ws: Workspace;
  readonly #data: KernelData;
  readonly #workers: Worker[];
  /** Control words: per worker its sequence number, job-list length, last round done, status. */
  readonly #ctl: Int32Array;
  readonly #jobs: Float64Array;
  #seq = 0;
  #failed: Error | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    { ws, data, workers, shared }: {
      ws: Workspace;
      data: KernelData;
      workers: Worker[];
      shared: SharedArrayBuffer[];
    },
  ) {
    this.#ws = ws;
    this.#data = data;
    this.#workers = workers;
    this.#ctl = new Int32Array(shared[0]!);
    this.#jobs = new Float64Array(shared[1]!);
    for (const w of workers) {
      w.onerror = (e) => {
        e.preventDefault();
        this.#failed = new Error(`kernel worker failed: ${e.message}`);
      };
    }
  }

  /**
   * Starts `threads − 1` workers and waits until each has instantiated the kernels.
   *
   * @throws {Error} for more than one thread over a workspace whose memory is not shared.
   */
  static async start(ws: Workspace, data: KernelData, threads: number): Promise<ThreadPool> {
    const n = Math.max(0, threads - 1);
    if (n > 0 && !ws.shared) throw new Error("a thread pool needs a shared workspace memory");
    const shared = [
      new SharedArrayBuffer(4 * WORDS_PER_WORKER * n),
      new SharedArrayBuffer(8 * JOB_CAPACITY * n),
    ];
    const workers = Array.from(
      { length: n },
      () => new Worker(new URL("./pool_worker.ts", import.meta.url), { type: "module" }),
    );
    try {
      await Promise.all(workers.map((w, index) => {
        const ready = once(w);
        w.postMessage({
          init: { module: kernelModule(), memory: ws.memory, data, shared, index },
        });
        return ready;
      }));
    } catch (error) {
      for (const w of workers) w.terminate();
      throw error;
    }
    return new ThreadPool({ ws, data, workers, shared });
  }

  /** The longest job list a thread runs in one round (longer lists go in several). */
  get roundCapacity(): number {
    return JOB_CAPACITY;
  }

  /** Threads, the calling one included. */
  get threads(): number {
    return this.#workers.length + 1;
  }

  /** Runs `perThread[t]` on thread t (0 = this one) and resolves when all are done. */
  run(perThread: readonly (readonly number[])[]): Promise<void> {
    const run = this.#queue.then(() => this.#run(perThread));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #run(perThread: readonly (readonly number[])[]): Promise<void> {
    const from = perThread.map(() => 0);
    const pending = (w: number) => from[w + 1]! < (perThread[w + 1]?.length ?? 0);
    let first = true;
    while (first || this.#workers.some((_, w) => pending(w))) {
      // Only workers with jobs are woken; a list longer than a worker's slot goes in rounds.
      const seq = ++this.#seq, ctl = this.#ctl, woken: number[] = [];
      this.#workers.forEach((_, w) => {
        if (!pending(w)) return;
        const jobs = perThread[w + 1]!, slot = jobsAt(this.#jobs, w), at = from[w + 1]!;
        let end = at;
        while (end < jobs.length && jobEnd(jobs, end) - at <= JOB_CAPACITY) end = jobEnd(jobs, end);
        for (let i = at; i < end; i++) slot[i - at] = jobs[i]!;
        ctl[lengthAt(w)] = end - at;
        from[w + 1] = end;
        Atomics.store(ctl, seqAt(w), seq);
        Atomics.notify(ctl, seqAt(w));
        woken.push(w);
      });
      try {
        if (first) {
          runJobs({ k: this.#ws.k, memory: this.#ws.memory, data: this.#data }, perThread[0] ?? []);
        }
      } finally {
        first = false;
        await this.#finished(seq, woken);
      }
    }
  }

  /**
   * Waits until every worker has finished round `seq`: spinning briefly, then blocking on the
   * control word (`Atomics.waitAsync` is resolved through the event loop, which can lag by its
   * whole timeout: measured, it made two threads slower than one); each second blocked it
   * yields once, so a worker's crash (`onerror`) is heard.
   */
  async #finished(seq: number, woken: readonly number[]): Promise<void> {
    const ctl = this.#ctl;
    for (const w of woken) {
      let last = Atomics.load(ctl, doneAt(w));
      while (last !== seq) {
        if (this.#failed) throw this.#failed;
        last = pollWhile(ctl, doneAt(w), { value: last, polls: SPIN, time: Infinity });
        if (last !== seq && Atomics.wait(ctl, doneAt(w), last, 1000) === "timed-out") {
          await new Promise((r) => setTimeout(r, 0));
        }
        last = Atomics.load(ctl, doneAt(w));
      }
      if (ctl[statusAt(w)] === STATUS_FAILED) throw new Error("kernel worker failed");
    }
  }

  /** Stops the workers. */
  close(): void {
    this.#workers.forEach((_, w) => {
      Atomics.store(this.#ctl, seqAt(w), CLOSE);
      Atomics.notify(this.#ctl, seqAt(w));
    });
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
