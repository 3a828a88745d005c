/**
 * How the WASM kernels are built: the AssemblyScript source, the outputs, and the compiler flags
 * (SIMD; a shared memory for the worker threads, and a build for an unshared one, whose bounds
 * checks V8 compiles cheaper: it keeps the memory's size in a register, where a shared memory's
 * is read again at every access).
 *
 * @module
 */

/** The AssemblyScript source, relative to the repository root. */
export const KERNEL_SOURCE = "lib/models/gbt/kernel/assembly/kernels.ts";

/** The committed build output, relative to the repository root (memory shared). */
export const KERNEL_WASM = "lib/models/gbt/kernel/kernels.wasm";

/** The committed build for an unshared memory (one thread), relative to the repository root. */
export const KERNEL_WASM_UNSHARED = "lib/models/gbt/kernel/kernels_unshared.wasm";

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

/** asc flags of {@link KERNEL_WASM_UNSHARED}: {@link ASC_ARGS} with the memory not shared. */
export const UNSHARED_ASC_ARGS: readonly string[] = ASC_ARGS.filter((a) => a !== "--sharedMemory");
