/**
 * `deno task bench:tune`: default parameters, our tuner and Optuna's TPE (same trials, same CV
 * folds) on the embedded fraud data; best CV PR AUC and time of each.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { GOAL_NOTE } from "./bench/_ratio.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchTune } from "./bench/tune_bench.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "rows",   option: "rows",   type: "number", arg: "<n>", help: "embedded rows (80% train)" },
  { flag: "trials", option: "trials", type: "number", arg: "<n>", help: "configurations (ours) and trials (Optuna)" },
  { flag: "folds",  option: "folds",  type: "number", arg: "<k>", help: "CV folds" },
  { flag: "seed",   option: "seed",   type: "number", arg: "<n>", help: "seed of the data, folds and both searches" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:tune",
  summary: "Benchmark tuning: defaults, our tuner, Optuna TPE (same trials and folds).",
  usage: ["deno task bench:tune [--rows 20000] [--trials 27]"],
  options: z.strictObject({
    rows: z.number().int().min(100).default(20_000),
    trials: z.number().int().min(1).default(27),
    folds: z.number().int().min(2).default(3),
    seed: z.number().int().min(0).default(42),
  }),
  flags: FLAGS,
  notes: [`CV PR AUC differences are quality, not speed (> 0 = ours better). ${GOAL_NOTE}`],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:tune: ${line}`));
    console.log(await benchTune({ ...options, python }));
  });
}
