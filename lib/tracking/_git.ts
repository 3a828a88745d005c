/**
 * The git commit of a working folder, read from `.git` itself (no git binary needed), for the
 * `mlflow.source.git.commit` tag.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";

/** The commit HEAD points at in the repository holding `dir`, or undefined outside one. */
export function gitCommit(dir = "."): string | undefined {
  for (let d = resolve(dir);; d = dirname(d)) {
    const git = join(d, ".git");
    const head = read(join(git, "HEAD"));
    if (head !== undefined) return resolveHead(git, head);
    if (dirname(d) === d) return undefined;
  }
}

function resolveHead(git: string, head: string): string | undefined {
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
  const loose = read(join(git, ref));
  if (loose && /^[0-9a-f]{40}$/.test(loose)) return loose;
  const packed = read(join(git, "packed-refs")) ?? "";
  return packed.split("\n").map((l) => l.split(" ")).find(([, name]) => name === ref)?.[0];
}

function read(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path).trim();
  } catch {
    return undefined;
  }
}
