"""Independent PyTorch (CPU) benchmark of one Transform Invariant Auto-encoder training step.

Written from the step's spec alone (not derived from pytorch_reference.py), as a
cross-check of both the reference's timings and its formulation of the loss.

Step: B digits x V=K+1 randomly shifted views -> conv/MLP encoder to a 30-d
descriptor -> MLP decoder to 32x32 -> loss C_inv + C_res -> Adam.

C_res (min over the 17x17 integer shifts of ||D - T_t I||^2 on the 48x48 canvas)
is computed in two stages:
  1. Without autograd, expand ||Dp - T_t Ip||^2 = ||D||^2 + ||I||^2 - 2 <Dp, T_t Ip>
     and get the cross term for all 289 shifts at once as a correlation: a grouped
     conv2d of the zero-padded view (input, 48x48, one group per image) with that
     image's reconstruction (kernel, 32x32) -> [N, 17, 17]. Argmin over the shifts.
  2. With autograd, gather the 32x32 window of the shifted target under D at the
     chosen shift and compute ||D - window||^2 + (||I||^2 - ||window||^2) exactly.
     This equals the min and its gradient w.r.t. D is that of the min (the target
     is data, the argmin is piecewise constant), without differentiating the conv.

Usage:
  python3 benchmarks/pytorch_independent.py [--views 8] [--batch 128] [--steps 10]
      [--warmup 3] [--threads 0] [--check]
Prints one JSON line.
"""

import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SIZE = 32
MAX_SHIFT = 8
CANVAS = SIZE + 2 * MAX_SHIFT  # 48
NSHIFT = 2 * MAX_SHIFT + 1  # 17


def make_digits(batch, generator=None):
    """Random sparse 'digit' images [batch, 32, 32] in [0, 1]."""
    a = torch.rand(batch, SIZE, SIZE, generator=generator)
    m = torch.rand(batch, SIZE, SIZE, generator=generator) < 0.2
    return a * m


def shift_images(padded, dy, dx):
    """Shift images by integer (dy, dx) with zero fill.

    padded: [N, 48, 48] images zero-padded by 8 on every side.
    dy, dx: [N] long tensors in [-8, 8].
    Returns [N, 32, 32] with out[r, c] = img[r - dy, c - dx] (0 outside).
    """
    n = padded.shape[0]
    ar = torch.arange(SIZE)
    rows = (MAX_SHIFT - dy)[:, None, None] + ar[None, :, None]
    cols = (MAX_SHIFT - dx)[:, None, None] + ar[None, None, :]
    idx = torch.arange(n)[:, None, None]
    return padded[idx, rows, cols]


def make_views(digits_padded, views):
    """[V*B, 1, 32, 32]: views-major (view v of digit b at row v*B + b)."""
    b = digits_padded.shape[0]
    src = digits_padded.repeat(views, 1, 1)  # [V*B, 48, 48]
    dy = torch.randint(-MAX_SHIFT, MAX_SHIFT + 1, (views * b,))
    dx = torch.randint(-MAX_SHIFT, MAX_SHIFT + 1, (views * b,))
    return shift_images(src, dy, dx).unsqueeze(1)


class TIAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=9),  # 32 -> 24
            nn.ReLU(),
            nn.MaxPool2d(2),  # 24 -> 12
            nn.Flatten(),
            nn.Linear(16 * 12 * 12, 1500),
            nn.ReLU(),
            nn.Linear(1500, 150),
            nn.ReLU(),
            nn.Linear(150, 30),
        )
        self.decoder = nn.Sequential(
            nn.Linear(30, 150),
            nn.ReLU(),
            nn.Linear(150, 1500),
            nn.ReLU(),
            nn.Linear(1500, SIZE * SIZE),
            nn.Sigmoid(),
        )

    def forward(self, x):
        d = self.decoder(self.encoder(x))
        return d.view(-1, 1, SIZE, SIZE)


def c_res_per_image(d, target):
    """min_t ||pad8(D) - T_t pad8(I)||^2 for every image.

    d: [N, 1, 32, 32] reconstructions (requires grad); target: [N, 1, 32, 32] data.
    Returns [N]; gradient flows to d only.
    """
    n = d.shape[0]
    dd = d.reshape(n, SIZE, SIZE)
    tt = target.reshape(n, SIZE, SIZE).detach()
    tp = F.pad(tt, (MAX_SHIFT,) * 4)  # [N, 48, 48]
    t_sq = tt.pow(2).sum(dim=(1, 2))  # [N]

    with torch.no_grad():
        dn = dd.detach()
        # corr[n, i, j] = sum_{u,v} tp[n, i+u, j+v] * d[n, u, v]
        corr = F.conv2d(tp.unsqueeze(0), dn.unsqueeze(1), groups=n)[0]  # [N, 17, 17]
        d_sq = dn.pow(2).sum(dim=(1, 2))
        cost = d_sq[:, None] + t_sq[:, None] - 2.0 * corr.reshape(n, -1)
        best = cost.argmin(dim=1)
        bi = best // NSHIFT
        bj = best % NSHIFT
        # window offset (i, j) in tp <=> target shifted by (dy, dx) = (8 - i, 8 - j)
        window = shift_images(tp, MAX_SHIFT - bi, MAX_SHIFT - bj)  # [N, 32, 32]
        outside = t_sq - window.pow(2).sum(dim=(1, 2))  # shifted-target mass off D

    return (dd - window).pow(2).sum(dim=(1, 2)) + outside


