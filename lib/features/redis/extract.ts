/**
 * Extraction of feature rows from Redis: SCAN with MATCH and COUNT on every master (never KEYS),
 * pipelined HMGET in batches, typed parsing, a max-age filter, duplicates resolved by the newest
 * timestamp, and bad values counted. If the connection drops mid-scan, the scan of that server
 * restarts from the beginning once reconnected (rows read are kept and deduplicated), so the
 * result is complete and exact; if the server stays away, a clear error.
 *
 * @module
 */

import { Frame } from "../../data/frame.ts";
import { DataError } from "../../errors.ts";
import type { FeatureView } from "../../data/feature_spec.ts";
import type { FeatureSet } from "../window_processor.ts";
import type { RedisConnection } from "./client.ts";
import type { Layout } from "./layouts.ts";
import { type Node, rawPass } from "./_raw_pass.ts";
import { RowStore } from "./_row_store.ts";

/**
 * HMGET of many keys in one call: ARGV = field count, fields, keys. Keys are passed as arguments
 * (undeclared, allowed across slots of this node) so the script also runs on cluster masters.
 */
const HMGET_SCRIPT = "#!lua flags=allow-cross-slot-keys,no-writes\n" +
  "local n = tonumber(ARGV[1])\nlocal out = {}\n" +
  "for i = n + 2, #ARGV do out[#out + 1] = redis.call('HMGET', ARGV[i], unpack(ARGV, 2, n + 1)) end\nreturn out";

/** Options of {@link extractFeatures}. */
export interface ExtractOptions {
  /** SCAN COUNT hint. @default 1000 */
  readonly scanCount?: number;
  /** Keys per pipelined read. @default 1000 */
  readonly batchSize?: number;
  /** Rows older than this (minutes) are dropped; 0 = no limit. @default 0 */
  readonly maxAgeMinutes?: number;
  /** Age is measured from here (epoch ms); default: the newest feature timestamp read. */
  readonly asOf?: number;
  /** Full rescans allowed after connection errors. @default 3 */
  readonly rescans?: number;
  /** Use the lean RESP reader (SCAN + pipelined HMGET); false = ioredis. @default true */
  readonly raw?: boolean;
  /**
   * When a rescan finds fewer rows than were read before it (a server restarted empty, a
   * failover to an empty replica): `"warn"` keeps every row read and reports the shrink,
   * `"error"` stops. @default "warn"
   */
  readonly onRescanShrink?: "warn" | "error";
}

/** A rescan that found rows missing which an earlier, interrupted pass had read. */
export interface RescanShrink {
  /** The server (`host:port`). */
  readonly server: string;
  /** Distinct rows read by the interrupted pass(es). */
  readonly before: number;
  /** Distinct rows the completed rescan read. */
  readonly after: number;
  /** Rows read before that the server no longer holds. */
  readonly missing: number;
}

/** Rows read and what was found along the way. */
export interface Extraction {
  readonly features: FeatureSet;
  /** Present-but-unreadable values per feature (loaded as missing). */
  readonly nonNumeric: Record<string, number>;
  /** Keys read (including duplicates and stale rows). */
  readonly keysRead: number;
  /** Rows dropped as older than the max age. */
  readonly stale: number;
  /** Entities seen more than once (the newest row kept). */
  readonly duplicates: number;
  /** Full rescans after connection errors. */
  readonly rescans: number;
  /** Rescans that found fewer rows than were read before them (kept, reported). */
  readonly rescanShrink: readonly RescanShrink[];
}

/**
 * Reads every row of `view` in `layout`.
 *
 * @throws {DataError} when Redis cannot be reached within the retry budget (no secrets in it), or
 *   a rescan found rows gone under `onRescanShrink: "error"`.
 */
