/**
 * `deno task bench:train`: our trainer beside its peers on the same seeded data, parameters and
 * thread count, in one run: depth-wise beside xgboost `hist`, leaf-wise beside LightGBM and xgboost
 * `lossguide`; median seconds, speed vs the fastest peer with its goal, held-out AUC and peak memory.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchTrain, formatTrainBench, MODES } from "./bench/train_bench.ts";
import { DATASETS } from "./bench/benchmark_set.ts";

const counts = z.array(z.coerce.number().int().min(1));

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "rows", option: "rows", type: "list", arg: "<n,…>", help: "row counts" },
  { flag: "data", option: "data", type: "list", arg: "<d,…>", help: "plain, categorical (10, 100, 1000 categories), weighted" },
  { flag: "threads", option: "threads", type: "list", arg: "<t,…>", help: "thread counts" },
  { flag: "modes", option: "modes", type: "list", arg: "<m,…>", help: "depthwise (vs xgboost), leafwise (vs LightGBM, xgboost lossguide)" },
  { flag: "rounds", option: "rounds", type: "number", arg: "<n>", help: "boosting rounds" },
  { flag: "repeats", option: "repeats", type: "number", arg: "<n>", help: "runs of each (median)" },
  { flag: "features", option: "features", type: "number", arg: "<n>", help: "features" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:train",
  summary: "Benchmark training beside xgboost and LightGBM (same data, parameters and threads).",
  usage: [
    "deno task bench:train [--rows 5000,20000,100000,1000000] [--data plain,categorical,weighted] [--threads 1,2] [--modes depthwise,leafwise]",
    "deno task bench:train --rows 10000000 --threads 2 --repeats 1   # peak memory at 10M × 30",
  ],
  options: z.strictObject({
    rows: counts.default([5_000, 20_000, 100_000, 1_000_000]),
    data: z.array(z.enum(DATASETS)).default([...DATASETS]),
    threads: counts.default([1, 2]),
    modes: z.array(z.enum(Object.keys(MODES) as [keyof typeof MODES])).default([
      "depthwise",
      "leafwise",
    ]),
    rounds: z.number().int().min(1).default(100),
    repeats: z.number().int().min(1).default(3),
    features: z.number().int().min(1).default(30),
  }),
  flags: FLAGS,
  notes: [RATIO_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:train: ${line}`));
    const measured = new Date(),
      rows = await benchTrain({
        ...options,
        python,
        progress: (l) => console.error(`bench:train: ${l}`),
      });
    console.log(formatTrainBench(rows, { ...options, measured }));
  });
}
