/**
 * Flag parsing for tasks: `node:util` parseArgs with its errors turned into config errors
 * (one line, exit code 2).
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError } from "../lib/errors.ts";

/** Parses `args` with `options`; an unknown flag or missing value is a ConfigError. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  args: readonly string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (cause) {
    throw new ConfigError([`arguments: ${(cause as Error).message}`], { cause });
  }
}
