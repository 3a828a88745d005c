/**
 * Library messages name config paths (`data.cvFolds`) and options (`runId`); a task's user knows
 * them as flags. This puts a message in the command line's terms, from the task's flag table.
 *
 * @module
 */

import type { TaskSpec } from "./task_spec.ts";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * `message` with every config path a flag of `spec` sets written as that flag, wherever it
 * appears (`lower data.cvFolds` → `lower --cv-folds`), and an option a flag sets written as the
 * flag where it names the problem at the start of a line (`runId: no run …` → `--run-id: …`) or
 * is quoted in backticks (library messages quote option names so: `` `compare` ``).
 *
 * @example
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
export function inFlagTerms(spec: TaskSpec, message: string): string {
  const paths = spec.flags.filter((f) => f.config !== undefined)
    .sort((a, b) => b.config!.length - a.config!.length);
  let out = message;
  for (const f of paths) {
    out = out.replace(
      new RegExp(`(?<![\\w.-])${escapeRegExp(f.config!)}(?![\\w])`, "g"),
      `--${f.flag}`,
    );
  }
  for (const f of spec.flags.filter((f) => f.option !== undefined)) {
    const name = escapeRegExp(f.option!);
    out = out.replace(new RegExp(`^${name}:`, "gm"), `--${f.flag}:`)
      .replaceAll(`\`${f.option}\``, `--${f.flag}`);
  }
  return out;
}
