/**
 * Arrow arrays (in a decoder's memory) copied into columns by the Parquet reader's one set of
 * rules: numbers (integers, floats, booleans as 1/0, decimals, durations and times of day) into a
 * `Float64Array` with NaN for null; timestamps and dates as ISO text (to the millisecond,
 * truncated, as `Date` has them); strings as text — text gathered as UTF-8 ({@link Utf8Builder}).
 * Any other Arrow type (nested, binary, float16, views, intervals) is not decoded here:
 * {@link columnKind} says so and the caller reads it another way.
 *
 * @module
 */

import { type ArrowArray, arrowArray, type ArrowField } from "./_arrow_ffi.ts";
import { appendIsoTimes } from "./_iso_times.ts";
import { Utf8Builder, type Utf8Column } from "./_utf8_column.ts";
import { DAY_MS } from "./days.ts";

/** A column being filled row group by row group: numbers, or text (times, strings, nulls). */
export type Column = Float64Array<ArrayBuffer> | Utf8Builder;

/** How a field is read: `number` into a `Float64Array`, the others as text. */
export type ColumnKind = "number" | "time" | "text" | "null";

/** One array to copy: where it lives and its Arrow format (and dictionary value format). */
export interface ArrowSource {
  readonly memory: ArrayBufferLike;
  readonly array: ArrowArray;
  readonly format: string;
  readonly dictionary?: string | undefined;
}

/** A typed-array class that views `n` numbers of a buffer from byte `at`. */
interface TypedView {
  new (buffer: ArrayBufferLike, at: number, n: number): ArrayLike<number>;
  readonly BYTES_PER_ELEMENT: number;
}
// deno-fmt-ignore
const TYPED: Record<string, TypedView> = {
  c: Int8Array, C: Uint8Array, s: Int16Array, S: Uint16Array, i: Int32Array, I: Uint32Array,
  f: Float32Array, g: Float64Array, tts: Int32Array, ttm: Int32Array,
};
/** 64-bit integer formats: int64, uint64, times of day in µs/ns, durations. */
const WIDE = new Set(["l", "L", "ttu", "ttn", "tDs", "tDm", "tDu", "tDn"]);
const INDEX = new Set(["c", "C", "s", "S", "i", "I", "l", "L"]);
const DECIMAL128 = /^d:\d+,(\d+)(,128)?$/;
const TIME = /^(tdD|tdm|ts[smun]:.*)$/;

/** How `field` is read, or undefined when it is not decoded here. */
export function columnKind(field: ArrowField): ColumnKind | undefined {
  if (field.dictionary !== undefined) {
    return INDEX.has(field.format)
      ? columnKind({ name: field.name, format: field.dictionary })
      : undefined;
  }
  const f = field.format;
  if (f in TYPED || WIDE.has(f) || f === "b" || DECIMAL128.test(f)) return "number";
  if (TIME.test(f)) return "time";
  if (f === "u" || f === "U") return "text";
  return f === "n" ? "null" : undefined;
}

/**
 * An empty column of `rows` for a kind: numbers (each row written by a copy), or text; times as
 * epoch milliseconds (NaN = null) when `times` is `"ms"`, else as ISO text.
 */
export function newColumn(kind: ColumnKind, rows: number, times: TimeForm = "iso"): Column {
  const numeric = kind === "number" || (kind === "time" && times === "ms");
  return numeric ? new Float64Array(rows) : new Utf8Builder(rows);
}

/** How timestamp and date columns are read: ISO text, or epoch milliseconds. */
export type TimeForm = "iso" | "ms";

/**
 * Copies `source` into `out` from row `at`: numbers in place, text appended (so `at` must be the
 * rows appended so far).
 */
export function copyColumn(source: ArrowSource, out: Column, at: number): void {
  if (out instanceof Float64Array) {
    if (source.dictionary !== undefined) copyDictionary(source, out, at);
    else if (TIME.test(source.format)) out.set(timeMillis(source), at);
    else copyNumbers(source, out, at);
    return;
  }
  if (out.rows !== at) throw new RangeError(`text appended at row ${out.rows}, not ${at}`);
  if (source.dictionary !== undefined) appendDictionaryText(source, out);
  else if (TIME.test(source.format)) appendTimes(source, out);
  else if (source.format === "n") appendNulls(out, source.array.length);
  else appendText(source, out);
}

/** Calls `missing(i)` for each null row i of the array. */
function eachNull(source: ArrowSource, missing: (i: number) => void): void {
  const { array, memory } = source, validity = array.buffers[0];
  if (array.nullCount === 0 || !validity) return;
  const bits = new Uint8Array(memory, validity);
  for (let i = 0; i < array.length; i++) {
    const k = array.offset + i;
    if (!(bits[k >> 3]! & (1 << (k & 7)))) missing(i);
  }
}

function copyNumbers(source: ArrowSource, out: Float64Array, at: number): void {
  const { memory, array, format } = source, n = array.length, data = array.buffers[1]!;
  const typed = TYPED[format];
  if (typed) out.set(new typed(memory, data + array.offset * typed.BYTES_PER_ELEMENT, n), at);
  else if (WIDE.has(format)) {
    // Two 32-bit halves: hi · 2^32 + lo rounds once, exactly as Number(bigint) does.
    const words = new Int32Array(memory, data + array.offset * 8, 2 * n);
    const high = format === "L" ? (w: number) => w >>> 0 : (w: number) => w;
    for (let i = 0; i < n; i++) {
      out[at + i] = high(words[2 * i + 1]!) * 4294967296 + (words[2 * i]! >>> 0);
    }
  } else if (format === "b") {
    const bits = new Uint8Array(memory, data);
    for (let i = 0, k = array.offset; i < n; i++, k++) out[at + i] = (bits[k >> 3]! >> (k & 7)) & 1;
  } else copyDecimals(source, out, at);
  eachNull(source, (i) => (out[at + i] = NaN));
}

