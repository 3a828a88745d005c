// Parquet page kernels for the columnar reader (lib/data/_page_kernels.ts loads them): Snappy
// decompression, compiled ahead of time so a fresh decoding worker runs it at full speed from
// its first page. Buffers are laid out by the caller past heapBase(), each with 16 bytes of
// slack: short literals and copies move 8 bytes at a time and may touch up to 15 bytes beyond.

// The first byte the caller may use.
export function heapBase(): usize {
  return __heap_base;
}

// Decompresses the Snappy block of `inLen` bytes at `src` into exactly `outLen` bytes at `dst`;
// returns 0, or -1 when the block is corrupt (a length past either end, an offset before `dst`).
export function snappy(src: usize, inLen: usize, dst: usize, outLen: usize): i32 {
  const end = src + inLen, outEnd = dst + outLen;
  let pos = src;
  while (pos < end && load<u8>(pos) >= 128) pos++;
  pos++;
  let out = dst;
  while (pos < end) {
    const tag = <u32> load<u8>(pos++);
    const kind = tag & 3;
    if (kind == 0) {
      let len = <usize> (tag >> 2) + 1;
      if (len > 60) {
        const bytes = len - 60;
        if (pos + bytes > end) return -1;
        const word = <usize> load<u32>(pos);
        len = (bytes == 4 ? word : word & ((<usize> 1 << (bytes << 3)) - 1)) + 1;
        pos += bytes;
      }
      if (pos + len > end || out + len > outEnd) return -1;
      if (len <= 16) {
        store<u64>(out, load<u64>(pos));
        store<u64>(out + 8, load<u64>(pos + 8));
      } else memory.copy(out, pos, len);
      pos += len;
      out += len;
      continue;
    }
    let len: usize, offset: usize;
    if (kind == 1) {
      len = <usize> ((tag >> 2) & 7) + 4;
      offset = (<usize> (tag >> 5) << 8) | <usize> load<u8>(pos);
      pos += 1;
    } else if (kind == 2) {
      len = <usize> (tag >> 2) + 1;
      offset = <usize> load<u16>(pos);
      pos += 2;
    } else {
      len = <usize> (tag >> 2) + 1;
      offset = <usize> load<u32>(pos);
      pos += 4;
    }
    if (offset == 0 || offset > out - dst || out + len > outEnd) return -1;
    copyBack(out, offset, len);
    out += len;
  }
  return out == outEnd ? 0 : -1;
}

// Copies `len` bytes from `offset` bytes back to `out` (the ranges may overlap).

function copyBack(out: usize, offset: usize, len: usize): void {
  let from = out - offset;
  if (offset >= 8) {
    if (offset >= len && len > 32) {
      memory.copy(out, from, len);
      return;
    }
    const stop = out + len;
    for (let to = out; to < stop; to += 8, from += 8) store<u64>(to, load<u64>(from));
    return;
  }
  for (let k: usize = 0; k < len; k++) store<u8>(out + k, load<u8>(from + k));
}

// Where runHeader reads (a global: a kernel returns one value).
let cursor: usize = 0;

// A run's header of the RLE / bit-packed hybrid (an unsigned LEB128 varint) at `cursor`, which
// moves past it.
@inline function runHeader(): u32 {
  let header: u32 = 0, shift: u32 = 0, b: u32;
  do {
    b = <u32>load<u8>(cursor++);
    header |= (b & 127) << shift;
    shift += 7;
  } while (b >= 128 && shift < 32);
  return header;
}

// Definition levels of width 1 (RLE / bit-packed hybrid, `len` bytes at `src`) as one byte per
// row (1 = a value) at `out`; returns the rows holding a value, or -1 when the runs end early.
export function levels(src: usize, len: usize, count: i32, out: usize): i32 {
  const end = src + len;
  let pos = src, seen: i32 = 0, present: i32 = 0;
  while (seen < count) {
    if (pos >= end) return -1;
    cursor = pos;
    const header = runHeader();
    pos = cursor;
    if ((header & 1) == 0) {
      const value = <u8> (load<u8>(pos++) & 1);
      const run = min(<i32> (header >> 1), count - seen);
      memory.fill(out + <usize> seen, value, <usize> run);
      if (value) present += run;
      seen += run;
    } else {
      const values = min(<i32> (header >> 1) << 3, count - seen);
      if (pos + <usize> ((values + 7) >> 3) > end) return -1;
      for (let i: i32 = 0; i < values; i++) {
        const bit = <u8> ((load<u8>(pos + <usize> (i >> 3)) >> <u8> (i & 7)) & 1);
        store<u8>(out + <usize> (seen + i), bit);
        present += bit;
      }
      pos += <usize> (header >> 1);
      seen += values;
    }
  }
  return present;
}

