/**
 * Extraction of feature rows from Redis: SCAN with MATCH and COUNT on every master at once (never
 * KEYS), reads in batches of `batchSize` keys per round trip over the lean RESP reader (one read
 * path, for single servers and cluster masters alike; see `_raw_pass.ts`), typed parsing, a
 * max-age filter, duplicates resolved by the newest timestamp, and unreadable values counted. If
 * a pass fails (the connection dropped, an error reply), the scan of that server starts over
 * (rows read are kept and deduplicated), so the result is complete and exact; if the server
 * stays away, a clear error. A rescan that finds rows gone that were read before is reported
 * (or, asked, an error).
 *
 * @module
 */

import { Frame } from "../../data/frame.ts";
import type { FeatureView } from "../../data/feature_spec.ts";
import { DataError } from "../../errors.ts";
import type { FeatureSet } from "../window_processor.ts";
import { type RedisConnection, redisFailure } from "./client.ts";
import type { Layout } from "./layouts.ts";
import { type Node, type PassStats, rawPass } from "./_raw_pass.ts";
import { gather, RowStore } from "./_row_store.ts";
import { sortedOrder } from "../../util/string_order.ts";

/** Options of {@link extractFeatures}. */
export interface ExtractOptions {
  /** SCAN COUNT hint. @default 1000 */
  readonly scanCount?: number;
  /** Keys read per round trip. @default 1000 */
  readonly batchSize?: number;
  /** Rows older than this (minutes) are dropped; 0 = no limit. @default 0 */
  readonly maxAgeMinutes?: number;
  /** Age is measured from here (epoch ms); default: the newest feature timestamp read. */
  readonly asOf?: number;
  /** Full rescans allowed after a failed pass. @default 3 */
  readonly rescans?: number;
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

/** Unreadable cells (present but not a value of the feature's type), by output row. */
export interface UnreadableCells {
  readonly rows: Int32Array;
  /** Feature index (catalog order) of each cell. */
  readonly features: Int32Array;
}

/** Rows read and what was found along the way. */
export interface Extraction {
  readonly features: FeatureSet;
  /** Present-but-unreadable values per feature (loaded as missing). */
  readonly nonNumeric: Record<string, number>;
  /** The same cells, by row, to recount a sample of the rows. */
  readonly unreadable: UnreadableCells;
  /** Keys read (including duplicates and stale rows). */
  readonly keysRead: number;
  /** Keys matching the view's pattern that hold no hash (skipped). */
  readonly wrongTypeKeys: number;
  /** Keys SCAN found that were gone (deleted or expired) when read: no row. */
  readonly goneKeys: number;
  /** Read round trips. */
  readonly requests: number;
  /** Rows dropped as older than the max age. */
  readonly stale: number;
  /** Entities seen more than once (the newest row kept). */
  readonly duplicates: number;
  /** Full rescans after failed passes. */
  readonly rescans: number;
  /** Rescans that found fewer rows than were read before them (kept, reported). */
  readonly rescanShrink: readonly RescanShrink[];
}

/** What the passes over every master found, besides the rows. */
interface ScanTotals extends PassStats {
  keysRead: number;
  rescans: number;
  readonly shrink: RescanShrink[];
}

/**
 * Reads every row of `view` in `layout`.
 *
 * @throws {DataError} when Redis cannot be read within the rescan budget (no secrets in it), or
 *   a rescan found rows gone under `onRescanShrink: "error"`.
 */
export async function extractFeatures(
  conn: RedisConnection,
  spec: { layout: Layout; view: FeatureView },
  options: ExtractOptions = {},
): Promise<Extraction> {
  const { layout, view } = spec;
  const width = view.features.length;
  const totals: ScanTotals = {
    keysRead: 0,
    rescans: 0,
    requests: 0,
    wrongType: 0,
    gone: 0,
    shrink: [],
  };
  if (conn.client.isCluster) {
    await conn.client.ping().catch((cause) => { // learn the masters
      throw new DataError(`cannot read features from ${conn.where}: ${redisFailure(cause)}`, {
        cause,
      });
    });
  }
  // Every master at once (their rows kept apart for the rescan check, then joined).
  const stores = await Promise.all(
    conn.masters().map(async (node) => {
      const store = new RowStore(width);
      const accept = acceptInto(store, { layout, totals });
      await scanNode({ conn, node, layout, store, accept, options }, totals);
      return store;
    }),
  );
  const store = stores.length === 1 ? stores[0]! : RowStore.concat(stores, width);
  if (totals.shrink.length && options.onRescanShrink === "error") {
    throw new DataError(
      totals.shrink.map(describeShrink).join("; ") + ' (data.redis.onRescanShrink is "error")',
    );
  }
  return assemble(store, view, { ...options, totals });
}

/** Decodes each key read into `store` (keys that hold no hash are counted by the pass). */
function acceptInto(
  store: RowStore,
  { layout, totals }: { layout: Layout; totals: ScanTotals },
): NodeScan["accept"] {
  const width = store.columns.length;
  const row = { values: new Float64Array(width), bad: new Uint8Array(width) };
  return (key, values) => {
    totals.keysRead++;
    if (values.length === 0) return;
    const r = layout.decode(key, values, row);
    if (!r) return;
    store.push(r.entityId, r.timestamp, row.values);
    if (r.badCount) store.markBad(row.bad);
  };
}

/** Everything one server's scan needs. */
interface NodeScan {
  readonly conn: RedisConnection;
  readonly node: Node;
  readonly layout: Layout;
  readonly store: RowStore;
  readonly accept: Parameters<typeof rawPass>[0]["accept"];
  readonly options: ExtractOptions;
}

/** Passes over one server until one completes (rescans with backoff), then checks for a shrink. */
async function scanNode(s: NodeScan, totals: ScanTotals): Promise<void> {
  const { conn, node, layout, store, options } = s;
  const nodeStart = store.size;
  let passStart = nodeStart;
  for (let attempt = 0;; attempt++) {
    passStart = store.size;
    try {
      const stats = await rawPass({
        conn,
        node,
        layout,
        scanCount: options.scanCount ?? 1000,
        batchSize: options.batchSize ?? 1000,
        accept: s.accept,
      });
      totals.requests += stats.requests;
      totals.wrongType += stats.wrongType;
      totals.gone += stats.gone;
      break;
    } catch (cause) {
      if (attempt >= (options.rescans ?? 3)) {
        throw new DataError(`cannot read features from ${conn.where}: ${redisFailure(cause)}`, {
          cause,
        });
      }
      totals.rescans++;
      await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
    }
  }
  const shrink = compareRescan(store.ids, { from: nodeStart, rescanAt: passStart }, nodeName(s));
  if (shrink) totals.shrink.push(shrink);
}

/**
 * One row per entity (the newest — a real timestamp over a missing one, the first read on a tie;
 * SCAN may return a key twice, and rescans re-read keys), in entity-id order, then the max-age
 * filter.
 */
function assemble(
  store: RowStore,
  view: FeatureView,
  options: ExtractOptions & { totals: ScanTotals },
): Extraction {
  const ids = store.ids, ts = store.ts;
  const unique = newestOfEach(store);
  let keep = unique;
  const maxAge = options.maxAgeMinutes ?? 0;
  if (maxAge > 0) {
    let asOf = options.asOf ?? -Infinity;
    if (options.asOf === undefined) { for (const i of keep) asOf = Math.max(asOf, ts[i]!); }
    keep = keep.filter((i) => asOf - ts[i]! <= maxAge * 60_000);
  }
  const names = view.features.map((f) => f.name);
  const columns = store.columnsOf(keep);
  const unreadable = unreadableIn(store, keep);
  const { totals } = options;
  return {
    features: {
      frame: new Frame(names, columns),
      entityIds: pick(ids, keep),
      timestamps: gather(ts, keep),
    },
    nonNumeric: countUnreadable(unreadable, names),
    unreadable,
    keysRead: totals.keysRead,
    wrongTypeKeys: totals.wrongType,
    goneKeys: totals.gone,
    requests: totals.requests,
    stale: unique.length - keep.length,
    duplicates: store.size - unique.length,
    rescans: totals.rescans,
    rescanShrink: totals.shrink,
  };
}

/**
 * The row of each entity, in entity-id order: of rows with the same id (sorted next to each
 * other, in the order read), the newest — a real timestamp over a missing one, the first read
 * on a tie.
 */
function newestOfEach(store: RowStore): Int32Array {
  const { order, repeats } = sortedOrder(store.idPile), ts = store.ts;
  const out = new Int32Array(order.length);
  let n = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (!repeats[k]) out[n++] = i;
    else {
      const j = out[n - 1]!;
      if (ts[i]! > ts[j]! || (Number.isNaN(ts[j]!) && !Number.isNaN(ts[i]!))) out[n - 1] = i;
    }
  }
  return out.slice(0, n);
}

