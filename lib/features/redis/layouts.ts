/**
 * The two Redis layouts of feature rows:
 * - `hash` (the streaming pipeline's): key `features:{entity_type}:{entity_id}:{view}`, a hash of
 *   feature name → string (`"true"`/`"false"` for booleans, `"null"` for missing, numbers as
 *   decimal strings) plus `entity_id`, `entity_type` and `feature_timestamp` (epoch ms);
 * - `feast` (Feast's Redis online store): key = serialized entity key + project, fields =
 *   murmur3 of `"{view}:{feature}"` → serialized `feast.types.Value`, `_ts:{view}` → Timestamp.
 *
 * @module
 */

import type { FeatureSpec, FeatureView } from "../../data/feature_spec.ts";
import {
  decodeTimestamp,
  decodeValue,
  encodeTimestamp,
  encodeValue,
  entityIdFromKey,
  type FeastValueKind,
  serializeEntityKey,
} from "./feast_codec.ts";
import { feastFieldKey } from "./murmur3.ts";
import { fastDecimal } from "./_ascii_number.ts";
import type { Bulks } from "./resp.ts";

/** A decoded row's identity; its values are written into the caller's buffers. */
export interface DecodedRow {
  readonly entityId: string;
  readonly timestamp: number;
  /** How many features were present but unreadable (flagged 1 in the `bad` buffer). */
  readonly badCount: number;
}

/** Per-row buffers `decode` writes into (one slot per feature, reused across rows). */
export interface RowBuffers {
  /** Feature values in catalog order (NaN = missing or unreadable). */
  readonly values: Float64Array;
  /** 1 where the value was present but unreadable (a string, an unknown boolean), else 0. */
  readonly bad: Uint8Array;
}

/** How rows are keyed and encoded. */
export interface Layout {
  readonly name: "hash" | "feast";
  /** SCAN MATCH pattern for this view's keys. */
  readonly pattern: string;
  /** The key of an entity. */
  key(entityId: string): Uint8Array;
  /** The fields read, in a fixed order (`decode` takes values in this order). */
  readonly fields: readonly Uint8Array[];
  /**
   * Whether a key holds this view's row and nothing else, so that extraction reads the hash
   * whole (HGETALL: less work for the server than naming every field) rather than its fields.
   */
  readonly wholeHash: boolean;
  /** Field → value pairs to write for a row (a string value is written as UTF-8). */
  encode(
    entityId: string,
    timestamp: number,
    values: ArrayLike<number>,
  ): Array<[Uint8Array, Uint8Array | string]>;
  /**
   * Decodes a row from its key and values (in {@link fields} order; absent = field
   * absent) into `out`; undefined when the key holds no row of this view.
   */
  decode(key: Uint8Array, values: Bulks, out: RowBuffers): DecodedRow | undefined;
}

const enc = new TextEncoder(), dec = new TextDecoder();

/** Short ASCII bytes as a string (faster than TextDecoder for the numbers in hash fields). */
function ascii(b: Uint8Array): string {
  return b.length <= 64 ? String.fromCharCode.apply(null, b as unknown as number[]) : dec.decode(b);
}

/** The Feast Value field each feature is written to. */
export function feastKind(spec: FeatureSpec): FeastValueKind {
  if (spec.kind === "boolean") return "bool_val";
  return spec.integer ? "int64_val" : "double_val";
}

/** Whether `b[from, to)` is the bytes `null`. */
function isNull(b: Uint8Array, from: number, to: number): boolean {
  return to - from === 4 && b[from] === 110 && b[from + 1] === 117 && b[from + 2] === 108 &&
    b[from + 3] === 108;
}

/** `true`/`1` → 1, `false`/`0` → 0, from the bytes `b[from, to)`; undefined for anything else. */
function fastBoolean(b: Uint8Array, from: number, to: number): number | undefined {
  const n = to - from, c = b[from];
  if (n === 1) return c === 49 ? 1 : c === 48 ? 0 : undefined;
  if (n === 4 && c === 116 && b[from + 1] === 114 && b[from + 2] === 117 && b[from + 3] === 101) {
    return 1;
  }
  if (n === 5 && c === 102 && b[from + 1] === 97 && b[from + 2] === 108) {
    return b[from + 3] === 115 && b[from + 4] === 101 ? 0 : undefined;
  }
  return undefined;
}

/** UTF-8 bytes as a string (ASCII without a decoder call). */
function utf8(b: Uint8Array): string {
  if (b.length > 64) return dec.decode(b);
  for (let i = 0; i < b.length; i++) if (b[i]! > 127) return dec.decode(b);
  return String.fromCharCode.apply(null, b as unknown as number[]);
}

