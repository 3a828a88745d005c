/**
 * The lock that keeps two monitoring cycles from overlapping: held while a cycle runs, renewed
 * while it works, freed on its own when its holder dies (a Redis key's expiry, a file's OS lock),
 * and carrying a fencing token that grows with every acquisition (so work done under a lock can
 * be ordered and checked).
 *
 * @module
 */

/** A held lock. */
export interface CycleLock {
  /** `redis` or `file`: tokens are comparable within a kind. */
  readonly kind: "redis" | "file";
  /** Who holds it, in words: `host:pid since <time>`. */
  readonly holder: string;
  /** Grows by one with every acquisition of this lock. */
  readonly token: number;
  /** Pushes the expiry a full TTL ahead. @throws {LockLostError} when the lock is no longer ours. */
  renew(): Promise<void>;
  /** True while the lock is still ours (not expired and taken by another cycle). */
  stillHeld(): Promise<boolean>;
  /** Lets go (a no-op when it is no longer ours). */
  release(): Promise<void>;
}

/** Another cycle holds the lock. */
export class LockHeldError extends Error {
  /** The holder as the lock records it. */
  readonly holder: string;

  /**
   * @param where The lock (a file, a Redis key).
   * @param holder Who holds it.
   */
  constructor(where: string, holder: string) {
    super(`another cycle holds the lock ${where}: ${holder}`);
    this.name = "LockHeldError";
    this.holder = holder;
  }
}

/** The lock expired and was taken by another cycle while this one worked. */
export class LockLostError extends Error {
  /** @param where The lock. */
  constructor(where: string) {
    super(`the lock ${where} is no longer held by this cycle (expired and taken)`);
    this.name = "LockLostError";
  }
}

/** This process, as a lock holder: `host:pid since <time>`. */
export function holderName(): string {
  return `${Deno.hostname()}:${Deno.pid} since ${new Date().toISOString()}`;
}

/**
 * Renews `lock` every third of `ttlMs` until the returned function is called (it resolves once a
 * renewal in flight has settled, so a release never races one). A failed renewal is not retried
 * here: `stillHeld` tells the cycle, which checks before it promotes.
 */
export function keepAlive(lock: CycleLock, ttlMs: number): () => Promise<void> {
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = lock.renew().catch(() => {});
  }, Math.max(50, ttlMs / 3));
  Deno.unrefTimer(timer);
  return async () => {
    clearInterval(timer);
    await inFlight;
  };
}
