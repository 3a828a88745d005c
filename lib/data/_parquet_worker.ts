/**
 * A worker (of `_decode_pool.ts`) that decodes some columns of a Parquet file: flat, plainly
 * encoded columns by the page kernels (`_flat_columns.ts`, a fresh kernel memory per job), the
 * others with `parquet-wasm` (arrow-rs compiled to WebAssembly) one row group at a time, each
 * read copied from the decoder's memory into the columns by `_arrow_values.ts`; the finished
 * columns are transferred back (numbers without a copy). The decoders live in this worker so that
 * a panic on a corrupt file ends only the worker.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import { type FileMetaData, parquetMetadataAsync } from "hyparquet";
import { initSync, ParquetFile, wasmMemory } from "parquet-wasm/esm";
import { arrowArray, type ArrowField, schemaFields } from "./_arrow_ffi.ts";
import { type Column, columnKind, copyColumn, newColumn, type TimeForm } from "./_arrow_values.ts";
import { FileBlob } from "./_file_blob.ts";
import { PageKernels } from "./_page_kernels.ts";
import { type Decoded, decodeFlatColumns } from "./_flat_columns.ts";

export type { CodedText, Decoded } from "./_flat_columns.ts";

/** What a worker is asked: the compiled decoder, the file, the columns to read. */
export interface DecodeJob {
  readonly module: WebAssembly.Module;
  /** The compiled page kernels. */
  readonly kernels: WebAssembly.Module;
  readonly path: string;
  readonly columns: readonly string[];
  /** Timestamps and dates as ISO text (the default) or epoch milliseconds. */
  readonly times?: TimeForm;
  /** Text columns to code by their bytes (the others come as text). */
  readonly codes?: readonly string[];
}

/**
 * A worker's answer: the columns it decoded (the others it leaves out) and whether it loaded the
 * general decoder, or why it failed.
 */
export type DecodeReply =
  | { readonly columns: readonly Decoded[]; readonly general: boolean }
  | { readonly error: string };

// A decoder panic (a trap, possibly inside a read's promise callbacks) is uncaught here: it ends
// this worker, and the reader, seeing the worker's error, fails the read alone.
parentPort!.on("message", async (job: DecodeJob) => {
  let reply: DecodeReply, moved: ArrayBuffer[] = [];
  try {
    const { columns, general } = await decode(job);
    moved = columns.flatMap(({ values: v }) =>
      v instanceof Float64Array
        ? [v.buffer]
        : "codes" in v
        ? [v.codes.buffer, v.names.bytes.buffer, v.names.ends.buffer]
        : [v.bytes.buffer, v.ends.buffer, v.missing.buffer]
    );
    reply = { columns, general };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply, moved);
});

async function decode(job: DecodeJob): Promise<{ columns: Decoded[]; general: boolean }> {
  const blob = FileBlob.open(job.path);
  try {
    const metadata = await footer(blob);
    const times = job.times ?? "iso", codes = new Set(job.codes ?? []);
    const kernels = new PageKernels(job.kernels);
    const flat = decodeFlatColumns({ blob, metadata, columns: job.columns, times, codes, kernels });
    const general = flat.rest.length > 0;
    const rest = general ? await decodeGeneral(blob, { ...job, columns: flat.rest }) : [];
    return { columns: [...flat.decoded, ...rest], general };
  } finally {
    blob.close();
  }
}

/** The file's footer, read through the blob. */
function footer(blob: FileBlob): Promise<FileMetaData> {
  return parquetMetadataAsync({
    byteLength: blob.size,
    slice: (start, end) => blob.slice(start, end).arrayBuffer(),
  });
}

/** The columns the flat decoder leaves, decoded by `parquet-wasm`. */
async function decodeGeneral(blob: FileBlob, job: DecodeJob): Promise<Decoded[]> {
  initSync({ module: job.module });
  const file = await ParquetFile.fromFile(blob as unknown as Blob);
  const meta = file.metadata(), rows = meta.fileMetadata().numRows();
  const wanted = new Set(job.columns);
  const schema = file.schema().intoFFI();
  const fields = schemaFields(wasmMemory().buffer, schema.addr())
    .filter((f) => wanted.has(f.name) && columnKind(f) !== undefined);
  schema.free();
  const out = new Map(fields.map((f) => [f.name, newColumn(columnKind(f)!, rows, job.times)]));
  let at = 0;
  for (let group = 0; group < meta.numRowGroups() && fields.length; group++) {
    const size = meta.rowGroup(group).numRows();
    if (size > 0) at += await readGroup(file, { group, size, fields, out, at });
  }
  if (fields.length && at !== rows) throw new Error(`read ${at} of ${rows} rows`);
  file.free();
  return [...out].map(([name, c]) => ({
    name,
    values: c instanceof Float64Array ? c : c.finish(),
  }));
}

/** Where one row group's columns go. */
interface GroupRead {
  readonly group: number;
  readonly size: number;
  readonly fields: readonly ArrowField[];
  readonly out: Map<string, Column>;
  readonly at: number;
}

async function readGroup(file: ParquetFile, read: GroupRead): Promise<number> {
  const names = read.fields.map((f) => f.name);
  const table = await file.read({ rowGroups: [read.group], batchSize: read.size, columns: names });
  const stream = table.intoFFI();
  try {
    const memory = wasmMemory().buffer;
    const fields = schemaFields(memory, stream.schemaAddr());
    let rows = 0;
    for (const batchAt of stream.arrayAddrs()) {
      const batch = arrowArray(memory, batchAt);
      batch.children.forEach((at, j) => {
        const { name, format, dictionary } = fields[j]!;
        const array = arrowArray(memory, at);
        copyColumn({ memory, array, format, dictionary }, read.out.get(name)!, read.at + rows);
      });
      rows += batch.length;
    }
    return rows;
  } finally {
    stream.free();
  }
}
