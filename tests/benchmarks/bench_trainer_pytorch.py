#!/usr/bin/python3
"""PyTorch peer of bench_trainer: the same two models, data sizes, batch sizes, optimizer and thread count,
trained with an idiomatic PyTorch loop (shuffled index batches, BCE/CE with logits, Adam, loss.item() per
batch). Prints one JSON object: samples/s per model. Run by bench_trainer with Debian's /usr/bin/python3."""
import argparse
import json
import time

import torch
import torch.nn as nn


def higgs_deep():
    layers, width = [], 28
    for _ in range(5):
        layers += [nn.Linear(width, 200), nn.ReLU()]
        width = 200
    return nn.Sequential(*layers, nn.Linear(200, 1))


def shapes_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Dropout(0.25), nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 3))


def train(model, x, y, batch, epochs, loss_fn):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = x.shape[0]

    def epoch():
        perm = torch.randperm(n)
        total = 0.0
        for begin in range(0, n, batch):
            idx = perm[begin:begin + batch]
            xb, yb = x.index_select(0, idx), y.index_select(0, idx)
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item()
        return total

    # One short warm-up pass over a few batches, as the C++ side does.
    model.train()
    saved = n
    n = min(n, 10 * batch)
    epoch()
    n = saved
    start = time.perf_counter()
    for _ in range(epochs):
        epoch()
    return epochs * x.shape[0] / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--mlp-samples", type=int, required=True)
    p.add_argument("--cnn-samples", type=int, required=True)
    p.add_argument("--epochs", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    x = torch.randn(a.mlp_samples, 28)
    y = torch.randint(0, 2, (a.mlp_samples, 1)).float()
    out["higgs_deep"] = train(higgs_deep(), x, y, 512, a.epochs, nn.BCEWithLogitsLoss())
    x = torch.rand(a.cnn_samples, 1, 32, 32)
    y = torch.randint(0, 3, (a.cnn_samples,))
    out["shapes_cnn"] = train(shapes_cnn(), x, y, 128, a.epochs, nn.CrossEntropyLoss())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
