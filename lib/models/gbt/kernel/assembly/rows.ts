// Column-major f64 features (column j at cols + 8·j·n) → row-major f32 rows for rows [start, end)
// of the batch, as the predictors read them; run by each thread on its own range, so the
// transposition is parallel too. f64 → f32 rounds to nearest, as a Float32Array store does.
export function rowsF32(cols: usize, n: i32, nfeat: i32, start: i32, end: i32, x: usize): void {
  for (let i = start; i < end; i++) {
    const row = x + ((<usize>i * <usize>nfeat) << 2);
    for (let j = 0; j < nfeat; j++) {
      store<f32>(row + (<usize>j << 2), <f32>load<f64>(cols + ((<usize>j * <usize>n + <usize>i) << 3)));
    }
  }
}
