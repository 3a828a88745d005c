/**
 * `deno task build:wasm`: compiles the AssemblyScript kernels to `kernels.wasm`
 * (`--out <path>` to write elsewhere, e.g. to compare with the committed file).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ASC_ARGS, KERNEL_SOURCE, KERNEL_WASM } from "../lib/models/gbt/kernel/build_config.ts";
import { runMain } from "./_main.ts";

await runMain("build:wasm", async () => {
  const { values } = parseArgs({ args: Deno.args, options: { out: { type: "string" } } });
  const out = values.out ?? KERNEL_WASM;
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "npm:assemblyscript@0.28.20/asc", KERNEL_SOURCE, "-o", out, ...ASC_ARGS],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`asc failed with exit code ${code}`);
  console.log(`build:wasm: wrote ${out} (${(await Deno.stat(out)).size} bytes)`);
  return 0;
});
