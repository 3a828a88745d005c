/**
 * Online reads for serving: the feature rows of given entity ids, one HMGET per entity in the
 * configured layout, pipelined in one round trip. Entities with no row are reported by id; values
 * present but unreadable (a string where a number belongs) are flagged per row, so the caller can
 * tell them from missing ones.
 *
 * @module
 */

import type { FeatureView } from "../../data/feature_spec.ts";
import type { RedisConnection } from "./client.ts";
import type { Layout } from "./layouts.ts";
import { Bulks } from "./resp.ts";

/** The rows found (values in view order, NaN = missing or unreadable) and the ids with no row. */
export interface OnlineRows {
  readonly rows: ReadonlyMap<string, Float64Array>;
  /** Per row found, in view order: 1 where the value was present but unreadable (NaN in `rows`). */
  readonly unreadable: ReadonlyMap<string, Uint8Array>;
  readonly unknown: readonly string[];
}

/**
 * Reads the rows of `ids`.
 *
 * @throws the client's error when Redis cannot be reached (the caller answers 503).
 */
export async function readOnline(
  conn: RedisConnection,
  spec: { layout: Layout; view: FeatureView },
  ids: readonly string[],
): Promise<OnlineRows> {
  const { layout, view } = spec;
  const width = view.features.length;
  // deno-lint-ignore no-explicit-any
  const client = conn.client as any;
  const fields = fieldBuffers(layout);
  const keys = ids.map((id) => layout.key(id));
  const replies: (Uint8Array | null)[][] = await Promise.all(
    keys.map((key) =>
      client.hmgetBuffer(Buffer.from(key.buffer, key.byteOffset, key.length), ...fields)
    ),
  );
  const rows = new Map<string, Float64Array>(), unreadable = new Map<string, Uint8Array>();
  const unknown: string[] = [];
  ids.forEach((id, i) => {
    const out = { values: new Float64Array(width), bad: new Uint8Array(width) };
    const got = replies[i]!.every((v) => v === null)
      ? undefined
      : layout.decode(keys[i]!, Bulks.of(replies[i]!), out);
    if (got) {
      rows.set(id, out.values);
      unreadable.set(id, out.bad);
    } else unknown.push(id);
  });
  return { rows, unreadable, unknown };
}

const FIELDS = new WeakMap<Layout, Buffer[]>();

/** The layout's HMGET fields as Buffers, made once. */
function fieldBuffers(layout: Layout): Buffer[] {
  let b = FIELDS.get(layout);
  if (!b) FIELDS.set(layout, b = layout.fields.map((f) => Buffer.from(f)));
  return b;
}
