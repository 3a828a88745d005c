/**
 * The model's features for entity ids, read from the online store: each entity's values in the
 * model's feature order, with how many were missing (no field, `null`, or a feature the store's
 * view lacks) and how many present but unreadable (a string where a number belongs) — both scored
 * as missing, both counted. An entity with less than `minPresentShare` of the model's features
 * present and readable is refused, one line naming it and its share ({@link tooFewPresent}).
 *
 * @module
 */

import type { FeatureView } from "../data/feature_spec.ts";
import type { RedisConnection } from "../features/redis/client.ts";
import type { Layout } from "../features/redis/layouts.ts";
import { readOnline } from "../features/redis/online.ts";
import { tooFewPresent } from "./present_share.ts";

/** The online feature store. */
export interface OnlineStore {
  readonly conn: RedisConnection;
  readonly layout: Layout;
  readonly view: FeatureView;
}

/** Entities' features as the model takes them. */
export interface EntityFeatures {
  /** One column per model feature, one row per id (NaN = missing or unreadable). */
  readonly columns: Float64Array[];
  /** Per row: model features with no value. */
  readonly missing: Int32Array;
  /** Per row: model features with a value that could not be read. */
  readonly unreadable: Int32Array;
  /** Ids the store has no row for (nothing else is read when there are any). */
  readonly unknown: readonly string[];
  /** One line per entity under the share: `entity c_1: 1 of 17 features present (0.06 < 0.5)`. */
  readonly refused: readonly string[];
}

/**
 * Reads `ids` for the model's `features`.
 *
 * @throws the client's error when the store cannot be read (the caller answers 503).
 */
export async function entityFeatures(
  store: OnlineStore,
  ids: readonly string[],
  wanted: { readonly features: readonly string[]; readonly minPresentShare: number },
): Promise<EntityFeatures> {
  const got = await readOnline(store.conn, store, ids);
  const n = ids.length, width = wanted.features.length;
  const missing = new Int32Array(n), unreadable = new Int32Array(n);
  if (got.unknown.length) {
    return { columns: [], missing, unreadable, unknown: got.unknown, refused: [] };
  }
  const at = wanted.features.map((f) => store.view.features.findIndex((s) => s.name === f));
  const columns = at.map(() => new Float64Array(n));
  const refused: string[] = [];
  ids.forEach((id, i) => {
    const values = got.rows.get(id)!, bad = got.unreadable.get(id)!;
    at.forEach((k, j) => {
      const v = k < 0 ? NaN : values[k]!;
      columns[j]![i] = v;
      if (k >= 0 && bad[k]) unreadable[i]!++;
      else if (Number.isNaN(v)) missing[i]!++;
    });
    const present = width - missing[i]! - unreadable[i]!;
    const line = tooFewPresent(`entity ${id}`, { present, width }, wanted.minPresentShare);
    if (line) refused.push(line);
  });
  return { columns, missing, unreadable, unknown: [], refused };
}
