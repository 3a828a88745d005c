/**
 * The training engine's flags (`--engine dask` and where the cluster is), declared once.
 *
 * @module
 */

import type { FlagSpec } from "./task_spec.ts";

// deno-fmt-ignore
/** `--engine`, `--dask-scheduler`, `--dask-shared`, `--dask-partitions`. */
export const ENGINE_FLAGS: readonly FlagSpec[] = [
  { flag: "engine",          config: "model.engine",          type: "string", arg: "<e>",          help: "local (our tree engine) or dask (xgboost.dask on a Dask cluster)" },
  { flag: "dask-scheduler",  config: "model.dask.scheduler",  type: "string", arg: "<tcp://h:p>",  help: "the Dask scheduler (--engine dask; env DASK_SCHEDULER_ADDRESS)" },
  { flag: "dask-shared",     config: "model.dask.shared",     type: "string", arg: "<dir>",        help: "a folder every Dask worker reads at the same path (the training rows go there)" },
  { flag: "dask-partitions", config: "model.dask.partitions", type: "number", arg: "<n>",          help: "Parquet partitions of the training rows" },
];
