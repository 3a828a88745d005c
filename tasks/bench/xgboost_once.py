"""One timed xgboost `hist` run for `bench:train`: prints JSON with seconds and memory."""
import json
import sys
import time

import numpy as np
import xgboost as xgb


def rss_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


base, features, threads, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(base + ".x", dtype="<f8").reshape(-1, features)
y = np.fromfile(base + ".y", dtype=np.uint8)
baseline = rss_mb("VmRSS")
t0 = time.perf_counter()
d = xgb.DMatrix(X, label=y, nthread=threads)
xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.3,
           "max_bin": 256, "nthread": threads}, d, rounds)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "baselineMb": baseline, "peakMb": rss_mb("VmHWM")}))
