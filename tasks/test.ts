/**
 * `deno task test`: prepares the Python reference environment (`.venv`) when it is missing or
 * stale, then runs the whole test suite (or the given test files) in parallel.
 *
 * @module
 */

import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { ensurePythonEnv } from "./_python_env.ts";
import { inOrder } from "./_gate.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "filter", option: "filter", type: "string", arg: "<text|/re/>", help: "run only the tests whose names match" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "test",
  summary: "Prepare .venv if needed, then run the whole test suite (real Redis, MLflow, Jupyter…).",
  usage: ["deno task test", "deno task test tests/drift_stats_test.ts --filter ks"],
  positionals: "[test files…]",
  options: z.strictObject({ filter: z.string().min(1).optional() }),
  flags: FLAGS,
  notes: ["Exit code: deno test's (0 when every test passed)."],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options, positionals }) => {
    await ensurePythonEnv((line) => console.error(`test: ${line}`));
    const filter = options.filter ? ["--filter", options.filter] : [];
    const files = positionals.length ? positionals : ["tests/"];
    return await inOrder([
      ["install", "-q"],
      ["test", "--allow-all", "--parallel", ...filter, ...files],
    ]);
  });
}
