"""Optuna's TPE as a sampler for `bench:tune`: asks a configuration, writes it as one JSON line to
stdout, reads its score (one number per line) from stdin — the caller scores it with our engine on
the same folds — and tells Optuna; after the trials, prints the best as a JSON line."""
import json
import sys

import optuna

spec = json.load(open(sys.argv[1]))
space = spec["space"]
optuna.logging.set_verbosity(optuna.logging.WARNING)
study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=spec["seed"]))
for _ in range(spec["trials"]):
    trial = study.ask()
    params = {}
    for name, r in sorted(space.items()):
        if r.get("int"):
            params[name] = trial.suggest_int(name, int(r["low"]), int(r["high"]))
        else:
            params[name] = trial.suggest_float(name, r["low"], r["high"], log=bool(r.get("log")))
    print(json.dumps({"ask": params}), flush=True)
    study.tell(trial, float(sys.stdin.readline()))
print(json.dumps({"best": study.best_value, "params": study.best_params}), flush=True)
