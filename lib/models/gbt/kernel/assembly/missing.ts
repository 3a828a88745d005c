// Features with 256 value bins (XGBoost's default max_bin): their u8 code 255 holds both the top
// value bin and the missing values. A bitmap per feature marks its missing rows (`isMissing`),
// and the rows in a top bin are listed: a bit per row says whether it is in any feature's top bin
// (`rowBits`), and its cells list those features (`rowStart`: u32 × (n + 1); `cells`: u16). A
// node histogram keeps such a feature's missing pair apart, 16 bytes per feature from `extras`
// (after the u8 and wide slots). Descriptor (f64 words at `desc`): rowStart, cells, rowBits,
// extras, the features with 256 value bins (i32 list), their count, the bitmaps of missing rows,
// the bytes of one.

/** Bit r of the bitmap at `bits`. */
@inline function bitAt(bits: usize, r: usize): bool {
  return ((load<u32>(bits + ((r >> 5) << 2)) >> <u32>(r & 31)) & 1) != 0;
}

/** Whether row `r` is missing in the bitmap at `bits` (0: code 255 is always missing). */
@inline export function isMissing(bits: usize, r: usize): bool {
  return bits == 0 || bitAt(bits, r);
}

/** Where the missing pairs start in a node histogram (bytes). */
@inline export function extrasOf(desc: usize): usize {
  return word(desc, 3);
}

/** Feature f's bitmap of missing rows, or 0 without a descriptor (bin 255 always missing). */
@inline export function missingBitsOf(desc: usize, f: usize): usize {
  return desc == 0 ? 0 : word(desc, 6) + f * word(desc, 7);
}

/** Moves row r's pair from bin 255 to the missing pair of its top-bin features in [f0, f1). */
@inline function moveRow(
  r: usize, rowStart: usize, cells: usize, v: v128, hist: usize, extras: usize, f0: i32, f1: i32,
): void {
  const k1 = <usize>load<u32>(rowStart + ((r + 1) << 2));
  for (let k = <usize>load<u32>(rowStart + (r << 2)); k < k1; k++) {
    const f = <i32>load<u16>(cells + (k << 1));
    if (f < f0 || f >= f1) continue;
    const top = hist + (<usize>f << 12) + 4080, pair = extras + (<usize>f << 4);
    v128.store(top, f64x2.sub(v128.load(top), v));
    v128.store(pair, f64x2.add(v128.load(pair), v));
  }
}

@inline function word(desc: usize, i: usize): usize {
  return <usize>load<f64>(desc + (i << 3));
}

/**
 * Splits bin 255 of the features with 256 value bins among [f0, f1) in `hist` (built by
 * `buildHist` over rows[start..end); `rows` 0: the rows start..end themselves) into the top value
 * bin, left in bin 255, and the missing pair at `hist + extras + 16 f`: the rows in a top bin
 * are moved out, and the two then swap places.
 */
export function splitTopBins(
  desc: usize, rows: usize, start: i32, end: i32, gh: usize, hist: usize, f0: i32, f1: i32,
): void {
  const rowStart = word(desc, 0), cells = word(desc, 1), rowBits = word(desc, 2);
  const extras = hist + extrasOf(desc), full = word(desc, 4), nfull = word(desc, 5);
  for (let j: usize = 0; j < nfull; j++) {
    const f = load<i32>(full + (j << 2));
    if (f >= f0 && f < f1) v128.store(extras + (<usize>f << 4), f64x2.splat(0.0));
  }
  if (rows != 0) {
    for (let i = start; i < end; i++) {
      const r = <usize>load<i32>(rows + (<usize>i << 2));
      if (!bitAt(rowBits, r)) continue;
      moveRow(r, rowStart, cells, v128.load(gh + (r << 4)), hist, extras, f0, f1);
    }
  } else if (start < end) {
    // The rows start..end themselves: only the set bits of their words are visited.
    const w0 = start >> 5, w1 = (end - 1) >> 5;
    for (let w = w0; w <= w1; w++) {
      let bits = load<u32>(rowBits + (<usize>w << 2));
      if (w == w0) bits &= <u32>-1 << <u32>(start & 31);
      if (w == w1 && (end & 31) != 0) bits &= (<u32>1 << <u32>(end & 31)) - 1;
      for (; bits != 0; bits &= bits - 1) {
        const r = (<usize>w << 5) + <usize>ctz(bits);
        moveRow(r, rowStart, cells, v128.load(gh + (r << 4)), hist, extras, f0, f1);
      }
    }
  }
  for (let j: usize = 0; j < nfull; j++) {
    const f = load<i32>(full + (j << 2));
    if (f < f0 || f >= f1) continue;
    const top = hist + (<usize>f << 12) + 4080, pair = extras + (<usize>f << 4);
    const missing = v128.load(top);
    v128.store(top, v128.load(pair));
    v128.store(pair, missing);
  }
}

