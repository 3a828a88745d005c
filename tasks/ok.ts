/**
 * `deno task ok`: the one gate CI runs. Formatting, lint and type checks of the sources (what
 * tasks write, such as reports under `output/`, is not checked), then the whole test suite.
 *
 * @module
 */

import { defineTask } from "../lib/config/task_spec.ts";
import { runTask } from "./_main.ts";
import { inOrder } from "./_gate.ts";

/** What the gate formats, lints and type-checks: the sources, never what tasks write. */
export const SOURCES = [
  "lib/",
  "tasks/",
  "tests/",
  "docs/",
  "deploy/",
  "README.md",
  "deno.json",
] as const;

/** What the gate lints and type-checks. */
const CODE = ["lib/", "tasks/", "tests/"] as const;

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "ok",
  summary: "The one gate (what CI runs): fmt check, lint, type check, then the whole test suite.",
  usage: ["deno task ok"],
  flags: [],
  notes: [
    `Checks ${
      SOURCES.join(", ")
    }; files tasks write (output/, mlruns/, mlflow.db) are not checked.`,
    "Exit code: the first failing step's.",
  ],
});

if (import.meta.main) {
  await runTask(TASK, async () => {
    const sources = await present(SOURCES);
    const checks = await inOrder([
      ["install", "-q"],
      ["fmt", "--check", ...sources],
      ["lint", ...CODE],
      ["check", ...CODE],
    ]);
    return checks !== 0 ? checks : await inOrder([["task", "test"]]);
  });
}

/** The source paths that exist (docs/ may not yet). */
async function present(paths: readonly string[]): Promise<string[]> {
  const here: string[] = [];
  for (const p of paths) {
    try {
      await Deno.stat(p);
      here.push(p);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return here;
}
