/**
 * `deno task bench:dask`: the local engine vs a Dask cluster of two workers on this machine, at
 * 1M rows (and 10M with `--rows 1000000,10000000`), with the peak memory of each process.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchDask } from "./bench/dask_bench.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "rows",   option: "rows",   type: "list",   arg: "<n,…>", help: "training rows per size (a quarter more are the test rows)" },
  { flag: "rounds", option: "rounds", type: "number", arg: "<n>",   help: "boosting rounds" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:dask",
  summary: "Benchmark training: the local engine vs a two-worker Dask cluster, with memory.",
  usage: ["deno task bench:dask [--rows 1000000,10000000] [--rounds 100]"],
  options: z.strictObject({
    rows: z.array(z.coerce.number().int().min(1000)).default([1_000_000]),
    rounds: z.number().int().min(1).default(100),
  }),
  flags: FLAGS,
  notes: ["Prints seconds, test ROC AUC and the peak memory of every process.", RATIO_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:dask: ${line}`));
    console.log(await benchDask({ ...options, python }));
  });
}
