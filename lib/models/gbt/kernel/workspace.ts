/**
 * The WASM kernels and the memory they work in. A {@link Workspace} owns one memory and one kernel
 * instance, and hands out aligned regions with a bump allocator; typed-array views are made fresh
 * after each allocation (growing the memory can replace its buffer). The memory is shared (the
 * pool's threads work in it) unless the workspace serves one thread only: then it is an unshared
 * memory exposed as a resizable buffer (views made before it grows stay valid, as a shared one's
 * do) and the kernels are their unshared build, whose bounds checks are cheaper.
 *
 * @module
 */

import { MAX_PAGES } from "./build_config.ts";

/** The kernel exports (all pointers are byte offsets in the workspace memory). */
/** Where `countTopCells` and `fillTopCells` find the top-bin rows (missing_cells.ts). */
type TopCellsFrom = [
  binsCol: number,
  n: number,
  full: number,
  nfull: number,
  bits: number,
  stride: number,
  rowStart: number,
];

export interface Kernels {
  gradLogistic(
    margin: number,
    label: number,
    weight: number,
    n: number,
    spw: number,
    gh: number,
  ): void;
  expF32(x: number): number;
  gradSquared(margin: number, label: number, weight: number, n: number, gh: number): void;
  buildHist(
    bins: number,
    nfeat: number,
    rows: number,
    start: number,
    end: number,
    gh: number,
    hist: number,
    f0: number,
    f1: number,
    buf: number,
  ): void;
  gatherBytes(nfeat: number): number;
  /**
   * A small child's histogram (`buildHist` without the gather buffer), its rows' pairs taken from
   * `parent`'s, and the bins its rows fall in marked at `hints` (256 bits per feature).
   */
  buildHistTake(
    bins: number,
    nfeat: number,
    rows: number,
    start: number,
    end: number,
    gh: number,
    hist: number,
    parent: number,
    f0: number,
    f1: number,
    hints: number,
  ): void;
  buildHistCols(
    binsCol: number,
    n: number,
    start: number,
    end: number,
    gh: number,
    hist: number,
    f0: number,
    f1: number,
  ): void;
  reduceHists(
    parts: number,
    nparts: number,
    dest: number,
    parent: number,
    off: number,
    pairs: number,
  ): void;
  ghAbsMax(gh: number, n: number, out: number): void;
  sumPairs(pairs: number, n: number, out: number): void;
  barrier(counter: number, parties: number): void;
  quantizeGh(gh: number, n: number, qg: number, qh: number): void;
  partition(
    column: number,
    rows: number,
    start: number,
    end: number,
    splitBin: number,
    defaultLeft: number,
    scratch: number,
    result: number,
    cats: number,
    wideMissing: number,
    missingBits: number,
  ): void;
  addTreeBinned(
    bins: number,
    nfeat: number,
    n: number,
    feature: number,
    splitBin: number,
    left: number,
    right: number,
    defaultLeft: number,
    value: number,
    margin: number,
    wide: number,
    stride: number,
    wideIndex: number,
    wideMissing: number,
    missingBits: number,
    bitStride: number,
    first: number,
  ): void;
  markMissing(values: number, n: number, bits: number, first: number): void;
  presentValues(
    values: number,
    n: number,
    step: number,
    weights: number,
    out: number,
    outW: number,
  ): number;
  countTopCells(...args: [...TopCellsFrom, rowBits: number]): number;
  fillTopCells(...args: [...TopCellsFrom, cells: number]): void;
  splitTopBins(
    desc: number,
    rows: number,
    start: number,
    end: number,
    gh: number,
    hist: number,
    f0: number,
    f1: number,
  ): void;
  addTreeRaw(
    x: number,
    nfeat: number,
    n: number,
    feature: number,
    threshold: number,
    left: number,
    right: number,
    defaultLeft: number,
    value: number,
    margin: number,
  ): void;
  binColumn(values: number, n: number, cuts: number, ncuts: number, out: number): void;
  scatterColumn(src: number, n: number, dst: number, stride: number): void;
  sortF32(values: number, n: number, tmp: number, count: number): void;
  sortF32Pairs(
    values: number,
    n: number,
    tmp: number,
    count: number,
    payload: number,
    payloadTmp: number,
  ): void;
  sketchCuts(
    values: number,
    weights: number,
    n: number,
    maxBin: number,
    scratch: number,
    out: number,
  ): void;
  sketchScratchBytes(maxn: number, maxBin: number): number;
  growLeafwise(block: number, thread: number): void;
  leafwiseStateBytes(maxLeaves: number, catBits: number, nfeat: number): number;
  addLeafValue(rows: number, start: number, end: number, value: number, margin: number): void;
  heapBase(): number;
  addForestRaw(
    x: number,
    nfeat: number,
    n: number,
    roots: number,
    ntrees: number,
    feature: number,
    threshold: number,
    left: number,
    right: number,
    defaultLeft: number,
    value: number,
    margin: number,
  ): void;
  treeShap(
    x: number,
    nfeat: number,
    n: number,
    roots: number,
    ntrees: number,
    feature: number,
    threshold: number,
    left: number,
    right: number,
    defaultLeft: number,
    value: number,
    cover: number,
    scratch: number,
    depth: number,
    out: number,
  ): void;
  rowsF32(cols: number, n: number, nfeat: number, start: number, end: number, x: number): void;
  setGainParams(lambda: number, alpha: number, maxDeltaStep: number, minChildWeight: number): void;
  leafWeight(g: number, h: number): number;
  findBestSplit(
    hist: number,
    binCounts: number,
    features: number,
    nsel: number,
    g: number,
    h: number,
    minGain: number,
    out: number,
    lower: number,
    upper: number,
    monotone: number,
    catFlags: number,
    onehotBelow: number,
    maxCatThreshold: number,
    slots: number,
    catCap: number,
    rows: number,
    /** The leaf-wise kernel's hints (bins that may hold rows); 0: none. */
    hints: number,
  ): void;
  setCategoryParams(smooth: number, minDataPerGroup: number, l2: number): void;
  buildHistWide(
    wide: number,
    n: number,
    nwide: number,
    slot: number,
    rows: number,
    start: number,
    end: number,
    gh: number,
    hist: number,
  ): void;
}

