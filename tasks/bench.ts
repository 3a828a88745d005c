/**
 * `deno task bench`: every benchmark in turn, each as its own `deno task bench:<name>` with its
 * defaults; stops at the first that fails and exits with its code.
 *
 * @module
 */

import { z } from "zod";
import { defineTask } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { denoTask, runBenchmarks } from "./bench/_run_all.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { TASK as DASK } from "./bench_dask.ts";
import { TASK as DRIFT } from "./bench_drift.ts";
import { TASK as EXPLAIN } from "./bench_explain.ts";
import { TASK as FEATURES } from "./bench_features.ts";
import { TASK as LOAD } from "./bench_load.ts";
import { TASK as PREDICT } from "./bench_predict.ts";
import { TASK as REDIS } from "./bench_redis.ts";
import { TASK as SERVE } from "./bench_serve.ts";
import { TASK as TRAIN } from "./bench_train.ts";
import { TASK as TUNE } from "./bench_tune.ts";

/** The benchmarks in the order they run. */
export const BENCHMARKS = [
  TRAIN,
  PREDICT,
  EXPLAIN,
  TUNE,
  DRIFT,
  REDIS,
  SERVE,
  FEATURES,
  LOAD,
  DASK,
] as const;

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench",
  summary: "Run every benchmark in turn, each with its defaults; stop at the first that fails.",
  usage: ["deno task bench"],
  options: z.strictObject({}),
  flags: [],
  notes: [
    "Benchmarks, in order (each takes its own flags: deno task bench:<name> --help):",
    ...BENCHMARKS.map((b) => `  ${b.name.padEnd(15)}${b.summary}`),
    "",
    "Exit code: the first failing benchmark's; 0 when all pass.",
    RATIO_NOTE,
  ],
});

if (import.meta.main) {
  await runTask(TASK, () => runBenchmarks(BENCHMARKS.map((b) => b.name), denoTask));
}
