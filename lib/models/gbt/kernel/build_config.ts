/**
 * How the WASM kernels are built: the AssemblyScript source, the output, and the compiler flags
 * (SIMD and shared memory for the worker threads).
 *
 * @module
 */

/** The AssemblyScript source, relative to the repository root. */
export const KERNEL_SOURCE = "lib/models/gbt/kernel/assembly/kernels.ts";

/** The committed build output, relative to the repository root. */
export const KERNEL_WASM = "lib/models/gbt/kernel/kernels.wasm";

/** Pages (64 KiB) the shared memory may grow to: 4 GiB, the wasm32 limit. */
export const MAX_PAGES = 65536;

/** asc flags: optimized, no runtime, SIMD and threads, memory imported and shared. */
export const ASC_ARGS: readonly string[] = [
  "-O3",
  "--runtime",
  "stub",
  "--noAssert",
  "--enable",
  "simd,threads",
  "--importMemory",
  "--sharedMemory",
  "--initialMemory",
  "1",
  "--maximumMemory",
  String(MAX_PAGES),
];
