/**
 * A cycle lock in a file, held as an exclusive OS lock (`flock`) on it: the kernel releases it
 * when the holding process exits or dies, so a crashed cycle never blocks the next one, and two
 * processes (or containers sharing a local volume) cannot both hold it. The file records who
 * holds it (host, pid, since) and the last fencing token, which grows by one per acquisition.
 * Unlike the Redis lock it does not expire: a cycle that hangs alive holds it (the scheduler's
 * `/healthz` reports a stuck cycle).
 *
 * @module
 */

import { dirname } from "node:path";
import { type CycleLock, holderName, LockHeldError, LockLostError } from "./cycle_lock.ts";

interface LockRecord {
  readonly holder: string;
  readonly token: number;
  readonly renewedAt?: string;
}

/**
 * Takes the lock at `path` (the file is created when missing).
 *
 * @throws {LockHeldError} when another process holds it.
 */
export async function acquireFileLock(path: string): Promise<CycleLock> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const file = await Deno.open(path, { create: true, read: true, write: true });
  try {
    if (!(await file.tryLock(true))) {
      // The holder writes its name right after taking the lock: give it a moment to appear.
      let found = await readRecord(path);
      for (let i = 0; i < 40 && !found?.holder; i++) {
        await new Promise((r) => setTimeout(r, 25));
        found = await readRecord(path);
      }
      throw new LockHeldError(path, found?.holder ? describe(found) : "another cycle (starting)");
    }
    const token = ((await readRecord(path))?.token ?? 0) + 1;
    const holder = holderName();
    await write(file, { holder, token, renewedAt: new Date().toISOString() });
    return heldLock(path, file, { holder, token });
  } catch (error) {
    file.close();
    throw error;
  }
}

function heldLock(
  path: string,
  file: Deno.FsFile,
  me: { holder: string; token: number },
): CycleLock {
  let open = true;
  let chain: Promise<unknown> = Promise.resolve();
  /** Ours while the fd is open and the path still names the file we locked (not deleted/replaced). */
  const mine = async () => {
    if (!open) return false;
    const [a, b] = [await file.stat(), await Deno.stat(path).catch(() => undefined)];
    return b !== undefined && a.ino === b.ino && a.dev === b.dev;
  };
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const next = chain.then(op);
    chain = next.catch(() => {});
    return next;
  };
  return {
    kind: "file",
    ...me,
    renew: () =>
      serial(async () => {
        if (!(await mine())) throw new LockLostError(path);
        await write(file, { ...me, renewedAt: new Date().toISOString() });
      }),
    stillHeld: () => serial(mine),
    release: () =>
      serial(async () => {
        if (!open) return;
        open = false;
        if (await Deno.stat(path).then((s) => s.ino, () => -1) === (await file.stat()).ino) {
          await write(file, { holder: "", token: me.token }); // keeps the token for the next holder
        }
        await file.unlock().catch(() => {});
        file.close();
      }),
  };
}

async function write(file: Deno.FsFile, record: LockRecord): Promise<void> {
  const bytes = new TextEncoder().encode(JSON.stringify(record) + "\n");
  await file.truncate(0);
  await file.seek(0, Deno.SeekMode.Start);
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}

async function readRecord(path: string): Promise<LockRecord | undefined> {
  const text = await Deno.readTextFile(path).catch(() => "");
  try {
    return JSON.parse(text) as LockRecord;
  } catch {
    return undefined; // empty (new) or being written
  }
}

function describe(r: LockRecord): string {
  return `${r.holder} (token ${r.token}${r.renewedAt ? `, renewed ${r.renewedAt}` : ""})`;
}
