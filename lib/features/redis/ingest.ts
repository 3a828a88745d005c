/**
 * Writes feature rows to Redis as the streaming pipeline does: a snapshot of entities, or a
 * continuous replay of the event stream at a rate (each event updates its card's row).
 *
 * @module
 */

import type { FeatureSet } from "../window_processor.ts";
import { featuresAtEvent } from "../window_processor.ts";
import { cardEntityId } from "../window_processor.ts";
import type { TransactionEvents } from "../transactions.ts";
import type { RedisConnection } from "./client.ts";
import type { Layout } from "./layouts.ts";

/** Options of the ingest functions. */
export interface IngestOptions {
  /** Key TTL in seconds (0 = none). @default 0 */
  readonly ttlSeconds?: number;
  /** Rows per pipelined batch. @default 1000 */
  readonly batchSize?: number;
}

function flatten(pairs: Array<[Uint8Array, Uint8Array]>): Uint8Array[] {
  return pairs.flat();
}

/** HSET (and EXPIRE when ttl > 0) of many keys: ARGV = pairs per key, ttl, key count, keys, pairs. */
const HSET_SCRIPT = "#!lua flags=allow-cross-slot-keys\n" +
  "local n, ttl, m = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])\nlocal o = 4 + m\n" +
  "for i = 4, 3 + m do\n" +
  "  redis.call('HSET', ARGV[i], unpack(ARGV, o, o + 2 * n - 1))\n" +
  "  if ttl > 0 then redis.call('EXPIRE', ARGV[i], ttl) end\n" +
  "  o = o + 2 * n\n" +
  "end\nreturn m";

/**
 * Writes every row of `features`; returns the rows written. On one server, a batch is one
 * server-side script call; on a cluster, auto-pipelined HSETs routed per node.
 */
export async function ingestSnapshot(
  conn: RedisConnection,
  layout: Layout,
  features: FeatureSet,
  options: IngestOptions = {},
): Promise<number> {
  const { frame, entityIds, timestamps } = features;
  const batch = options.batchSize ?? 1000, ttl = options.ttlSeconds ?? 0;
  const row = new Float64Array(frame.width);
  const single = !conn.client.isCluster;
  // deno-lint-ignore no-explicit-any
  const client = conn.client as any;
  const inFlight: Promise<unknown>[] = [];
  for (let start = 0; start < frame.rows; start += batch) {
    const end = Math.min(frame.rows, start + batch);
    const keys: Buffer[] = [];
    const args: Buffer[] = [];
    let pairs = 0;
    for (let i = start; i < end; i++) {
      for (let j = 0; j < frame.width; j++) row[j] = frame.columns[j]![i]!;
      const encoded = layout.encode(entityIds[i]!, timestamps[i]!, row);
      pairs = encoded.length;
      keys.push(Buffer.from(layout.key(entityIds[i]!)));
      for (const b of flatten(encoded)) args.push(Buffer.from(b));
    }
    if (single) {
      const p = client.evalBuffer(
        HSET_SCRIPT,
        0,
        String(pairs),
        String(ttl),
        String(keys.length),
        ...keys,
        ...args,
      );
      p.catch(() => {}); // awaited below
      inFlight.push(p);
      if (inFlight.length >= 4) await inFlight.shift();
    } else {
      const writes: Promise<unknown>[] = [];
      keys.forEach((k, r) => {
        writes.push(client.hset(k, ...args.slice(r * 2 * pairs, (r + 1) * 2 * pairs)));
        if (ttl > 0) writes.push(client.expire(k, ttl));
      });
      await Promise.all(writes); // auto-pipelined per node
    }
  }
  await Promise.all(inFlight);
  return frame.rows;
}

/** Options of {@link ingestFollow}. */
export interface FollowOptions extends IngestOptions {
  /** Events per second. */
  readonly rate: number;
  /** Stop after this many events (default: all). */
  readonly maxEvents?: number;
  /** Called after each second's batch. */
  readonly onProgress?: (events: number) => void;
}

/** Replays `events` in time order at `rate` events/s, writing each event's card row. */
export async function ingestFollow(
  conn: RedisConnection,
  layout: Layout,
  events: TransactionEvents,
  options: FollowOptions,
): Promise<number> {
  const n = events.ts.length, limit = Math.min(n, options.maxEvents ?? n);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    events.ts[a]! - events.ts[b]!
  );
  const row = new Float64Array(17);
  const ttl = options.ttlSeconds ?? 0;
  // deno-lint-ignore no-explicit-any
  const client = conn.client as any;
  let done = 0;
  while (done < limit) {
    const t0 = performance.now();
    const writes: Promise<unknown>[] = [];
    const stop = Math.min(limit, done + Math.max(1, Math.round(options.rate)));
    for (; done < stop; done++) {
      const e = order[done]!, card = events.card[e]!;
      featuresAtEvent(events, events.cardStart[card]!, e, row);
      const id = cardEntityId(card);
      const key = Buffer.from(layout.key(id));
      writes.push(
        client.hset(
          key,
          ...flatten(layout.encode(id, events.ts[e]!, row)).map((b) => Buffer.from(b)),
        ),
      );
      if (ttl > 0) writes.push(client.expire(key, ttl));
    }
    await Promise.all(writes);
    options.onProgress?.(done);
    const wait = 1000 - (performance.now() - t0);
    if (done < limit && wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return done;
}
