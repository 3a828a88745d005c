/**
 * One SCAN pass over a Redis server with the lean RESP reader: SCAN pages are pipelined, and the
 * keys found are read with HMGET in batches of `batchSize` keys per round trip (the next SCAN
 * rides along while keys are still short of a batch), decoding overlapped with the next request.
 *
 * @module
 */

import { openLean, type RedisConnection } from "./client.ts";
import type { Layout } from "./layouts.ts";
import { Bulks, CommandWriter, encodeArgs, type Reply, RespError } from "./resp.ts";

/** A master client (its address is read from its options). */
export type Node = ReturnType<RedisConnection["masters"]>[number];

/** What one pass reads and how. */
export interface PassOptions {
  readonly conn: RedisConnection;
  readonly node: Node;
  readonly layout: Layout;
  /** SCAN COUNT hint. */
  readonly scanCount: number;
  /** Keys read per HMGET round trip. */
  readonly batchSize: number;
  /** Receives each batch's keys and their HMGET values (in field order; none: not a hash). */
  readonly accept: (keys: readonly Uint8Array[], values: readonly Bulks[]) => void;
}

/** What a pass met. */
export interface PassStats {
  /** HMGET round trips. */
  requests: number;
  /** Keys matching the pattern that hold no hash (WRONGTYPE): skipped and counted. */
  wrongType: number;
}

/**
 * Runs one complete pass. An error reply to a read (other than WRONGTYPE) fails the pass, so the
 * caller rescans or stops — no row is ever dropped silently. On the wire: the next SCAN page
 * goes out before the HMGETs of the keys in hand, and up to two HMGET batches are in flight, so
 * the server reads the next batch while this one is decoded.
 */
export async function rawPass(o: PassOptions): Promise<PassStats> {
  const resp = await openLean(o.conn, o.node.options as { host?: string; port?: number });
  const stats: PassStats = { requests: 0, wrongType: 0 };
  const inFlight: { keys: Uint8Array[]; replies: Promise<(Bulks | Reply)[]> }[] = [];
  try {
    const tail = encodeArgs(o.layout.fields);
    const w = new CommandWriter();
    const scan = (cursor: string) => {
      w.reset();
      w.command("SCAN", cursor, "MATCH", o.layout.pattern, "COUNT", String(o.scanCount));
      return resp.send(w.bytes.slice(), 1);
    };
    const read = (keys: Uint8Array[]) => {
      w.reset();
      for (const k of keys) {
        w.header(2 + o.layout.fields.length);
        w.arg("HMGET");
        w.arg(k);
        w.raw(tail);
      }
      stats.requests++;
      inFlight.push({ keys, replies: resp.sendBulks(w.bytes.slice(), keys.length) });
    };
    let page: Promise<Reply[]> | undefined = scan("0");
    let pending: Uint8Array[] = [];
    while (page || inFlight.length) {
      if (page) {
        const { cursor, keys } = scanPage((await page)[0]);
        pending = pending.concat(keys);
        page = cursor === "0" ? undefined : scan(cursor);
        // A full batch goes out at once; a short one waits for more keys until the scan is over.
        while (pending.length >= o.batchSize || (!page && pending.length)) {
          read(pending.slice(0, o.batchSize));
          pending = pending.slice(o.batchSize);
        }
      }
      while (inFlight.length > 1 || (!page && inFlight.length)) {
        const { keys, replies } = inFlight.shift()!;
        o.accept(keys, readValues(await replies, stats));
      }
    }
  } finally {
    resp.close();
  }
  return stats;
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

/** HMGET replies as values; WRONGTYPE → no values (counted), any other error throws. */
function readValues(replies: readonly (Bulks | Reply)[], stats: PassStats): Bulks[] {
  return replies.map((r) => {
    if (r instanceof Bulks) return r;
    if (r instanceof RespError && r.message.startsWith("WRONGTYPE")) {
      stats.wrongType++;
      return NONE;
    }
    throw new Error(`HMGET failed: ${r instanceof RespError ? r.message : "unexpected reply"}`);
  });
}

const NONE = new Bulks(new Uint8Array(0), new Int32Array(0));
