/**
 * File helpers for tests.
 *
 * @module
 */

import { join } from "node:path";

/** Every file below `dir`, recursively. */
export async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else yield p;
  }
}
