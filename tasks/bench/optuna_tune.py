"""Optuna's TPE over the same search space, trials and CV folds as `bench:tune`, scoring Python
xgboost (hist) by mean average precision over the folds with early stopping on each fold's held-out
part, as our tuner does. Prints JSON: the best CV PR AUC, its parameters, seconds."""
import json
import math
import sys
import time

import numpy as np
import optuna
import xgboost as xgb
from sklearn.metrics import average_precision_score

spec = json.load(open(sys.argv[1]))
X = np.fromfile(spec["base"] + ".x", dtype="<f8").reshape(-1, spec["features"])
y = np.fromfile(spec["base"] + ".y", dtype=np.uint8)
fold = np.array(spec["fold"])  # held-out fold of each row
space = spec["space"]
optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    params = {"objective": "binary:logistic", "tree_method": "hist", "nthread": 1, "seed": spec["seed"]}
    for name, r in sorted(space.items()):
        if r.get("int"):
            params[name] = trial.suggest_int(name, int(r["low"]), int(r["high"]))
        else:
            params[name] = trial.suggest_float(name, r["low"], r["high"], log=bool(r.get("log")))
    scores = []
    for k in range(spec["folds"]):
        tr, te = fold != k, fold == k
        dtr, dte = xgb.DMatrix(X[tr], y[tr]), xgb.DMatrix(X[te], y[te])
        b = xgb.train(params, dtr, spec["rounds"], evals=[(dte, "valid")],
                      early_stopping_rounds=spec["early_stopping_rounds"], verbose_eval=False)
        p = b.predict(dte, iteration_range=(0, b.best_iteration + 1))
        scores.append(average_precision_score(y[te], p))
    return float(np.mean(scores))


t0 = time.perf_counter()
study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=spec["seed"]))
study.optimize(objective, n_trials=spec["trials"])
print(json.dumps({"best": study.best_value, "params": study.best_params,
                  "seconds": time.perf_counter() - t0}))
