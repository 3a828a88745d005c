/**
 * One SCAN pass over a Redis server with the lean RESP reader, on two connections: one walks the
 * SCAN cursor ahead, the other reads the keys found in batches of `batchSize` per round trip
 * (HGETALL when a key holds the view's row alone, else HMGET of its fields), with several batches
 * in flight, so the server always has the next batch queued while this one is decoded.
 *
 * @module
 */

import { FieldIndex } from "./_field_index.ts";
import { KeyQueue } from "./_key_queue.ts";
import { openLean, type RedisConnection } from "./client.ts";
import type { Layout } from "./layouts.ts";
import {
  Bulks,
  CommandWriter,
  encodeArgs,
  type Reply,
  type RespConnection,
  RespError,
} from "./resp.ts";

/** A master client (its address is read from its options). */
export type Node = ReturnType<RedisConnection["masters"]>[number];

/** What one pass reads and how. */
export interface PassOptions {
  readonly conn: RedisConnection;
  readonly node: Node;
  readonly layout: Layout;
  /** SCAN COUNT hint. */
  readonly scanCount: number;
  /** Keys read per round trip. */
  readonly batchSize: number;
  /**
   * Receives each key read and its values (in field order; none: not a hash, or gone), as soon
   * as they are read; the values are valid during the call only.
   */
  readonly accept: (key: Uint8Array, values: Bulks) => void;
}

/** What a pass met. */
export interface PassStats {
  /** Read round trips. */
  requests: number;
  /** Keys matching the pattern that hold no hash (WRONGTYPE): skipped and counted. */
  wrongType: number;
  /** Keys read whole that were gone (deleted or expired since SCAN found them): counted. */
  gone: number;
}

/** Batches of reads in flight at once on the reading connection. */
const IN_FLIGHT = 4;

/**
 * Runs one complete pass. An error reply to a read (other than WRONGTYPE), or a failed SCAN,
 * fails the pass, so the caller rescans or stops — no row is ever dropped silently.
 */
export async function rawPass(pass: PassOptions): Promise<PassStats> {
  const at = pass.node.options as { host?: string; port?: number };
  const opened = await Promise.allSettled([
    openLean(pass.conn, at),
    openLean(pass.conn, at, { transient: true }),
  ]);
  const conns = opened.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const keys = new KeyQueue(IN_FLIGHT * pass.batchSize + pass.scanCount);
  let scanning: Promise<void> = Promise.resolve();
  try {
    for (const r of opened) if (r.status === "rejected") throw r.reason;
    scanning = scanKeys(conns[0]!, pass, keys);
    return await readKeys(conns[1]!, pass, keys);
  } finally {
    keys.stop();
    for (const c of conns) c.close(); // a scan still waiting on the server fails into `keys`
    await scanning;
  }
}

/** Walks the SCAN cursor to its end, handing each page's keys to `keys` (never rejects). */
async function scanKeys(conn: RespConnection, pass: PassOptions, keys: KeyQueue): Promise<void> {
  const w = new CommandWriter();
  try {
    for (let cursor = "0"; !keys.stopped;) {
      await keys.room();
      if (keys.stopped) return;
      w.reset();
      w.command("SCAN", cursor, "MATCH", pass.layout.pattern, "COUNT", String(pass.scanCount));
      const page = scanPage((await conn.send(w.bytes.slice(), 1))[0]);
      cursor = page.cursor;
      keys.add(page.keys, cursor === "0");
      if (cursor === "0") return;
    }
  } catch (e) {
    keys.fail(e);
  }
}

/**
 * Reads the scanned keys' values batch by batch, up to {@link IN_FLIGHT} batches ahead, each
 * reply decoded as soon as it is read.
 */
async function readKeys(
  conn: RespConnection,
  pass: PassOptions,
  keys: KeyQueue,
): Promise<PassStats> {
  const stats: PassStats = { requests: 0, wrongType: 0, gone: 0 };
  const whole = pass.layout.wholeHash ? new FieldIndex(pass.layout.fields) : undefined;
  const tail = encodeArgs(pass.layout.fields), w = new CommandWriter();
  const command = whole ? "HGETALL" : "HMGET";
  const inFlight: Promise<void>[] = [];
  for (;;) {
    if (keys.error !== undefined) throw keys.error;
    while (inFlight.length < IN_FLIGHT && keys.ready(pass.batchSize)) {
      const batch = keys.take(pass.batchSize);
      w.reset();
      for (const k of batch) {
        w.header(whole ? 2 : 2 + pass.layout.fields.length);
        w.arg(command);
        w.arg(k);
        if (!whole) w.raw(tail);
      }
      stats.requests++;
      const each = (r: Bulks | Reply, k: number) =>
        pass.accept(batch[k]!, values(r, { stats, command }));
      inFlight.push(conn.sendEach(w.bytes.slice(), { count: batch.length, each, fields: whole }));
    }
    if (inFlight.length) await inFlight.shift();
    else if (keys.done) return stats;
    else await keys.more();
  }
}

function scanPage(reply: Reply | undefined): { cursor: string; keys: Uint8Array[] } {
  if (!Array.isArray(reply)) {
    throw new Error(
      reply instanceof RespError ? `SCAN failed: ${reply.message}` : "bad SCAN reply",
    );
  }
  return {
    cursor: String.fromCharCode(...(reply[0] as Uint8Array)),
    keys: reply[1] as Uint8Array[],
  };
}

/**
 * A reply as values; WRONGTYPE → no values (counted), an empty hash → no values (a key gone,
 * counted), any other error throws.
 */
function values(
  r: Bulks | Reply,
  { stats, command }: { stats: PassStats; command: string },
): Bulks {
  if (r instanceof Bulks) {
    if (r.length === 0) stats.gone++; // HGETALL of a key no more (HMGET gives nulls instead)
    return r;
  }
  if (r instanceof RespError && r.message.startsWith("WRONGTYPE")) {
    stats.wrongType++;
    return NONE;
  }
  throw new Error(
    `${command} failed: ${r instanceof RespError ? r.message : "unexpected reply"}`,
  );
}

const NONE = new Bulks(new Uint8Array(0), new Int32Array(0));
