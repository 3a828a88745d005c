/**
 * Turns zod validation issues into one readable line per problem:
 * `model.params.C: must be > 0, got 0 (from --config cfg.json)`.
 *
 * @module
 */

import type { z } from "zod";

/** Where each config path's value came from (e.g. `"--cv-folds"`, `"env REDIS_PORT"`). */
export type Origins = ReadonlyMap<string, string>;

/**
 * One line per zod issue, naming the path, the rule broken and the value found.
 *
 * @param issues The issues of a failed `safeParse`.
 * @param input The value that was parsed (to quote what was found).
 * @param where.prefix Path prefix for nested parses (e.g. `model.params`).
 * @param where.origins Where values came from, keyed by full dotted path.
 */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  where: { prefix?: string; origins?: Origins } = {},
): string[] {
  const { prefix = "", origins = new Map() } = where;
  return issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const path = joinPath(prefix, [...issue.path, key]);
        return `${path}: unknown setting${from(origins, path)}`;
      });
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const inner = issue.errors.flat();
      if (inner.length > 0) return formatIssues(inner, input, where).slice(0, 1);
    }
    const path = joinPath(prefix, issue.path);
    const value = valueAt(input, issue.path);
    const got = value === undefined ? "nothing" : show(value);
    const rule = issue.code === "invalid_type" && value === undefined
      ? "required"
      : describe(issue);
    return [`${path || "(root)"}: ${rule}, got ${got}${from(origins, path)}`];
  });
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "too_small": {
      const op = issue.inclusive ? "≥" : ">";
      if (issue.origin === "array") return `needs at least ${issue.minimum} item(s)`;
      if (issue.origin === "string") return `must not be empty`;
      return `must be ${op} ${issue.minimum}`;
    }
    case "too_big": {
      const op = issue.inclusive ? "≤" : "<";
      return `must be ${op} ${issue.maximum}`;
    }
    case "invalid_type":
      if (issue.expected === "int") return "must be an integer";
      return `must be ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_format":
      return issue.format === "regex" ? issue.message : `must be a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    default:
      return issue.message;
  }
}

function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => String(p));
  return [prefix, ...parts].filter((s) => s !== "").join(".");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function from(origins: Origins, path: string): string {
  // The origin of the path itself, or of the nearest enclosing value (e.g. an array).
  for (let p = path; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    const origin = origins.get(p);
    if (origin) return ` (from ${origin})`;
  }
  return "";
}
