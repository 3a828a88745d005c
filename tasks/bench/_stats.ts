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
