/**
 * `deno task bench:serve`: our server and a FastAPI + onnxruntime server scoring the same model
 * from the same Redis under `wrk`, single-row requests by features and by entity id.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchServe } from "./bench/serve_bench.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "cards",       option: "cards",       type: "number", arg: "<n>", help: "cards ingested into Redis (and trained on)" },
  { flag: "seconds",     option: "seconds",     type: "number", arg: "<s>", help: "wrk duration per run" },
  { flag: "connections", option: "connections", type: "number", arg: "<n>", help: "wrk connections" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:serve",
  summary: "Benchmark online scoring: our server vs FastAPI + onnxruntime under wrk.",
  usage: ["deno task bench:serve [--seconds 10] [--connections 16]"],
  options: z.strictObject({
    cards: z.number().int().min(100).default(5000),
    seconds: z.number().int().min(1).default(10),
    connections: z.number().int().min(1).default(16),
  }),
  flags: FLAGS,
  notes: [RATIO_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:serve: ${line}`));
    console.log(await benchServe({ ...options, python }));
  });
}
