"""One timed LightGBM run for `bench:train` (num_leaves 31, learning_rate 0.1, max_bin 255):
prints JSON with seconds, memory and the held-out ROC AUC (scoring is not timed)."""
import json
import time

import lightgbm as lgb
from sklearn.metrics import roc_auc_score

from _once import args, extras, load, rss_mb

base, features, threads, rounds, _ = args()
X, y, Xt, yt = load(base, features)
w, cat = extras(base)
params = {"objective": "binary", "num_leaves": 31, "learning_rate": 0.1, "max_bin": 255,
          "num_threads": threads, "verbose": -1, "seed": 1}
baseline = rss_mb("VmRSS")
t0 = time.perf_counter()
data = lgb.Dataset(X, label=y, weight=w, categorical_feature=cat or "auto")
booster = lgb.train(params, data, num_boost_round=rounds)
seconds = time.perf_counter() - t0
peak = rss_mb("VmHWM")
auc = roc_auc_score(yt, booster.predict(Xt, num_threads=threads))
print(json.dumps({"seconds": seconds, "baselineMb": baseline, "peakMb": peak, "auc": auc}))
