/**
 * MurmurHash3 x86 32-bit (seed 0 by default), as Python's `mmh3.hash(key, signed=False)`, which
 * Feast uses to name hash fields.
 *
 * @module
 */

/** The 32-bit unsigned murmur3 hash of the UTF-8 bytes of `key`. */
export function murmur3(key: string | Uint8Array, seed = 0): number {
  const data = typeof key === "string" ? new TextEncoder().encode(key) : key;
  const n = data.length, blocks = n >> 2;
  const c1 = 0xcc9e2d51, c2 = 0x1b873593;
  let h = seed >>> 0;
  for (let i = 0; i < blocks; i++) {
    let k = data[4 * i]! | (data[4 * i + 1]! << 8) | (data[4 * i + 2]! << 16) |
      (data[4 * i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = blocks * 4, rest = n & 3;
  if (rest >= 3) k ^= data[tail + 2]! << 16;
  if (rest >= 2) k ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    k ^= data[tail]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Feast's hash field name: the 32-bit hash as 4 little-endian bytes. */
export function feastFieldKey(name: string): Uint8Array {
  const h = murmur3(name);
  return Uint8Array.of(h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, h >>> 24);
}
