/**
 * Histogram building: a batch of (row range → histogram buffer) tasks, run by the WASM kernel on
 * this thread or split across worker threads sharing the workspace memory.
 *
 * @module
 */

import type { Workspace } from "./kernel/workspace.ts";

/** Build the histogram of rows[start..end) into the buffer at `hist` (zeroed first). */
export interface HistTask {
  readonly start: number;
  readonly end: number;
  readonly hist: number;
}

/** Runs histogram tasks. */
export interface HistBuilder {
  /** Builds every task's histogram. */
  build(tasks: readonly HistTask[]): Promise<void>;
  /** Stops any threads. */
  close(): void;
}

/** Where the data the kernels read lives. */
export interface HistData {
  readonly bins: number;
  readonly nfeat: number;
  readonly rowIndex: number;
  readonly gh: number;
}

/** Builds histograms on the calling thread. */
export class SerialHistBuilder implements HistBuilder {
  readonly #ws: Workspace;
  readonly #d: HistData;

  constructor(ws: Workspace, data: HistData) {
    this.#ws = ws;
    this.#d = data;
  }

  build(tasks: readonly HistTask[]): Promise<void> {
    const pairs = this.#d.nfeat * 256;
    for (const t of tasks) {
      this.#ws.f64(t.hist, pairs * 2).fill(0);
      this.#ws.k.buildHist(
        this.#d.bins,
        this.#d.nfeat,
        this.#d.rowIndex,
        t.start,
        t.end,
        this.#d.gh,
        t.hist,
      );
    }
    return Promise.resolve();
  }

  close(): void {}
}
