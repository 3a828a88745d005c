/**
 * The Dask engine's entry point as the tasks hand it to the pipeline: the project's `.venv`
 * (prepared on first use, as the notebooks task does), `train_xgboost.py` beside this file, and a
 * signal that SIGINT or SIGTERM abort once a fit has been handed to the cluster — the fit is then
 * cancelled there and the run ends FAILED (a second signal exits at once).
 *
 * @module
 */

import { ensurePythonEnv } from "../_python_env.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const stop = new AbortController();
let listening = false;

/** Aborts the Dask fit on SIGINT/SIGTERM (installed with the first fit: a local run keeps Ctrl-C). */
function listen(): void {
  if (listening) return;
  listening = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => (stop.signal.aborted ? Deno.exit(130) : stop.abort()));
  }
}

/** What `train(config, { engine })` runs on the cluster's side. */
export const DASK_ENTRY = {
  python: () => {
    listen();
    return ensurePythonEnv((line) => console.error(`dask: ${line}`), ROOT);
  },
  script: new URL("./train_xgboost.py", import.meta.url).pathname,
  signal: stop.signal,
};