def loss_fn(d, x, views, batch):
    dv = d.reshape(views, batch, SIZE * SIZE)
    c_inv = (dv[1:] - dv[:1]).pow(2).sum(dim=(0, 2)).mean()
    c_res = c_res_per_image(d, x).mean()
    return c_inv + c_res


def brute_force_c_res(d, target):
    """Python loop over the 289 shifts on the explicit 48x48 canvas."""
    n = d.shape[0]
    dp = F.pad(d.reshape(n, SIZE, SIZE), (MAX_SHIFT,) * 4)
    tp = F.pad(target.reshape(n, SIZE, SIZE), (MAX_SHIFT,) * 4)
    costs = []
    for dy in range(-MAX_SHIFT, MAX_SHIFT + 1):
        for dx in range(-MAX_SHIFT, MAX_SHIFT + 1):
            shifted = torch.zeros_like(tp)
            # shifted[r, c] = tp[r - dy, c - dx], zero fill
            r0, r1 = max(0, dy), CANVAS + min(0, dy)
            c0, c1 = max(0, dx), CANVAS + min(0, dx)
            shifted[:, r0:r1, c0:c1] = tp[:, r0 - dy:r1 - dy, c0 - dx:c1 - dx]
            costs.append((dp - shifted).pow(2).sum(dim=(1, 2)))
    return torch.stack(costs, dim=1).min(dim=1).values


def self_check():
    g = torch.Generator().manual_seed(1234)
    n = 4
    target = make_digits(n, g).unsqueeze(1)
    d1 = torch.rand(n, 1, SIZE, SIZE, generator=g).requires_grad_(True)
    d2 = d1.detach().clone().requires_grad_(True)
    fast = c_res_per_image(d1, target)
    slow = brute_force_c_res(d2, target)
    fast.sum().backward()
    slow.sum().backward()
    # Also a case where D is a shifted copy of I (sharp minimum near zero).
    pad = F.pad(target.reshape(n, SIZE, SIZE), (MAX_SHIFT,) * 4)
    d3 = shift_images(pad, torch.tensor([3, -8, 0, 5]), torch.tensor([-2, 8, 0, -7])).unsqueeze(1)
    fast3 = c_res_per_image(d3, target)
    slow3 = brute_force_c_res(d3, target)
    diff = max((fast - slow).abs().max().item(), (fast3 - slow3).abs().max().item())
    gdiff = (d1.grad - d2.grad).abs().max().item()
    print(json.dumps({
        "check": "c_res vs brute force over 289 shifts",
        "fast": [round(v, 4) for v in fast.tolist()],
        "brute": [round(v, 4) for v in slow.tolist()],
        "shifted_copy_fast": [round(v, 4) for v in fast3.tolist()],
        "shifted_copy_brute": [round(v, 4) for v in slow3.tolist()],
        "max_abs_diff": diff,
        "max_abs_grad_diff": gdiff,
        "ok": diff < 1e-3 and gdiff < 1e-3,
    }))
    return 0 if diff < 1e-3 and gdiff < 1e-3 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--views", type=int, default=8, help="K extra views (V = K + 1)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="0 = os.cpu_count()")
    p.add_argument("--check", action="store_true", help="verify C_res against brute force and exit")
    args = p.parse_args()

    threads = args.threads or os.cpu_count() or 1
    torch.set_num_threads(threads)
    torch.manual_seed(0)

    if args.check:
        sys.exit(self_check())

    views = args.views + 1
    batch = args.batch
    digits_padded = F.pad(make_digits(batch), (MAX_SHIFT,) * 4)  # fixed for the run

    model = TIAE()
    opt = torch.optim.Adam(model.parameters(), lr=3e-4)

    def step():
        x = make_views(digits_padded, views)
        d = model(x)
        loss = loss_fn(d, x, views, batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    for _ in range(args.warmup):
        step()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        loss = step()
    loss.item()
    elapsed = time.perf_counter() - t0
    sps = elapsed / max(args.steps, 1)

    print(json.dumps({
        "implementation": "pytorch-independent",
        "torch_version": torch.__version__,
        "threads": threads,
        "views_K": args.views,
        "batch": batch,
        "steps": args.steps,
        "seconds_per_step": sps,
        "digits_per_s": batch / sps,
    }))


if __name__ == "__main__":
    main()
