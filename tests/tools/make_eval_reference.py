#!/usr/bin/python3
"""Writes tests/data/eval/reference.json: ROC/AUC numbers from scikit-learn and KS/chi2 numbers from scipy
for stored, seeded vectors (scores with many ties). Run once with Debian's python3 (python3-sklearn):
    /usr/bin/python3 tests/tools/make_eval_reference.py
The C++ tests (tests/core/eval) read the JSON and compare Neurino's numbers to these."""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn.metrics import roc_auc_score, roc_curve

rng = np.random.default_rng(2024)
out = {"generator": "tests/tools/make_eval_reference.py",
       "sklearn": sklearn.__version__, "scipy": scipy.__version__, "roc": [], "ks": [], "chi2": []}


def roc_case(name, labels, scores, weights=None):
    fpr, tpr, thr = roc_curve(labels, scores, sample_weight=weights)
    case = {"name": name, "labels": [int(v) for v in labels], "scores": [float(v) for v in scores],
            "auc": float(roc_auc_score(labels, scores, sample_weight=weights)),
            "fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": thr.tolist()}
    if weights is not None:
        case["weights"] = [float(v) for v in weights]
    out["roc"].append(case)


# Scores rounded to one decimal: many ties between signal and background.
labels = rng.integers(0, 2, 300)
scores = np.round(np.clip(0.3 * labels + rng.normal(0.35, 0.25, 300), 0, 1), 1)
roc_case("ties_one_decimal", labels, scores)
# Every score equal: AUC 0.5 exactly.
roc_case("all_tied", np.array([0, 1, 0, 1, 1, 0, 0]), np.full(7, 0.3))
# Perfect separation and a small hand-checkable case.
roc_case("perfect", np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9]))
roc_case("small_ties", np.array([0, 0, 1, 1, 0, 1]), np.array([0.1, 0.4, 0.35, 0.8, 0.4, 0.4]))
# Continuous scores with weights (event weights, as physics samples carry).
labels = rng.integers(0, 2, 200)
roc_case("weighted", labels, rng.normal(0, 1, 200) + labels, rng.uniform(0.5, 2.0, 200))


def ks_case(name, a, b, method):
    res = stats.ks_2samp(a, b, method=method)
    out["ks"].append({"name": name, "a": a.tolist(), "b": b.tolist(), "method": method,
                      "statistic": float(res.statistic), "pvalue": float(res.pvalue)})


ks_case("small_same", rng.normal(0, 1, 40), rng.normal(0, 1, 55), "exact")
ks_case("small_shifted", rng.normal(0, 1, 60), rng.normal(0.6, 1, 45), "exact")
ks_case("large_shifted", rng.normal(0, 1, 1500), rng.normal(0.08, 1, 1200), "asymp")


def chi2_uu(n1, n2):
    """ROOT's TH1::Chi2Test("UU") for unweighted histograms."""
    s1, s2 = n1.sum(), n2.sum()
    used = (n1 + n2) > 0
    chi2 = float((((s2 * n1 - s1 * n2) ** 2)[used] / (s1 * s2 * (n1 + n2))[used]).sum())
    ndf = int(used.sum()) - 1
    return chi2, ndf, float(stats.chi2.sf(chi2, ndf))


a = rng.normal(0, 1, 2000)
b = rng.normal(0.1, 1.1, 3000)
h1, edges = np.histogram(a, bins=20, range=(-4, 4))
h2, _ = np.histogram(b, bins=20, range=(-4, 4))
chi2, ndf, p = chi2_uu(h1.astype(float), h2.astype(float))
out["chi2"].append({"name": "normal_vs_wider", "a": a.tolist(), "b": b.tolist(), "bins": 20, "low": -4.0,
                    "high": 4.0, "counts_a": h1.tolist(), "counts_b": h2.tolist(), "chi2": chi2, "ndf": ndf,
                    "pvalue": p})

path = os.path.join(os.path.dirname(__file__), "..", "data", "eval", "reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path))
