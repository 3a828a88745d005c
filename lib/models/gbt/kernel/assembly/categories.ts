// Categorical splits (XGBoost's): a node whose flag byte has bit 1 set holds, in its threshold
// slot, the address of its category set — a u32 count of bits, then u32 words, bit c of word
// c >> 5 set when category c goes RIGHT. Bit 0 of the flag byte is the default (missing) direction.

/** Flag bit: missing values go left. */
export const DEFAULT_LEFT: u8 = 1;
/** Flag bit: the node splits on categories. */
export const CATEGORICAL: u8 = 2;

/** Whether category value `v` (a float: truncated, as XGBoost casts it) is in the set at `set`. */
@inline export function inCategories(set: usize, v: f32): bool {
  if (!(v >= 0.0) || v >= 16777216.0) return false; // negative, NaN or too large: not a category
  const c = <u32>v;
  if (c >= load<u32>(set)) return false;
  return ((load<u32>(set + 4 + (<usize>(c >> 5) << 2)) >> (c & 31)) & 1) != 0;
}

/** Where a raw value goes at a node: left (true) or right. */
@inline export function goesLeft(v: f32, flags: u8, split: usize): bool {
  if (v != v) return (flags & DEFAULT_LEFT) != 0;
  if ((flags & CATEGORICAL) == 0) return v < load<f32>(split);
  return !inCategories(<usize>load<i32>(split), v);
}
