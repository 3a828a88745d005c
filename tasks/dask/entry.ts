/**
 * The Dask engine's entry point as the tasks hand it to the pipeline: the project's `.venv`
 * (prepared on first use, as the notebooks task does) and `train_xgboost.py` beside this file.
 *
 * @module
 */

import { ensurePythonEnv } from "../_python_env.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** What `train(config, { engine })` runs on the cluster's side. */
export const DASK_ENTRY = {
  python: () => ensurePythonEnv((line) => console.error(`dask: ${line}`), ROOT),
  script: new URL("./train_xgboost.py", import.meta.url).pathname,
};
