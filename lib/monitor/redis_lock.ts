/**
 * A cycle lock in Redis (when Redis is the feature source): `SET key value NX PX ttl`, with the
 * fencing token from `INCR key:token`; renewal and release check the value first (a Lua script),
 * so a cycle never extends or frees a lock that expired and went to another.
 *
 * @module
 */

import { EnvironmentError } from "../errors.ts";
import { type RedisConnection, redisFailure } from "../features/redis/client.ts";
import { type CycleLock, holderName, LockHeldError, LockLostError } from "./cycle_lock.ts";

const RENEW = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1]) else return 0 end`;

/** The lock key of a registered model's cycles. */
export function redisLockKey(modelName: string): string {
  return `monitor:lock:${modelName}`;
}

/**
 * Takes the lock `key` for `ttlMs` (renewable).
 *
 * @throws {LockHeldError} when another cycle holds it.
 * @throws {EnvironmentError} when Redis cannot be reached.
 */
export async function acquireRedisLock(
  redis: RedisConnection,
  key: string,
  ttlMs: number,
): Promise<CycleLock> {
  const c = redis.client;
  const reach = <T>(call: Promise<T>) =>
    call.catch((cause) => {
      throw new EnvironmentError(
        `cannot take the cycle lock ${key} on ${redis.where}: ${redisFailure(cause)}`,
        { cause },
      );
    });
  const token = await reach(c.incr(`${key}:token`));
  const holder = holderName();
  const value = `${token}|${holder}`;
  const ok = await reach(c.set(key, value, "PX", ttlMs, "NX"));
  if (ok !== "OK") {
    const held = await reach(c.get(key));
    const [t, who] = (held ?? "0|gone just now").split(/\|(.*)/s);
    const ttl = await reach(c.pttl(key));
    throw new LockHeldError(
      `${key} on ${redis.where}`,
      `${who} (token ${t}, expires in ${Math.max(0, ttl) / 1000} s)`,
    );
  }
  const where = `${key} on ${redis.where}`;
  return {
    kind: "redis",
    holder,
    token,
    async renew() {
      if (Number(await c.eval(RENEW, 1, key, value, String(ttlMs))) !== 1) {
        throw new LockLostError(where);
      }
    },
    stillHeld: async () => {
      const now = await c.get(key).catch((cause) => {
        // Unknown is not held: a cycle that cannot check its lock does not promote.
        throw new EnvironmentError(
          `cannot check the cycle lock ${where}: ${redisFailure(cause)}; nothing was promoted`,
          { cause },
        );
      });
      return now === value;
    },
    async release() {
      await c.eval(RELEASE, 1, key, value);
    },
  };
}
