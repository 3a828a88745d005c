"""Writes the benchmark's Parquet files — wide numbers (make) or a transaction log (make-log: text
ids, UTC timestamps, a label time set for frauds only) — or times pyarrow reading one (time):
read_table, and read_table plus one float64 NumPy array per column (what our reader hands the
trainer)."""
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
elif mode == "make-log":
    rows = int(sys.argv[3])
    rng = np.random.default_rng(11)
    ms = np.sort(rng.integers(1_522_540_800_000, 1_522_540_800_000 + 183 * 86_400_000, rows))
    label = (rng.random(rows) < 0.01).astype(np.int64)
    delay = rng.integers(86_400_000, 30 * 86_400_000, rows)
    ids = lambda prefix, values: pa.array(np.char.add(prefix, values.astype(str)))
    pq.write_table(pa.table({
        "tx_id": ids("tx_", np.arange(rows)),
        "entity_id": ids("customer_", rng.integers(0, 5_000, rows)),
        "counterparty_id": ids("terminal_", rng.integers(0, 10_000, rows)),
        "time": pa.array(ms * 1_000_000, pa.timestamp("ns", tz="UTC")),
        "amount": np.round(rng.gamma(2.0, 30.0, rows), 2),
        "label": label,
        "label_time": pa.array(np.where(label == 1, (ms + delay) * 1_000_000, 0),
                               pa.timestamp("ns", tz="UTC"), mask=label == 0),
    }), path)
    print(json.dumps({"bytes": __import__("os").path.getsize(path)}))
else:
    t0 = time.perf_counter()
    t = pq.read_table(path)
    t1 = time.perf_counter()
    numeric = [c for c in t.columns if pa.types.is_integer(c.type) or pa.types.is_floating(c.type)]
    arrays = [c.to_numpy().astype(np.float64, copy=False) for c in numeric]
    t2 = time.perf_counter()
    print(json.dumps({"read_table": t1 - t0, "to_numpy": t2 - t0, "rows": t.num_rows}))
