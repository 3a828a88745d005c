/**
 * Feast's Redis online-store encoding, byte for byte: entity keys (serialization version 3; version
 * 2 read too), `feast.types.Value` and `google.protobuf.Timestamp` protobufs (via protobufjs).
 *
 * @module
 */

import protobuf from "protobufjs";

const root = protobuf.parse(`
syntax = "proto3";
package feast.types;
message Value {
  oneof val {
    bytes bytes_val = 1;
    string string_val = 2;
    int32 int32_val = 3;
    int64 int64_val = 4;
    double double_val = 5;
    float float_val = 6;
    bool bool_val = 7;
    int64 unix_timestamp_val = 8;
  }
}
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`).root;
const ValueType = root.lookupType("feast.types.Value");
const TimestampType = root.lookupType("feast.types.Timestamp");

/** Feast's ValueType enum values used in entity keys. */
const STRING = 2;

/** Which `Value` field a feature is written to. */
export type FeastValueKind = "double_val" | "int64_val" | "bool_val";

/** A decoded Value: a number (booleans as 0/1), a string, or null for an unset value. */
export function decodeValue(bytes: Uint8Array): number | null | string {
  if (bytes.length === 0) return null;
  // Fast paths for the scalar fields written here (tag, payload); anything else via protobufjs.
  const tag = bytes[0]!;
  if (tag === 0x29 && bytes.length === 9) {
    return new DataView(bytes.buffer, bytes.byteOffset + 1, 8).getFloat64(0, true); // double_val
  }
  if ((tag === 0x20 || tag === 0x38 || tag === 0x18 || tag === 0x40) && bytes.length <= 11) {
    const [v, end] = varint(bytes, 1);
    if (end === bytes.length) {
      if (tag === 0x38) return v === 0 ? 0 : 1; // bool_val
      return tag === 0x18 ? v | 0 : v; // int32 wraps; int64 values here stay within 2^53
    }
  }
  const obj = ValueType.toObject(ValueType.decode(bytes), {
    oneofs: true,
    longs: Number,
  }) as Record<string, unknown>;
  const field = obj.val as string | undefined;
  if (field === undefined) return null;
  const v = obj[field];
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return v;
  if (typeof v === "number") return v;
  return null;
}

/** A protobuf varint at `o` (as a double; two's-complement negatives for int64) and its end. */
function varint(b: Uint8Array, o: number): [number, number] {
  let lo = 0, hi = 0, shift = 0, i = o;
  for (; i < b.length; i++) {
    const c = b[i]!;
    if (shift < 28) lo |= (c & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (c & 0x0f) << 28;
      hi |= (c & 0x7f) >> 4;
    } else hi |= (c & 0x7f) << (shift - 32);
    shift += 7;
    if (!(c & 0x80)) return [(hi | 0) * 4294967296 + (lo >>> 0), i + 1];
  }
  return [NaN, i];
}

/** Encodes a number as a Value of the given kind; NaN → an unset Value (Feast's null). */
export function encodeValue(v: number, kind: FeastValueKind): Uint8Array {
  if (Number.isNaN(v)) return new Uint8Array(0);
  // Byte for byte what protobufjs writes for these scalars (a set oneof member is always written).
  if (kind === "double_val") {
    const out = new Uint8Array(9);
    out[0] = 0x29;
    new DataView(out.buffer).setFloat64(1, v, true);
    return out;
  }
  if (kind === "bool_val") return Uint8Array.of(0x38, v !== 0 ? 1 : 0);
  const n = Math.round(v);
  if (n >= 0 && n <= Number.MAX_SAFE_INTEGER) return withVarint(0x20, n);
  return ValueType.encode(ValueType.create({ int64Val: n })).finish(); // negative: 10 bytes
}

/** A tag byte then a non-negative integer (≤ 2^53) as a varint. */
function withVarint(tag: number, n: number): Uint8Array {
  const out = [tag];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return Uint8Array.from(out);
}

/** A google.protobuf.Timestamp for epoch milliseconds. */
export function encodeTimestamp(ms: number): Uint8Array {
  const seconds = Math.floor(ms / 1000), nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (seconds > 0 && seconds <= Number.MAX_SAFE_INTEGER && nanos >= 0 && nanos < 1e9) {
    if (nanos === 0) return withVarint(0x08, seconds);
    const s = withVarint(0x08, seconds), t = withVarint(0x10, nanos);
    const out = new Uint8Array(s.length + t.length);
    out.set(s);
    out.set(t, s.length);
    return out;
  }
  return TimestampType.encode(TimestampType.create({ seconds, nanos })).finish();
}

/** Epoch milliseconds of a serialized google.protobuf.Timestamp. */
export function decodeTimestamp(bytes: Uint8Array): number {
  let seconds = 0, nanos = 0, o = 0;
  while (o < bytes.length) {
    const tag = bytes[o]!;
    const [v, end] = varint(bytes, o + 1);
    if (tag === 0x08) seconds = v;
    else if (tag === 0x10) nanos = v;
    else {
      const t = TimestampType.decode(bytes) as unknown as {
        seconds?: number | { toNumber(): number };
        nanos?: number;
      };
      const s = typeof t.seconds === "object" && t.seconds !== null
        ? t.seconds.toNumber()
        : Number(t.seconds ?? 0);
      return s * 1000 + (t.nanos ?? 0) / 1e6;
    }
    o = end;
  }
  return seconds * 1000 + nanos / 1e6;
}

/** Serializes a single string entity key (version 3): count, then type/length/bytes of key and value. */
export function serializeEntityKey(joinKey: string, entityId: string): Uint8Array {
  const k = new TextEncoder().encode(joinKey), v = new TextEncoder().encode(entityId);
  const out = new Uint8Array(4 + 8 + k.length + 8 + v.length);
  const dv = new DataView(out.buffer);
  let o = 0;
  dv.setUint32(o, 1, true);
  dv.setUint32(o += 4, STRING, true);
  dv.setUint32(o += 4, k.length, true);
  out.set(k, o += 4);
  dv.setUint32(o += k.length, STRING, true);
  dv.setUint32(o += 4, v.length, true);
  out.set(v, o += 4);
  return out;
}

/**
 * The entity id of a serialized entity key followed by the project name, in version 3 or
 * version 2 layout (v2 has no key count or key length: type, key bytes, then type/length/value).
 */
export function entityIdFromKey(key: Uint8Array, project: string): string | undefined {
  const p = new TextEncoder().encode(project);
  const body = key.subarray(0, key.length - p.length);
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const dec = new TextDecoder();
  try {
    if (dv.getUint32(0, true) === 1 && dv.getUint32(4, true) === STRING) {
      const kl = dv.getUint32(8, true), vo = 12 + kl;
      if (dv.getUint32(vo, true) === STRING) {
        return dec.decode(body.subarray(vo + 8, vo + 8 + dv.getUint32(vo + 4, true)));
      }
    }
    // Version 2: [type][key bytes][type][len][value bytes]; find the value header from the end.
    for (let o = body.length - 8; o >= 4; o--) {
      if (dv.getUint32(o, true) === STRING && dv.getUint32(o + 4, true) === body.length - o - 8) {
        return dec.decode(body.subarray(o + 8));
      }
    }
  } catch {
    return undefined;
  }
  return undefined;
}
