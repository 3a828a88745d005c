/**
 * `deno task bench:explain`: exact TreeSHAP of the same rows and model by our WASM kernel and by
 * Python xgboost's `pred_contribs`, one thread each, alternating; median rows/s and speed vs xgboost.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchExplain } from "./bench/explain_bench.ts";

const count = z.number().int().min(1);

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "rows", option: "rows", type: "number", arg: "<n>", help: "rows explained" },
  { flag: "features", option: "features", type: "number", arg: "<n>", help: "features" },
  { flag: "rounds", option: "rounds", type: "number", arg: "<n>", help: "trees" },
  { flag: "depth", option: "depth", type: "number", arg: "<n>", help: "tree depth" },
  { flag: "repeats", option: "repeats", type: "number", arg: "<n>", help: "runs of each (median)" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:explain",
  summary: "Benchmark TreeSHAP: our WASM kernel vs Python xgboost's pred_contribs.",
  usage: ["deno task bench:explain [--rows 10000] [--rounds 100] [--depth 6]"],
  options: z.strictObject({
    rows: count.default(10_000),
    features: count.default(30),
    rounds: count.default(100),
    depth: count.default(6),
    repeats: count.default(3),
  }),
  flags: FLAGS,
  notes: [RATIO_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:explain: ${line}`));
    console.log(await benchExplain({ ...options, python }));
  });
}
