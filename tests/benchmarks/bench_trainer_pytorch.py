#!/usr/bin/python3
"""PyTorch peer of bench_trainer: the same two models, data sizes, batch sizes and optimizer, trained with an
idiomatic PyTorch loop (shuffled index batches, BCE/CE with logits, Adam, loss.item() per batch).

It serves bench_trainer, so that the two can take turns (A B A B ...) on a noisy machine: after printing
{"torch": version} it reads requests "CASE SAMPLES THREADS" on stdin, trains a fresh model for one epoch of
SAMPLES samples at THREADS threads, and answers each with one JSON line {"samples_per_second": x}.
Run by bench_trainer with Debian's /usr/bin/python3."""
import json
import sys
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


CASES = {
    "higgs_deep": (higgs_deep, 512, nn.BCEWithLogitsLoss(),
                   lambda n: (torch.randn(n, 28), torch.randint(0, 2, (n, 1)).float())),
    "shapes_cnn": (shapes_cnn, 128, nn.CrossEntropyLoss(),
                   lambda n: (torch.rand(n, 1, 32, 32), torch.randint(0, 3, (n,)))),
}


def train_epoch(case, samples, threads):
    make_model, batch, loss_fn, make_data = CASES[case]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x, y = make_data(samples)
    model = make_model()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    perm = torch.randperm(samples)
    total = 0.0
    for begin in range(0, samples, batch):
        idx = perm[begin:begin + batch]
        xb, yb = x.index_select(0, idx), y.index_select(0, idx)
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item()
    return samples / (time.perf_counter() - start)


def main():
    print(json.dumps({"torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        case, samples, threads = line.split()
        rate = train_epoch(case, int(samples), int(threads))
        print(json.dumps({"samples_per_second": rate}), flush=True)


if __name__ == "__main__":
    main()
