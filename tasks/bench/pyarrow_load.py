"""Writes the benchmark's Parquet file (make) or times pyarrow reading it (time): read_table, and
read_table plus one float64 NumPy array per column (what our reader hands the trainer)."""
import json, sys, time
import numpy as np, pyarrow as pa, pyarrow.parquet as pq

mode, path = sys.argv[1], sys.argv[2]
if mode == "make":
    rows, cols = int(sys.argv[3]), int(sys.argv[4])
    rng = np.random.default_rng(7)
    data = {f"f{j:02d}": np.round(rng.normal(size=rows), 4) for j in range(cols - 1)}
    data["label"] = (rng.random(rows) < 0.1).astype(np.int64)
    pq.write_table(pa.table(data), path, row_group_size=128 * 1024)
    print(json.dumps({"bytes": __import__("os").path.getsize(path)}))
else:
    t0 = time.perf_counter()
    t = pq.read_table(path)
    t1 = time.perf_counter()
    arrays = [c.to_numpy().astype(np.float64, copy=False) for c in t.columns]
    t2 = time.perf_counter()
    print(json.dumps({"read_table": t1 - t0, "to_numpy": t2 - t0, "rows": t.num_rows}))