export async function extractFeatures(
  conn: RedisConnection,
  layout: Layout,
  view: FeatureView,
  options: ExtractOptions = {},
): Promise<Extraction> {
  const scanCount = options.scanCount ?? 1000, batch = options.batchSize ?? 1000;
  const nonNumeric: Record<string, number> = {};
  let keysRead = 0, duplicates = 0, rescans = 0;
  const fields = layout.fields.map((f) => Buffer.from(f));

  let useScript = true;
  /** HMGET of every key: one server-side script call per batch (Redis ≥ 7), else a pipeline. */
  const fetch = async (node: Node, keys: Buffer[]): Promise<(Uint8Array | null)[][]> => {
    if (useScript) {
      try {
        // deno-lint-ignore no-explicit-any
        return await (node as any).evalBuffer(
          HMGET_SCRIPT,
          0,
          String(fields.length),
          ...fields,
          ...keys,
        );
      } catch (error) {
        if (!/script|flags|unknown command|NOSCRIPT/i.test(String((error as Error).message))) {
          throw error;
        }
        useScript = false; // an older Redis: fall back to pipelined HMGET
      }
    }
    const pipe = node.pipeline();
    for (const k of keys) pipe.hmgetBuffer(k, ...fields);
    return ((await pipe.exec()) ?? []).map(([err, values]) => {
      if (err) throw err;
      return values as (Uint8Array | null)[];
    });
  };
  const width = view.features.length;
  const store = new RowStore(width);
  const scratch = new Float64Array(width);
  const accept = (
    keys: readonly Uint8Array[],
    results: readonly (readonly (Uint8Array | null)[])[],
  ) => {
    for (let i = 0; i < results.length; i++) {
      const row = layout.decode(keys[i]!, results[i]!, scratch);
      keysRead++;
      if (!row) continue;
      store.push(row.entityId, row.timestamp, row.badMask, scratch);
    }
  };

  const readBatch = async (node: Node, keys: Buffer[]) => accept(keys, await fetch(node, keys));

  if (conn.client.isCluster) await conn.client.ping(); // learn the masters
  const rescanShrink: RescanShrink[] = [];
  for (const node of conn.masters()) {
    const nodeStart = store.size;
    let passStart = nodeStart;
    // ioredis resends commands after a reconnect; a SCAN cursor from before a server restart
    // means nothing afterwards, so any reconnect during a pass makes that pass start over.
    let connects = 0;
    const onReady = () => void connects++;
    node.on("ready", onReady);
    for (let attempt = 0;; attempt++) {
      passStart = store.size;
      let before = connects;
      try {
        if (options.raw !== false) {
          await rawPass(
            conn,
            node,
            layout,
            scanCount,
            batch,
            (keys, values) => accept(keys, values),
          );
          break;
        }
        await node.ping(); // connected (or reconnected) before the pass starts counting
        before = connects;
        let cursor = "0";
        let pending: Buffer[] = [];
        const inFlight: Promise<void>[] = [];
        do {
          const [next, keys] = await node.scanBuffer(
            cursor,
            "MATCH",
            layout.pattern,
            "COUNT",
            scanCount,
          );
          cursor = String(next);
          pending.push(...keys);
          if (pending.length >= batch) {
            const p = readBatch(node, pending);
            p.catch(() => {}); // awaited below; this only keeps it from being unhandled meanwhile
            inFlight.push(p);
            pending = [];
            if (inFlight.length >= 4) await inFlight.shift();
          }
        } while (cursor !== "0");
        if (pending.length) inFlight.push(readBatch(node, pending));
        await Promise.all(inFlight);
        if (connects !== before) {
          throw new Error("the connection was re-established during the scan");
        }
        break;
      } catch (cause) {
        if (attempt >= (options.rescans ?? 3)) {
          node.off("ready", onReady);
          throw new DataError(
            `cannot read features from ${conn.where}: ${(cause as Error).message}`,
            { cause },
          );
        }
        rescans++;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
    node.off("ready", onReady);
    const shrink = compareRescan(store.ids, nodeStart, passStart, nodeName(node, conn));
    if (shrink) rescanShrink.push(shrink);
  }
  if (rescanShrink.length && options.onRescanShrink === "error") {
    throw new DataError(
      rescanShrink.map(describeShrink).join("; ") + ' (data.redis.onRescanShrink is "error")',
    );
  }

  // One row per entity (the newest; SCAN may return a key twice, and rescans re-read keys),
  // found by sorting by entity id — no per-row map on the hot path.
  const ids = store.ids;
  const order = Int32Array.from({ length: store.size }, (_, i) => i);
  order.sort((a, b) =>
    ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : store.ts[b]! - store.ts[a]! || a - b
  );
  const unique: number[] = [];
  for (let k = 0; k < order.length; k++) {
    if (k === 0 || ids[order[k]!] !== ids[order[k - 1]!]) unique.push(order[k]!);
  }
  duplicates = order.length - unique.length;
  let keep = Int32Array.from(unique);
  let stale = 0;
  const maxAge = options.maxAgeMinutes ?? 0;
  if (maxAge > 0) {
    let asOf = options.asOf ?? -Infinity;
    if (options.asOf === undefined) { for (const i of keep) asOf = Math.max(asOf, store.ts[i]!); }
    keep = keep.filter((i) => asOf - store.ts[i]! <= maxAge * 60_000);
    stale = unique.length - keep.length;
  }
  for (const i of keep) {
    const mask = store.bad[i]!;
    if (mask === 0) continue;
    for (let j = 0; j < width; j++) {
      if (mask & (1 << j)) {
        nonNumeric[view.features[j]!.name] = (nonNumeric[view.features[j]!.name] ?? 0) + 1;
      }
    }
  }
  const names = view.features.map((f) => f.name);
  const columns = names.map((_, j) => {
    const src = store.columns[j]!, out = new Float64Array(keep.length);
    for (let k = 0; k < keep.length; k++) out[k] = src[keep[k]!]!;
    return out;
  });
  const timestamps = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) timestamps[k] = store.ts[keep[k]!]!;
  return {
    features: {
      frame: new Frame(names, columns),
      entityIds: Array.from(keep, (i) => ids[i]!),
      timestamps,
    },
    nonNumeric,
    keysRead,
    stale,
    duplicates,
    rescans,
    rescanShrink,
  };
}

/** `host:port` of a master. */
function nodeName(node: Node, conn: RedisConnection): string {
  const o = node.options as { host?: string; port?: number };
  return `${o.host ?? conn.settings.host}:${o.port ?? conn.settings.port}`;
}

/**
 * Rows read by interrupted passes over a server (`ids[from, rescanAt)`) that the completed rescan
 * (`ids[rescanAt, end)`) no longer found; undefined when nothing is missing.
 */
function compareRescan(
  ids: readonly string[],
  from: number,
  rescanAt: number,
  server: string,
): RescanShrink | undefined {
  if (rescanAt === from) return undefined;
  const before = new Set(ids.slice(from, rescanAt)), after = new Set(ids.slice(rescanAt));
  let missing = 0;
  for (const id of before) if (!after.has(id)) missing++;
  return missing ? { server, before: before.size, after: after.size, missing } : undefined;
}

/** One sentence for a shrink (warnings and errors). */
export function describeShrink(s: RescanShrink): string {
  return `Redis ${s.server} holds ${s.after} rows after a rescan, but ${s.before} were read ` +
    `before the connection dropped (${s.missing} of them are gone: restarted empty or failed over?)`;
}
