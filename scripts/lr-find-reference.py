#!/usr/bin/env python3
"""The LR finder's reference curve in plain PyTorch (Debian's python3-torch).

Reproduces what `Tuner.lrFind` does, on the same data and initial weights as
src/lightning/tuner/tuner.test.ts: nn.Linear(1, 1) from w=0.5, b=-0.2, MSE,
plain SGD, batches of 16 in order, the learning rate of step i set to
min_lr * (max_lr / min_lr) ** (i / num_training) before the step (Lightning's
exponential schedule), the loss smoothed with beta and divided by
1 - beta ** t, and the run stopped once the smoothed loss passes 4 times the
best. Writes src/lightning/tuner/fixtures/lr-find-torch.json, or prints it
with --stdout.
"""
import json
import math
import sys
from pathlib import Path

import torch

torch.set_num_threads(1)
N, BATCH, NUM_TRAINING, MIN_LR, MAX_LR, BETA, THRESHOLD = 64, 16, 60, 1e-4, 10.0, 0.98, 4.0

xs = [-1 + 2 * i / (N - 1) for i in range(N)]
x = torch.tensor([[v] for v in xs], dtype=torch.float32)
y = torch.tensor([[2 * v + 0.3 * math.sin(5 * v)] for v in xs], dtype=torch.float32)

model = torch.nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.5)
    model.bias.fill_(-0.2)
opt = torch.optim.SGD(model.parameters(), lr=MIN_LR)

lrs, losses, smoothed = [], [], []
avg, best, step = 0.0, math.inf, 0
while step < NUM_TRAINING:
    stop = False
    for start in range(0, N, BATCH):
        if step >= NUM_TRAINING:
            break
        lr = MIN_LR * (MAX_LR / MIN_LR) ** (step / NUM_TRAINING)
        for g in opt.param_groups:
            g["lr"] = lr
        xb, yb = x[start:start + BATCH], y[start:start + BATCH]
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        value = loss.item()
        avg = BETA * avg + (1 - BETA) * value
        s = avg / (1 - BETA ** (len(losses) + 1))
        lrs.append(lr)
        losses.append(value)
        smoothed.append(s)
        step += 1
        if len(losses) > 1 and (not math.isfinite(s) or s > THRESHOLD * best):
            stop = True
            break
        best = min(best, s)
    if stop:
        break

out = {"torch": torch.__version__, "lr": lrs, "loss": losses, "smoothedLoss": smoothed}
text = json.dumps(out, indent=1) + "\n"
if "--stdout" in sys.argv:
    sys.stdout.write(text)
else:
    path = Path(__file__).resolve().parent.parent / "src/lightning/tuner/fixtures/lr-find-torch.json"
    path.write_text(text)
    print(f"wrote {path} ({len(lrs)} steps)")