/** `ids[keep[k]]` for every k. */
function pick(ids: readonly string[], keep: Int32Array): string[] {
  const out = new Array<string>(keep.length);
  for (let k = 0; k < keep.length; k++) out[k] = ids[keep[k]!]!;
  return out;
}

/** The store's unreadable cells that fall in kept rows, renumbered to output rows. */
function unreadableIn(store: RowStore, keep: Int32Array): UnreadableCells {
  const at = new Int32Array(store.size).fill(-1);
  keep.forEach((i, k) => (at[i] = k));
  const rows: number[] = [], features: number[] = [];
  for (let c = 0; c < store.badCount; c++) {
    const k = at[store.badRows[c]!]!;
    if (k >= 0) {
      rows.push(k);
      features.push(store.badFeatures[c]!);
    }
  }
  return { rows: Int32Array.from(rows), features: Int32Array.from(features) };
}

/**
 * Unreadable values per feature name; with `rows` (a sample of output rows, ascending), only
 * those rows' cells.
 */
export function countUnreadable(
  cells: UnreadableCells,
  names: readonly string[],
  rows?: Int32Array,
): Record<string, number> {
  const inSample = rows ? new Set(rows) : undefined;
  const out: Record<string, number> = {};
  for (let c = 0; c < cells.rows.length; c++) {
    if (inSample && !inSample.has(cells.rows[c]!)) continue;
    const name = names[cells.features[c]!]!;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/** `host:port` of a master. */
function nodeName(s: { node: Node; conn: RedisConnection }): string {
  const address = s.node.options as { host?: string; port?: number };
  return `${address.host ?? s.conn.settings.host}:${address.port ?? s.conn.settings.port}`;
}

/**
 * Rows read by interrupted passes over a server (`ids[from, rescanAt)`) that the completed rescan
 * (`ids[rescanAt, end)`) no longer found; undefined when nothing is missing.
 */
function compareRescan(
  ids: readonly string[],
  at: { from: number; rescanAt: number },
  server: string,
): RescanShrink | undefined {
  if (at.rescanAt === at.from) return undefined;
  const before = new Set(ids.slice(at.from, at.rescanAt)), after = new Set(ids.slice(at.rescanAt));
  let missing = 0;
  for (const id of before) if (!after.has(id)) missing++;
  return missing ? { server, before: before.size, after: after.size, missing } : undefined;
}

/** One sentence for a shrink (warnings and errors). */
export function describeShrink(s: RescanShrink): string {
  return `Redis ${s.server} holds ${s.after} rows after a rescan, but ${s.before} were read ` +
    `before the connection dropped (${s.missing} of them are gone: restarted empty or failed over?)`;
}
