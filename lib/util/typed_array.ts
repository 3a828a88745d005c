/**
 * Typed arrays resized by copy (growable columns keep their kind).
 *
 * @module
 */

/** Any typed array of numbers. */
type NumberArray =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Uint16Array
  | Uint8Array;

/** A new array of `a`'s kind and length `n`, holding `a`'s first values (zeros past them). */
export function resized<T extends NumberArray>(a: T, n: number): T {
  const b = new (a.constructor as { new (n: number): T })(n);
  b.set(a.subarray(0, Math.min(a.length, n)) as unknown as ArrayLike<number>);
  return b;
}
