"""Times Python xgboost's `pred_contribs=True` for `bench:explain` at a thread count: per-run
seconds on the whole batch, alternating with nothing (the caller alternates). Prints JSON."""
import json
import sys
import time

import numpy as np
import xgboost as xgb

model, base, features, repeats, nthread = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(base + ".x", dtype="<f8").reshape(-1, features).astype(np.float32)
b = xgb.Booster()
b.load_model(model)
if nthread:
    b.set_param({"nthread": nthread})
names = [f"f{i}" for i in range(features)]
dm = xgb.DMatrix(X, feature_names=names, nthread=nthread or -1)
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    c = b.predict(dm, pred_contribs=True)
    times.append(time.perf_counter() - t0)
c.astype("<f8").tofile(base + ".contribs")
print(json.dumps({"seconds": times}))
