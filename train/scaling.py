"""A small scaling study like the paper's: model sizes × data fractions, validation loss against
parameters and training tokens, with a fitted power law L(N, D) = E + A·N^−α + B·D^−β.

    /usr/bin/python3 train/scaling.py [--sizes 4 | --pick 0,1,3] [--fractions 0.25,0.5,1] [--base train/configs/shipped.json] [--runs DIR] [--out FILE]
                                      [--reuse d128-l4-f1=data/models/lmm-touch]

Runs are resumable (a finished run is not repeated); --reuse takes a point from a shipped model's
training summary (its config.json) instead of training that run again.

Runs are resumable (a finished run is not repeated). Results go to data/scaling/results.json.
"""
import argparse
import copy
import itertools
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import resolve, train  # noqa: E402

SIZES = [
    {"dim": 32, "layers": 2, "heads": 2},
    {"dim": 64, "layers": 2, "heads": 4},
    {"dim": 96, "layers": 3, "heads": 4},
    {"dim": 128, "layers": 4, "heads": 4},
]


def fit_power_law(points):
    """Least squares for L = E + A·N^−α + B·D^−β: linear in (E, A, B) for fixed exponents, so search
    the exponents on a grid and refine around the best."""
    N = np.array([p["parameters"] for p in points], float)
    D = np.array([p["trainTokens"] for p in points], float)
    L = np.array([p["validBits"] for p in points], float)

    def solve(a, b):
        X = np.stack([np.ones_like(N), N ** -a, D ** -b], 1)
        coef, *_ = np.linalg.lstsq(X, L, rcond=None)
        r = X @ coef - L
        return float((r ** 2).sum()), coef

    best = None
    for a in np.linspace(0.02, 1.5, 75):
        for b in np.linspace(0.02, 1.5, 75):
            sse, coef = solve(a, b)
            if coef[1] >= 0 and coef[2] >= 0 and (best is None or sse < best[0]):
                best = (sse, a, b, coef)
    sse, a, b, coef = best
    for step in (0.01, 0.002):
        for da, db in itertools.product(np.arange(-5, 6) * step, repeat=2):
            aa, bb = max(1e-3, a + da), max(1e-3, b + db)
            s2, c2 = solve(aa, bb)
            if c2[1] >= 0 and c2[2] >= 0 and s2 < sse:
                sse, a, b, coef = s2, aa, bb, c2
    pred = coef[0] + coef[1] * N ** -a + coef[2] * D ** -b
    ss_tot = float(((L - L.mean()) ** 2).sum())
    return {"form": "L = E + A*N^-alpha + B*D^-beta (bits/token; N parameters, D training tokens)",
            "E": float(coef[0]), "A": float(coef[1]), "alpha": float(a), "B": float(coef[2]), "beta": float(b),
            "r2": 1 - sse / ss_tot if ss_tot > 0 else 1.0, "rmse": float(np.sqrt(sse / len(L))),
            "predicted": pred.tolist()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="train/configs/shipped.json")
    ap.add_argument("--sizes", type=int, default=len(SIZES))
    ap.add_argument("--pick", help="comma-separated indices into the size list instead of the first --sizes (e.g. 0,1,3)")
    ap.add_argument("--fractions", default="0.25,0.5,1")
    ap.add_argument("--runs", default="train/runs/scaling")
    ap.add_argument("--out", default="data/scaling/results.json")
    ap.add_argument("--reuse", action="append", default=[], help="NAME=MODEL_DIR: the run NAME is that shipped model's training (its config.json)")
    ap.add_argument("--finished-only", action="store_true", help="fit the runs already finished and list the others as missing (train nothing)")
    args = ap.parse_args()
    for spec in args.reuse:
        name, model_dir = spec.split("=", 1)
        out = resolve(os.path.join(args.runs, name))
        if not os.path.exists(os.path.join(out, "summary.json")):
            with open(os.path.join(resolve(model_dir), "config.json")) as f:
                summary = json.load(f)["training"]
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, "summary.json"), "w") as f:
                json.dump(summary, f, indent=1)
    with open(resolve(args.base)) as f:
        base = json.load(f)
    fractions = [float(x) for x in args.fractions.split(",")]
    points = []
    missing = []
    sizes = [SIZES[int(i)] for i in args.pick.split(",")] if args.pick else SIZES[: args.sizes]
    for size in sizes:
        for frac in fractions:
            cfg = copy.deepcopy(base)
            cfg["model"].update(size)
            cfg["train"]["dataFraction"] = frac
            name = f"d{size['dim']}-l{size['layers']}-f{frac:g}"
            cfg["name"] = f"scaling-{name}"
            out = resolve(os.path.join(args.runs, name))
            summary_path = os.path.join(out, "summary.json")
            if os.path.exists(summary_path):
                with open(summary_path) as f:
                    summary = json.load(f)
                print(f"{name}: done before ({summary['best']['bitsPerToken']:.3f} bits/token)")
            elif args.finished_only:
                print(f"{name}: not run (--finished-only)")
                missing.append(name)
                continue
            else:
                print(f"{name}: training", flush=True)
                summary, _, _ = train(cfg, out, log=lambda m: print(f"  {m}", flush=True))
            points.append({"name": name, "dim": size["dim"], "layers": size["layers"], "heads": size["heads"], "dataFraction": frac,
                           "parameters": summary["parameters"], "trainTokens": summary["trainTokens"],
                           "validBits": summary["best"]["bitsPerToken"], "bestStep": summary["best"].get("step"),
                           "tokensSeen": summary["tokensSeen"], "seconds": summary["seconds"],
                           "unigramBits": summary["baselines"]["unigramBitsPerToken"], "bigramBits": summary["baselines"]["bigramBitsPerToken"]})
    result = {"points": points, "fit": fit_power_law(points) if len(points) >= 4 else None,
              "base": args.base, "note": "validation = orders from 15:00 on, both days; best checkpoint by validation loss",
              "missing": missing}
    os.makedirs(os.path.dirname(resolve(args.out)), exist_ok=True)
    with open(resolve(args.out), "w") as f:
        json.dump(result, f, indent=1)
    if result["fit"]:
        ft = result["fit"]
        print(f"fit: L = {ft['E']:.3f} + {ft['A']:.3g}·N^-{ft['alpha']:.3f} + {ft['B']:.3g}·D^-{ft['beta']:.3f}  (R² {ft['r2']:.3f})")


if __name__ == "__main__":
    main()
