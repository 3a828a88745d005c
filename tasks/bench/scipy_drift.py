"""Times scipy's ks_2samp on the same columns as `bench:drift`: prints JSON with seconds."""
import json
import sys
import time

import numpy as np
from scipy.stats import ks_2samp

base, features, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ref = np.fromfile(base + ".ref", dtype="<f8").reshape(features, -1)
cur = np.fromfile(base + ".cur", dtype="<f8").reshape(features, -1)
times, p = [], []
for _ in range(repeats):
    t0 = time.perf_counter()
    p = [ks_2samp(ref[j], cur[j]).pvalue for j in range(features)]
    times.append(time.perf_counter() - t0)
print(json.dumps({"seconds": times, "p": [float(x) for x in p]}))
