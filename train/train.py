"""Train a Large Market Model on marsbook token files.

    /usr/bin/python3 train/train.py --config train/configs/shipped.json [--steps N] [--out DIR]

The config names LOBSTER days and a tokenizer; token files are made by the TypeScript tokenizer
(`marsbook tokenize --out`) and cached. The split is by time: orders from `validFrom` (e.g. 15:00) on
are held out. Runs are seeded; the loss log (loss.jsonl), the best checkpoint (best.pt) and a summary
(summary.json) go to the run directory.
"""
import argparse
import json
import math
import os
import platform
import random
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from data import REPO, Baselines, Day, TrainSampler, clock, ensure_tokens, jitter_context, jitter_tokens, valid_windows  # noqa: E402
from model import LMM  # noqa: E402

LN2 = math.log(2)


def resolve(p):
    return p if os.path.isabs(p) else os.path.normpath(os.path.join(REPO, p))


def load_days(cfg, key="days"):
    """The configured days; `evalDays` (symbols never trained on) are held out whole."""
    tok = resolve(cfg["tokenizer"])
    cache = resolve(cfg.get("tokenCache", "train/runs/tokens"))
    valid_from = clock(cfg["split"]["validFrom"]) if cfg.get("split", {}).get("validFrom") else None
    if key == "evalDays":
        valid_from = 0
    days = []
    for d in cfg.get(key, []):
        path = ensure_tokens({"messages": resolve(d["messages"]), "orderbook": resolve(d["orderbook"])}, tok, cache)
        days.append(Day(path, valid_from))
    return days


@torch.no_grad()
def evaluate(model, days, context, batch=16):
    model.eval()
    tot = np.zeros(4)
    correct = np.zeros(4)
    n = 0
    for d in days:
        feats, masks = valid_windows(d, context)
        for i in range(0, len(feats), batch):
            f = torch.from_numpy(feats[i : i + batch])
            m = torch.from_numpy(masks[i : i + batch])
            parts, corr = model.nll_parts(f)
            tot += parts[m].sum(0).numpy()
            correct += corr[m].sum(0).numpy()
            n += int(m.sum())
    model.train()
    nll = tot / max(n, 1)
    return {
        "tokens": n,
        "bitsPerToken": float(nll.sum() / LN2),
        "bitsByField": dict(zip(["type", "price", "volume", "interval"], (nll / LN2).tolist())),
        "accuracy": dict(zip(["type", "price", "volume", "interval"], (correct / max(n, 1)).tolist())),
    }


