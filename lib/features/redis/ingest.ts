/**
 * Writes feature rows to Redis as the streaming pipeline does: a snapshot of entities, or a
 * continuous replay of the event stream at a rate (each event updates its card's row).
 *
 * @module
 */

import type { EntityStream, FeatureSet } from "../window_processor.ts";
import { openLean, type RedisConnection, redisFailure } from "./client.ts";
import type { Layout } from "./layouts.ts";
import { EnvironmentError, isUserError } from "../../errors.ts";
import { CommandWriter, type Reply, RespConnection, RespError } from "./resp.ts";
import type { Cluster } from "ioredis";
import { keySlot, slotMap } from "./cluster_slots.ts";

/** Options of the ingest functions. */
export interface IngestOptions {
  /** Key TTL in seconds (0 = none). @default 0 */
  readonly ttlSeconds?: number;
  /** Rows per pipelined batch. @default 1000 */
  readonly batchSize?: number;
  /** Told when a lost connection makes the snapshot be written again (the attempt, why). */
  readonly onRetry?: (attempt: number, why: string) => void;
}

/** A row's field/value pairs as ioredis arguments. */
function flatten(pairs: Array<[Uint8Array, Uint8Array | string]>): (Buffer | string)[] {
  return pairs.flat().map((b) => typeof b === "string" ? b : Buffer.from(b));
}

/**
 * Writes every row of `features`; returns the rows written. A connection lost on the way (a
 * restarted server) writes the snapshot again once the server answers — its writes are
 * idempotent — up to the connection's `retries` times with backoff.
 *
 * @throws {EnvironmentError} when the server cannot be reached or refuses a write. Batches of
 * HSET (and EXPIRE) are written as raw RESP with a lean client, pipelined, and their replies
 * checked; on a cluster, one connection per master with each key routed by its hash slot (a
 * write redirected by a resharding is written again through the cluster client).
 */
export async function ingestSnapshot(
  store: Store,
  features: FeatureSet,
  options: IngestOptions = {},
): Promise<number> {
  return await orWriteError(store.conn, async () => {
    // A server that never answered is not retried: only a connection lost on the way is.
    let targets: Targets | undefined = await openTargets(store.conn);
    for (let attempt = 1;; attempt++) {
      try {
        return await writeSnapshot(store, features, { ...options, targets });
      } catch (error) {
        if (!lostConnection(error) || attempt > store.conn.settings.retries) throw error;
        options.onRetry?.(attempt + 1, redisFailure(error));
        await new Promise((r) => setTimeout(r, Math.min(2000, 250 * 2 ** (attempt - 1))));
        targets = undefined;
      }
    }
  });
}

/**
 * True for a failure of the connection (not an error reply, bad data or a bug), which writing the
 * snapshot again can outlast.
 */
function lostConnection(error: unknown): boolean {
  return !(error instanceof RespError || isUserError(error) || error instanceof TypeError ||
    error instanceof RangeError);
}

/** Where rows go: the connection and the layout they are written in. */
export interface Store {
  readonly conn: RedisConnection;
  readonly layout: Layout;
}

/**
 * Runs a write; a failure to reach or write the server becomes an {@link EnvironmentError}
 * naming it (`cannot write features to Redis host:port/db: …`, without secrets).
 */
async function orWriteError<T>(conn: RedisConnection, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUserError(error)) throw error;
    throw new EnvironmentError(
      `cannot write features to ${conn.where}: ${redisFailure(error)}`,
      { cause: error },
    );
  }
}

