#!/usr/bin/python3
"""The TIAE training step of `tiae bench`, written as a researcher would in PyTorch-Python:
the same network (native/model/network.h), objective (native/model/terms.h: K + 1 shifted
views, C_inv against view 0, the exact C_res over all (2m+1)^2 shifts on the extended canvas
for every view by one grouped convolution, C_spa), Adam, batch and warm-up. The baseline of
the trainer's speed (scripts/bench_compare.sh runs both alternately).

Needs Debian's python3-torch (the same LibTorch 1.13 underneath).
With --precision bfloat16 the network runs under torch.autocast('cpu', bfloat16) and the
terms in float32, as `tiae bench --precision bfloat16` does.
Usage: benchmarks/pytorch_reference.py [--views 8] [--batch 128] [--steps 10] [--threads 0] [--precision float32]
Prints one JSON line: digits_per_s, seconds_per_step, ...
"""
import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

S, M = 32, 8  # image side, max shift


class AutoEncoder(nn.Module):
    def __init__(self, descriptor=30):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 9)
        self.e1, self.e2, self.e3 = nn.Linear(16 * 12 * 12, 1500), nn.Linear(1500, 150), nn.Linear(150, descriptor)
        self.d1, self.d2, self.d3 = nn.Linear(descriptor, 150), nn.Linear(150, 1500), nn.Linear(1500, S * S)

    def encode(self, x):
        h = F.max_pool2d(F.relu(self.conv(x)), 2).flatten(1)
        return self.e3(F.relu(self.e2(F.relu(self.e1(h)))))

    def decode(self, d):
        return torch.sigmoid(self.d3(F.relu(self.d2(F.relu(self.d1(d)))))).view(-1, 1, S, S)


def shift(images, shifts):
    """out(y, x) = images(y - dy, x - dx), zero fill."""
    n = images.shape[0]
    padded = F.pad(images, (S, S, S, S)).reshape(n, 1, 9 * S * S)
    ys = torch.arange(S).view(1, S, 1)
    xs = torch.arange(S).view(1, 1, S)
    dx, dy = shifts[:, 0].view(n, 1, 1), shifts[:, 1].view(n, 1, 1)
    index = ((ys - dy + S) * 3 * S + (xs - dx + S)).reshape(n, 1, S * S)
    return padded.gather(2, index).view(n, 1, S, S)


def restoration(recon, target):
    """min over all shifts of ||D - T I||^2 on the extended canvas: one grouped convolution."""
    n = recon.shape[0]
    corr = F.conv2d(F.pad(target, (M, M, M, M)).reshape(1, n, S + 2 * M, S + 2 * M), recon, groups=n).view(n, -1)
    energy = recon.pow(2).flatten(1).sum(1) + target.pow(2).flatten(1).sum(1)
    return energy - 2 * corr.max(1).values


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--views', type=int, default=8)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--threads', type=int, default=0)
    p.add_argument('--precision', choices=['float32', 'bfloat16'], default='float32')
    a = p.parse_args()
    torch.set_num_threads(a.threads or os.cpu_count())
    torch.manual_seed(1)
    model = AutoEncoder()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-4)
    B, V = a.batch, a.views + 1
    digits = torch.rand(B, 1, S, S) * (torch.rand(B, 1, S, S) < 0.2)

    def step():
        views = shift(digits.repeat(V, 1, 1, 1), torch.randint(-M, M + 1, (V * B, 2)))
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=a.precision == 'bfloat16'):
            desc = model.encode(views)
            recon = model.decode(desc)
        desc, recon = desc.float(), recon.float()
        c_inv = (recon[B:].view(V - 1, B, 1, S, S) - recon[:B].unsqueeze(0)).pow(2).flatten(2).sum((0, 2)).mean()
        c_res = restoration(recon, views).mean()
        c_spa = (desc.abs().sum(1).pow(2) / (desc.pow(2).sum(1) + 1e-8)).mean()
        loss = 1.0 * c_inv + 1.0 * c_res + 0.0 * c_spa
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(a.warmup):
        step()
    step()  # as `tiae bench`: one more warm-up call before timing
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    seconds = (time.perf_counter() - t0) / a.steps
    print(json.dumps({'implementation': 'pytorch-python', 'torch_version': torch.__version__, 'threads': torch.get_num_threads(),
                      'precision': a.precision,
                      'views_K': a.views, 'batch': B, 'steps': a.steps, 'seconds_per_step': seconds, 'digits_per_s': B / seconds}))


if __name__ == '__main__':
    main()