/** A hash-layout value's text: NaN when missing, a number, 1/0 for a boolean, undefined when unreadable. */
function hashText(raw: string, boolean: boolean): number | undefined {
  const text = raw.trim();
  if (text === "null" || text === "") return NaN;
  if (boolean) {
    if (text === "true" || text === "1") return 1;
    if (text === "false" || text === "0") return 0;
    return undefined;
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The streaming pipeline's hash layout. */
export function hashLayout(view: FeatureView): Layout {
  const names = view.features.map((f) => f.name);
  const fields = [...names, "entity_id", "feature_timestamp"].map((n) => enc.encode(n));
  const written = [...names, "entity_id", "entity_type", "feature_timestamp"].map((n) =>
    enc.encode(n)
  );
  const booleans = view.features.map((f) => f.kind === "boolean");
  return {
    name: "hash",
    pattern: `features:${view.entityType}:*:${view.name}`,
    key: (id) => enc.encode(`features:${view.entityType}:${id}:${view.name}`),
    fields,
    wholeHash: true,
    encode: (id, ts, values) => {
      const pairs: Array<[Uint8Array, string]> = [];
      for (let j = 0; j < names.length; j++) {
        const v = values[j]!;
        const text = Number.isNaN(v) ? "null" : booleans[j] ? (v ? "true" : "false") : String(v);
        pairs.push([written[j]!, text]);
      }
      const n = names.length;
      pairs.push([written[n]!, id], [written[n + 1]!, view.entityType]);
      pairs.push([written[n + 2]!, String(Math.round(ts))]);
      return pairs;
    },
    decode: (key, raw, { values, bad }) => {
      const { buf, pos } = raw, n = names.length;
      const idRaw = raw.at(n);
      const entityId = idRaw ? utf8(idRaw) : utf8(key).split(":")[2];
      if (!entityId) return undefined;
      let badCount = 0;
      for (let j = 0; j < n; j++) {
        const from = pos[2 * j]!, to = pos[2 * j + 1]!;
        const v = from < 0 || to === from || isNull(buf, from, to)
          ? NaN
          : (booleans[j] ? fastBoolean(buf, from, to) : fastDecimal(buf, from, to)) ??
            hashText(ascii(raw.at(j)!), booleans[j]!);
        values[j] = v ?? NaN;
        bad[j] = v === undefined ? 1 : 0;
        if (v === undefined) badCount++;
      }
      const from = pos[2 * n + 2]!, to = pos[2 * n + 3]!;
      const ts = from < 0 ? NaN : fastDecimal(buf, from, to) ?? Number(ascii(raw.at(n + 1)!));
      return { entityId, timestamp: ts, badCount };
    },
  };
}

/** Feast's Redis online-store layout for `project`, with the entity's join key. */
export function feastLayout(view: FeatureView, project: string, joinKey = "card_id"): Layout {
  const tsField = enc.encode(`_ts:${view.name}`);
  const fields = [...view.features.map((f) => feastFieldKey(`${view.name}:${f.name}`)), tsField];
  const kinds = view.features.map(feastKind);
  const projectBytes = enc.encode(project);
  return {
    name: "feast",
    pattern: `*${project}`,
    key: (id) => {
      const k = serializeEntityKey(joinKey, id);
      const out = new Uint8Array(k.length + projectBytes.length);
      out.set(k);
      out.set(projectBytes, k.length);
      return out;
    },
    fields,
    wholeHash: false, // one hash holds every feature view of the project
    encode: (_id, ts, values) => [
      ...view.features.map((_, j) =>
        [fields[j]!, encodeValue(values[j]!, kinds[j]!)] as [Uint8Array, Uint8Array | string]
      ),
      [tsField, encodeTimestamp(ts)],
    ],
    decode: (key, raw, { values, bad }) => {
      const entityId = entityIdFromKey(key, project);
      const tsRaw = raw.at(view.features.length);
      if (!entityId || !tsRaw) return undefined; // not a row of this view
      let badCount = 0;
      view.features.forEach((_, j) => {
        const b = raw.at(j);
        let v: number | string | null = null;
        try {
          v = b && b.length ? decodeValue(b) : null;
        } catch {
          v = "unreadable";
        }
        values[j] = typeof v === "number" ? v : NaN;
        bad[j] = typeof v === "string" ? 1 : 0;
        if (typeof v === "string") badCount++;
      });
      return { entityId, timestamp: decodeTimestamp(tsRaw), badCount };
    },
  };
}
