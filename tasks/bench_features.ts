/**
 * `deno task bench:features`: point-in-time features of a 1.8M-transaction log, ours beside a
 * vectorized pandas implementation of the same windows, with speed vs pandas and the largest
 * difference.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchFeatures } from "./bench/features_bench.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "customers", option: "customers", type: "number", arg: "<n>", help: "customers (cards) of the log" },
  { flag: "terminals", option: "terminals", type: "number", arg: "<n>", help: "terminals of the log" },
  { flag: "days",      option: "days",      type: "number", arg: "<n>", help: "days of the log" },
  { flag: "repeats",   option: "repeats",   type: "number", arg: "<n>", help: "runs of each (median)" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:features",
  summary: "Benchmark a transaction log's point-in-time features beside vectorized pandas.",
  usage: ["deno task bench:features [--customers 5000] [--terminals 10000] [--days 183]"],
  options: z.strictObject({
    customers: z.number().int().min(10).default(5000),
    terminals: z.number().int().min(10).default(10_000),
    days: z.number().int().min(31).default(183),
    repeats: z.number().int().min(1).default(3),
  }),
  flags: FLAGS,
  notes: [RATIO_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:features: ${line}`));
    console.log(await benchFeatures({ ...options, python }));
  });
}
