/**
 * Worker thread of the {@link ThreadPool}: instantiates the kernels over the shared memory once
 * (`{ init }` message, answered `"ready"`), then waits on the pool's shared control words for
 * rounds: runs the job list in its slot, records the round as done (and whether it threw), and
 * waits for the next (spinning briefly first). It returns to its event loop every 50 ms of idleness so that `terminate()`
 * always takes effect.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { type KernelData, runJobs } from "./_jobs.ts";
import { instantiateKernels } from "./kernel/workspace.ts";
import { CLOSE, doneAt, jobsAt, lengthAt, STATUS_FAILED, statusAt } from "./_pool_control.ts";

/** Checks of the control word before a worker sleeps (~20–60 µs). */
const SPIN = 20_000;

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
      // Spin a while before sleeping, as OpenMP threads do: the next round usually comes within
      // microseconds, and waking a sleeping thread costs far more on a virtual machine.
      for (let spin = 0; spin < SPIN && Atomics.load(ctl, 0) === seen; spin++);
      if (Atomics.wait(ctl, 0, seen, 50) === "timed-out") return void setTimeout(serve, 0);
      const seq = Atomics.load(ctl, 0);
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
