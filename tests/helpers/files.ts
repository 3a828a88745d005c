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

/**
 * A folder nothing can be written in, even by root, holding what `fill` put there first: a
 * read-only bind mount of itself when running as root (permission bits do not stop root), else
 * mode 0555. `release` undoes it. Undefined where neither can be made (root without the right to
 * mount).
 */
export async function readOnlyDir(
  fill: (path: string) => Promise<void> = async () => {},
): Promise<{ path: string; release(): Promise<void> } | undefined> {
  const path = await Deno.makeTempDir();
  await fill(path);
  const run = async (args: string[]) =>
    (await new Deno.Command(args[0]!, { args: args.slice(1), stdout: "null", stderr: "null" })
      .output()).success;
  const remove = () => Deno.remove(path, { recursive: true }).catch(() => {});
  if (Deno.uid() !== 0) {
    await Deno.chmod(path, 0o555);
    return { path, release: async () => (await Deno.chmod(path, 0o755), await remove()) };
  }
  const mounted = await run(["mount", "--bind", path, path]) &&
    await run(["mount", "-o", "remount,ro,bind", path]);
  if (!mounted) {
    await run(["umount", path]);
    await remove();
    return undefined;
  }
  return { path, release: async () => (await run(["umount", path]), await remove()) };
}
