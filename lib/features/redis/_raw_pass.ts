/**
 * One SCAN pass over a Redis server with the lean RESP reader.
 *
 * @module
 */

import type { RedisConnection } from "./client.ts";
import type { Layout } from "./layouts.ts";
import { CommandWriter, encodeArgs, RespConnection } from "./resp.ts";

/** A master client (its address is read from its options). */
export type Node = ReturnType<RedisConnection["masters"]>[number];

/**
 * One SCAN pass over a server with the lean RESP reader: each round trip sends the HMGETs of the
 * previous page together with the next SCAN.
 */
export async function rawPass(
  conn: RedisConnection,
  node: Node,
  layout: Layout,
  scanCount: number,
  batch: number,
  accept: (
    keys: readonly Uint8Array[],
    values: readonly (readonly (Uint8Array | null)[])[],
  ) => void,
): Promise<void> {
  void batch;
  const s = conn.settings;
  const opts = node.options as { host?: string; port?: number };
  const resp = await RespConnection.open({
    host: opts.host ?? s.host,
    port: opts.port ?? s.port,
    tls: s.tls,
    ...(s.password !== undefined ? { password: s.password } : {}),
    db: conn.client.isCluster ? 0 : s.db,
    timeoutMs: s.connectTimeoutMs,
  });
  try {
    const tail = encodeArgs(layout.fields);
    const w = new CommandWriter();
    let cursor = "0";
    /** Sends the HMGETs of `keys` (and the next SCAN unless the scan is over). */
    const request = (keys: readonly Uint8Array[], scanNext: boolean) => {
      w.reset();
      for (const k of keys) {
        w.header(2 + layout.fields.length);
        w.arg("HMGET");
        w.arg(k);
        w.raw(tail);
      }
      if (scanNext) w.command("SCAN", cursor, "MATCH", layout.pattern, "COUNT", String(scanCount));
      return resp.send(w.bytes.slice(), keys.length + (scanNext ? 1 : 0));
    };
    // Round trip k+1 is on the wire while the rows of round trip k are decoded.
    let keys: readonly Uint8Array[] = [];
    let inFlight = request(keys, true);
    let scanning = true;
    while (true) {
      const replies = await inFlight;
      const sent = keys;
      let next: Uint8Array[] = [];
      if (scanning) {
        const scan = replies[replies.length - 1];
        if (!Array.isArray(scan)) {
          throw new Error(scan instanceof Error ? scan.message : "bad SCAN reply");
        }
        cursor = String.fromCharCode(...(scan[0] as Uint8Array));
        next = scan[1] as Uint8Array[];
        scanning = cursor !== "0";
      }
      const more = scanning || next.length > 0;
      if (more) {
        keys = next;
        inFlight = request(next, scanning);
      }
      accept(
        sent,
        replies.slice(0, sent.length).map((
          r,
        ) => (Array.isArray(r) ? (r as (Uint8Array | null)[]) : [])),
      );
      if (!more) break;
    }
  } finally {
    resp.close();
  }
}
