/**
 * Flat Parquet columns decoded straight from their pages by the page kernels (plain and
 * dictionary encodings): numbers and times as doubles (NaN = null), text as UTF-8 bytes and
 * row ends, or coded by its bytes ({@link ByteCodes}) — a dictionary page's entries coded once,
 * not every row. The general decoder (`parquet-wasm`) takes every other column.
 *
 * @module
 */

import type { SchemaElement } from "hyparquet";
import type { ByteCodes } from "./_byte_codes.ts";
import {
  type FlatChunk,
  flatPages,
  type Page,
  PLAIN,
  PLAIN_DICTIONARY,
  RLE_DICTIONARY,
  UnsupportedPage,
} from "./_parquet_pages.ts";
import type { PageKernels } from "./_page_kernels.ts";

/** How a flat column's stored values become numbers, or that they are text. */
export type FlatForm =
  | { readonly kind: "number"; readonly read: NumberRead }
  | { readonly kind: "time"; readonly read: NumberRead }
  | { readonly kind: "text" };

/** The kernel's reading of a plain value: its kind, its size, and a divisor to milliseconds. */
export interface NumberRead {
  readonly kind: number;
  readonly size: number;
  readonly over: bigint;
}

// deno-fmt-ignore
const READS = {
  DOUBLE: { kind: 0, size: 8, over: 1n }, FLOAT: { kind: 1, size: 4, over: 1n },
  INT32: { kind: 2, size: 4, over: 1n }, UINT32: { kind: 3, size: 4, over: 1n },
  INT64: { kind: 4, size: 8, over: 1n }, UINT64: { kind: 5, size: 8, over: 1n },
  BOOLEAN: { kind: 6, size: 0, over: 1n }, DAYS: { kind: 7, size: 4, over: 1n },
  MILLIS: { kind: 4, size: 8, over: 1n }, MICROS: { kind: 4, size: 8, over: 1000n },
  NANOS: { kind: 4, size: 8, over: 1_000_000n },
} as const satisfies Record<string, NumberRead>;

/**
 * The form of a top-level column decoded here, or undefined (nested, decimals, binary, INT96,
 * fixed-length, times of day, …).
 */
export function flatForm(element: SchemaElement): FlatForm | undefined {
  const { type, logical_type: logical, converted_type: converted } = element;
  if (element.repetition_type === "REPEATED" || element.num_children) return undefined;
  if (type === "BYTE_ARRAY") {
    const text = logical?.type === "STRING" || (!logical && converted === "UTF8");
    return text ? { kind: "text" } : undefined;
  }
  if (type === "FLOAT" || type === "DOUBLE" || type === "BOOLEAN") {
    return logical || converted ? undefined : { kind: "number", read: READS[type] };
  }
  if (type !== "INT32" && type !== "INT64") return undefined;
  if (type === "INT64" && logical?.type === "TIMESTAMP") {
    return { kind: "time", read: READS[logical.unit] };
  }
  if (type === "INT64" && !logical && converted?.startsWith("TIMESTAMP_")) {
    return { kind: "time", read: converted === "TIMESTAMP_MILLIS" ? READS.MILLIS : READS.MICROS };
  }
  if (type === "INT32" && (logical?.type === "DATE" || (!logical && converted === "DATE"))) {
    return { kind: "time", read: READS.DAYS };
  }
  const unsigned = logical?.type === "INTEGER"
    ? !logical.isSigned
    : logical || (converted && !/^U?INT_(8|16|32|64)$/.test(converted))
    ? undefined
    : converted?.startsWith("U") ?? false;
  if (unsigned === undefined) return undefined;
  return { kind: "number", read: READS[`${unsigned ? "U" : ""}${type}`] };
}

/** Decodes a chunk of a number or time column to doubles at `out` (its first row's). */
export function decodeNumbers(chunk: FlatChunk, read: NumberRead, out: number): void {
  const k = chunk.kernels;
  let dictionary = { at: 0, size: -1 }, row = 0;
  for (const page of flatPages(chunk)) {
    if (page.dictionary) {
      dictionary = { at: k.alloc(8 * page.count), size: page.count };
      plainNumbers(k, page, { read, n: page.count, out: dictionary.at });
      continue;
    }
    const target = out + 8 * row, n = page.present;
    const dense = page.defined ? k.alloc(8 * n) : target;
    if (isDictionary(page)) {
      const index = indices(k, page);
      if (dictionary.size < 0) noDictionary();
      if (k.run.gatherF64(dictionary.at, dictionary.size, index, n, dense) < 0) outOfRange();
    } else if (page.encoding === PLAIN) plainNumbers(k, page, { read, n, out: dense });
    else unsupported(page);
    if (page.defined) k.run.spreadF64(dense, page.defined, page.count, target);
    row += page.count;
  }
}

function plainNumbers(
  k: PageKernels,
  page: Page,
  values: { read: NumberRead; n: number; out: number },
): void {
  const { read, n } = values, need = read.size ? read.size * n : Math.ceil(n / 8);
  if (page.length < need) throw new RangeError("a page holds fewer values than it says");
  k.run.plainNumbers(page.body, read.kind, n, read.over, values.out);
}

