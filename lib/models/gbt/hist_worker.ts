/**
 * Worker thread for parallel histogram building: instantiates the kernels over the shared
 * workspace memory and builds the histogram jobs it is sent.
 *
 * Messages in: `{ init: { module, memory, data } }` once, then `{ jobs: number[] }` (triples of
 * start, end, destination). Message out: `"ready"` after init, `"done"` after each job list.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import type { HistData } from "./hist_builder.ts";

interface Init {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  data: HistData;
}

interface Kernels {
  buildHist(
    bins: number,
    nfeat: number,
    rows: number,
    start: number,
    end: number,
    gh: number,
    hist: number,
  ): void;
}

let k: Kernels | undefined;
let memory: WebAssembly.Memory | undefined;
let data: HistData | undefined;

self.onmessage = (event: MessageEvent<{ init?: Init; jobs?: number[] }>) => {
  const { init, jobs } = event.data;
  if (init) {
    memory = init.memory;
    data = init.data;
    const instance = new WebAssembly.Instance(init.module, {
      env: {
        memory,
        abort: () => {
          throw new Error("WASM kernel aborted");
        },
      },
    });
    k = instance.exports as unknown as Kernels;
    self.postMessage("ready");
    return;
  }
  if (jobs && k && memory && data) {
    const pairs = data.nfeat * 256;
    for (let i = 0; i < jobs.length; i += 3) {
      const dest = jobs[i + 2]!;
      new Float64Array(memory.buffer, dest, pairs * 2).fill(0);
      k.buildHist(data.bins, data.nfeat, data.rowIndex, jobs[i]!, jobs[i + 1]!, data.gh, dest);
    }
    self.postMessage("done");
  }
};
