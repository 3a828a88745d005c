"""The handbook's baseline transformation in vectorized pandas, as bench:features compares it:
time-based groupby rolling windows (right-closed, the row included) per customer, and the
delayed terminal windows as rolling(delay + w) - rolling(delay) of counts and frauds.

usage: pandas_features.py <log.parquet> <windows,comma> <delay_days> <out.f64 or -> <repeats>
Prints the compute seconds of each repeat as JSON on the last line; writes the features (columns
in bench:features' order, float64) to <out> for the check.
"""
import json, sys, time
import numpy as np, pandas as pd

path, windows, delay, out, repeats = sys.argv[1], [int(w) for w in sys.argv[2].split(",")], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
log = pd.read_parquet(path)


def features(log):
    df = log.reset_index(drop=True)
    df["row"] = np.arange(len(df))
    df["dt"] = pd.to_datetime(df["time"], unit="ms")
    cols = {"amount": df["amount"].to_numpy(dtype=float)}
    by_entity = df.sort_values(["entity_id", "dt", "row"], kind="stable")
    order_e = by_entity["row"].to_numpy()
    g = by_entity.set_index("dt").groupby("entity_id", sort=False)["amount"]
    for w in windows:
        r = g.rolling(f"{w}D")
        cnt, mean = np.empty(len(df)), np.empty(len(df))
        cnt[order_e], mean[order_e] = r.count().to_numpy(), r.mean().to_numpy()
        cols[f"entity_count_{w}d"], cols[f"entity_mean_amount_{w}d"] = cnt, mean
    by_cp = df.sort_values(["counterparty_id", "dt", "row"], kind="stable")
    order_c = by_cp["row"].to_numpy()
    gc = by_cp.set_index("dt").groupby("counterparty_id", sort=False)["label"]
    d_n, d_f = gc.rolling(f"{delay}D").count().to_numpy(), gc.rolling(f"{delay}D").sum().to_numpy()
    for w in windows:
        n = gc.rolling(f"{delay + w}D").count().to_numpy() - d_n
        f = gc.rolling(f"{delay + w}D").sum().to_numpy() - d_f
        cnt, risk = np.empty(len(df)), np.empty(len(df))
        cnt[order_c], risk[order_c] = n, np.where(n > 0, f / np.where(n > 0, n, 1), 0.0)
        cols[f"counterparty_count_{w}d"], cols[f"counterparty_risk_{w}d"] = cnt, risk
    cols["is_weekend"] = (df["dt"].dt.weekday >= 5).to_numpy(dtype=float)
    cols["is_night"] = (df["dt"].dt.hour <= 6).to_numpy(dtype=float)
    return cols


seconds = []
for _ in range(repeats):
    t0 = time.perf_counter()
    cols = features(log)
    seconds.append(time.perf_counter() - t0)
if out != "-":
    np.stack(list(cols.values())).astype("<f8").tofile(out)
print(json.dumps({"seconds": seconds, "columns": list(cols.keys())}))