async function writeSnapshot(
  { conn, layout }: Store,
  features: FeatureSet,
  options: IngestOptions & { targets?: Targets | undefined },
): Promise<number> {
  const { frame, entityIds, timestamps } = features;
  const batch = options.batchSize ?? 1000, ttl = options.ttlSeconds ?? 0;
  const perRow = ttl > 0 ? 2 : 1;
  const row = new Float64Array(frame.width);
  const encodeRow = (i: number) => {
    for (let j = 0; j < frame.width; j++) row[j] = frame.columns[j]![i]!;
    return layout.encode(entityIds[i]!, timestamps[i]!, row);
  };
  const targets = options.targets ?? await openTargets(conn);
  try {
    const writers = targets.servers.map(() => new CommandWriter());
    let inFlight: Promise<number[][]> | undefined;
    const rewrite = async (moved: number[][]) => {
      // deno-lint-ignore no-explicit-any
      const client = conn.client as any; // the cluster client follows redirections
      await Promise.all(
        moved.flat().flatMap((i) => {
          const key = Buffer.from(layout.key(entityIds[i]!));
          const writes = [client.hset(key, ...flatten(encodeRow(i)))];
          if (ttl > 0) writes.push(client.expire(key, ttl));
          return writes;
        }),
      );
    };
    for (let start = 0; start < frame.rows; start += batch) {
      const end = Math.min(frame.rows, start + batch);
      const rowsOf: number[][] = targets.servers.map(() => []);
      writers.forEach((w) => w.reset());
      for (let i = start; i < end; i++) {
        const key = layout.key(entityIds[i]!), t = targets.route(key);
        const w = writers[t]!, pairs = encodeRow(i);
        w.header(2 + 2 * pairs.length);
        w.arg("HSET");
        w.arg(key);
        for (const [f, v] of pairs) {
          w.arg(f);
          w.arg(v);
        }
        if (ttl > 0) w.command("EXPIRE", key, String(ttl));
        rowsOf[t]!.push(i);
      }
      const sending = Promise.all(targets.servers.map(async (server, t) => {
        const rows = rowsOf[t]!;
        if (!rows.length) return [];
        return movedRows(await server.send(writers[t]!.bytes.slice(), rows.length * perRow), {
          rows,
          perRow,
        });
      }));
      sending.catch(() => {}); // awaited next round; a failure must not go unhandled meanwhile
      if (inFlight) await rewrite(await inFlight);
      inFlight = sending;
    }
    if (inFlight) await rewrite(await inFlight);
  } finally {
    targets.servers.forEach((s) => s.close());
  }
  return frame.rows;
}

/** Lean connections to every server written to, and which one a key goes to. */
interface Targets {
  readonly servers: RespConnection[];
  route(key: Uint8Array): number;
}

/** One connection to the server, or one per cluster master with keys routed by hash slot. */
async function openTargets(conn: RedisConnection): Promise<Targets> {
  if (!conn.client.isCluster) return { servers: [await openLean(conn)], route: () => 0 };
  await conn.client.ping(); // learn the masters (or say that none answers)
  const map = await slotMap(conn.client as Cluster);
  const servers: RespConnection[] = [];
  try {
    for (const m of map.masters) servers.push(await openLean(conn, m));
  } catch (error) {
    servers.forEach((c) => c.close());
    throw error;
  }
  // A slot no master serves goes to the first; its reply (CLUSTERDOWN) fails the write.
  return { servers, route: (key) => Math.max(0, map.owner[keySlot(key)]!) };
}

/**
 * The rows whose write was redirected (MOVED/ASK/TRYAGAIN: the cluster is resharding); any other
 * error reply fails the ingest.
 */
function movedRows(
  replies: Reply[],
  { rows, perRow }: { rows: number[]; perRow: number },
): number[] {
  const moved = new Set<number>();
  replies.forEach((r, k) => {
    if (!(r instanceof RespError)) return;
    if (!/^(MOVED|ASK|TRYAGAIN) /.test(r.message)) throw r;
    moved.add(rows[Math.floor(k / perRow)]!);
  });
  return [...moved];
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

/** Replays `events` in time order at `rate` events/s, writing each event's entity row. */
export async function ingestFollow(
  store: Store,
  events: EntityStream,
  options: FollowOptions,
): Promise<number> {
  return await orWriteError(store.conn, () => replay(store, events, options));
}

async function replay(
  { conn, layout }: Store,
  events: EntityStream,
  options: FollowOptions,
): Promise<number> {
  const n = events.ts.length, limit = Math.min(n, options.maxEvents ?? n);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    events.ts[a]! - events.ts[b]!
  );
  const row = new Float64Array(events.view.features.length);
  const ttl = options.ttlSeconds ?? 0;
  // deno-lint-ignore no-explicit-any
  const client = conn.client as any;
  let done = 0;
  while (done < limit) {
    const t0 = performance.now();
    const writes: Promise<unknown>[] = [];
    const stop = Math.min(limit, done + Math.max(1, Math.round(options.rate)));
    for (; done < stop; done++) {
      const e = order[done]!, entity = events.entity[e]!;
      events.rowAt(events.start[entity]!, e, row);
      const id = events.entityId(entity);
      const key = Buffer.from(layout.key(id));
      writes.push(
        client.hset(
          key,
          ...flatten(layout.encode(id, events.ts[e]!, row)),
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
