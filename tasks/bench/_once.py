"""What the one-run training scripts of `bench:train` share: the data the benchmark wrote (train
and held-out parts) and peak-memory readings."""
import json
import sys

import numpy as np


def rss_mb(field):
    """A /proc/self/status memory field (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def args():
    """base, features, threads, rounds, mode from the command line."""
    a = sys.argv
    return a[1], int(a[2]), int(a[3]), int(a[4]), (a[5] if len(a) > 5 else "depthwise")


def load(base, features):
    """Training rows and labels, then the held-out rows and labels."""
    def part(x, y):
        return (np.fromfile(base + x, dtype="<f8").reshape(-1, features),
                np.fromfile(base + y, dtype=np.uint8))
    return (*part(".x", ".y"), *part(".tx", ".ty"))


def extras(base):
    """The training weights (None when unweighted) and the categorical columns' indices."""
    try:
        weights = np.fromfile(base + ".w", dtype="<f8")
    except FileNotFoundError:
        weights = None
    with open(base + ".cat") as f:
        return weights, json.load(f)
