/**
 * `deno task notebooks [--output DIR] [notebook.ipynb …]`: installs the Deno Jupyter kernelspec if
 * needed, then executes every notebook (default: notebooks/*.ipynb) headless in real Jupyter
 * through nbclient, writing executed copies to DIR (default output/notebooks). Fails, naming the
 * notebook, cell and error, when a cell throws or an output goes missing.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runMain } from "./_main.ts";

const PYTHON = Deno.env.get("FRAUD_PYTHON") ?? ".venv/bin/python";

async function run(
  cmd: string,
  args: string[],
  quiet = false,
): Promise<{ code: number; stdout: string }> {
  const out = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: quiet ? "piped" : "inherit",
  }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

await runMain("notebooks", async () => {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { output: { type: "string", default: "output/notebooks" } },
    allowPositionals: true,
  });
  const specs = await run(PYTHON, ["-m", "jupyter_client.kernelspecapp", "list"], true).catch(
    () => ({ code: 1, stdout: "" }),
  );
  if (!/\bdeno\b/.test(specs.stdout)) {
    const inst = await run(Deno.execPath(), ["jupyter", "--install"]);
    if (inst.code !== 0) throw new Error("could not install the Deno Jupyter kernelspec");
  }
  const notebooks = positionals.length ? positionals : [...Deno.readDirSync("notebooks")]
    .filter((e) => e.name.endsWith(".ipynb")).map((e) => `notebooks/${e.name}`).sort();
  const { code } = await run(PYTHON, [
    "tasks/notebooks/run_notebooks.py",
    "--output",
    values.output!,
    ...notebooks,
  ]);
  return code === 0 ? 0 : 1;
});