// `count` values of `width` bits (RLE / bit-packed hybrid, `len` bytes at `src`) as i32 at `out`;
// returns 0, or -1 when the runs end before the values do.
export function hybrid(src: usize, len: usize, width: i32, count: i32, out: usize): i32 {
  const end = src + len, byteWidth = <usize> ((width + 7) >> 3);
  const mask: u64 = width >= 32 ? 0xffffffff : (<u64> 1 << <u64> width) - 1;
  let pos = src, seen: i32 = 0;
  while (seen < count) {
    if (pos >= end) return -1;
    cursor = pos;
    const header = runHeader();
    pos = cursor;
    if ((header & 1) == 0) {
      let value: i32 = 0;
      for (let k: usize = 0; k < byteWidth; k++) value |= <i32> load<u8>(pos + k) << <i32> (k << 3);
      pos += byteWidth;
      const stop = min(seen + <i32> (header >> 1), count);
      for (; seen < stop; seen++) store<i32>(out + (<usize> seen << 2), value);
    } else {
      const groups = <usize> (header >> 1), values = min(<i32> (groups << 3), count - seen);
      if (pos + ((<usize> values * <usize> width + 7) >> 3) > end) return -1;
      for (let i: i32 = 0; i < values; i++) {
        const bit = <u64> i * <u64> width;
        const word = load<u64>(pos + <usize> (bit >> 3));
        store<i32>(out + (<usize> (seen + i) << 2), <i32> ((word >> (bit & 7)) & mask));
      }
      pos += groups * <usize> width;
      seen += values;
    }
  }
  return 0;
}

// How plainNumbers reads a value.
const DOUBLE = 0, FLOAT = 1, INT32 = 2, UINT32 = 3, INT64 = 4, UINT64 = 5, BOOLEAN = 6; // 7: DAYS

// `n` plain values at `src` as f64 at `out`; INT64 values divided by `over` (1, 1000 or 10^6),
// truncated toward zero, for times in milliseconds; DAYS: days × 86 400 000.
export function plainNumbers(src: usize, kind: i32, n: i32, over: i64, out: usize): void {
  for (let i: i32 = 0; i < n; i++) {
    const at = <usize> i;
    let v: f64;
    if (kind == DOUBLE) v = load<f64>(src + (at << 3));
    else if (kind == FLOAT) v = <f64> load<f32>(src + (at << 2));
    else if (kind == INT32) v = <f64> load<i32>(src + (at << 2));
    else if (kind == UINT32) v = <f64> load<u32>(src + (at << 2));
    else if (kind == INT64) {
      const x = load<i64>(src + (at << 3));
      v = over == 1 ? <f64> x : <f64> (x / over);
    } else if (kind == UINT64) v = <f64> load<u64>(src + (at << 3));
    else if (kind == BOOLEAN) v = <f64> ((load<u8>(src + (at >> 3)) >> <u8> (at & 7)) & 1);
    else v = <f64> load<i32>(src + (at << 2)) * 86400000.0;
    store<f64>(out + (at << 3), v);
  }
}

// out[i] = dict[index[i]] for n rows; returns 0, or -1 for an index past the dictionary.
export function gatherF64(dict: usize, size: i32, index: usize, n: i32, out: usize): i32 {
  for (let i: i32 = 0; i < n; i++) {
    const k = load<i32>(index + (<usize> i << 2));
    if (<u32> k >= <u32> size) return -1;
    store<f64>(out + (<usize> i << 3), load<f64>(dict + (<usize> k << 3)));
  }
  return 0;
}

