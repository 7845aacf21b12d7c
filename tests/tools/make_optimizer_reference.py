#!/usr/bin/python3
"""Writes tests/data/train/optimizer_reference.json: three steps of every optimizer Neurino offers, run by
PyTorch (Debian's python3-torch, the LibTorch version Neurino builds against) from a fixed start on a fixed
quadratic loss. Run once with Debian's python3:
    /usr/bin/python3 tests/tools/make_optimizer_reference.py
tests/core/train/TestOptimizers.cpp replays the same steps with Neurino's optimizers and compares.

NAdam runs with foreach=True: PyTorch 1.13's single-tensor NAdam multiplies mu_t into the next momentum
product twice (fixed in later releases); its multi-tensor path, Keras and Neurino use mu_product * mu_{t+1}."""
import json
import os

import torch

torch.manual_seed(7)
x = torch.randn(5, 4, dtype=torch.float64)
y = torch.randn(5, 3, dtype=torch.float64)
w0 = torch.randn(3, 4, dtype=torch.float64)
b0 = torch.randn(3, dtype=torch.float64)
STEPS = 3


def loss_of(w, b):
    return ((x @ w.t() + b - y) ** 2).mean() + 0.1 * (w ** 4).sum()


def make(name, cfg, params):
    lr = cfg["learning_rate"]
    betas = (cfg.get("beta1", 0.9), cfg.get("beta2", 0.999))
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=cfg.get("momentum", 0), dampening=cfg.get("dampening", 0),
                               weight_decay=cfg.get("weight_decay", 0), nesterov=cfg.get("nesterov", False))
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=cfg.get("epsilon", 1e-8),
                                weight_decay=cfg.get("weight_decay", 0), amsgrad=cfg.get("amsgrad", False))
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, betas=betas, eps=cfg.get("epsilon", 1e-8),
                                 weight_decay=cfg.get("weight_decay", 1e-2), amsgrad=cfg.get("amsgrad", False))
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=cfg.get("alpha", 0.99), eps=cfg.get("epsilon", 1e-8),
                                   weight_decay=cfg.get("weight_decay", 0), momentum=cfg.get("momentum", 0),
                                   centered=cfg.get("centered", False))
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, lr_decay=cfg.get("learning_rate_decay", 0),
                                   weight_decay=cfg.get("weight_decay", 0),
                                   initial_accumulator_value=cfg.get("initial_accumulator", 0),
                                   eps=cfg.get("epsilon", 1e-10))
    if name == "nadam":
        return torch.optim.NAdam(params, lr=lr, betas=betas, eps=cfg.get("epsilon", 1e-8),
                                 weight_decay=cfg.get("weight_decay", 0),
                                 momentum_decay=cfg.get("momentum_decay", 4e-3), foreach=True)
    raise ValueError(name)


CASES = [
    ("sgd", {"name": "sgd", "learning_rate": 0.1}),
    ("sgd_momentum", {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "dampening": 0.1}),
    ("sgd_nesterov", {"name": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True,
                      "weight_decay": 0.01}),
    ("adam", {"name": "adam", "learning_rate": 0.01}),
    ("adam_amsgrad_decay", {"name": "adam", "learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99,
                            "amsgrad": True, "weight_decay": 0.05}),
    ("adamw", {"name": "adamw", "learning_rate": 0.01}),
    ("adamw_amsgrad", {"name": "adamw", "learning_rate": 0.02, "weight_decay": 0.1, "amsgrad": True}),
    ("rmsprop", {"name": "rmsprop", "learning_rate": 0.01}),
    ("rmsprop_centered_momentum", {"name": "rmsprop", "learning_rate": 0.01, "alpha": 0.9, "momentum": 0.5,
                                   "centered": True, "weight_decay": 0.01}),
    ("adagrad", {"name": "adagrad", "learning_rate": 0.1}),
    ("adagrad_decay", {"name": "adagrad", "learning_rate": 0.1, "learning_rate_decay": 0.1,
                       "initial_accumulator": 0.5, "weight_decay": 0.01}),
    ("nadam", {"name": "nadam", "learning_rate": 0.002}),
    ("nadam_decay", {"name": "nadam", "learning_rate": 0.01, "beta1": 0.85, "weight_decay": 0.02,
                     "momentum_decay": 0.01}),
]

out = {"generator": "tests/tools/make_optimizer_reference.py", "torch": torch.__version__,
       "loss": "mean((x W^T + b - y)^2) + 0.1 * sum(W^4)", "x": x.tolist(), "y": y.tolist(),
       "w0": w0.tolist(), "b0": b0.tolist(), "cases": []}
for case, cfg in CASES:
    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    opt = make(cfg["name"], cfg, [w, b])
    steps = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss_of(w, b).backward()
        opt.step()
        steps.append({"w": w.detach().tolist(), "b": b.detach().tolist()})
    out["cases"].append({"name": case, "optimizer": cfg, "steps": steps})

path = os.path.join(os.path.dirname(__file__), "..", "data", "train", "optimizer_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path))
