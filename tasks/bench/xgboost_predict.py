"""Times Python xgboost's predict for `bench:predict`: prints JSON with per-run seconds."""
import json
import sys
import time

import numpy as np
import xgboost as xgb

model, base, features, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(base + ".x", dtype="<f8").reshape(-1, features).astype(np.float32)
b = xgb.Booster()
b.load_model(model)
names = [f"f{i}" for i in range(features)]
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    p = b.predict(xgb.DMatrix(X, feature_names=names))
    times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": times, "first": float(p[0])}))
