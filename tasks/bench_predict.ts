/**
 * `deno task bench:predict`: batch scoring of the same rows with the same model by
 * onnxruntime-node, our WASM predictor and Python xgboost's `predict`, in one run; median rows/s
 * of each and the ONNX export time.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { RATIO_NOTE } from "./bench/_ratio.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { benchPredict } from "./bench/predict_bench.ts";

const count = z.number().int().min(1);

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "rows", option: "rows", type: "number", arg: "<n>", help: "rows scored" },
  { flag: "features", option: "features", type: "number", arg: "<n>", help: "features" },
  { flag: "rounds", option: "rounds", type: "number", arg: "<n>", help: "trees" },
  { flag: "depth", option: "depth", type: "number", arg: "<n>", help: "tree depth" },
  { flag: "repeats", option: "repeats", type: "number", arg: "<n>", help: "runs of each (median)" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "bench:predict",
  summary: "Benchmark batch scoring: onnxruntime-node, our WASM predictor, Python xgboost.",
  usage: ["deno task bench:predict [--rows 100000] [--rounds 100] [--depth 6]"],
  options: z.strictObject({
    rows: count.default(100_000),
    features: count.default(30),
    rounds: count.default(100),
    depth: count.default(6),
    repeats: count.default(5),
  }),
  flags: FLAGS,
  notes: [RATIO_NOTE],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const python = await ensurePythonEnv((line) => console.error(`bench:predict: ${line}`));
    console.log(await benchPredict({ ...options, python }));
  });
}
