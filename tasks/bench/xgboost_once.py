"""One timed xgboost `hist` run for `bench:train` (depthwise, or lossguide as the leaf-wise peer):
prints JSON with seconds, memory and the held-out ROC AUC (scoring is not timed)."""
import json
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score


def rss_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


base, features, threads, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
mode = sys.argv[5] if len(sys.argv) > 5 else "depthwise"
X = np.fromfile(base + ".x", dtype="<f8").reshape(-1, features)
y = np.fromfile(base + ".y", dtype=np.uint8)
Xt = np.fromfile(base + ".tx", dtype="<f8").reshape(-1, features)
yt = np.fromfile(base + ".ty", dtype=np.uint8)
params = {"objective": "binary:logistic", "tree_method": "hist", "nthread": threads}
if mode == "leafwise":
    params.update(grow_policy="lossguide", max_leaves=31, max_depth=0, eta=0.1, max_bin=255,
                  min_child_weight=1e-3)
else:
    params.update(max_depth=6, eta=0.3, max_bin=256)
baseline = rss_mb("VmRSS")
t0 = time.perf_counter()
d = xgb.DMatrix(X, label=y, nthread=threads)
booster = xgb.train(params, d, rounds)
seconds = time.perf_counter() - t0
peak = rss_mb("VmHWM")
auc = roc_auc_score(yt, booster.predict(xgb.DMatrix(Xt, nthread=threads)))
print(json.dumps({"seconds": seconds, "baselineMb": baseline, "peakMb": peak, "auc": auc}))
