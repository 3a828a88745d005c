/**
 * A cycle lock in a file: created exclusively (a hard link of a written file, atomic on POSIX),
 * holding its holder, pid, host, fencing token and expiry. A lock whose expiry has passed, or
 * whose holder process on this host is gone, is stale and taken over.
 *
 * @module
 */

import { dirname } from "node:path";
import { type CycleLock, holderName, LockHeldError, LockLostError } from "./cycle_lock.ts";

interface LockRecord {
  readonly holder: string;
  readonly host: string;
  readonly pid: number;
  readonly token: number;
  readonly expiresAt: number;
}

/**
 * Takes the lock at `path` for `ttlMs` (renewable).
 *
 * @throws {LockHeldError} when a live cycle holds it.
 */
export async function acquireFileLock(path: string, ttlMs: number): Promise<CycleLock> {
  await Deno.mkdir(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await readRecord(path);
    if (found && !isStale(found)) throw new LockHeldError(path, describe(found));
    if (found) await Deno.rename(path, `${path}.stale.${Deno.pid}`).catch(() => {});
    const rec: LockRecord = {
      holder: holderName(),
      host: Deno.hostname(),
      pid: Deno.pid,
      token: await nextToken(path),
      expiresAt: Date.now() + ttlMs,
    };
    const tmp = `${path}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify(rec));
    try {
      await Deno.link(tmp, path);
      return heldLock(path, rec, ttlMs);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    } finally {
      await Deno.remove(tmp).catch(() => {});
      await Deno.remove(`${path}.stale.${Deno.pid}`).catch(() => {});
    }
  }
  const holder = await readRecord(path);
  throw new LockHeldError(path, holder ? describe(holder) : "another cycle (racing)");
}

function heldLock(path: string, rec: LockRecord, ttlMs: number): CycleLock {
  const mine = async () => (await readRecord(path))?.holder === rec.holder;
  return {
    holder: rec.holder,
    token: rec.token,
    async renew() {
      if (!(await mine())) throw new LockLostError(path);
      const tmp = `${path}.${Deno.pid}.renew`;
      await Deno.writeTextFile(tmp, JSON.stringify({ ...rec, expiresAt: Date.now() + ttlMs }));
      await Deno.rename(tmp, path);
    },
    stillHeld: mine,
    async release() {
      if (await mine()) await Deno.remove(path).catch(() => {});
    },
  };
}

async function readRecord(path: string): Promise<LockRecord | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as LockRecord;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    if (error instanceof SyntaxError) return { ...GARBLED, expiresAt: 0 };
    throw error;
  }
}

const GARBLED = { holder: "unreadable lock file", host: "", pid: 0, token: 0 };

/** Expired, or held by a process of this host that no longer exists. */
function isStale(r: LockRecord): boolean {
  if (r.expiresAt <= Date.now()) return true;
  if (r.host !== Deno.hostname()) return false;
  try {
    Deno.statSync(`/proc/${r.pid}`);
    return false;
  } catch {
    return Deno.build.os === "linux";
  }
}

function describe(r: LockRecord): string {
  return `${r.holder} (token ${r.token}, expires ${new Date(r.expiresAt).toISOString()})`;
}

/** The next fencing token, kept beside the lock (`<path>.token`). */
async function nextToken(path: string): Promise<number> {
  const file = `${path}.token`;
  const last = Number(await Deno.readTextFile(file).catch(() => "0")) || 0;
  await Deno.writeTextFile(`${file}.${Deno.pid}`, String(last + 1));
  await Deno.rename(`${file}.${Deno.pid}`, file);
  return last + 1;
}
