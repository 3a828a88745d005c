"""Times Python xgboost's predict for `bench:predict` at a thread count: per-run seconds on the
whole batch, and the median latency of 1-row and 100-row calls (µs). Prints JSON."""
import json
import statistics
import sys
import time

import numpy as np
import xgboost as xgb

model, base, features, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
nthread = int(sys.argv[5]) if len(sys.argv) > 5 else 0
X = np.fromfile(base + ".x", dtype="<f8").reshape(-1, features).astype(np.float32)
b = xgb.Booster()
b.load_model(model)
if nthread:
    b.set_param({"nthread": nthread})
names = [f"f{i}" for i in range(features)]
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    p = b.predict(xgb.DMatrix(X, feature_names=names, nthread=nthread or -1))
    times.append(time.perf_counter() - t0)
small = {}
for rows in (1, 100):
    lat = []
    for k in range(200):
        part = X[k * rows % (len(X) - rows):][:rows]
        t0 = time.perf_counter()
        b.predict(xgb.DMatrix(part, feature_names=names, nthread=nthread or -1))
        lat.append(time.perf_counter() - t0)
    small[str(rows)] = statistics.median(lat) * 1e6
print(json.dumps({"seconds": times, "first": float(p[0]), "latency_us": small}))
