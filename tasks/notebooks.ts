/**
 * `deno task notebooks [--output DIR] [notebook.ipynb …]`: prepares the Python environment and
 * the Deno kernelspec (both idempotent), then executes every notebook (default:
 * notebooks/*.ipynb) headless in real Jupyter through nbclient, writing executed copies to DIR
 * (default output/notebooks). Fails, naming the notebook, cell and error, when a cell throws or
 * an output goes missing.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { ConfigError } from "../lib/errors.ts";
import { parseFlags } from "./_args.ts";
import { runMain } from "./_main.ts";
import { ensureDenoKernelspec, ensurePythonEnv } from "./_python_env.ts";

const HELP = `Execute the notebooks headless in Jupyter with the Deno kernel.

Usage: deno task notebooks [--output DIR] [notebook.ipynb …]

  --output <dir>   where the executed copies go (default output/notebooks)
  --help, -h       this text

Prepares .venv (from requirements-dev.txt) and the Deno kernelspec itself. Notebook parameters
come from the environment: NB_SAMPLES, NB_SEED, NB_SOURCE, NB_MODEL_TYPE, NB_TRACKING_URI,
NB_CURRENT_SAMPLES, NB_SCENARIO. Exit 0 when every cell ran and showed its output, else 1.`;

await runMain("notebooks", async () => {
  const { values, positionals } = parseFlags(Deno.args, {
    output: { type: "string", default: "output/notebooks" },
    help: { type: "boolean", short: "h" },
  }, true);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const absent = positionals.filter((p) => !existsSync(p));
  if (absent.length) throw new ConfigError(absent.map((p) => `${p}: no such notebook`));
  const python = await ensurePythonEnv((line) => console.error(`notebooks: ${line}`));
  const jupyterPath = await ensureDenoKernelspec();
  const notebooks = positionals.length ? positionals : [...Deno.readDirSync("notebooks")]
    .filter((e) => e.name.endsWith(".ipynb")).map((e) => `notebooks/${e.name}`).sort();
  const { code } = await new Deno.Command(python, {
    args: ["tasks/notebooks/run_notebooks.py", "--output", values.output!, ...notebooks],
    env: { JUPYTER_PATH: [jupyterPath, Deno.env.get("JUPYTER_PATH")].filter(Boolean).join(":") },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code === 0 ? 0 : 1;
});
