/**
 * `deno task setup:python`: creates `.venv` from `requirements-dev.txt` when it is missing or
 * the requirements changed. Fast when current.
 *
 * @module
 */

import { runMain } from "./_main.ts";
import { ensurePythonEnv } from "./_python_env.ts";

await runMain("setup:python", async () => {
  await ensurePythonEnv((line) => console.error(`setup:python: ${line}`));
  return 0;
});
