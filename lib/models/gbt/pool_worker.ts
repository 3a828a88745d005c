/**
 * Worker thread of the {@link ThreadPool}: instantiates the kernels over the shared memory once
 * (`{ init }` message, answered `"ready"`), then waits on its own shared sequence word for
 * rounds: runs the job list in its slot, records the round as done (and whether it threw), and
 * waits for the next. It returns to its event loop every 50 ms of idleness so that `terminate()`
 * always takes effect.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { type KernelData, runJobs } from "./_jobs.ts";
import { instantiateKernels } from "./kernel/workspace.ts";
import {
  CLOSE,
  doneAt,
  jobsAt,
  lengthAt,
  pollWhile,
  seqAt,
  SPIN_MS,
  STATUS_FAILED,
  statusAt,
} from "./_pool_control.ts";

interface Init {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  data: KernelData;
  shared: [SharedArrayBuffer, SharedArrayBuffer];
  index: number;
}

self.onmessage = (event: MessageEvent<{ init: Init }>) => {
  const { module, memory, data, shared, index: w } = event.data.init;
  const state = { k: instantiateKernels(memory, module), memory, data };
  const ctl = new Int32Array(shared[0]), slot = jobsAt(new Float64Array(shared[1]), w);
  let seen = 0;
  const serve = () => {
    for (;;) {
      pollWhile(ctl, seqAt(w), { value: seen, polls: Infinity, time: performance.now() + SPIN_MS });
      if (Atomics.wait(ctl, seqAt(w), seen, 50) === "timed-out") return void setTimeout(serve, 0);
      const seq = Atomics.load(ctl, seqAt(w));
      if (seq === CLOSE) return;
      if (seq === seen) continue;
      seen = seq;
      let status = 0;
      try {
        runJobs(state, slot.subarray(0, ctl[lengthAt(w)]!));
      } catch {
        status = STATUS_FAILED;
      }
      ctl[statusAt(w)] = status;
      Atomics.store(ctl, doneAt(w), seq);
      Atomics.notify(ctl, doneAt(w));
    }
  };
  self.postMessage("ready");
  serve();
};
