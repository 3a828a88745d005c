/**
 * The pages of one flat column chunk (no repetition, at most one definition level) held in the
 * page kernels' memory: each page's header read, its values decompressed (Snappy or none), its
 * rows' definition levels written to the column's `defined` bytes. Encodings past plain and
 * dictionary and nested columns raise {@link UnsupportedPage}: the reader decodes such a column
 * another way.
 *
 * @module
 */

import type { PageKernels } from "./_page_kernels.ts";
import { readStruct, type ThriftStruct } from "./_thrift_compact.ts";

/** A page this reader does not decode (the caller falls back to the general decoder). */
export class UnsupportedPage extends Error {}

/** Parquet's encodings by number, as far as this reader knows them. */
export const PLAIN = 0, PLAIN_DICTIONARY = 2, RLE_DICTIONARY = 8;

/** One column chunk in kernel memory and how to read it. */
export interface FlatChunk {
  readonly kernels: PageKernels;
  /** Where the chunk's bytes are, and how many. */
  readonly at: number;
  readonly size: number;
  readonly snappy: boolean;
  /** Rows in the chunk. */
  readonly rows: number;
  /** Where the chunk's first row's definition byte goes (1 = a value); 0 for a required column. */
  readonly defined: number;
}

/** A page, its values in kernel memory. */
export interface Page {
  readonly dictionary: boolean;
  readonly encoding: number;
  /** Rows in the page (nulls included); for a dictionary page, its entries. */
  readonly count: number;
  /** Values present (count minus nulls). */
  readonly present: number;
  /** The page's first row's definition byte; 0 when every row holds a value. */
  readonly defined: number;
  /** The encoded values. */
  readonly body: number;
  readonly length: number;
}

/**
 * The chunk's dictionary page (if any) and then its data pages, in order; each page's buffers
 * live until the next page is asked for.
 */
export function* flatPages(chunk: FlatChunk): Generator<Page> {
  const { kernels } = chunk;
  let offset = 0, seen = 0;
  while (seen < chunk.rows) {
    const cursor = { bytes: kernels.bytes(chunk.at, chunk.size), at: offset };
    const header = readStruct(cursor), stored = int(header, 3), type = int(header, 1);
    if (cursor.at + stored > chunk.size) throw new RangeError("a page runs past its chunk");
    const raw = { at: chunk.at + cursor.at, stored, size: int(header, 2) };
    offset = cursor.at + stored;
    // A dictionary page's buffers (and what its reader makes of it) last the whole chunk.
    if (type === 2) yield dictionaryPage(chunk, header, raw);
    else if (type === 0 || type === 3) {
      const mark = kernels.mark();
      const page = type === 0
        ? dataPage(chunk, header, { ...raw, row: seen })
        : dataPageV2(chunk, header, { ...raw, row: seen });
      seen += page.count;
      yield page;
      kernels.release(mark);
    }
  }
  if (seen !== chunk.rows) throw new RangeError(`a chunk of ${chunk.rows} rows holds ${seen}`);
}

/** A page's stored bytes: where, how many, their size once decompressed, its first row. */
interface RawPage {
  readonly at: number;
  readonly stored: number;
  readonly size: number;
  readonly row?: number;
}

function dictionaryPage(chunk: FlatChunk, header: ThriftStruct, raw: RawPage): Page {
  const dict = struct(header, 7), encoding = int(dict, 2), count = int(dict, 1);
  if (encoding !== PLAIN && encoding !== PLAIN_DICTIONARY) {
    throw new UnsupportedPage(`dictionary encoding ${encoding}`);
  }
  const body = inflate(chunk, raw);
  return {
    dictionary: true,
    encoding: PLAIN,
    count,
    present: count,
    defined: 0,
    body,
    length: raw.size,
  };
}

function dataPage(chunk: FlatChunk, header: ThriftStruct, raw: RawPage): Page {
  const data = struct(header, 5), count = int(data, 1), encoding = int(data, 2);
  const body = inflate(chunk, raw);
  if (!chunk.defined) {
    return {
      dictionary: false,
      encoding,
      count,
      present: count,
      defined: 0,
      body,
      length: raw.size,
    };
  }
  if (int(data, 3) !== 3) throw new UnsupportedPage("definition levels not RLE");
  const [b0, b1, b2, b3] = chunk.kernels.bytes(body, 4);
  const length = b0! | (b1! << 8) | (b2! << 16) | (b3! << 24);
  if (length < 0 || 4 + length > raw.size) throw new RangeError("levels run past their page");
  const defined = chunk.defined + raw.row!;
  const present = levels(chunk, { at: body + 4, length, count, defined });
  const values = body + 4 + length, length2 = raw.size - 4 - length;
  const some = present < count ? defined : 0;
  return {
    dictionary: false,
    encoding,
    count,
    present,
    defined: some,
    body: values,
    length: length2,
  };
}

function dataPageV2(chunk: FlatChunk, header: ThriftStruct, raw: RawPage): Page {
  const v2 = struct(header, 8), count = int(v2, 1), encoding = int(v2, 4);
  const repeat = int(v2, 6), defLength = int(v2, 5);
  if (repeat) throw new UnsupportedPage("repetition levels");
  if (defLength > raw.stored) throw new RangeError("levels run past their page");
  const defined = chunk.defined ? chunk.defined + raw.row! : 0;
  const present = defined
    ? levels(chunk, { at: raw.at, length: defLength, count, defined })
    : count - int(v2, 2);
  const size = raw.size - defLength, compressed = v2.get(7) !== false && size > 0;
  const body = compressed
    ? inflate(chunk, { at: raw.at + defLength, stored: raw.stored - defLength, size })
    : raw.at + defLength;
  const some = present < count ? defined : 0;
  return { dictionary: false, encoding, count, present, defined: some, body, length: size };
}

/** The page's values decompressed into a new buffer (or where they are, when not compressed). */
function inflate(chunk: FlatChunk, raw: RawPage): number {
  const { at, stored, size } = raw;
  if (!chunk.snappy) {
    if (stored !== size) throw new RangeError("an uncompressed page's sizes differ");
    return at;
  }
  const out = chunk.kernels.alloc(size);
  if (chunk.kernels.run.snappy(at, stored, out, size) !== 0) {
    throw new RangeError("a Snappy page is corrupt");
  }
  return out;
}

function levels(
  chunk: FlatChunk,
  where: { at: number; length: number; count: number; defined: number },
): number {
  const present = chunk.kernels.run.levels(where.at, where.length, where.count, where.defined);
  if (present < 0) throw new RangeError("a page's levels end before its rows");
  return present;
}

function int(s: ThriftStruct, id: number): number {
  const v = s.get(id);
  if (typeof v !== "number") throw new RangeError(`a page header lacks field ${id}`);
  return v;
}

function struct(s: ThriftStruct, id: number): ThriftStruct {
  const v = s.get(id);
  if (!(v instanceof Map)) throw new RangeError(`a page header lacks struct ${id}`);
  return v;
}
