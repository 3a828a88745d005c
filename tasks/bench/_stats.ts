/**
 * Small helpers shared by the benchmarks.
 *
 * @module
 */

/** The median (upper middle for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Writes a frame as a float64 row-major matrix (NaN = missing) for the Python peers to read. */
export async function writeMatrix(
  path: string,
  frame: { readonly rows: number; readonly columns: readonly ArrayLike<number>[] },
): Promise<void> {
  const f = frame.columns.length, m = new Float64Array(frame.rows * f);
  frame.columns.forEach((c, j) => {
    for (let i = 0; i < frame.rows; i++) m[i * f + j] = c[i]!;
  });
  await Deno.writeFile(path, new Uint8Array(m.buffer));
}
