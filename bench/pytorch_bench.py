#!/usr/bin/python3
"""PyTorch reference for `npm run bench`: the same MLP and LeNet-5, the same
MNIST split (raw uint8 files packed by bench/lib/data.mjs), Adam(1e-3), on one
CPU thread. Writes a report in the same JSON shape as the Node/browser runners.

Run with Debian's PyTorch: /usr/bin/python3 bench/pytorch_bench.py --data DIR --out FILE
"""
import argparse
import json
import os
import platform
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
LR = 1e-3
# Rough samples/s, only used to size the epochs (as bench/lib/plan.mjs does).
ESTIMATE = {'mlp': 4500, 'lenet': 2500}
TARGETS = {'mlp': 0.95, 'lenet': 0.975}
CAP_S = {'mlp': 90, 'lenet': 150}


def build(model):
    if model == 'mlp':
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    # Same layout as bench/src/models.ts: 'same' padding on the first convolution.
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def load(data_dir):
    def read(name):
        with open(os.path.join(data_dir, name), 'rb') as f:
            return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8)
    x_train = read('train-x.u8').float().div_(255).reshape(-1, 1, 28, 28)
    x_val = read('val-x.u8').float().div_(255).reshape(-1, 1, 28, 28)
    return x_train, read('train-y.u8').long(), x_val, read('val-y.u8').long()


def train_epoch(net, opt, x, y, batch, gen, on_first=None):
    order = torch.randperm(x.shape[0], generator=gen)
    for i, lo in enumerate(range(0, x.shape[0], batch)):
        idx = order[lo:lo + batch]
        opt.zero_grad()
        loss = F.cross_entropy(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        if on_first is not None and i == 0:
            on_first(loss.item())


def throughput(model, batch, steps, reps, measured_epochs, data, seed):
    x_train, y_train = data[0], data[1]
    n = steps * batch
    x, y = x_train[:n], y_train[:n]
    out = []
    for r in range(reps):
        torch.manual_seed(seed + r)
        gen = torch.Generator().manual_seed(seed + r)
        t0 = time.perf_counter()
        net = build(model)
        opt = torch.optim.Adam(net.parameters(), lr=LR)
        first = {}
        train_epoch(net, opt, x, y, batch, gen, on_first=lambda _l: first.setdefault('ms', (time.perf_counter() - t0) * 1000))
        t1 = time.perf_counter()
        for _ in range(measured_epochs):
            train_epoch(net, opt, x, y, batch, gen)
        secs = time.perf_counter() - t1
        sps = steps * measured_epochs * batch / secs
        print(f'[pytorch] {model} b{batch} rep {r + 1}/{reps}: {sps:.0f} samples/s, first step {first["ms"]:.0f} ms', flush=True)
        out.append({'samplesPerSec': sps, 'firstStepMs': first['ms'], 'tensorsAfterEpoch': [], 'bytesAfterEpoch': []})
    return out


def accuracy(model, batch, data, seed):
    x_train, y_train, x_val, y_val = data
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    net = build(model)
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    t0 = time.perf_counter()
    res = {'reachedS': None, 'epochs': 0, 'bestAcc': 0.0}
    while True:
        net.train()
        train_epoch(net, opt, x_train, y_train, batch, gen)
        net.eval()
        with torch.no_grad():
            acc = (net(x_val).argmax(1) == y_val).float().mean().item()
        res['epochs'] += 1
        res['bestAcc'] = max(res['bestAcc'], acc)
        elapsed = time.perf_counter() - t0
        if acc >= TARGETS[model]:
            res['reachedS'] = elapsed
            break
        if elapsed > CAP_S[model]:
            break
    shown = 'not reached in %d s' % CAP_S[model] if res['reachedS'] is None else '%.1f s' % res['reachedS']
    print(f'[pytorch] {model} b{batch} → {TARGETS[model] * 100:.1f}%: {shown} ({res["epochs"]} epochs, best {res["bestAcc"] * 100:.2f}%)', flush=True)
    return res


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--models', default='mlp,lenet')
    p.add_argument('--batches', default='64,256')
    p.add_argument('--reps', type=int, default=None)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--quick', action='store_true')
    p.add_argument('--no-accuracy', action='store_true')
    a = p.parse_args()
    data = load(a.data)
    epoch_s = 0.3 if a.quick else 1.0
    reps = a.reps or (2 if a.quick else 3)
    base = {'runtime': 'python', 'backend': 'pytorch-cpu', 'threads': torch.get_num_threads()}
    report = dict(base, info={'torch': torch.__version__, 'python': platform.python_version()}, throughput=[], accuracy=[], errors=[])
    for model in a.models.split(','):
        for batch in [int(b) for b in a.batches.split(',')]:
            steps = max(2, min(8000 // batch, round(epoch_s * ESTIMATE[model] / batch)))
            reps_out = throughput(model, batch, steps, reps, 2, data, a.seed)
            report['throughput'].append(dict(base, model=model, batch=batch, impl='pytorch', steps=steps, reps=reps_out))
    if not a.no_accuracy:
        for model in a.models.split(','):
            res = accuracy(model, 64, data, a.seed)
            report['accuracy'].append(dict(base, model=model, batch=64, impl='pytorch', target=TARGETS[model], capS=CAP_S[model], **res))
    with open(a.out, 'w') as f:
        json.dump(report, f)


if __name__ == '__main__':
    main()
