/**
 * Reads a JSON config file into a config layer.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { type ConfigLayer, fileLayer } from "./load.ts";

/**
 * Reads and parses a JSON config file.
 *
 * @throws {ConfigError} when the file is missing, unreadable, not JSON, or not an object.
 */
export async function readConfigFile(path: string): Promise<ConfigLayer> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (cause) {
    const why = cause instanceof Deno.errors.NotFound ? "no such file" : String(cause);
    throw new ConfigError([`config file: cannot read "${path}": ${why}`], { cause });
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(
      [`config file: "${path}" is not valid JSON: ${(cause as Error).message}`],
      {
        cause,
      },
    );
  }
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ConfigError([`config file: "${path}" must hold a JSON object`]);
  }
  return fileLayer(values as Record<string, unknown>, path);
}
