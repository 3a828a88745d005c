/**
 * `deno task build:wasm`: compiles the AssemblyScript kernels — the tree engine's `kernels.wasm`
 * (and `kernels_unshared.wasm`, the same source for an unshared memory) and the Parquet reader's
 * `pages.wasm` — (`--out <dir>` to write them there instead, e.g. to compare with the committed
 * files).
 *
 * @module
 */

import { z } from "zod";
import { defineTask } from "../lib/config/task_spec.ts";
import { EnvironmentError } from "../lib/errors.ts";
import { basename, join } from "node:path";
import {
  PAGE_ASC_ARGS,
  PAGE_KERNEL_SOURCE,
  PAGE_KERNEL_WASM,
} from "../lib/data/kernel/build_config.ts";
import {
  ASC_ARGS,
  KERNEL_SOURCE,
  KERNEL_WASM,
  KERNEL_WASM_UNSHARED,
  UNSHARED_ASC_ARGS,
} from "../lib/models/gbt/kernel/build_config.ts";
import { runTask } from "./_main.ts";

/** The task's declaration (also read by tests). */
export const TASK = defineTask({
  name: "build:wasm",
  summary: "Rebuild the WASM kernels from their AssemblyScript source.",
  usage: ["deno task build:wasm [--out <dir>]"],
  options: z.strictObject({ out: z.string().min(1).optional() }),
  flags: [{
    flag: "out",
    option: "out",
    type: "string",
    arg: "<dir>",
    help: "write the modules into this directory instead of their committed places",
  }],
});

/** Each module: its source, its committed place, its compiler flags. */
const MODULES = [
  { source: KERNEL_SOURCE, wasm: KERNEL_WASM, args: ASC_ARGS },
  { source: KERNEL_SOURCE, wasm: KERNEL_WASM_UNSHARED, args: UNSHARED_ASC_ARGS },
  { source: PAGE_KERNEL_SOURCE, wasm: PAGE_KERNEL_WASM, args: PAGE_ASC_ARGS },
];

if (import.meta.main) {
  await runTask(TASK, async ({ options }) => {
    if (options.out) await Deno.mkdir(options.out, { recursive: true });
    for (const m of MODULES) {
      const out = options.out ? join(options.out, basename(m.wasm)) : m.wasm;
      const { code } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "npm:assemblyscript@0.28.20/asc", m.source, "-o", out, ...m.args],
        stdout: "inherit",
        stderr: "inherit",
      }).output();
      if (code !== 0) throw new EnvironmentError(`asc failed on ${m.source} (exit code ${code})`);
      console.log(`build:wasm: wrote ${out} (${(await Deno.stat(out)).size} bytes)`);
    }
  });
}
