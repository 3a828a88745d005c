/**
 * Tasks as declarations: a task names its flags once — each flag sets a config path (layered by
 * `resolveConfig`, validated by the config schema) or an option of the task (validated by the
 * task's own zod schema) — and {@link resolveTask} parses, layers, validates and writes `--help`
 * from that one table.
 *
 * @module
 */

import type { z } from "zod";

/** How a flag's text becomes a value. */
export type FlagType =
  /** Text as given. */
  | "string"
  /** A number (text that is not one is kept, for validation to report with the value found). */
  | "number"
  /** On when present. */
  | "boolean"
  /** `a,b,c` → `["a", "b", "c"]`. */
  | "list"
  /** `1,7,30` → `[1, 7, 30]` (an item that is not a number is kept, for validation to report). */
  | "numbers"
  /** Repeatable `key=value`: sets `<target>.<key>` (value read as a number or boolean when it is one). */
  | "pairs";

/** One flag: the setting it targets, how it is read, and its help line. */
export interface FlagSpec {
  /** The flag without dashes, e.g. `max-samples`. */
  readonly flag: string;
  /** One-letter alias, e.g. `v`. */
  readonly short?: string;
  /** The config path it sets (e.g. `data.maxSamples`), or… */
  readonly config?: string;
  /** …the task option it sets (e.g. `output`). */
  readonly option?: string;
  readonly type: FlagType;
  /** The value's placeholder in help, e.g. `<n>`. */
  readonly arg?: string;
  /** One line of help. */
  readonly help: string;
}

/** A task's declaration. */
export interface TaskSpec<O extends z.ZodType = z.ZodType> {
  /** The task's name as typed after `deno task`, e.g. `drift`. */
  readonly name: string;
  /** What it does, one line. */
  readonly summary: string;
  /** Usage lines, e.g. `deno task drift [flags]`. */
  readonly usage: readonly string[];
  readonly flags: readonly FlagSpec[];
  /** The task's options (files in and out, switches): a zod object whose defaults `--help` shows. */
  readonly options?: O;
  /** The task reads the training config: `--config <file>` and the environment apply. */
  readonly config?: boolean;
  /** Positional arguments, as shown in usage (none when unset). */
  readonly positionals?: string;
  /** Closing help lines (exit codes, notes). */
  readonly notes?: readonly string[];
}

/**
 * Declares a task (checks that every flag targets exactly one config path or option).
 *
 * @throws {TypeError} for a flag with no target or two.
 */
export function defineTask<O extends z.ZodType>(spec: TaskSpec<O>): TaskSpec<O> {
  for (const f of spec.flags) {
    if ((f.config === undefined) === (f.option === undefined)) {
      throw new TypeError(`Expected flag --${f.flag} to set a config path or an option, not both`);
    }
    if (f.type === "pairs" && f.config === undefined) {
      throw new TypeError(`Expected pairs flag --${f.flag} to set a config path`);
    }
  }
  return spec;
}
