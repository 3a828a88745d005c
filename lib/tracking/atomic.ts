/**
 * Atomic file writes: write a temporary file beside the target, then rename it over the target,
 * so a reader never sees a half-written file and a failure leaves no partial file behind.
 *
 * @module
 */

import { dirname } from "node:path";
import { orEnvironmentError } from "../errors.ts";

/**
 * Writes `data` to `path` atomically, creating parent folders.
 *
 * @throws {EnvironmentError} when the path cannot be written (`cannot write "path": reason`).
 * @example Write metrics no reader sees half-written
 * ```ts
 * import { writeFileAtomic } from "./atomic.ts";
 * await writeFileAtomic("out/metrics.json", JSON.stringify({ test_roc_auc: 0.93 }));
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await orEnvironmentError(`cannot write "${path}"`, async () => {
    await Deno.mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    try {
      if (typeof data === "string") await Deno.writeTextFile(tmp, data);
      else await Deno.writeFile(tmp, data);
      await Deno.rename(tmp, path);
    } catch (error) {
      await Deno.remove(tmp).catch(() => {});
      throw error;
    }
  });
}
