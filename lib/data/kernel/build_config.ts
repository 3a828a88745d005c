/**
 * How the Parquet page kernels are built: the AssemblyScript source, the output, and the
 * compiler flags (no SIMD or threads: each decoding worker has its own memory).
 *
 * @module
 */

/** The AssemblyScript source, relative to the repository root. */
export const PAGE_KERNEL_SOURCE = "lib/data/kernel/assembly/pages.ts";

/** The committed build output, relative to the repository root. */
export const PAGE_KERNEL_WASM = "lib/data/kernel/pages.wasm";

/** asc flags: optimized, no runtime, memory exported and grown by the caller. */
export const PAGE_ASC_ARGS: readonly string[] = ["-O3", "--runtime", "stub", "--noAssert"];
