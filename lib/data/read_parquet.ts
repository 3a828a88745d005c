/**
 * The Parquet reader: columns decoded by `parquet-wasm` (arrow-rs compiled to WebAssembly) in
 * worker threads, each worker taking a share of the columns (balanced by compressed size, one
 * worker per core up to four) and reading them row group by row group. The footer is read here
 * with `hyparquet` (names, row count, sizes); the few column types the columnar decoder does not
 * take (nested, binary, float16, …) are read with `hyparquet` too.
 *
 * @module
 */

import {
  asyncBufferFromFile,
  type FileMetaData,
  parquetMetadataAsync,
  parquetSchema,
} from "hyparquet";
import { DataError, EnvironmentError } from "../errors.ts";
import { checkNames } from "./csv_parse.ts";
import type { CodedText } from "./_parquet_worker.ts";
import { decodeOnWorker } from "./_decode_pool.ts";
import { readCellColumns } from "./_parquet_cells.ts";
import { pageKernelModule } from "./_page_kernels.ts";
import { LazyTexts, utf8Cells, type Utf8Column } from "./_utf8_column.ts";
import { type TextCodes, utf8Codes } from "./_utf8_codes.ts";
import type { Cell, Table } from "./table.ts";

export type { TextCodes } from "./_utf8_codes.ts";
export { LazyTexts } from "./_utf8_column.ts";

/** Most decoding workers for one file. */
const MAX_WORKERS = 4;
/** Below this many compressed bytes one worker reads every column (a worker costs ~30 ms). */
const SHARE_ABOVE = 8 * 2 ** 20;

/**
 * Reads a Parquet file into a {@link Table}: numeric columns as `Float64Array` (NaN = null),
 * text as strings, timestamps and dates as ISO text.
 *
 * @throws {DataError} naming the file for duplicate column names and for a file that cannot be
 *   read as Parquet (truncated, corrupt, not Parquet at all).
 * @throws {EnvironmentError} when the decoder itself cannot be loaded (`deno install` not run).
 */
export async function readParquet(path: string): Promise<Table> {
  const read = await readParquetColumns(path);
  const columns = read.names.map((n) => read.columns.get(n) as Float64Array | Cell[]);
  return { names: read.names, columns, rows: read.rows };
}

/** Which columns {@link readParquetColumns} reads, and how. */
export interface ParquetColumnsOptions {
  /** The columns to read; names the file lacks are skipped. @default every column */
  readonly columns?: readonly string[] | undefined;
  /** Text columns to return as {@link TextCodes} instead of strings. @default none */
  readonly codes?: readonly string[] | undefined;
  /** Text columns to return as {@link LazyTexts} (strings only when asked). @default none */
  readonly lazy?: readonly string[] | undefined;
  /** Timestamps and dates as ISO text or as epoch milliseconds (NaN = null). @default "iso" */
  readonly times?: "iso" | "ms" | undefined;
}

/** A column as {@link readParquetColumns} returns it. */
export type ReadColumn = Float64Array | Cell[] | TextCodes | LazyTexts;

/** Columns read by {@link readParquetColumns}. */
export interface ParquetColumns {
  /** Every column name of the file (read or not). */
  readonly names: readonly string[];
  /** Rows in the file. */
  readonly rows: number;
  /** The columns read: numbers (and `"ms"` times) as `Float64Array`, text as cells or codes. */
  readonly columns: ReadonlyMap<string, ReadColumn>;
}

/**
 * Reads some columns of a Parquet file as {@link readParquet} reads them, or with text as codes
 * (no string per row: rows coded by their bytes, codes in order of first appearance, a null row
 * as the empty text) and times as epoch milliseconds: what a transaction log needs.
 *
 * @throws {DataError} as {@link readParquet}.
 * @throws {EnvironmentError} as {@link readParquet}.
 * @example Read a log's entity column as codes and its times as milliseconds
 * ```ts
 * import { readParquetColumns } from "./read_parquet.ts";
 * import { parquetWriteBuffer } from "hyparquet-writer";
 * const path = await Deno.makeTempFile({ suffix: ".parquet" });
 * await Deno.writeFile(path, new Uint8Array(parquetWriteBuffer({ columnData: [
 *   { name: "entity_id", data: ["a", "b", "a"], type: "STRING" },
 *   { name: "amount", data: [1, 2, 3], type: "DOUBLE" },
 * ] })));
 * const read = await readParquetColumns(path, { columns: ["entity_id"], codes: ["entity_id"] });
 * read.columns.get("entity_id"); // { codes: Int32Array [0, 1, 0], names: ["a", "b"] }
 * ```
 */
