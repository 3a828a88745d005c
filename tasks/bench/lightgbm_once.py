"""One timed LightGBM run for `bench:train` (num_leaves 31, learning_rate 0.1, max_bin 255):
prints JSON with seconds, memory and the held-out ROC AUC (scoring is not timed)."""
import json
import sys
import time

import lightgbm as lgb
import numpy as np
from sklearn.metrics import roc_auc_score


def rss_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


base, features, threads, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(base + ".x", dtype="<f8").reshape(-1, features)
y = np.fromfile(base + ".y", dtype=np.uint8)
Xt = np.fromfile(base + ".tx", dtype="<f8").reshape(-1, features)
yt = np.fromfile(base + ".ty", dtype=np.uint8)
params = {"objective": "binary", "num_leaves": 31, "learning_rate": 0.1, "max_bin": 255,
          "num_threads": threads, "verbose": -1, "seed": 1}
baseline = rss_mb("VmRSS")
t0 = time.perf_counter()
booster = lgb.train(params, lgb.Dataset(X, label=y), num_boost_round=rounds)
seconds = time.perf_counter() - t0
peak = rss_mb("VmHWM")
auc = roc_auc_score(yt, booster.predict(Xt, num_threads=threads))
print(json.dumps({"seconds": seconds, "baselineMb": baseline, "peakMb": peak, "auc": auc}))