// out[i] = table[index[i]] for n rows; returns 0, or -1 for an index past the table.
export function gatherI32(table: usize, size: i32, index: usize, n: i32, out: usize): i32 {
  for (let i: i32 = 0; i < n; i++) {
    const k = load<i32>(index + (<usize> i << 2));
    if (<u32> k >= <u32> size) return -1;
    store<i32>(out + (<usize> i << 2), load<i32>(table + (<usize> k << 2)));
  }
  return 0;
}

// Dense f64 values onto the rows whose `defined` byte is 1 (NaN elsewhere), `count` rows at `out`.
export function spreadF64(dense: usize, defined: usize, count: i32, out: usize): void {
  let k: usize = 0;
  for (let i: i32 = 0; i < count; i++) {
    const at = out + (<usize> i << 3);
    if (load<u8>(defined + <usize> i)) store<f64>(at, load<f64>(dense + (k++ << 3)));
    else store<f64>(at, NaN);
  }
}

// Dense i32 values onto the defined rows (`fill` elsewhere), `count` rows at `out`.
export function spreadI32(dense: usize, defined: usize, count: i32, fill: i32, out: usize): void {
  let k: usize = 0;
  for (let i: i32 = 0; i < count; i++) {
    const v = load<u8>(defined + <usize> i) ? load<i32>(dense + (k++ << 2)) : fill;
    store<i32>(out + (<usize> i << 2), v);
  }
}

// `count` plain byte arrays (a u32 length before each, `len` bytes at `src`): their bytes to
// `data`, and each one's end, counted from `base`, to `ends`; returns the bytes written, or -1
// when a length runs past the page.
export function plainTexts(
  src: usize,
  len: usize,
  count: i32,
  base: i32,
  ends: usize,
  data: usize,
): i32 {
  const end = src + len;
  let pos = src, size: usize = 0;
  for (let i: i32 = 0; i < count; i++) {
    if (pos + 4 > end) return -1;
    const n = <usize> load<u32>(pos);
    pos += 4;
    if (pos + n > end) return -1;
    memory.copy(data + size, pos, n);
    pos += n;
    size += n;
    store<i32>(ends + (<usize> i << 2), base + <i32> size);
  }
  return <i32> size;
}

// The bytes the dictionary's texts at `index` take (n rows; dictionary ends at `dictEnds`, `size`
// entries), or -1 for an index past the dictionary.
export function gatherTextSize(dictEnds: usize, size: i32, index: usize, n: i32): i32 {
  let total: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const k = load<i32>(index + (<usize> i << 2));
    if (<u32> k >= <u32> size) return -1;
    const start = k ? load<i32>(dictEnds + (<usize> (k - 1) << 2)) : 0;
    total += load<i32>(dictEnds + (<usize> k << 2)) - start;
  }
  return total;
}

// The dictionary's texts at `index` (checked by gatherTextSize): bytes to `data`, ends from `base`.
export function gatherTexts(
  dict: usize,
  dictEnds: usize,
  index: usize,
  n: i32,
  base: i32,
  ends: usize,
  data: usize,
): void {
  let size: i32 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const k = load<i32>(index + (<usize> i << 2));
    const start = k ? load<i32>(dictEnds + (<usize> (k - 1) << 2)) : 0;
    const stop = load<i32>(dictEnds + (<usize> k << 2));
    memory.copy(data + <usize> size, dict + <usize> start, <usize> (stop - start));
    size += stop - start;
    store<i32>(ends + (<usize> i << 2), base + size);
  }
}

// Dense text ends onto the defined rows (an empty text elsewhere), `count` rows at `out`.
export function spreadEnds(dense: usize, defined: usize, count: i32, base: i32, out: usize): void {
  let k: usize = 0, last = base;
  for (let i: i32 = 0; i < count; i++) {
    if (load<u8>(defined + <usize> i)) last = load<i32>(dense + (k++ << 2));
    store<i32>(out + (<usize> i << 2), last);
  }
}

// 1 when every one of the `n` bytes at `src` is below 0x80.
export function ascii(src: usize, n: usize): i32 {
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) if (load<u64>(src + i) & 0x8080808080808080) return 0;
  for (; i < n; i++) if (load<u8>(src + i) & 0x80) return 0;
  return 1;
}
