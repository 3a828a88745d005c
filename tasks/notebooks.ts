/**
 * `deno task notebooks [--output DIR] [notebook.ipynb …]`: prepares the Python environment and
 * the Deno kernelspec (both idempotent), then executes every notebook headless in real Jupyter
 * through nbclient. Fails, naming the notebook, cell and error, when a cell throws or an output
 * goes missing.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { z } from "zod";
import { defineTask, type FlagSpec } from "../lib/config/task_spec.ts";
import { ConfigError } from "../lib/errors.ts";
import { runTask } from "./_main.ts";
import { ensureDenoKernelspec, ensurePythonEnv } from "./_python_env.ts";

// deno-fmt-ignore
const FLAGS: FlagSpec[] = [
  { flag: "output", option: "output", type: "string", arg: "<dir>", help: "where the executed copies go" },
];

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "notebooks",
  summary: "Execute the notebooks headless in Jupyter with the Deno kernel.",
  usage: ["deno task notebooks [--output <dir>] [notebook.ipynb …]"],
  positionals: "[notebook.ipynb …]",
  options: z.strictObject({ output: z.string().min(1).default("output/notebooks") }),
  flags: FLAGS,
  notes: [
    "Prepares .venv (from requirements-dev.txt) and the Deno kernelspec itself. Notebook parameters",
    "come from the environment: NB_SAMPLES, NB_SEED, NB_SOURCE, NB_MODEL_TYPE, NB_TRACKING_URI,",
    "NB_CURRENT_SAMPLES, NB_SCENARIO. Exit 0 when every cell ran and showed its output, else 1.",
  ],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options, positionals }) => {
    const absent = positionals.filter((p) => !existsSync(p));
    if (absent.length) throw new ConfigError(absent.map((p) => `${p}: no such notebook`));
    const notebooks = positionals.length ? positionals : [...Deno.readDirSync("notebooks")]
      .filter((e) => e.name.endsWith(".ipynb")).map((e) => `notebooks/${e.name}`).sort();
    const python = await ensurePythonEnv((line) => console.error(`notebooks: ${line}`));
    const jupyterPath = await ensureDenoKernelspec();
    const { code } = await new Deno.Command(python, {
      args: ["tasks/notebooks/run_notebooks.py", "--output", options.output, ...notebooks],
      env: { JUPYTER_PATH: [jupyterPath, Deno.env.get("JUPYTER_PATH")].filter(Boolean).join(":") },
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    return code === 0 ? 0 : 1;
  });
}
