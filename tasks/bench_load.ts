/**
 * `deno task bench:load`: reading a wide labeled Parquet file (default 1M × 50) and loading it for
 * training, then reading a transaction log (default 1.75M transactions), beside pyarrow in the
 * same run; the goal: at most 2× `read_table`'s time for each.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchLoad } from "./bench/load_bench.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "rows",    option: "rows",    type: "number", arg: "<n>", help: "rows of the file" },
  { flag: "columns", option: "columns", type: "number", arg: "<n>", help: "columns (features + label)" },
  { flag: "log-rows", option: "logRows", type: "number", arg: "<n>", help: "transactions in the log read beside it (0: none)" },
  { flag: "repeats", option: "repeats", type: "number", arg: "<n>", help: "runs of each (median)" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:load",
  summary:
    "Benchmark reading (goal: at most 2× pyarrow's read_table) and loading a wide labeled Parquet file and a transaction log beside pyarrow.",
  usage: [
    "deno task bench:load [--rows 1000000] [--columns 50] [--log-rows 1750000] [--repeats 3]",
  ],
  options: z.strictObject({
    rows: z.number().int().min(10).default(1_000_000),
    columns: z.number().int().min(2).default(50),
    logRows: z.number().int().min(0).default(1_750_000),
    repeats: z.number().int().min(1).default(3),
  }),
  flags: FLAGS,
  notes: [RATIO_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:load: ${line}`));
    console.log(await benchLoad({ ...options, python }));
  });
}
