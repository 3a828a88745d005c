/**
 * A worker that decodes some columns of a Parquet file with `parquet-wasm` (arrow-rs compiled to
 * WebAssembly): one row group at a time, each read copied from the decoder's memory into the
 * columns by `_arrow_values.ts`, the finished columns transferred back (numbers without a copy).
 * The decoder lives in this worker so that a panic on a corrupt file ends only the worker, and
 * its memory is returned when the worker ends.
 *
 * @module
 */

import { initSync, ParquetFile, wasmMemory } from "parquet-wasm/esm";
import { arrowArray, type ArrowField, schemaFields } from "./_arrow_ffi.ts";
import { type Column, columnKind, copyColumn, newColumn, type TimeForm } from "./_arrow_values.ts";
import { FileBlob } from "./_file_blob.ts";
import type { Utf8Column } from "./_utf8_column.ts";

/** What a worker is asked: the compiled decoder, the file, the columns to read. */
export interface DecodeJob {
  readonly module: WebAssembly.Module;
  readonly path: string;
  readonly columns: readonly string[];
  /** Timestamps and dates as ISO text (the default) or epoch milliseconds. */
  readonly times?: TimeForm;
}

/** A decoded column: numbers, or text (strings, ISO times, nulls). */
export interface Decoded {
  readonly name: string;
  readonly values: Float64Array<ArrayBuffer> | Utf8Column;
}

/** A worker's answer: the columns it decoded (the others it leaves out), or why it failed. */
export type DecodeReply = { readonly columns: readonly Decoded[] } | { readonly error: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<DecodeJob>) => void) | null;
  postMessage(reply: DecodeReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

// A decoder panic (a trap inside a read's promise callbacks) is an answer, not an uncaught error.
const failed = (event: Event, why: unknown) => {
  event.preventDefault();
  scope.postMessage({ error: `the decoder failed: ${why instanceof Error ? why.message : why}` });
};
addEventListener("unhandledrejection", (e) => failed(e, e.reason));
addEventListener("error", (e) => failed(e, e.error ?? e.message));

scope.onmessage = async ({ data: job }) => {
  try {
    const columns = await decode(job);
    const moved = columns.flatMap(({ values: v }) =>
      v instanceof Float64Array ? [v.buffer] : [v.bytes.buffer, v.ends.buffer, v.missing.buffer]
    );
    scope.postMessage({ columns }, moved);
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};

async function decode(job: DecodeJob): Promise<Decoded[]> {
  initSync({ module: job.module });
  const blob = FileBlob.open(job.path);
  try {
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
  } finally {
    blob.close();
  }
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
