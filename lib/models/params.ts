/**
 * Validation of model parameters against a model's zod schema, one line per problem.
 *
 * @module
 */

import type { z } from "zod";
import { formatIssues } from "../util/format_issues.ts";
import { ConfigError } from "../errors.ts";

/**
 * Parses `raw` with `schema`, reporting problems under `model.params.*`.
 *
 * @throws {ConfigError} e.g. `model.params.C: must be > 0, got 0`.
 */
export function validateParams<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  modelType: string,
): z.infer<S> {
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues, raw ?? {}, { prefix: "model.params" }).map((
    line,
  ) => line.includes("unknown setting") ? `${line} for ${modelType}` : line);
  throw new ConfigError(lines);
}