export async function readParquetColumns(
  path: string,
  options: ParquetColumnsOptions = {},
): Promise<ParquetColumns> {
  try {
    return await parquetColumns(path, options);
  } catch (cause) {
    if (cause instanceof DataError || cause instanceof EnvironmentError) throw cause;
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new DataError(`"${path}" is not a readable Parquet file (${why})`, { cause });
  }
}

async function parquetColumns(path: string, options: ParquetColumnsOptions) {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  checkNames(names, `"${path}"`);
  const wanted = options.columns ? names.filter((n) => options.columns!.includes(n)) : names;
  const plan = {
    path,
    times: options.times ?? "iso",
    codes: new Set(options.codes ?? []),
    lazy: new Set(options.lazy ?? []),
  };
  const columns = wanted.length
    ? await decodeColumns(plan, shares(metadata, wanted))
    : new Map<string, ReadColumn>();
  const rest = wanted.filter((n) => !columns.has(n));
  if (rest.length) {
    for (const [n, c] of await readCellColumns({ file, metadata, names: rest })) columns.set(n, c);
  }
  return { names, columns, rows: Number(metadata.num_rows) };
}

/** The columns split among workers, largest first to the least loaded. */
function shares(metadata: FileMetaData, names: readonly string[]): string[][] {
  const bytes = new Map(names.map((n) => [n, 0]));
  for (const group of metadata.row_groups) {
    for (const { meta_data } of group.columns) {
      const name = meta_data?.path_in_schema[0] ?? "";
      if (bytes.has(name)) {
        bytes.set(name, bytes.get(name)! + Number(meta_data!.total_compressed_size));
      }
    }
  }
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  const cores = Math.max(1, navigator.hardwareConcurrency ?? 1);
  const n = total < SHARE_ABOVE ? 1 : Math.min(cores, MAX_WORKERS, names.length);
  const out = Array.from({ length: n }, () => ({ bytes: 0, names: [] as string[] }));
  for (const [name, size] of [...bytes].sort((a, b) => b[1] - a[1])) {
    const least = out.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    least.bytes += size;
    least.names.push(name);
  }
  return out.map((s) => s.names);
}

/** What the workers read: the file, how times come, the text columns to code. */
interface DecodePlan {
  readonly path: string;
  readonly times: "iso" | "ms";
  readonly codes: ReadonlySet<string>;
  readonly lazy: ReadonlySet<string>;
}

/** Each share decoded by its own worker; the columns a worker leaves out are absent. */
async function decodeColumns(
  plan: DecodePlan,
  columns: string[][],
): Promise<Map<string, ReadColumn>> {
  const module = await decoderModule(), kernels = pageKernelModule();
  const codes = [...plan.codes], { path, times } = plan;
  // Each reply's text becomes strings (or codes) as it arrives, while other workers decode.
  const text = (name: string, v: Utf8Column | CodedText) =>
    "codes" in v
      ? { codes: v.codes, names: utf8Cells(v.names) as string[] }
      : plan.codes.has(name)
      ? utf8Codes(v)
      : plan.lazy.has(name)
      ? new LazyTexts(v)
      : utf8Cells(v);
  const replies = await Promise.all(columns.map(async (share) => {
    const decoded = await decodeOnWorker({ module, kernels, path, columns: share, times, codes });
    return decoded.map(({ name, values: v }) =>
      [name, v instanceof Float64Array ? v : text(name, v)] as const
    );
  }));
  return new Map(replies.flat());
}

let decoder: Promise<WebAssembly.Module> | undefined;

/** The decoder's WebAssembly, compiled once per process and shared with every worker. */
function decoderModule(): Promise<WebAssembly.Module> {
  decoder ??= (async () => {
    const wasm = import.meta.resolve("parquet-wasm/esm/parquet_wasm_bg.wasm");
    try {
      return await WebAssembly.compile(await Deno.readFile(new URL(wasm)));
    } catch (cause) {
      decoder = undefined;
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new EnvironmentError(
        `cannot load the Parquet decoder ${wasm} (${why}); run \`deno install\``,
        { cause },
      );
    }
  })();
  return decoder;
}
