#!/usr/bin/python3
"""PyTorch peer of bench/train.mjs (issue 17): trains the same networks on the same data, batch, optimiser
(Adam, lr 1e-3) and initial weights that the Node benchmark writes to a folder, and prints one JSON line
per run with samples/s and the epoch's mean training loss (to show both sides train the same network). Not part of axhw: a yardstick only (Debian's python3-torch, CPU).

  /usr/bin/python3 bench/torch_train.py <folder> <threads> <run>[,<run>...] [<warm-up samples, default 640>]

<folder> holds meta.json (the model spec, batch, code range, fpmul significand mask, weight shapes, and
the data folder) and the initial weights w<i>.f32 / b<i>.f32 (fan-in x out, fan-in ordered (kh, kw, c)
as in axhw). The data folder holds raw little-endian arrays: x.f32 (n x h x w x c), y.i32 (labels),
order.i32 (the trainer's sample order for the epoch), drum_a.f32 / drum_b.f32 (the per-operand transform
of DRUM k=4, indexed by code - qmin) and drum_table.f32 (every product, (qmax - qmin + 1)^2).
Runs: exact, transform, table, fpmul, fpmul-bwd. The approximate runs are written the way a PyTorch user
would write them: a custom autograd Function with a straight-through backward, quantisation and gathers
as tensor ops, convolutions through unfold.
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

folder, threads, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(',')
WARMUP = int(sys.argv[4]) if len(sys.argv) > 4 else 640
torch.set_num_threads(threads)
torch.manual_seed(1)
meta = json.load(open(f'{folder}/meta.json'))


def load(name, dtype=np.float32, base=folder):
    return torch.from_numpy(np.fromfile(f'{base}/{name}', dtype=dtype))


spec, batch = meta['model'], meta['batch']
x_all = load('x.f32', base=meta['data']).reshape(-1, *spec['input'])
y_all = load('y.i32', np.int32, meta['data']).long()
order = load('order.i32', np.int32, meta['data']).long()
QMIN, QMAX = meta['qmin'], meta['qmax']
TA, TB = load('drum_a.f32', base=meta['data']), load('drum_b.f32', base=meta['data'])
TABLE = load('drum_table.f32', base=meta['data']).reshape(QMAX - QMIN + 1, QMAX - QMIN + 1)
MASK = meta['mask'] - 2**32 if meta['mask'] >= 2**31 else meta['mask']  # as a signed int32


def quantise(v, table):
    """Dynamic fixed point: codes of v at the smallest exponent that fits max|v|, then T(code) * 2^e."""
    m = v.abs().max().item()
    e = int(np.ceil(np.log2(m / QMAX))) if m > 0 else 0
    q = torch.clamp(torch.round(v / 2.0**e), QMIN, QMAX).long() - QMIN
    return (q if table is None else table[q]), e


def approx_matmul(kind, a, w):
    if kind == 'transform':
        qa, ea = quantise(a, TA)
        qw, ew = quantise(w, TB)
        return (qa @ qw) * 2.0 ** (ea + ew)
    if kind == 'table':
        qa, ea = quantise(a, None)
        qw, ew = quantise(w, None)
        # Every product looked up: (rows x k x out) gathers, summed over k, in chunks of rows.
        out = torch.empty(a.shape[0], w.shape[1])
        step = max(1, 4_000_000 // (a.shape[1] * w.shape[1]))
        for r in range(0, a.shape[0], step):
            out[r:r + step] = TABLE[qa[r:r + step].unsqueeze(2), qw.unsqueeze(0)].sum(1)
        return out * 2.0 ** (ea + ew)
    return mask(a) @ mask(w)


def mask(v):
    return (v.view(torch.int32) & MASK).view(torch.float32)


class ApproxLinear(torch.autograd.Function):
    """x W on the approximate multiplier; backward straight-through (exact), or masked too (fpmul-bwd)."""

    @staticmethod
    def forward(ctx, a, w, kind):
        ctx.save_for_backward(a, w)
        ctx.kind = kind
        return approx_matmul('fpmul' if kind == 'fpmul-bwd' else kind, a, w)

    @staticmethod
    def backward(ctx, dy):
        a, w = ctx.saved_tensors
        if ctx.kind == 'fpmul-bwd':
            return mask(dy) @ mask(w.t()), mask(a.t()) @ mask(dy), None
        return dy @ w.t(), a.t() @ dy, None


class Net(torch.nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.ws = torch.nn.ParameterList()
        self.bs = torch.nn.ParameterList()
        k = 0
        for layer in spec['layers']:
            if layer['kind'] in ('dense', 'conv2d'):
                self.ws.append(torch.nn.Parameter(load(f'w{k}.f32').reshape(meta['weights'][k])))
                self.bs.append(torch.nn.Parameter(load(f'b{k}.f32')))
                k += 1

    def forward(self, x):  # x: n x c x h x w (NCHW, PyTorch's layout)
        h, k = x, 0
        for layer in spec['layers']:
            kind = layer['kind']
            if kind == 'flatten':
                h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # axhw flattens (h, w, c)
            elif kind == 'maxpool':
                h = F.max_pool2d(h, layer['size'])
            else:
                w, b = self.ws[k], self.bs[k]
                if kind == 'conv2d':
                    kk, c = layer['kernel'], h.shape[1]
                    pad = (kk - 1) // 2 if layer['pad'] == 'same' else 0
                    if self.kind == 'exact':
                        # (kh, kw, c) x out -> out x c x kh x kw
                        weight = w.reshape(kk, kk, c, -1).permute(3, 2, 0, 1)
                        h = F.conv2d(h, weight, b, padding=pad)
                    else:
                        n, _, hh, ww = h.shape
                        oh, ow = hh + 2 * pad - kk + 1, ww + 2 * pad - kk + 1
                        cols = F.unfold(h, kk, padding=pad)  # n x (c kh kw) x L
                        cols = cols.reshape(n, c, kk, kk, -1).permute(0, 4, 2, 3, 1).reshape(n * oh * ow, -1)
                        y = ApproxLinear.apply(cols, w, self.kind) + b
                        h = y.reshape(n, oh, ow, -1).permute(0, 3, 1, 2)
                else:
                    h = h @ w + b if self.kind == 'exact' else ApproxLinear.apply(h, w, self.kind) + b
                if layer.get('relu'):
                    h = F.relu(h)
                k += 1
        return h


def run(kind, limit=None):
    net = Net(kind)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = x_all.permute(0, 3, 1, 2).contiguous() if x_all.dim() == 4 else x_all
    n = x.shape[0] if limit is None else min(limit, x.shape[0])
    losses = []
    t0 = time.perf_counter()
    for s in range(0, n, batch):
        idx = order[s:min(s + batch, n)]
        xb, yb = x[idx], y_all[idx]
        opt.zero_grad()
        loss = F.cross_entropy(net(xb), yb)
        loss.backward()
        opt.step()
        losses.append(loss.detach() * len(idx))
    seconds = time.perf_counter() - t0
    return n / seconds, float(sum(losses)) / n


for kind in runs:
    # Warmed as axhw is before it is measured: one short epoch (WARMUP samples) of the same run in this
    # process first, so the measured epoch is not charged for first-call costs (allocator, kernel choice).
    run(kind, WARMUP)
    sps, loss = run(kind)
    print(json.dumps({'run': kind, 'threads': threads, 'samplesPerSecond': sps, 'loss': loss, 'torch': torch.__version__}), flush=True)
