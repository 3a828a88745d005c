/**
 * The logging flags every long-running task shares (`--log-format`, `--verbose`), declared once.
 *
 * @module
 */

import { z } from "zod";
import type { FlagSpec } from "./task_spec.ts";

// deno-fmt-ignore
/** `--log-format human|json` and `--verbose`: the log lines go to stderr. */
export const LOG_FLAGS: readonly FlagSpec[] = [
  { flag: "log-format", option: "logFormat", type: "string", arg: "<fmt>", help: "log lines on stderr: human, or json (one object per line; stdout then holds JSON only)" },
  { flag: "verbose", option: "verbose", short: "v", type: "boolean", help: "debug logging" },
];

/**
 * The options the logging flags set, to spread into a task's options schema.
 *
 * @example A task's options with the log flags
 * ```ts
 * import { z } from "zod";
 * import { LOG_OPTIONS } from "./log_flags.ts";
 * const options = z.strictObject({ ...LOG_OPTIONS, port: z.number().default(8080) });
 * options.parse({}).logFormat; // "human"
 * ```
 */
export const LOG_OPTIONS = {
  logFormat: z.enum(["human", "json"]).default("human"),
  verbose: z.boolean().default(false),
} as const;

/** What the logging flags set. */
export interface LogOptions {
  readonly logFormat: "human" | "json";
  readonly verbose: boolean;
}