/**
 * After `buildHistTake` and `splitTopBins` of a small child (`child`), its parent's (`parent`)
 * features with 256 value bins among [f0, f1) as whole-histogram subtraction leaves them: the
 * take removed the child's missing rows from the parent's bin 255 (the top value bin), where
 * they are given back, and they leave the parent's missing pair instead.
 */
export function takeTopBins(desc: usize, child: usize, parent: usize, f0: i32, f1: i32): void {
  const extras = extrasOf(desc), full = word(desc, 4), nfull = word(desc, 5);
  for (let j: usize = 0; j < nfull; j++) {
    const f = load<i32>(full + (j << 2));
    if (f < f0 || f >= f1) continue;
    const missing = v128.load(child + extras + (<usize>f << 4));
    const top = parent + (<usize>f << 12) + 4080, pair = parent + extras + (<usize>f << 4);
    v128.store(top, f64x2.add(v128.load(top), missing));
    v128.store(pair, f64x2.sub(v128.load(pair), missing));
  }
}

/**
 * Sets bit `first + i` of the bitmap at `bits` for each NaN among the `n` f64 values (atomically:
 * threads binning neighbouring row ranges share a word).
 */
export function markMissing(values: usize, n: i32, bits: usize, first: i32): void {
  for (let i = 0; i < n; i++) {
    const x = load<f64>(values + (<usize>i << 3));
    if (x == x) continue;
    const r = <usize>(first + i);
    atomic.or<u32>(bits + ((r >> 5) << 2), <u32>1 << <u32>(r & 31));
  }
}

/** Whether row r of feature f (column-major u8 bins, `n` a column) is in its top bin. */
@inline function inTopBin(binsCol: usize, n: usize, f: usize, r: usize, bits: usize, stride: usize): bool {
  return load<u8>(binsCol + f * n + r) == 255 && !isMissing(bits + f * stride, r);
}

/**
 * The rows in a top bin of the listed features (`full`: i32 × `nfull`, ascending): row r's count
 * of them summed into rowStart[0..n] (u32 × (n + 1), rowStart[r] = the cells before row r), and
 * bit r of `rowBits` set when it has any (both zeroed first). Returns the cells in all.
 */
export function countTopCells(
  binsCol: usize, n: i32, full: usize, nfull: i32, bits: usize, stride: i32, rowStart: usize,
  rowBits: usize,
): u32 {
  const nn = <usize>n, st = <usize>stride;
  memory.fill(rowStart, 0, (nn + 1) << 2);
  memory.fill(rowBits, 0, st);
  for (let j = 0; j < nfull; j++) {
    const f = <usize>load<i32>(full + (<usize>j << 2));
    for (let r: usize = 0; r < nn; r++) {
      if (!inTopBin(binsCol, nn, f, r, bits, st)) continue;
      const p = rowStart + ((r + 1) << 2);
      store<u32>(p, load<u32>(p) + 1);
    }
  }
  let total: u32 = 0;
  for (let r: usize = 0; r < nn; r++) {
    const p = rowStart + ((r + 1) << 2), c = load<u32>(p);
    if (c != 0) store<u32>(rowBits + ((r >> 5) << 2), load<u32>(rowBits + ((r >> 5) << 2)) | (<u32>1 << <u32>(r & 31)));
    total += c;
    store<u32>(p, total);
  }
  return total;
}

/** Writes each row's top-bin features into `cells` (u16) at the places {@link countTopCells} gave. */
export function fillTopCells(
  binsCol: usize, n: i32, full: usize, nfull: i32, bits: usize, stride: i32, rowStart: usize,
  cells: usize,
): void {
  const nn = <usize>n, st = <usize>stride;
  // rowStart[r] serves as row r's cursor, then the starts move back one row.
  for (let j = 0; j < nfull; j++) {
    const f = load<i32>(full + (<usize>j << 2));
    for (let r: usize = 0; r < nn; r++) {
      if (!inTopBin(binsCol, nn, <usize>f, r, bits, st)) continue;
      const p = rowStart + (r << 2), k = load<u32>(p);
      store<u16>(cells + (<usize>k << 1), <u16>f);
      store<u32>(p, k + 1);
    }
  }
  for (let r = nn; r > 0; r--) store<u32>(rowStart + (r << 2), load<u32>(rowStart + ((r - 1) << 2)));
  store<u32>(rowStart, 0);
}
