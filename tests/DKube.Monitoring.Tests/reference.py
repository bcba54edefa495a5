"""Reference figures for DKube.Monitoring's statistics, computed by scipy and scikit-learn.

Reads a JSON document of cases (path in argv[1]) and prints one JSON document of results on
stdout, each list in the order of its cases. Run with Debian's /usr/bin/python3 (python3-scipy,
python3-sklearn)."""
import json
import sys

import numpy as np
import scipy
import sklearn
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance
from sklearn.metrics import (accuracy_score, mean_absolute_error, mean_squared_error,
                             precision_recall_fscore_support, r2_score, roc_auc_score)


def psi(a, b, bins):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    edges = np.unique(np.quantile(a, [k / bins for k in range(1, bins)]))
    ca = np.bincount(np.searchsorted(edges, a, side="right"), minlength=len(edges) + 1) / len(a)
    cb = np.bincount(np.searchsorted(edges, b, side="right"), minlength=len(edges) + 1) / len(b)
    ca = np.where(ca == 0, 1e-4, ca)
    cb = np.where(cb == 0, 1e-4, cb)
    return float(np.sum((cb - ca) * np.log(cb / ca))), [float(e) for e in edges]


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    out = {"versions": {"scipy": scipy.__version__, "sklearn": sklearn.__version__}}
    out["ks"] = []
    for c in cases["ks"]:
        r = ks_2samp(c["a"], c["b"], method="auto")
        out["ks"].append({"statistic": float(r.statistic), "pvalue": float(r.pvalue)})
    out["ks_exact"] = []
    for c in cases["ks_exact"]:
        r = ks_2samp(c["a"], c["b"], method="exact")
        out["ks_exact"].append({"statistic": float(r.statistic), "pvalue": float(r.pvalue)})
    out["chi2"] = []
    for c in cases["chi2"]:
        table = np.array([c["a"], c["b"]])
        stat, p, dof, _ = chi2_contingency(table)
        out["chi2"].append({"statistic": float(stat), "pvalue": float(p), "dof": int(dof)})
    out["js"] = [float(jensenshannon(c["a"], c["b"])) for c in cases["js"]]
    out["wasserstein"] = []
    for c in cases["wasserstein"]:
        w = wasserstein_distance(c["a"], c["b"])
        out["wasserstein"].append({"distance": float(w),
                                   "normed": float(w / max(np.std(c["a"]), 0.001))})
    out["psi"] = []
    for c in cases["psi"]:
        value, edges = psi(c["a"], c["b"], c["bins"])
        out["psi"].append({"psi": value, "edges": edges})
    out["classification"] = []
    for c in cases["classification"]:
        t, p = c["truth"], c["predicted"]
        r = {"accuracy": float(accuracy_score(t, p))}
        for average in ("macro", "weighted"):
            pr, rc, f1, _ = precision_recall_fscore_support(t, p, average=average, zero_division=0)
            r[average] = [float(pr), float(rc), float(f1)]
        if c.get("positive") is not None:
            pr, rc, f1, _ = precision_recall_fscore_support(
                t, p, average="binary", pos_label=c["positive"], zero_division=0)
            r["binary"] = [float(pr), float(rc), float(f1)]
            r["auc"] = float(roc_auc_score([x == c["positive"] for x in t], c["scores"]))
        out["classification"].append(r)
    out["regression"] = []
    for c in cases["regression"]:
        t, p = c["truth"], c["predicted"]
        out["regression"].append({"rmse": float(mean_squared_error(t, p, squared=False)),
                                  "mae": float(mean_absolute_error(t, p)),
                                  "r2": float(r2_score(t, p))})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