/** Decimal128: a little-endian two's-complement integer over 10^scale, as a number. */
function copyDecimals(source: ArrowSource, out: Float64Array, at: number): void {
  const { memory, array } = source;
  const factor = 10 ** Number(DECIMAL128.exec(source.format)![1]);
  const words = new BigUint64Array(memory, array.buffers[1]! + array.offset * 16, 2 * array.length);
  for (let i = 0; i < array.length; i++) {
    const v = BigInt.asIntN(128, (words[2 * i + 1]! << 64n) | words[2 * i]!);
    out[at + i] = Number(v) / factor;
  }
}

/** Per time unit: milliseconds per unit, or units per millisecond (truncated toward zero). */
const UNIT_MS: Record<string, { times: number } | { over: number }> = {
  s: { times: 1000 },
  m: { times: 1 },
  u: { over: 1000 },
  n: { over: 1_000_000 },
};

function appendTimes(source: ArrowSource, out: Utf8Builder): void {
  appendIsoTimes(out, timeMillis(source));
}

/** A timestamp or date array as epoch milliseconds (NaN = null). */
function timeMillis(source: ArrowSource): Float64Array {
  const { memory, array, format } = source, n = array.length, data = array.buffers[1]!;
  const ms = new Float64Array(n);
  if (format === "tdD") {
    const days = new Int32Array(memory, data + array.offset * 4, n);
    for (let i = 0; i < n; i++) ms[i] = days[i]! * DAY_MS;
  } else {
    const unit = UNIT_MS[format === "tdm" ? "m" : format[2]!]!;
    const words = new Int32Array(memory, data + array.offset * 8, 2 * n);
    for (let i = 0; i < n; i++) {
      const high = words[2 * i + 1]!, low = words[2 * i]! >>> 0;
      ms[i] = "times" in unit
        ? (high * 4294967296 + low) * unit.times
        : truncatedQuotient(high, low, unit.over);
    }
  }
  eachNull(source, (i) => (ms[i] = NaN));
  return ms;
}

/**
 * The 64-bit integer `high · 2^32 + low` over `d` (1000 or 10^6), truncated toward zero as
 * `BigInt` division does, exact in doubles: 2^32 = a·d + b splits it into parts under 2^53.
 */
export function truncatedQuotient(high: number, low: number, d: number): number {
  const a = Math.floor(4294967296 / d), b = 4294967296 - a * d;
  const r = high * b + low, q = Math.floor(r / d);
  return high * a + q + (high < 0 && r !== q * d ? 1 : 0);
}

/** UTF-8 strings (32-bit offsets, or 64-bit ones read as their low words: wasm32 memory). */
function appendText(source: ArrowSource, out: Utf8Builder): void {
  const { memory, array, format } = source, n = array.length, [, offsetsAt, dataAt] = array.buffers;
  const stride = format === "U" ? 2 : 1, at = out.rows;
  const offsets = new Int32Array(memory, offsetsAt! + array.offset * 4 * stride, (n + 1) * stride);
  out.add({ data: new Uint8Array(memory, dataAt!), offsets, stride, rows: n });
  eachNull(source, (i) => (out.missing[at + i] = 1));
}

function appendNulls(out: Utf8Builder, rows: number): void {
  out.missing.fill(1, out.rows, out.rows + rows);
  out.add({ data: new Uint8Array(0), offsets: new Int32Array(rows + 1), stride: 1, rows });
}

/** Dictionary indices into numbers. */
function copyDictionary(source: ArrowSource, out: Float64Array, at: number): void {
  const { memory, array, format, dictionary } = source;
  const values = new Float64Array(arrowArray(memory, array.dictionary).length);
  copyNumbers(
    { memory, array: arrowArray(memory, array.dictionary), format: dictionary! },
    values,
    0,
  );
  const index = new Float64Array(array.length);
  copyNumbers({ memory, array, format }, index, 0);
  for (let i = 0; i < array.length; i++) {
    out[at + i] = Number.isNaN(index[i]!) ? NaN : values[index[i]!]!;
  }
}

/** Dictionary indices into text: each row's bytes gathered from the decoded dictionary. */
function appendDictionaryText(source: ArrowSource, out: Utf8Builder): void {
  const { memory, array, format, dictionary } = source, n = array.length, at = out.rows;
  const entries = arrowArray(memory, array.dictionary);
  const decoded = new Utf8Builder(entries.length);
  copyColumn({ memory, array: entries, format: dictionary! }, decoded, 0);
  const dict: Utf8Column = decoded.finish();
  const index = new Float64Array(n);
  copyNumbers({ memory, array, format }, index, 0);
  const start = (k: number) => (k ? dict.ends[k - 1]! : 0), offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const k = index[i]!, none = Number.isNaN(k) || dict.missing[k] === 1;
    if (none) out.missing[at + i] = 1;
    offsets[i + 1] = offsets[i]! + (none ? 0 : dict.ends[k]! - start(k));
  }
  const data = new Uint8Array(offsets[n]!);
  for (let i = 0; i < n; i++) {
    const k = index[i]!;
    if (!out.missing[at + i]) data.set(dict.bytes.subarray(start(k), dict.ends[k]), offsets[i]);
  }
  out.add({ data, offsets, stride: 1, rows: n });
}
