/**
 * `deno task bench:drift`: data drift on 1,000 embedded rows × 17 features, and KS on 1M × 30 vs
 * 1M × 30 beside scipy's ks_2samp on the same data in one run, with speed vs scipy and the largest
 * p-value difference.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchDrift } from "./bench/drift_bench.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "rows", option: "rows", type: "number", arg: "<n>", help: "rows of each KS sample" },
  { flag: "features", option: "features", type: "number", arg: "<n>", help: "columns" },
  { flag: "repeats", option: "repeats", type: "number", arg: "<n>", help: "runs of each (median)" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:drift",
  summary: "Benchmark drift: 1,000 × 17 data drift, and KS on large samples beside scipy.",
  usage: ["deno task bench:drift [--rows 1000000] [--features 30] [--repeats 3]"],
  options: z.strictObject({
    rows: z.number().int().min(10).default(1_000_000),
    features: z.number().int().min(1).default(30),
    repeats: z.number().int().min(1).default(3),
  }),
  flags: FLAGS,
  notes: [RATIO_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:drift: ${line}`));
    console.log(await benchDrift({ ...options, python }));
  });
}
