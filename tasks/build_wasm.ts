/**
 * `deno task build:wasm`: compiles the AssemblyScript kernels to `kernels.wasm`
 * (`--out <path>` to write elsewhere, e.g. to compare with the committed file).
 *
 * @module
 */

import { z } from "zod";
import { defineTask } from "../lib/config/task_spec.ts";
import { EnvironmentError } from "../lib/errors.ts";
import { ASC_ARGS, KERNEL_SOURCE, KERNEL_WASM } from "../lib/models/gbt/kernel/build_config.ts";
import { runTask } from "./_main.ts";

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "build:wasm",
  summary: "Rebuild the WASM kernels from their AssemblyScript source.",
  usage: ["deno task build:wasm [--out <file.wasm>]"],
  options: z.strictObject({ out: z.string().min(1).default(KERNEL_WASM) }),
  flags: [{
    flag: "out",
    option: "out",
    type: "string",
    arg: "<file.wasm>",
    help: "where the module goes",
  }],
});

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "npm:assemblyscript@0.28.20/asc",
        KERNEL_SOURCE,
        "-o",
        options.out,
        ...ASC_ARGS,
      ],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) throw new EnvironmentError(`asc failed with exit code ${code}`);
    console.log(`build:wasm: wrote ${options.out} (${(await Deno.stat(options.out)).size} bytes)`);
  });
}
