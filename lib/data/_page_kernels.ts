/**
 * The Parquet page kernels (`kernel/pages.wasm`, AssemblyScript source in `kernel/assembly/`),
 * compiled once per process and instantiated by each decoding worker over its own memory, with a
 * stack of buffers in that memory: a column's output, then a chunk, then its pages, each released
 * when done. The kernels run at full speed from a fresh worker's first page, as JavaScript loops
 * would not.
 *
 * @module
 */

/** The kernels' exports (pointers are byte offsets into `memory`). */
export interface PageExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  snappy(src: number, inLen: number, dst: number, outLen: number): number;
  levels(src: number, len: number, count: number, out: number): number;
  hybrid(src: number, len: number, width: number, count: number, out: number): number;
  plainNumbers(src: number, kind: number, n: number, over: bigint, out: number): void;
  gatherF64(dict: number, size: number, index: number, n: number, out: number): number;
  gatherI32(table: number, size: number, index: number, n: number, out: number): number;
  spreadF64(dense: number, defined: number, count: number, out: number): void;
  spreadI32(dense: number, defined: number, count: number, fill: number, out: number): void;
  plainTexts(
    src: number,
    len: number,
    count: number,
    base: number,
    ends: number,
    data: number,
  ): number;
  gatherTextSize(dictEnds: number, size: number, index: number, n: number): number;
  gatherTexts(
    dict: number,
    dictEnds: number,
    index: number,
    n: number,
    base: number,
    ends: number,
    data: number,
  ): void;
  spreadEnds(dense: number, defined: number, count: number, base: number, out: number): void;
  ascii(src: number, n: number): number;
}

/** Bytes past each buffer the kernels may touch (8-byte moves). */
const SLACK = 16;

let compiled: WebAssembly.Module | undefined;

/** The compiled kernels (compiled once per process from the committed `pages.wasm`). */
export function pageKernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(
    Deno.readFileSync(new URL("./kernel/pages.wasm", import.meta.url)),
  );
  return compiled;
}

/** One instance of the kernels and the buffers in its memory. */
export class PageKernels {
  /** The kernel functions. */
  readonly run: PageExports;
  #top: number;

  /** Instantiates `module` (from {@link pageKernelModule}, possibly sent to a worker). */
  constructor(module: WebAssembly.Module) {
    this.run = new WebAssembly.Instance(module, {}).exports as unknown as PageExports;
    this.#top = align(this.run.heapBase());
  }

  /** A new buffer of `bytes` (8-aligned, with slack), growing the memory when needed. */
  alloc(bytes: number): number {
    const at = this.#top, top = align(at + bytes + SLACK);
    const memory = this.run.memory, have = memory.buffer.byteLength;
    // Doubling: a worker's memory grows a few times, not once per column.
    if (top > have) memory.grow(Math.ceil((Math.max(top, 2 * have) - have) / 65536));
    this.#top = top;
    return at;
  }

  /** Where the next buffer goes: {@link release} frees every buffer allocated after it. */
  mark(): number {
    return this.#top;
  }

  /** Frees the buffers allocated since `mark`. */
  release(mark: number): void {
    this.#top = mark;
  }

  /** A view of `n` bytes at `at` (valid until the next {@link alloc}). */
  bytes(at: number, n: number): Uint8Array {
    return new Uint8Array(this.run.memory.buffer, at, n);
  }

  /** A view of `n` 32-bit integers at `at` (valid until the next {@link alloc}). */
  ints(at: number, n: number): Int32Array {
    return new Int32Array(this.run.memory.buffer, at, n);
  }

  /** A view of `n` doubles at `at` (valid until the next {@link alloc}). */
  doubles(at: number, n: number): Float64Array {
    return new Float64Array(this.run.memory.buffer, at, n);
  }
}

function align(at: number): number {
  return (at + 15) & ~15;
}
