"""Measure what the factorized head saves: training throughput (tokens/s) and output-layer cost of the
shipped architecture with the factorized head against the same backbone with a flat 49,152-way softmax.

    /usr/bin/python3 train/measure_head.py [--dim 128 --layers 4 --batch 16 --context 256 --steps 8]

Random token windows suffice: the cost does not depend on the data. Run on an idle machine.
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from model import LMM, N_FEATURES

VOCAB = 3 * 32 * 32 * 16


class FlatHeadLMM(LMM):
    """The same backbone with one d × 49,152 output layer."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.flat = nn.Linear(self.dim, VOCAB)

    def nll_parts(self, features):
        B = features.shape[0]
        pk, pv = self.empty_cache(B)
        h, _, _ = self.backbone(features[:, :-1], pk, pv)
        t = features[:, 1:, :4].long()
        ids = ((t[..., 0] * 32 + t[..., 1]) * 32 + t[..., 2]) * 16 + t[..., 3]
        loss = F.cross_entropy(self.flat(h).reshape(-1, VOCAB), ids.reshape(-1), reduction="none").view(B, -1)
        return loss.unsqueeze(-1), None


def measure(model, batch, context, steps):
    torch.manual_seed(0)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    f = torch.zeros(batch, context + 1, N_FEATURES, dtype=torch.int32)
    f[..., 0] = torch.randint(0, 3, (batch, context + 1))
    f[..., 1] = torch.randint(0, 32, (batch, context + 1))
    f[..., 2] = torch.randint(0, 32, (batch, context + 1))
    f[..., 3] = torch.randint(0, 16, (batch, context + 1))
    model.train()
    for i in range(steps + 2):
        if i == 2:
            t0 = time.time()
        parts, _ = model.nll_parts(f)
        loss = parts.sum(-1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return batch * context * steps / (time.time() - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--context", type=int, default=256)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    kw = dict(dim=a.dim, layers=a.layers, heads=a.heads, context=a.context, dropout=0.0)
    fact = LMM(**kw)
    flat = FlatHeadLMM(**kw)
    head_params = sum(p.numel() for n, p in fact.named_parameters() if n.startswith(("h_", "c_")))
    result = {
        "dim": a.dim, "layers": a.layers, "batch": a.batch, "context": a.context, "threads": a.threads,
        "factorizedParameters": fact.parameter_count(), "flatParameters": flat.parameter_count() - head_params,
        "factorizedHeadParameters": head_params, "flatHeadParameters": a.dim * VOCAB + VOCAB,
        "factorizedTokensPerSecond": measure(fact, a.batch, a.context, a.steps),
        "flatTokensPerSecond": measure(flat, a.batch, a.context, a.steps),
    }
    result["speedup"] = result["factorizedTokensPerSecond"] / result["flatTokensPerSecond"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
