/**
 * Thrift's compact protocol, as far as a Parquet page header needs it: a struct read into its
 * fields by id (integers as numbers, binaries as byte ranges, nested structs and lists as values).
 *
 * @module
 */

/** A struct's fields by their Thrift id. */
export type ThriftStruct = Map<number, ThriftValue>;
/** A decoded value: integers and doubles as numbers, binary as bytes. */
export type ThriftValue = number | boolean | Uint8Array | ThriftStruct | ThriftValue[];

/** A position in a byte buffer, advanced by the reads. */
export interface ThriftCursor {
  readonly bytes: Uint8Array;
  at: number;
}

/** Reads the struct at `cursor.at` (the cursor ends after its stop byte). */
export function readStruct(cursor: ThriftCursor): ThriftStruct {
  const fields: ThriftStruct = new Map();
  let id = 0;
  for (;;) {
    const header = byte(cursor);
    if (header === 0) return fields;
    const delta = header >> 4, type = header & 15;
    id = delta ? id + delta : zigzag(varint(cursor));
    fields.set(id, readValue(cursor, type));
  }
}

function readValue(cursor: ThriftCursor, type: number): ThriftValue {
  switch (type) {
    case 1:
      return true;
    case 2:
      return false;
    case 3:
      return (byte(cursor) << 24) >> 24;
    case 4:
    case 5:
    case 6:
      return zigzag(varint(cursor));
    case 7: {
      const view = new DataView(cursor.bytes.buffer, cursor.bytes.byteOffset + cursor.at, 8);
      cursor.at += 8;
      return view.getFloat64(0, true);
    }
    case 8: {
      const n = varint(cursor), out = cursor.bytes.subarray(cursor.at, cursor.at + n);
      cursor.at += n;
      return out;
    }
    case 9:
    case 10:
      return readList(cursor);
    case 12:
      return readStruct(cursor);
    default:
      throw new Error(`unsupported Thrift type ${type} in a page header`);
  }
}

function readList(cursor: ThriftCursor): ThriftValue[] {
  const header = byte(cursor), type = header & 15;
  const size = header >> 4 === 15 ? varint(cursor) : header >> 4;
  const out: ThriftValue[] = [];
  for (let k = 0; k < size; k++) {
    // In a list a boolean is one byte (1 true), not a type nibble.
    out.push(type === 1 || type === 2 ? byte(cursor) === 1 : readValue(cursor, type));
  }
  return out;
}

function byte(cursor: ThriftCursor): number {
  if (cursor.at >= cursor.bytes.length) throw new RangeError("a page header runs past its chunk");
  return cursor.bytes[cursor.at++]!;
}

/** An unsigned LEB128 integer (exact up to 2^53). */
export function varint(cursor: ThriftCursor): number {
  let value = 0, scale = 1;
  for (;;) {
    const b = byte(cursor);
    value += (b & 127) * scale;
    if (b < 128) return value;
    scale *= 128;
  }
}

function zigzag(n: number): number {
  return n % 2 ? -(n + 1) / 2 : n / 2;
}
