/**
 * A decoding worker's first pass: the wanted columns that are flat and plainly encoded (most
 * columns pandas, pyarrow, Spark or DuckDB write) decoded from their pages by the page kernels
 * (`_parquet_flat.ts`), row group by row group; the names it cannot take come back for the
 * general decoder.
 *
 * @module
 */

import { type ColumnMetaData, type FileMetaData, parquetSchema } from "hyparquet";
import { ByteCodes } from "./_byte_codes.ts";
import type { FileBlob } from "./_file_blob.ts";
import { appendIsoTimes } from "./_iso_times.ts";
import { PageKernels } from "./_page_kernels.ts";
import {
  decodeCodes,
  decodeNumbers,
  decodeText,
  type FlatForm,
  flatForm,
} from "./_parquet_flat.ts";
import { type FlatChunk, UnsupportedPage } from "./_parquet_pages.ts";
import { Utf8Builder, type Utf8Column } from "./_utf8_column.ts";
import type { TimeForm } from "./_arrow_values.ts";

/** A text column as codes (in order of first appearance) and the distinct texts by code. */
export interface CodedText {
  readonly codes: Int32Array<ArrayBuffer>;
  readonly names: Utf8Column;
}

/** A decoded column: numbers, text (strings, ISO times, nulls), or coded text. */
export interface Decoded {
  readonly name: string;
  readonly values: Float64Array<ArrayBuffer> | Utf8Column | CodedText;
}

/** What to decode: the file, its footer, the columns, how times and text come. */
export interface FlatJob {
  readonly blob: FileBlob;
  readonly metadata: FileMetaData;
  readonly columns: readonly string[];
  readonly times: TimeForm;
  readonly codes: ReadonlySet<string>;
  readonly kernels: PageKernels;
}

/** The columns decoded here, and the wanted names left for the general decoder. */
export function decodeFlatColumns(job: FlatJob): { decoded: Decoded[]; rest: string[] } {
  const wanted = new Set(job.columns), decoded: Decoded[] = [], rest: string[] = [];
  for (const { element } of parquetSchema(job.metadata).children) {
    if (!wanted.has(element.name)) continue;
    const form = flatForm(element), mark = job.kernels.mark();
    const optional = element.repetition_type !== "REQUIRED";
    try {
      if (!form) throw new UnsupportedPage(element.type ?? "group");
      const values = flatColumn(job, { form, optional, name: element.name });
      decoded.push({ name: element.name, values });
    } catch (error) {
      if (!(error instanceof UnsupportedPage)) throw error;
      rest.push(element.name);
    } finally {
      job.kernels.release(mark);
    }
  }
  return { decoded, rest };
}

/** One column to decode. */
interface FlatColumn {
  readonly name: string;
  readonly form: FlatForm;
  readonly optional: boolean;
}

function flatColumn(job: FlatJob, column: FlatColumn): Decoded["values"] {
  const rows = Number(job.metadata.num_rows), { form } = column, k = job.kernels;
  const defined = column.optional ? k.alloc(rows) : 0;
  if (form.kind === "text" && job.codes.has(column.name)) {
    const coder = new ByteCodes(), out = k.alloc(4 * rows);
    eachChunk(job, { column, defined }, (chunk, row) => decodeCodes(chunk, coder, out + 4 * row));
    const codes = k.ints(out, rows).slice();
    return { codes, names: coder.firstSeen(codes) };
  }
  if (form.kind === "text") return textColumn(job, { column, defined });
  const out = k.alloc(8 * rows);
  eachChunk(
    job,
    { column, defined },
    (chunk, row) => decodeNumbers(chunk, form.read, out + 8 * row),
  );
  const numbers = k.doubles(out, rows).slice();
  if (form.kind === "number" || job.times === "ms") return numbers;
  const iso = new Utf8Builder(rows);
  appendIsoTimes(iso, numbers);
  return iso.finish();
}

/** Where a column's chunks go: the column, its definition bytes (0: required). */
interface ColumnPlace {
  readonly column: FlatColumn;
  readonly defined: number;
}

function textColumn(job: FlatJob, place: ColumnPlace): Utf8Column {
  const rows = Number(job.metadata.num_rows), k = job.kernels, ends = k.alloc(4 * rows);
  const pieces: Uint8Array<ArrayBuffer>[] = [];
  let size = 0, ascii = true;
  const push = (bytes: Uint8Array, isAscii: boolean) => {
    pieces.push(bytes as Uint8Array<ArrayBuffer>);
    ascii &&= isAscii;
  };
  eachChunk(job, place, (chunk, row) => {
    size += decodeText(chunk, { ends: ends + 4 * row, base: size, push });
  });
  if (size > 2 ** 31 - 1) throw new RangeError("a text column over 2 GiB");
  const bytes = pieces.length === 1 ? pieces[0]! : new Uint8Array(size);
  if (pieces.length !== 1) pieces.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
  const missing = new Uint8Array(rows);
  if (place.defined) flip(k.bytes(place.defined, rows), missing);
  return { bytes, ends: k.ints(ends, rows).slice(), missing, ascii };
}

/** missing = 1 − defined, four bytes at a time. */
function flip(defined: Uint8Array, missing: Uint8Array<ArrayBuffer>): void {
  missing.set(defined);
  const words = new Uint32Array(missing.buffer, 0, missing.length >> 2);
  for (let w = 0; w < words.length; w++) words[w] = words[w]! ^ 0x01010101;
  for (let i = words.length << 2; i < missing.length; i++) missing[i] = missing[i]! ^ 1;
}

/** Reads each of the column's chunks into kernel memory and hands it on with its first row. */
function eachChunk(
  job: FlatJob,
  place: ColumnPlace,
  decode: (chunk: FlatChunk, row: number) => void,
): void {
  const { column } = place, k = job.kernels;
  let row = 0;
  for (const group of job.metadata.row_groups) {
    const meta = group.columns.find((c) => c.meta_data?.path_in_schema.join(".") === column.name)
      ?.meta_data;
    const rows = Number(group.num_rows);
    if (!meta || Number(meta.num_values) !== rows) throw new UnsupportedPage("chunk layout");
    if (meta.codec !== "SNAPPY" && meta.codec !== "UNCOMPRESSED") {
      throw new UnsupportedPage(`codec ${meta.codec}`);
    }
    const mark = k.mark(), { start, size } = chunkRange(meta);
    const at = k.alloc(size);
    job.blob.slice(start, start + size).readInto(k.bytes(at, size));
    const defined = place.defined ? place.defined + row : 0;
    decode({ kernels: k, at, size, snappy: meta.codec === "SNAPPY", rows, defined }, row);
    k.release(mark);
    row += rows;
  }
}

/** Where a chunk's bytes start (its dictionary page, if any) and how many there are. */
function chunkRange(meta: ColumnMetaData): { start: number; size: number } {
  const dict = meta.dictionary_page_offset, data = Number(meta.data_page_offset);
  const start = dict !== undefined && Number(dict) > 0 ? Math.min(Number(dict), data) : data;
  return { start, size: Number(meta.total_compressed_size) };
}
