"""Side-by-side tables of the committed realism / closed-loop studies (data/studies/*.json), for the
model card and the notes: every figure printed here is read from those files.

    /usr/bin/python3 bench/study-table.py data/studies/realism-goog.json data/studies/realism-goog-lmm-small.json …
"""
import json
import sys


def label(d, w):
    return f"{w['world']}" + (f" ({d.get('model')})" if w["world"] == "lmm" and d.get("model") else "")


def main(paths):
    cols = []
    for p in paths:
        d = json.load(open(p))
        sym = d["real"].split("/")[-1].split("_")[0]
        for w in d["worlds"]:
            cols.append((f"{sym} {label(d, w)}", d, w))
    names = [c[0] for c in cols]
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))

    def row(title, f, digits=3):
        vals = []
        for _, d, w in cols:
            try:
                v = f(d, w)
                vals.append(v if isinstance(v, str) else f"{v:.{digits}f}")
            except (KeyError, IndexError, TypeError):
                vals.append("—")
        print(f"| {title} | " + " | ".join(vals) + " |")

    row("summary L1 mean", lambda d, w: w["summary"]["l1"]["mean"])
    row("summary L1 median / IQM", lambda d, w: f"{w['summary']['l1']['median']:.3f} / {w['summary']['l1']['iqm']:.3f}")
    score = lambda name: (lambda d, w: next(s for s in w["scores"] if s["score"] == name)["l1"]["value"] if isinstance(next(s for s in w["scores"] if s["score"] == name)["l1"], dict) else next(s for s in w["scores"] if s["score"] == name)["l1"])
    for name in ["spread", "log_inter_arrival_ms", "ask_volume_touch", "limit_level_bid", "cancel_depth_bid", "volume_per_min", "ofi"]:
        row(f"{name} L1", score(name))
    row("price-response score", lambda d, w: w["priceResponse"]["score"], 1)
    for q in ["spread", "volatility", "1-min return"]:
        row(f"Table 7 overlap: {q}", lambda d, w, q=q: next(r for r in w["overlap"] if r["quantity"] == q)["overlap"], 2)
    row("stylized facts present / assessed (real)", lambda d, w: f"{w['stylizedFacts']['present']}/{w['stylizedFacts']['assessed']} ({w['stylizedFacts']['realPresent']}/{w['stylizedFacts']['realAssessed']})")
    horizons = sorted({s["horizon"] for _, _, w in cols for s in w["closedLoop"]["summary"]})
    for h in horizons:
        at = lambda w, h=h: next(s for s in w["closedLoop"]["summary"] if s["horizon"] == h)
        row(f"closed loop {h:g} min: spread ticks (real)", lambda d, w: f"{at(w)['spreadTicks']:.1f} ({at(w)['realSpreadTicks']:.1f})")
        row(f"closed loop {h:g} min: futures with an emptied side", lambda d, w: at(w)["emptied"], 2)
        row(f"closed loop {h:g} min: orders/min (real), ratio", lambda d, w: f"{at(w)['ordersPerMinute']:.0f} ({at(w)['realOrdersPerMinute']:.0f}), ×{at(w)['rateRatio']:.2f}")
        row(f"closed loop {h:g} min: touch depth", lambda d, w: at(w)["touchDepth"], 0)
        row(f"closed loop {h:g} min: return bp (real)", lambda d, w: f"{at(w)['returnBp']:.1f} ({at(w)['realReturnBp']:.1f})")
        row(f"closed loop {h:g} min: invalid per order, stuck", lambda d, w: f"{at(w)['invalidPerOrder']:.3f}, {at(w)['stuck']:.2f}" if at(w)["invalidPerOrder"] == at(w)["invalidPerOrder"] else "—")
    row("seconds simulating / scoring", lambda d, w: f"{w['seconds']['simulate']:.0f} / {w['seconds']['score']:.0f}")


if __name__ == "__main__":
    main(sys.argv[1:])