/** Where a chunk of a text column goes: its rows' ends, from `base` bytes on; bytes pushed. */
export interface TextTarget {
  /** The chunk's first row's end. */
  readonly ends: number;
  /** Bytes of the column before this chunk. */
  readonly base: number;
  /** Takes each page's bytes (copied out of kernel memory) and whether all are ASCII. */
  readonly push: (bytes: Uint8Array, ascii: boolean) => void;
}

/** Decodes a chunk of a text column; returns its bytes. */
export function decodeText(chunk: FlatChunk, target: TextTarget): number {
  const k = chunk.kernels;
  let dictionary = { data: 0, ends: 0, size: -1 }, row = 0, base = target.base;
  for (const page of flatPages(chunk)) {
    if (page.dictionary) dictionary = plainTexts(k, page, page.count);
    else {
      const ends = target.ends + 4 * row, n = page.present;
      const dense = page.defined ? k.alloc(4 * n) : ends;
      let data: number, size: number;
      if (isDictionary(page)) {
        const index = indices(k, page);
        if (dictionary.size < 0) noDictionary();
        size = k.run.gatherTextSize(dictionary.ends, dictionary.size, index, n);
        if (size < 0) outOfRange();
        data = k.alloc(size);
        k.run.gatherTexts(dictionary.data, dictionary.ends, index, n, base, dense, data);
      } else if (page.encoding === PLAIN) {
        data = k.alloc(page.length);
        size = k.run.plainTexts(page.body, page.length, n, base, dense, data);
        if (size < 0) throw new RangeError("a text runs past its page");
      } else unsupported(page);
      if (page.defined) k.run.spreadEnds(dense, page.defined, page.count, base, ends);
      target.push(k.bytes(data, size).slice(), k.run.ascii(data, size) === 1);
      base += size;
    }
    row += page.dictionary ? 0 : page.count;
  }
  return base - target.base;
}

/** A page's texts (plain: a length before each) as bytes and ends in kernel memory. */
function plainTexts(k: PageKernels, page: Page, count: number) {
  const data = k.alloc(page.length), ends = k.alloc(4 * count);
  if (k.run.plainTexts(page.body, page.length, count, 0, ends, data) < 0) {
    throw new RangeError("a text runs past its page");
  }
  return { data, ends, size: count };
}

/** Codes a chunk of a text column by its bytes at `out` (its first row's); null: the empty text. */
export function decodeCodes(chunk: FlatChunk, coder: ByteCodes, out: number): void {
  const k = chunk.kernels;
  let table = { at: 0, size: -1 }, row = 0;
  for (const page of flatPages(chunk)) {
    if (page.dictionary) {
      table = { at: codeTexts(k, coder, plainTexts(k, page, page.count)), size: page.count };
      continue;
    }
    const target = out + 4 * row, n = page.present;
    const dense = page.defined ? k.alloc(4 * n) : target;
    if (isDictionary(page)) {
      const index = indices(k, page);
      if (table.size < 0) noDictionary();
      if (k.run.gatherI32(table.at, table.size, index, n, dense) < 0) outOfRange();
    } else if (page.encoding === PLAIN) {
      const texts = plainTexts(k, page, n), codes = codeTexts(k, coder, texts);
      k.bytes(dense, 4 * n).set(k.bytes(codes, 4 * n));
    } else unsupported(page);
    if (page.defined) {
      const empty = coder.code(new Uint8Array(0), 0, 0);
      k.run.spreadI32(dense, page.defined, page.count, empty, target);
    }
    row += page.count;
  }
}

/** Each text's code, in kernel memory. */
function codeTexts(
  k: PageKernels,
  coder: ByteCodes,
  texts: { data: number; ends: number; size: number },
): number {
  const out = k.alloc(4 * texts.size);
  const ends = k.ints(texts.ends, texts.size), last = texts.size ? ends[texts.size - 1]! : 0;
  const bytes = k.bytes(texts.data, last).slice(), codes = new Int32Array(texts.size);
  for (let i = 0, start = 0; i < texts.size; start = ends[i++]!) {
    codes[i] = coder.code(bytes, start, ends[i]!);
  }
  k.ints(out, texts.size).set(codes);
  return out;
}

function isDictionary(page: Page): boolean {
  return page.encoding === RLE_DICTIONARY || page.encoding === PLAIN_DICTIONARY;
}

/** A data page's dictionary indices (a bit width byte, then the hybrid runs), in kernel memory. */
function indices(k: PageKernels, page: Page): number {
  const out = k.alloc(4 * page.present);
  if (!page.present) return out;
  const width = k.bytes(page.body, 1)[0]!;
  if (width > 32) throw new RangeError(`a dictionary index of ${width} bits`);
  if (k.run.hybrid(page.body + 1, page.length - 1, width, page.present, out) < 0) {
    throw new RangeError("a page's indices end before its values");
  }
  return out;
}

function unsupported(page: Page): never {
  throw new UnsupportedPage(`encoding ${page.encoding}`);
}

function noDictionary(): never {
  throw new RangeError("a dictionary-encoded page without a dictionary");
}

function outOfRange(): never {
  throw new RangeError("a dictionary index past the dictionary");
}
