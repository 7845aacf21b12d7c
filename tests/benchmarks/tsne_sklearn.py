"""Peer for bench_tsne: scikit-learn's Barnes-Hut TSNE on the same data and settings.

Usage: tsne_sklearn.py DATA.f32 N D PERPLEXITY ITERATIONS OUT.f32
Reads N x D float32 values, writes the N x 2 embedding as float64, prints one JSON line.
"""
import json
import sys
import time

import numpy as np
from sklearn.manifold import TSNE


def main():
    data_path, n, d, perplexity, iterations, out_path = sys.argv[1:7]
    x = np.fromfile(data_path, dtype=np.float32).reshape(int(n), int(d))
    tsne = TSNE(n_components=2, perplexity=float(perplexity), n_iter=int(iterations), method="barnes_hut",
                angle=0.5, init="pca", learning_rate="auto", random_state=42)
    start = time.perf_counter()
    y = tsne.fit_transform(x)
    seconds = time.perf_counter() - start
    y.astype(np.float64).tofile(out_path)
    print(json.dumps({"seconds": seconds, "kl_divergence": float(tsne.kl_divergence_),
                      "iterations": int(tsne.n_iter_)}))


if __name__ == "__main__":
    main()
