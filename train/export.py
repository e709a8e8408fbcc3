"""Export a trained run to a marsbook model directory:

    /usr/bin/python3 train/export.py --run train/runs/lmm-shipped --out data/models/lmm-small

model.onnx   the backbone with a KV cache: features [B,S,18] int32, past_k/past_v [L,B,H,P,D] float32
             → hidden [B,S,dim], present_k/present_v [L,B,H,P+S,D]; P may be 0 (priming, scoring)
step.onnx    one generation step against a fixed-size ring cache: features [B,1,18], position [1] int64,
             and each layer's keys and values as inputs k_0, v_0, k_1, ... [B,H,C,D] → hidden [B,1,dim],
             new_k/new_v [L,B,H,1,D] (the caller writes them into slot position mod C: the cache is
             read in place, never copied)
head.onnx    the factorized head: hidden [N,dim], cond [N,3] int32 (type, price, volume chosen so far)
             → logits_type [N,3], logits_price [N,32], logits_volume [N,32], logits_interval [N,16]
config.json  architecture, feature layout, evaluation, parity; tokenizer.json; unigram.mbt / bigram.mbt
             (baseline counts from the training tokens, gzip'd); parity.mbt (fixed inputs and PyTorch outputs,
             checked by the TypeScript tests through onnxruntime-node); MODEL_CARD.md
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mbtk  # noqa: E402
from data import Baselines  # noqa: E402
from model import LMM  # noqa: E402
from train import load_days, resolve  # noqa: E402


class Backbone(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, features, past_k, past_v):
        return self.m.backbone(features, past_k, past_v)


class Step(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, features, position, *caches):
        return self.m.step_layers(features, position, list(caches))


class Head(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, hidden, cond):
        return self.m.head(hidden, cond)


def load_run(run):
    ck = torch.load(os.path.join(run, "best.pt"), map_location="cpu")
    cfg = ck["config"]
    m = LMM(**cfg)
    m.load_state_dict(ck["state"])
    m.eval()
    return m


@torch.no_grad()
def export(run, out, run_config, log=print):
    os.makedirs(out, exist_ok=True)
    m = load_run(run)
    with open(os.path.join(run, "summary.json")) as f:
        summary = json.load(f)
    L, H, D, dim = m.layers_n, m.heads, m.head_dim, m.dim
    ex_f = torch.zeros(2, 3, len(m.features), dtype=torch.int32)
    ex_k = torch.zeros(L, 2, H, 2, D)
    ex_v = torch.zeros(L, 2, H, 2, D)
    # Wrappers in eval mode: torch.onnx.export restores the wrapper's mode afterwards, and a new module
    # is in training mode, which would switch dropout back on in `m` for the checks below.
    torch.onnx.export(
        Backbone(m).eval(), (ex_f, ex_k, ex_v), os.path.join(out, "model.onnx"), opset_version=14,
        input_names=["features", "past_k", "past_v"], output_names=["hidden", "present_k", "present_v"],
        dynamic_axes={"features": {0: "batch", 1: "seq"}, "past_k": {1: "batch", 3: "past"}, "past_v": {1: "batch", 3: "past"},
                      "hidden": {0: "batch", 1: "seq"}, "present_k": {1: "batch", 3: "total"}, "present_v": {1: "batch", 3: "total"}},
    )
    C = m.config["context"]
    cache_names = [f"{kv}_{i}" for i in range(L) for kv in ("k", "v")]
    torch.onnx.export(
        Step(m).eval(), (torch.zeros(2, 1, len(m.features), dtype=torch.int32), torch.tensor([5], dtype=torch.int64),
                         *[torch.zeros(2, H, C, D) for _ in cache_names]), os.path.join(out, "step.onnx"), opset_version=14,
        input_names=["features", "position", *cache_names], output_names=["hidden", "new_k", "new_v"],
        dynamic_axes={"features": {0: "batch"}, "hidden": {0: "batch"}, "new_k": {1: "batch"}, "new_v": {1: "batch"},
                      **{n: {0: "batch"} for n in cache_names}},
    )
    torch.onnx.export(
        Head(m).eval(), (torch.zeros(4, dim), torch.zeros(4, 3, dtype=torch.int32)), os.path.join(out, "head.onnx"), opset_version=14,
        input_names=["hidden", "cond"], output_names=["logits_type", "logits_price", "logits_volume", "logits_interval"],
        dynamic_axes={"hidden": {0: "n"}, "cond": {0: "n"}, "logits_type": {0: "n"}, "logits_price": {0: "n"},
                      "logits_volume": {0: "n"}, "logits_interval": {0: "n"}},
    )
    m.eval()
    if m.training or any(mod.training for mod in m.modules()):
        raise RuntimeError("model left in training mode after export")
    # Baselines and parity fixtures from the run's data.
    days = load_days(run_config)
    base = Baselines(days, float(run_config["train"].get("dataFraction", 1.0)))
    base.write(out)
    d = days[-1]
    S = min(48, m.config["context"])
    start = max(0, d.split - S)
    feats = torch.from_numpy(np.stack([d.features[start : start + S], d.features[start + S : start + 2 * S]]).astype(np.int32))
    pk, pv = m.empty_cache(2)
    hidden, _, _ = m.backbone(feats, pk, pv)
    # cached, one position at a time
    steps = []
    k, v = pk, pv
    for t in range(S):
        h, k, v = m.backbone(feats[:, t : t + 1], k, v)
        steps.append(h)
    stepwise = torch.cat(steps, 1)
    cache_diff = float((stepwise - hidden).abs().max())
    # the ring-cache step graph, one position at a time over the same window (S ≤ C: no wrap here)
    ring_k = torch.zeros(L, 2, H, C, D)
    ring_v = torch.zeros(L, 2, H, C, D)
    ring = []
    for t in range(S):
        h, nk, nv = m.step(feats[:, t : t + 1], ring_k, ring_v, torch.tensor([t]))
        ring_k[:, :, :, t % C] = nk[:, :, :, 0]
        ring_v[:, :, :, t % C] = nv[:, :, :, 0]
        ring.append(h)
    ring_diff = float((torch.cat(ring, 1) - hidden).abs().max())
    cond = feats[:, :, :3].clone()
    lt, lp, lv, li = m.head(hidden.reshape(-1, dim), cond.reshape(-1, 3))
    mbtk.write(os.path.join(out, "parity.mbt"), {
        "features": feats.numpy(), "hidden": hidden.numpy().astype(np.float32), "cond": cond.numpy(),
        "logits_type": lt.reshape(2, S, -1).numpy(), "logits_price": lp.reshape(2, S, -1).numpy(),
        "logits_volume": lv.reshape(2, S, -1).numpy(), "logits_interval": li.reshape(2, S, -1).numpy(),
    }, {"kind": "lmm-parity", "source": d.name, "start": start})
    tok_src = resolve(run_config["tokenizer"])
    shutil.copyfile(tok_src, os.path.join(out, "tokenizer.json"))
    if os.path.exists(os.path.join(run, "loss.jsonl")):
        shutil.copyfile(os.path.join(run, "loss.jsonl"), os.path.join(out, "loss.jsonl"))
    config = {
        "schema": "marsbook.lmm",
        "version": 1,
        "name": os.path.basename(os.path.normpath(out)),
        "architecture": {**m.config, "kind": "decoder-only transformer, LLaMA style (RMSNorm, rotary positions, SwiGLU)",
                         "head": "factorized: p(type) p(price|type) p(volume|type,price) p(interval|type,price,volume)",
                         "parameters": m.parameter_count()},
        "features": m.features,
        "files": {"backbone": "model.onnx", "step": "step.onnx", "head": "head.onnx", "tokenizer": "tokenizer.json", "unigram": "unigram.mbt.gz",
                  "bigram": "bigram.mbt.gz", "parity": "parity.mbt", "card": "MODEL_CARD.md", "loss": "loss.jsonl"},
        "training": summary,
        "parity": {"torchStepwiseVsFullMaxAbs": cache_diff, "torchRingStepVsFullMaxAbs": ring_diff},
    }
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    write_card(out, config)
    log(f"exported {m.parameter_count():,} parameters to {out} (PyTorch cached vs full forward: max |diff| {cache_diff:.2e}; ring step: {ring_diff:.2e})")
    if max(cache_diff, ring_diff) > 1e-4:
        raise RuntimeError(f"cached decoding does not match the full forward pass ({cache_diff:.2e}, {ring_diff:.2e})")
    return config


def write_card(out, config):
    s = config["training"]
    a = config["architecture"]
    b = s["best"]
    base = s["baselines"]
    graphs = [f for f in ("model.onnx", "step.onnx", "head.onnx") if os.path.exists(os.path.join(out, f))]
    size = sum(os.path.getsize(os.path.join(out, f)) for f in graphs)
    lines = [
        f"# {config['name']}: a Large Market Model trained on LOBSTER order flow",
        "",
        ("A decoder-only transformer (LLaMA style: RMSNorm, rotary positions, SwiGLU) over touch-relative order tokens "
         "(type × placement against the best bid/ask × volume × wait, 49,152 ids), with a context of the spread, the best 5 "
         "levels of each side (volumes and distances), the time since the last trade and MarS's other features summed into "
         "each token's embedding, and a factorized head giving the full next-token distribution."
         if a.get("scheme") == "touch" else
         "A decoder-only transformer (LLaMA style: RMSNorm, rotary positions, SwiGLU) over MarS order tokens "
         "(type × price level × volume × wait, 49,152 ids), with MarS's context features summed into each token's "
         "embedding and a factorized head giving the full next-token distribution."),
        "",
        "| | |",
        "|---|---|",
        f"| parameters | {a['parameters']:,} (dim {a['dim']}, {a['layers']} layers, {a['heads']} heads, context {a['context']} orders) |",
        f"| ONNX size | {size / 1e6:.1f} MB ({' + '.join(graphs)}; the backbone and the step graph each carry the weights) |",
        f"| data | {', '.join(s['days'])}: LOBSTER samples, tokenized with `{os.path.basename(s['tokenizer'])}` |",
        f"| split | orders before {s['validFrom']} train ({s['trainTokens']:,} tokens); from {s['validFrom']} on held out ({base['validationTokens']:,} tokens) |",
        f"| training | {s['steps']:,} steps, {s['tokensSeen']:,} tokens seen, {s['seconds'] / 60:.1f} min on {s['hardware']['threads']} CPU threads "
        f"({s['hardware']['machine']}, torch {s['hardware']['torch']}), {s['tokensPerSecond']:,.0f} tokens/s; best checkpoint at step {b.get('step')} |",
        f"| held-out NLL | **{b['bitsPerToken']:.3f} bits/token** (perplexity {2 ** b['bitsPerToken']:,.0f}) |",
        f"| baselines (fitted on the training tokens) | unigram {base['unigramBitsPerToken']:.3f}, bigram {base['bigramBitsPerToken']:.3f} bits/token |",
        f"| gain | {base['unigramBitsPerToken'] - b['bitsPerToken']:.3f} bits/token over the unigram, {base['bigramBitsPerToken'] - b['bitsPerToken']:.3f} over the bigram |",
        f"| per field (bits) | " + ", ".join(f"{k} {v:.3f}" for k, v in b["bitsByField"].items()) + " |",
        f"| per field (top-1 accuracy) | " + ", ".join(f"{k} {v:.3f}" for k, v in b["accuracy"].items()) + " |",
        f"| seed | {s['seed']} |",
        "",
        "Limits: two trading days of two NASDAQ stocks (2012-06-21) are very little data; the model learns the "
        "short-range grammar of order flow (types, price levels around the mid, sizes, waits) and the book context, "
        "not regime changes. Evaluate it on your own data with `npx marsbook lmm eval`.",
    ]
    with open(os.path.join(out, "MODEL_CARD.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--config", required=True, help="the training config of the run (for its data)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    export(resolve(args.run), resolve(args.out), cfg)


if __name__ == "__main__":
    main()
