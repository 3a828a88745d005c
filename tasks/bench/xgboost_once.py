"""One timed xgboost `hist` run for `bench:train` (depthwise, or lossguide as the leaf-wise peer):
prints JSON with seconds, memory and the held-out ROC AUC (scoring is not timed)."""
import json
import time

import xgboost as xgb
from sklearn.metrics import roc_auc_score

from _once import args, extras, load, rss_mb

base, features, threads, rounds, mode = args()
X, y, Xt, yt = load(base, features)
w, cat = extras(base)
types = ["c" if j in cat else "q" for j in range(features)]
params = {"objective": "binary:logistic", "tree_method": "hist", "nthread": threads}
if mode == "leafwise":
    params.update(grow_policy="lossguide", max_leaves=31, max_depth=0, eta=0.1, max_bin=255,
                  min_child_weight=1e-3)
else:
    params.update(max_depth=6, eta=0.3, max_bin=256)
baseline = rss_mb("VmRSS")
t0 = time.perf_counter()
d = xgb.DMatrix(X, label=y, weight=w, nthread=threads, feature_types=types,
                enable_categorical=bool(cat))
booster = xgb.train(params, d, rounds)
seconds = time.perf_counter() - t0
peak = rss_mb("VmHWM")
auc = roc_auc_score(yt, booster.predict(xgb.DMatrix(Xt, nthread=threads, feature_types=types,
                                                   enable_categorical=bool(cat))))
print(json.dumps({"seconds": seconds, "baselineMb": baseline, "peakMb": peak, "auc": auc}))