def train(cfg, out_dir, steps_override=None, log=print, init=None):
    seed = int(cfg["train"].get("seed", 1))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(int(cfg["train"].get("threads", 2)))
    os.makedirs(out_dir, exist_ok=True)
    days = load_days(cfg)
    mcfg = cfg["model"]
    context = int(mcfg.get("context", 256))
    schemes = {d.scheme for d in days}
    if len(schemes) != 1:
        raise ValueError(f"the days' token files use different schemes: {sorted(schemes)}")
    scheme = schemes.pop()
    model = LMM(dim=mcfg["dim"], layers=mcfg["layers"], heads=mcfg["heads"], ffn_mult=mcfg.get("ffnMult", 2.0),
                dropout=mcfg.get("dropout", 0.1), context=context, scheme=scheme)
    if init:
        ck = torch.load(init, map_location="cpu")
        model.load_state_dict(ck["state"])
        log(f"starting from {init}")
    tcfg = cfg["train"]
    fraction = float(tcfg.get("dataFraction", 1.0))
    rng = np.random.default_rng(seed)
    sampler = TrainSampler(days, context, fraction, rng)
    steps = int(steps_override or tcfg["steps"])
    batch = int(tcfg.get("batch", 16))
    lr = float(tcfg.get("lr", 2e-3))
    warmup = int(tcfg.get("warmup", min(200, steps // 10 + 1)))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=float(tcfg.get("weightDecay", 0.1)))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, steps))))))
    eval_every = int(tcfg.get("evalEvery", 250))
    context_noise = float(tcfg.get("contextNoise", 0.0))
    input_noise = float(tcfg.get("inputNoise", 0.0))
    patience = int(tcfg.get("patience", 6))
    log(f"model {model.parameter_count():,} parameters; {sampler.tokens:,} training tokens (fraction {fraction}); {steps} steps of {batch}×{context}")
    baselines = Baselines(days, fraction)
    uni, bi, n_valid = baselines.bits(days)
    log(f"validation: {n_valid:,} tokens; unigram {uni:.3f} bits/token, bigram {bi:.3f}")
    best = {"bitsPerToken": float("inf")}
    bad_evals = 0
    t0 = time.time()
    seen = 0
    logf = open(os.path.join(out_dir, "loss.jsonl"), "w")
    model.train()
    running = 0.0
    step = 0
    for step in range(1, steps + 1):
        fb = jitter_context(sampler.batch(batch), context_noise, rng)
        noisy = jitter_tokens(fb, input_noise, rng)
        parts, _ = model.nll_parts(torch.from_numpy(fb), None if noisy is None else torch.from_numpy(noisy))
        loss = parts.sum(-1).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        seen += batch * context
        running = 0.98 * running + 0.02 * float(loss) if step > 1 else float(loss)
        if step % eval_every == 0 or step == steps:
            ev = evaluate(model, days, context)
            elapsed = time.time() - t0
            rec = {"step": step, "tokensSeen": seen, "seconds": elapsed, "trainBits": running / LN2, "validBits": ev["bitsPerToken"],
                   "lr": sched.get_last_lr()[0]}
            logf.write(json.dumps(rec) + "\n")
            logf.flush()
            log(f"step {step:5d}  train {running / LN2:.3f}  valid {ev['bitsPerToken']:.3f} bits/token  ({seen / elapsed:,.0f} tokens/s)")
            if ev["bitsPerToken"] < best["bitsPerToken"] - 1e-4:
                best = {**ev, "step": step, "tokensSeen": seen}
                torch.save({"config": model.config, "state": model.state_dict()}, os.path.join(out_dir, "best.pt"))
                bad_evals = 0
            else:
                bad_evals += 1
                if bad_evals >= patience:
                    log(f"stopping early: no improvement in {patience} evaluations")
                    break
    logf.close()
    elapsed = time.time() - t0
    cross = None
    eval_days = load_days(cfg, "evalDays")
    if eval_days:
        ck = torch.load(os.path.join(out_dir, "best.pt"))
        model.load_state_dict(ck["state"])
        ev = evaluate(model, eval_days, context)
        u2, b2, n2 = baselines.bits(eval_days)
        cross = {**ev, "days": [d.name for d in eval_days], "unigramBitsPerToken": u2, "bigramBitsPerToken": b2, "tokens": n2}
        log(f"never-seen symbols {cross['days']}: model {ev['bitsPerToken']:.3f}, unigram {u2:.3f}, bigram {b2:.3f} bits/token")
    summary = {
        "name": cfg.get("name", os.path.basename(out_dir)),
        "parameters": model.parameter_count(),
        "model": model.config,
        "trainTokens": sampler.tokens,
        "dataFraction": fraction,
        "tokensSeen": seen,
        "steps": step,
        "seconds": elapsed,
        "tokensPerSecond": seen / elapsed,
        "best": best,
        "baselines": {"unigramBitsPerToken": uni, "bigramBitsPerToken": bi, "validationTokens": n_valid},
        "days": [d.name for d in days],
        "crossSymbol": cross,
        "validFrom": cfg.get("split", {}).get("validFrom"),
        "hardware": {"machine": platform.machine(), "processor": platform.processor() or "", "threads": torch.get_num_threads(),
                     "torch": torch.__version__, "cpus": os.cpu_count()},
        "seed": seed,
        "tokenizer": cfg["tokenizer"],
        "scheme": scheme,
        "contextNoise": context_noise,
        "inputNoise": input_noise,
        "init": init,
    }
    with open(os.path.join(out_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return summary, baselines, days


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", help="run directory (default train/runs/<name>)")
    ap.add_argument("--steps", type=int, help="override the number of steps")
    ap.add_argument("--report", help="also write the run's summary (JSON) here, e.g. into data/")
    ap.add_argument("--init", help="start from this checkpoint (best.pt) instead of random weights: a fine-tuning run")
    args = ap.parse_args()
    with open(args.config) as f:
        cfg = json.load(f)
    out = args.out or resolve(os.path.join("train", "runs", cfg.get("name", "run")))
    summary, _, _ = train(cfg, out, args.steps, init=resolve(args.init) if args.init else None)
    if args.report:
        os.makedirs(os.path.dirname(resolve(args.report)), exist_ok=True)
        with open(resolve(args.report), "w") as f:
            json.dump(summary, f, indent=1)
    b = summary["best"]
    print(json.dumps({"run": out, "parameters": summary["parameters"], "validBitsPerToken": b.get("bitsPerToken"),
                      "unigram": summary["baselines"]["unigramBitsPerToken"], "bigram": summary["baselines"]["bigramBitsPerToken"],
                      "seconds": round(summary["seconds"], 1)}))


if __name__ == "__main__":
    main()
