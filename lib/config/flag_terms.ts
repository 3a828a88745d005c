/**
 * Library messages name config paths (`data.cvFolds`) and options (`runId`); a task's user knows
 * them as flags. This puts a message in the command line's terms, from the task's flag table.
 *
 * @module
 */

import { ConfigError, isSystemError, isUserError } from "../errors.ts";
import type { TaskSpec } from "./task_spec.ts";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Options of {@link inFlagTerms}. */
export interface FlagTermsOptions {
  /**
   * Map names written bare too (config paths anywhere, an option naming a line's problem); off,
   * only names quoted in backticks (for lines that already name their flag, as config errors do
   * with their origin). @default true
   */
  readonly bare?: boolean;
}

/**
 * `message` with every config path a flag of `spec` sets written as that flag, wherever it
 * appears (`lower data.cvFolds` → `lower --cv-folds`), and an option a flag sets written as the
 * flag where it names the problem at the start of a line (`runId: no run …` → `--run-id: …`);
 * a name quoted in backticks (`` `compare` ``, as library messages quote options) always.
 *
 * @example A config path in a message, as the task spells it
 * ```ts
 * import { inFlagTerms } from "./flag_terms.ts";
 * import { defineTask } from "./task_spec.ts";
 * const spec = defineTask({
 *   name: "train",
 *   summary: "Train",
 *   usage: ["deno task train"],
 *   flags: [{ flag: "cv-folds", config: "data.cvFolds", type: "number", help: "CV folds" }],
 * });
 * inFlagTerms(spec, "3 positives for 5 folds; lower data.cvFolds"); // "… lower --cv-folds"
 * ```
 */
export function inFlagTerms(
  spec: TaskSpec,
  message: string,
  options: FlagTermsOptions = {},
): string {
  let out = message;
  const byLength = [...spec.flags].sort((a, b) => nameOf(b).length - nameOf(a).length);
  for (const f of byLength) out = out.replaceAll(`\`${nameOf(f)}\``, `--${f.flag}`);
  if (options.bare === false) return out;
  for (const f of byLength) {
    const name = escapeRegExp(nameOf(f));
    out = f.config !== undefined
      ? out.replace(new RegExp(`(?<![\\w.-])${name}(?![\\w])`, "g"), `--${f.flag}`)
      : out.replace(new RegExp(`^${name}:`, "gm"), `--${f.flag}:`);
  }
  return out;
}

/** The config path or option a flag sets. */
const nameOf = (f: TaskSpec["flags"][number]) => f.config ?? f.option!;

/**
 * A library error as a task's user reads it: a {@link ConfigError}'s lines, or a user or system
 * error's message, in the terms of `spec`'s flags ({@link inFlagTerms}); other errors as they are.
 */
export function errorInFlagTerms(
  spec: TaskSpec,
  error: unknown,
  options: FlagTermsOptions = {},
): unknown {
  if (error instanceof ConfigError) {
    const problems = error.problems.map((p) => inFlagTerms(spec, p, options));
    return new ConfigError(problems, { cause: error });
  }
  if (error instanceof Error && (isUserError(error) || isSystemError(error))) {
    error.message = inFlagTerms(spec, error.message, options);
  }
  return error;
}