/** A memory with `toResizableBuffer` (V8 has it; the TypeScript library does not yet). */
type ResizableMemory = WebAssembly.Memory & { toResizableBuffer(): ArrayBuffer };

const compiled: { shared?: WebAssembly.Module; unshared?: WebAssembly.Module } = {};

/**
 * The compiled kernel module for a shared memory (`kernels.wasm`) or an unshared one
 * (`kernels_unshared.wasm`), each compiled once per process.
 */
export function kernelModule(shared = true): WebAssembly.Module {
  const file = shared ? "./kernels.wasm" : "./kernels_unshared.wasm";
  const key = shared ? "shared" : "unshared";
  return compiled[key] ??= new WebAssembly.Module(
    Deno.readFileSync(new URL(file, import.meta.url)),
  );
}

/** Instantiates the kernels over `memory` (worker threads pass the module they were sent). */
export function instantiateKernels(
  memory: WebAssembly.Memory,
  module?: WebAssembly.Module,
): Kernels {
  const instance = new WebAssembly.Instance(module ?? kernelModule(), {
    env: {
      memory,
      abort: () => {
        throw new Error("WASM kernel aborted");
      },
    },
  });
  return instance.exports as unknown as Kernels;
}

/**
 * A WASM memory with the kernels and a bump allocator: shared (the default, for the pool's
 * threads) or, with `{ shared: false }`, for one thread only.
 *
 * Memory is released when the workspace is garbage-collected; `reset()` reuses it.
 *
 * @example 100 doubles in the shared memory, and in a one-thread workspace
 * ```ts
 * import { Workspace } from "./workspace.ts";
 * const ws = new Workspace();
 * const p = ws.alloc(8 * 100);
 * ws.f64(p, 100).fill(1);
 * const local = new Workspace({ shared: false });
 * local.f64(local.alloc(8 * 100), 100).fill(1);
 * ```
 */
export class Workspace {
  /** The memory (pass it to worker threads when {@link shared}). */
  readonly memory: WebAssembly.Memory;
  /** Whether the memory is shared (worker threads may work in it). */
  readonly shared: boolean;
  /** Kernel exports bound to this memory. */
  readonly k: Kernels;
  readonly #base: number;
  #top: number;

  constructor(options: { shared?: boolean } = {}) {
    this.shared = options.shared ?? true;
    this.memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: this.shared });
    // Unshared, the buffer is made resizable: a view made before the memory grows stays valid.
    if (!this.shared) (this.memory as ResizableMemory).toResizableBuffer();
    this.k = instantiateKernels(this.memory, kernelModule(this.shared));
    // The module's static data (e.g. Math.exp tables) sits below its heap base; never touch it.
    this.#base = Math.ceil(Math.max(16, this.k.heapBase()) / 16) * 16;
    this.#top = this.#base;
  }

  /**
   * Rows `start … start + m` of columns (`cols[j][i]` = feature j of row i) as float32 rows,
   * allocated here; returns the offset (the layout the predictors take).
   */
  rowsF32(cols: readonly Float64Array[], start: number, m: number): number {
    // The columns are copied as they are (memcpy), and the kernel writes the rows.
    const nf = cols.length, at = this.alloc(8 * m * nf), x = this.alloc(4 * m * nf);
    cols.forEach((c, j) => this.f64(at + 8 * m * j, m).set(c.subarray(start, start + m)));
    this.k.rowsF32(at, m, nf, 0, m, x);
    return x;
  }

  /** Bytes handed out so far. */
  get used(): number {
    return this.#top;
  }

  /**
   * Reserves `bytes` (aligned to `align`) and returns the offset.
   *
   * @throws {RangeError} when the 4 GiB wasm32 address space would be exceeded.
   */
  alloc(bytes: number, align = 16): number {
    const start = Math.ceil(this.#top / align) * align;
    const end = start + Math.max(0, bytes);
    if (end > MAX_PAGES * 65536) {
      throw new RangeError(
        `Expected the WASM workspace to fit in 4 GiB but ${end} bytes are needed`,
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / 65536));
    this.#top = end;
    return start;
  }

  /** Frees everything allocated after `mark` (a value of {@link used}; default: everything). */
  reset(mark = this.#base): void {
    this.#top = Math.max(mark, this.#base);
  }

  /** A Float64Array view of `n` values at `ptr`. */
  f64(ptr: number, n: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, n);
  }

  /** A Float32Array view of `n` values at `ptr`. */
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** An Int32Array view of `n` values at `ptr`. */
  i32(ptr: number, n: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** A Uint16Array view of `n` values at `ptr`. */
  u16(ptr: number, n: number): Uint16Array {
    return new Uint16Array(this.memory.buffer, ptr, n);
  }

  /** A Uint8Array view of `n` bytes at `ptr`. */
  u8(ptr: number, n: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, n);
  }
}
