"""Trains an XGBoost booster on a Dask cluster with xgboost.dask: the fit `--engine dask` hands off.

Usage: train_xgboost.py <job.json>. The job names the scheduler, the Parquet partitions of the
training rows (and of the validation rows, for early stopping), the label and weight columns, the
XGBoost parameters and the rounds. Each boosting round is printed as a JSON line
({"round": n, "metric": value}) from the cluster's rank-0 worker; at the end the booster's JSON is
written to the job's `out` path (atomically) and {"done": true, ...} printed. Any failure is one
JSON line {"error": "..."} and exit 1; SIGINT/SIGTERM cancel the fit on the cluster and exit 130.
"""

import json
import math
import re
import os
import signal
import sys


def fail(message: str, code: int = 1) -> None:
    # One line: XGBoost's errors carry "[time] file:line:" prefixes and stack frames; keep the words.
    text = re.sub(r"\[\d\d:\d\d:\d\d\] \S+:\d+: |\[[^\]]*\|\d\d:\d\d:\d\d\]:?", "", message or "")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(("Stack trace", "[bt]"))]
    print(json.dumps({"error": " ".join(words)[:400] or "failed"}), flush=True)
    print(message, file=sys.stderr, flush=True)
    sys.exit(code)


def main() -> None:
    job = json.load(open(sys.argv[1]))
    import dask.dataframe as dd
    import xgboost as xgb
    import xgboost.dask  # noqa: F401  (registers xgb.dask)
    from distributed import Client, get_worker

    client = Client(job["scheduler"], timeout=job.get("connect_timeout", 30))

    def stop(signum, frame):  # noqa: ARG001
        try:
            client.cancel(list(client.futures.values()), force=True)
            client.close(timeout=5)
        finally:
            os._exit(130)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    topic = "fraud-pipeline-xgb-progress"
    client.subscribe_topic(topic, lambda event: print(json.dumps(event[1]), flush=True))

    class Progress(xgb.callback.TrainingCallback):
        def after_iteration(self, model, epoch, evals_log):
            if xgb.collective.get_rank() == 0:
                metric = None
                for data in evals_log.values():
                    for values in data.values():
                        metric = values[-1]
                value = None if metric is None else float(metric)
                get_worker().log_event(topic, {"round": int(epoch), "metric": value})
            return False

    def matrix(paths):
        # One partition per file (no merging of small files), read once for X, label and weight.
        df = dd.read_parquet(paths, blocksize=None).persist()
        drop = [job["label"]] + ([job["weight"]] if job.get("weight") else [])
        X = df.drop(columns=drop)
        weight = df[job["weight"]] if job.get("weight") else None
        return xgb.dask.DaskDMatrix(client, X, df[job["label"]], weight=weight, missing=math.nan)

    dtrain = matrix(job["train"])
    evals = [(matrix(job["eval"]), "validation")] if job.get("eval") else []
    result = xgb.dask.train(
        client,
        job["params"],
        dtrain,
        num_boost_round=job["num_boost_round"],
        evals=evals,
        early_stopping_rounds=job.get("early_stopping_rounds"),
        callbacks=[Progress()],
    )
    booster = result["booster"]
    tmp = job["out"] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(booster.save_raw("json"))
    os.replace(tmp, job["out"])
    best = booster.attr("best_iteration")
    # This process's own high-water mark (getrusage's ru_maxrss can carry the parent's over exec).
    status = open("/proc/self/status").read() if os.path.exists("/proc/self/status") else ""
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    peak_kb = int(found.group(1)) if found else 0
    print(json.dumps({"done": True, "rounds": booster.num_boosted_rounds(), "best_iteration": best, "peak_rss_mb": round(peak_kb / 1024)}), flush=True)
    client.close()


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException as error:  # one line, never a traceback
        fail(f"{type(error).__name__}: {error}")
