/**
 * Artifacts in a local folder (the file store's and the SQLite store's): atomic writes that cannot
 * escape the run's artifact root, reads and listings.
 *
 * @module
 */

import { join, relative, resolve } from "node:path";
import { NotFoundError, orEnvironmentError } from "../errors.ts";
import { fromFileUrl } from "./_paths.ts";
import { writeFileAtomic } from "./atomic.ts";

/** An artifact URI as a local folder (`file://` URLs and plain paths). */
export function localRoot(artifactUri: string): string {
  return artifactUri.startsWith("file:") ? fromFileUrl(artifactUri) : resolve(artifactUri);
}

/** `root/path`, refusing a path that escapes `root`. */
function inside(root: string, path: string): string {
  const full = resolve(root, path);
  if (full !== resolve(root) && !full.startsWith(resolve(root) + "/")) {
    throw new RangeError(`Artifact path escapes the artifacts folder: ${path}`);
  }
  return full;
}

/** Writes an artifact atomically. */
export async function writeLocalArtifact(
  root: string,
  path: string,
  data: string | Uint8Array,
): Promise<void> {
  await writeFileAtomic(inside(root, path), data);
}

/** An artifact's bytes. */
export async function readLocalArtifact(root: string, path: string): Promise<Uint8Array> {
  const full = inside(root, path);
  try {
    return await Deno.readFile(full);
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) {
      throw new NotFoundError(`no artifact "${path}" at ${root}`, { cause });
    }
    return await orEnvironmentError(`cannot read artifact "${full}"`, () => Promise.reject(cause));
  }
}

/** Every artifact path below `root`, relative to it. */
export async function listLocalArtifacts(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (!e.name.endsWith(".tmp")) out.push(relative(root, p));
    }
  };
  await walk(root).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  return out.sort();
}
