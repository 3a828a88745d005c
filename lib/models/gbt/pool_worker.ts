/**
 * Worker thread of the {@link ThreadPool}: instantiates the kernels over the shared memory and
 * runs the job lists it is sent. Messages in: `{ init }` once, then `{ jobs }`; out: `"ready"`,
 * then `"done"` (or `"error"`) per job list.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { type KernelData, runJobs } from "./_jobs.ts";
import { instantiateKernels, type Kernels } from "./kernel/workspace.ts";

let state: { k: Kernels; memory: WebAssembly.Memory; data: KernelData } | undefined;

self.onmessage = (
  event: MessageEvent<
    {
      init?: { module: WebAssembly.Module; memory: WebAssembly.Memory; data: KernelData };
      jobs?: number[];
    }
  >,
) => {
  const { init, jobs } = event.data;
  if (init) {
    state = {
      k: instantiateKernels(init.memory, init.module),
      memory: init.memory,
      data: init.data,
    };
    self.postMessage("ready");
    return;
  }
  if (jobs && state) {
    try {
      runJobs(state, jobs);
      self.postMessage("done");
    } catch {
      self.postMessage("error");
    }
  }
};
