// Histograms of the wide categorical features: those with more than 254 categories, whose codes
// do not fit the u8 bins. Each keeps its codes as u16 in a column of its own (column-major,
// `n` rows a column; code `slot` − 1 = missing) and has a histogram slot of `slot` bins after the
// u8 features' slots in every node histogram (the caller passes that region's address).

/** Adds `v` to bin `bin` of the histogram at `h` (16 bytes a bin). */
@inline function addTo(h: usize, bin: u32, v: v128): void {
  const p = h + (<usize>bin << 4);
  v128.store(p, f64x2.add(v128.load(p), v));
}

/**
 * The wide features' histogram of rows[start..end) (`rows` 0: the rows start..end themselves):
 * zeroes the `nwide` slots of `slot` bins at `hist`, then adds each row's (grad, hess) to the bin
 * of its code, a feature at a time (its slot stays in cache).
 */
export function buildHistWide(
  wide: usize, n: i32, nwide: i32, slot: i32, rows: usize, start: i32, end: i32, gh: usize,
  hist: usize,
): void {
  const bytes = <usize>slot << 4;
  memory.fill(hist, 0, <usize>nwide * bytes);
  for (let k = 0; k < nwide; k++) {
    const col = wide + ((<usize>k * <usize>n) << 1), h = hist + <usize>k * bytes;
    if (rows == 0) {
      for (let r = start; r < end; r++) {
        addTo(h, load<u16>(col + (<usize>r << 1)), v128.load(gh + (<usize>r << 4)));
      }
      continue;
    }
    for (let i = start; i < end; i++) {
      const r = <usize>load<i32>(rows + (<usize>i << 2));
      addTo(h, load<u16>(col + (r << 1)), v128.load(gh + (r << 4)));
    }
  }
}
