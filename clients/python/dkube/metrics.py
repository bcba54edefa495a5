"""Metrics from inside a run."""

import json
import math
import os


def log_metrics(step=None, **metrics):
    """Appends one record ``{"step": step, "<name>": value, ...}`` to the run's metrics.

    The record is one JSON line in ``DKUBE_METRICS_FILE`` (set for every run), which the server
    serves at ``GET /runs/{id}/metrics`` and which studies and leaderboards read. Values must be
    JSON numbers, strings or booleans; NaN and infinities are refused (JSON has no such numbers).
    """
    path = os.environ.get("DKUBE_METRICS_FILE")
    if not path:
        raise RuntimeError("DKUBE_METRICS_FILE is not set: log_metrics works inside a DKube run.")
    if not metrics:
        raise ValueError("log_metrics needs at least one metric, e.g. log_metrics(accuracy=0.93).")
    record = {}
    if step is not None:
        record["step"] = step
    for name, value in metrics.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("metric %r is %r, which JSON cannot carry." % (name, value))
        if not isinstance(value, (int, float, str, bool)):
            raise TypeError("metric %r must be a number, string or boolean, not %s." % (name, type(value).__name__))
        record[name] = value
    line = json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n"
    # One write of a whole line in append mode, so concurrent writers never interleave a record.
    with open(path, "a", encoding="utf-8") as file:
        file.write(line)
        file.flush()
    return record
