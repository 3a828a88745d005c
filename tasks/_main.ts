/**
 * The one top-level catch of every task: a user error (bad config, bad data, bad model file)
 * prints its lines and exits 2; anything else prints its stack and exits 1.
 *
 * @module
 */

import { ConfigError, isUserError } from "../lib/errors.ts";

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
    if (isUserError(error)) {
      console.error(`${name}: ${error.message}`);
      Deno.exit(2);
    }
    console.error(error instanceof Error ? error.stack ?? String(error) : String(error));
    Deno.exit(1);
  }
}
