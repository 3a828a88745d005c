/**
 * `--help` of a task, written from its declaration: usage, every flag with its default and the
 * setting it targets, the environment variables read, and the task's notes.
 *
 * @module
 */

import type { z } from "zod";
import { ENV_PATHS } from "./load.ts";
import { defaultConfig } from "./schema.ts";
import type { FlagSpec, TaskSpec } from "./task_spec.ts";

/**
 * The help text of `spec`.
 *
 * @example Help of a task with one config flag
 * ```ts
 * import { taskHelp } from "./task_help.ts";
 * import { defineTask } from "./task_spec.ts";
 * const task = defineTask({
 *   name: "train",
 *   summary: "Train a fraud model.",
 *   usage: ["deno task train [flags]"],
 *   config: true,
 *   flags: [{ flag: "seed", config: "seed", type: "number", arg: "<n>", help: "the random seed" }],
 * });
 * console.log(taskHelp(task)); // usage, then --seed <n> with its default (42), --config, --help
 * ```
 */
export function taskHelp(spec: TaskSpec): string {
  const rows: Array<[string, string]> = spec.flags.map((f) => [flagText(f), describe(spec, f)]);
  if (spec.config) {
    rows.push([
      "--config <file.json>",
      "a JSON config file (defaults < file < environment < flags)",
    ]);
  }
  rows.push(["--help, -h", "this text"]);
  const width = Math.min(34, Math.max(...rows.map(([a]) => a.length)) + 2);
  const lines = [
    spec.summary,
    "",
    "Usage:",
    ...spec.usage.map((u) => `  ${u}`),
    "",
    "Flags:",
    ...rows.map(([a, b]) =>
      a.length >= width ? `  ${a}\n  ${" ".repeat(width)}${b}` : `  ${a.padEnd(width)}${b}`
    ),
  ];
  if (spec.config) {
    lines.push("", "Environment (between the config file and the flags):");
    for (const [name, path] of Object.entries(ENV_PATHS)) {
      lines.push(`  ${name.padEnd(width)}${path}`);
    }
  }
  if (spec.notes?.length) lines.push("", ...spec.notes);
  return lines.join("\n");
}

function flagText(f: FlagSpec): string {
  const arg = f.type === "boolean" ? "" : ` ${f.arg ?? "<value>"}`;
  return `--${f.flag}${arg}${f.short ? `, -${f.short}` : ""}`;
}

function describe(spec: TaskSpec, f: FlagSpec): string {
  const def = f.config ? configDefault(f.config) : optionDefault(spec, f.option!);
  const shown = def === undefined || (Array.isArray(def) && def.length === 0) ||
      (typeof def === "object" && def !== null && Object.keys(def).length === 0) || def === false
    ? ""
    : ` (default ${Array.isArray(def) ? def.join(",") : String(def)})`;
  return `${f.help}${shown}${f.config ? ` [${f.config}]` : ""}`;
}

function configDefault(path: string): unknown {
  let v: unknown = defaultConfig();
  for (const key of path.split(".")) {
    v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  }
  return v;
}

function optionDefault(spec: TaskSpec, option: string): unknown {
  const shape = (spec.options as z.ZodObject | undefined)?.shape;
  const field = shape?.[option] as z.ZodType | undefined;
  const r = field?.safeParse(undefined);
  return r?.success ? r.data : undefined;
}
