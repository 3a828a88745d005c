/**
 * The one top-level catch of every task, and the one way a task reads its command line: a user
 * error (bad config, bad data, bad model file, an unusable environment — an operating-system or
 * SQLite file error included) prints its lines and exits 2; anything else prints its stack and
 * exits 1.
 *
 * @module
 */

import type { z } from "zod";
import { resolveTask } from "../lib/config/resolve_task.ts";
import type { TrainingConfig } from "../lib/config/schema.ts";
import type { TaskSpec } from "../lib/config/task_spec.ts";
import { ConfigError, isSystemError, isUserError } from "../lib/errors.ts";
import { errorInFlagTerms } from "../lib/config/flag_terms.ts";

/** Runs `main`, mapping errors to exit codes; exits with `main`'s return code (default 0). */
export async function runMain(
  name: string,
  main: () => Promise<number | void> | number | void,
): Promise<never> {
  try {
    const code = await main();
    Deno.exit(code ?? 0);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.problems) console.error(`${name}: ${line}`);
      Deno.exit(2);
    }
    if (isUserError(error) || isSystemError(error)) {
      // A system error is a path or service the library did not name: the environment's too.
      console.error(`${name}: ${oneLine(error.message)}`);
      Deno.exit(2);
    }
    console.error(error instanceof Error ? error.stack ?? String(error) : String(error));
    Deno.exit(1);
  }
}

/** A message on one line (a quoted file's newlines, a parser's snippet). */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, " ");
}

/** What a task's `main` receives: the validated config, options and positionals. */
export interface TaskInput<O> {
  readonly config: TrainingConfig;
  readonly options: O;
  readonly positionals: readonly string[];
}

/**
 * Runs a declared task: resolves the command line against `spec` (printing `--help`), then
 * `main`, under {@link runMain}.
 */
export async function runTask<O extends z.ZodType>(
  spec: TaskSpec<O>,
  main: (input: TaskInput<z.infer<O>>) => Promise<number | void> | number | void,
): Promise<never> {
  return await runMain(spec.name, async () => {
    const args = await resolveTask(spec, Deno.args, Deno.env.toObject()).catch((error) => {
      throw errorInFlagTerms(spec, error, { bare: false }); // its lines name their flags already
    });
    if (args.help !== undefined) {
      console.log(args.help);
      return 0;
    }
    try {
      return await main(args);
    } catch (error) {
      throw errorInFlagTerms(spec, error);
    }
  });
}
