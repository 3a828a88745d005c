/**
 * `deno task setup:python`: creates `.venv` from `requirements-dev.txt` when it is missing or
 * the requirements changed. Fast when current.
 *
 * @module
 */

import { defineTask } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { ensurePythonEnv } from "./_python_env.ts";

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "setup:python",
  summary: "Create .venv from requirements-dev.txt if it is missing or stale.",
  usage: ["deno task setup:python"],
  flags: [],
  notes: ["PYTHON names the interpreter that makes the environment (default python3)."],
});

if (import.meta.main) {
  await runTask(TASK, async () => {
    await ensurePythonEnv((line) => console.error(`setup:python: ${line}`));
  });
}
