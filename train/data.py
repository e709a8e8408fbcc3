"""Training data from marsbook token files: per-day feature arrays, a time-based train/validation
split, training windows, validation windows, and the unigram / bigram baselines."""
import hashlib
import math
import os
import subprocess

import numpy as np

import mbtk
from model import N_FEATURES, TOUCH_FEATURES

VOCAB = 3 * 32 * 32 * 16
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def clock(s):
    h, m = s.split(":")[:2]
    return int(h) * 3600 + int(m) * 60


class Day:
    """One day of tokens. Tokens from `valid_from` (seconds after midnight) on are held out; with
    `valid_from` = 0 the whole day is (a symbol the model never trains on)."""

    def __init__(self, path, valid_from):
        rows, cols, meta = mbtk.read(path)
        self.name = f"{meta.get('symbol')} {meta.get('date')}"
        self.path = path
        self.meta = meta
        self.scheme = meta.get("scheme", "mars")
        width = len(TOUCH_FEATURES) if self.scheme == "touch" else N_FEATURES
        f = np.zeros((rows, width), dtype=np.int32)
        for k, name in enumerate(["type", "priceBin", "volumeBin", "intervalBin", "changeBp", "timeBucket", "volumeRatio", "fillRatio"]):
            f[:, k] = cols[name]
        if self.scheme == "touch":  # the layout of src/tokenize/touch-context-row.ts
            f[:, 8] = cols["spreadBin"]
            f[:, 9:19] = cols["depth"]
            f[:, 19:27] = cols["gap"]
            f[:, 27] = cols["tradeAge"]
        else:
            f[:, 8:18] = cols["lob"]
        self.features = f
        self.ids = cols["id"].astype(np.int64)
        self.time = cols["time"]
        self.split = int(np.searchsorted(self.time, valid_from)) if valid_from is not None else rows

    def __len__(self):
        return len(self.ids)


def ensure_tokens(day_cfg, tokenizer, cache_dir):
    """The token file of a LOBSTER day, made by the TypeScript tokenizer if it is not there yet. The name
    carries a hash of the tokenizer file, so a refitted tokenizer (`npm run fit:tokenizers`, which
    follows any change to how orders are extracted) never reads tokens cached under the old one."""
    os.makedirs(cache_dir, exist_ok=True)
    stem = os.path.basename(day_cfg["messages"]).split("_message_")[0]
    tok_name = os.path.splitext(os.path.basename(tokenizer))[0]
    with open(tokenizer, "rb") as f:
        tok_hash = hashlib.sha256(f.read()).hexdigest()[:12]
    out = os.path.join(cache_dir, f"{stem}.{tok_name}.{tok_hash}.mbt")
    if not os.path.exists(out):
        cmd = ["node", os.path.join(REPO, "bin", "marsbook.js"), "tokenize", "--messages", day_cfg["messages"],
               "--orderbook", day_cfg["orderbook"], "--tokenizer", tokenizer, "--out", out, "--json"]
        subprocess.run(cmd, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return out


def jitter_context(batch, p, rng, first=8):
    """Exposure-bias noise: at a fraction `p` of positions, move each book-context feature (columns from
    `first` on) one bin up or down, clipped at 0 (bin 0 means "no level"/"unknown" and stays 0). The
    token fields the model predicts (columns 0-3) are never touched, so the targets stay the real ones;
    the model learns to predict well from a slightly wrong picture of the book, as in closed loop."""
    if p <= 0:
        return batch
    B, S, F = batch.shape
    pick = rng.random((B, S)) < p
    step = rng.integers(-1, 2, size=(B, S, F - first)).astype(np.int32)
    ctx = batch[:, :, first:]
    moved = np.where(ctx > 0, np.maximum(1, ctx + step), 0)
    batch[:, :, first:] = np.where(pick[..., None], moved, ctx)
    return batch


TOKEN_FIELD_MAX = (2, 31, 31, 15)  # type, price, volume, interval bins (the 3 × 32 × 32 × 16 layout)


def jitter_tokens(batch, p, rng):
    """Exposure-bias noise on what the model reads of past orders: at a fraction `p` of positions, move
    the price, volume and interval bins of the *input* token one bin up or down (clipped to the layout).
    Returns a perturbed copy; the caller keeps the original as the targets, so the model still learns
    to predict the real next order, from a history that is not exactly the one it saw in training —
    as in closed loop, where the history is its own samples."""
    if p <= 0:
        return None
    out = batch.copy()
    B, S, _ = batch.shape
    pick = rng.random((B, S)) < p
    for col in (1, 2, 3):
        step = rng.integers(-1, 2, size=(B, S)).astype(np.int32)
        moved = np.clip(out[:, :, col] + step, 0, TOKEN_FIELD_MAX[col])
        out[:, :, col] = np.where(pick, moved, out[:, :, col])
    return out


def train_blocks(day, fraction, block=2048):
    """Index ranges of the training part to use: every k-th block of `block` tokens, so a fraction of the
    data still covers the whole trading day."""
    n = day.split
    if fraction >= 1:
        return [(0, n)]
    step = max(1, int(round(1 / fraction)))
    return [(a, min(n, a + block)) for a in range(0, n, block * step)]


class TrainSampler:
    def __init__(self, days, context, fraction, rng):
        self.context = context
        self.rng = rng
        self.segments = []
        for d in days:
            for a, b in train_blocks(d, fraction):
                if b - a > context + 1:
                    self.segments.append((d, a, b))
        if not self.segments:
            raise ValueError("no training segment is longer than the context")
        lengths = np.array([b - a - context - 1 for _, a, b in self.segments], dtype=np.float64)
        self.weights = lengths / lengths.sum()
        self.tokens = int(sum(b - a for _, a, b in self.segments))

    def batch(self, size):
        idx = self.rng.choice(len(self.segments), size=size, p=self.weights)
        out = np.empty((size, self.context + 1, self.segments[0][0].features.shape[1]), dtype=np.int32)
        for r, k in enumerate(idx):
            d, a, b = self.segments[k]
            s = int(self.rng.integers(a, b - self.context - 1))
            out[r] = d.features[s : s + self.context + 1]
        return out


def valid_windows(day, context):
    """Windows covering each validation token exactly once as a target, with at least half a context
    before it (the context may reach back into the training period: the model sees the past).
    Returns (features [W, context+1, F], mask [W, context] of targets to count)."""
    a, n = day.split, len(day)
    if a >= n:
        return np.zeros((0, context + 1, day.features.shape[1]), np.int32), np.zeros((0, context), bool)
    half = context // 2
    feats, masks = [], []
    covered = a  # next target index not yet counted
    s = max(0, a - 1 - half)
    while covered < n:
        s = min(s, max(0, n - context - 1))
        w = day.features[s : s + context + 1]
        if len(w) < context + 1:  # the day is shorter than one window
            w = np.concatenate([w, np.repeat(w[-1:], context + 1 - len(w), 0)])
        m = np.zeros(context, bool)
        for j in range(context):
            t = s + 1 + j  # absolute index of target j
            if covered <= t < n and t >= a:
                m[j] = True
        covered = max(covered, s + context + 1)
        feats.append(w)
        masks.append(m)
        s += half
    return np.stack(feats), np.stack(masks)


class Baselines:
    """The two baselines, fitted on the training tokens:
    - unigram: add-½ (Krichevsky–Trofimov) estimate over the 49,152 ids;
    - bigram: interpolated absolute discounting (the Kneser–Ney family) backing off to the unigram,
      p(y|x) = max(c(x,y) − D, 0)/c(x) + D·T(x)/c(x) · p_uni(y), with D = n1/(n1 + 2·n2) from the
      counts of bigrams seen once and twice, T(x) the number of distinct followers of x.
    """

    ALPHA = 0.5

    def __init__(self, days, fraction=1.0):
        self.uni = np.zeros(VOCAB, dtype=np.int64)
        pairs = {}
        for d in days:
            for a, b in train_blocks(d, fraction):
                ids = d.ids[a:b]
                np.add.at(self.uni, ids, 1)
                key = ids[:-1] * VOCAB + ids[1:]
                u, c = np.unique(key, return_counts=True)
                for k, v in zip(u.tolist(), c.tolist()):
                    pairs[k] = pairs.get(k, 0) + v
        self.n = int(self.uni.sum())
        keys = np.array(sorted(pairs), dtype=np.int64)
        self.prev = (keys // VOCAB).astype(np.int64)
        self.next = (keys % VOCAB).astype(np.int64)
        self.count = np.array([pairs[k] for k in keys.tolist()], dtype=np.int64)
        self.pair_index = {k: i for i, k in enumerate(keys.tolist())}
        self.prev_total = np.zeros(VOCAB, dtype=np.int64)
        self.prev_types = np.zeros(VOCAB, dtype=np.int64)
        np.add.at(self.prev_total, self.prev, self.count)
        np.add.at(self.prev_types, self.prev, 1)
        n1 = int((self.count == 1).sum())
        n2 = int((self.count == 2).sum())
        self.discount = n1 / (n1 + 2 * n2) if n1 + n2 > 0 else 0.5

    def p_uni(self, y):
        return (self.uni[y] + self.ALPHA) / (self.n + self.ALPHA * VOCAB)

    def p_bi(self, x, y):
        c = self.prev_total[x]
        pu = self.p_uni(y)
        if c == 0:
            return pu
        k = x * VOCAB + y
        cxy = self.count[self.pair_index[k]] if k in self.pair_index else 0
        D = self.discount
        return max(cxy - D, 0.0) / c + D * self.prev_types[x] / c * pu

    def bits(self, days):
        """Bits per token of the validation tokens under each baseline."""
        bu = bb = 0.0
        n = 0
        for d in days:
            for t in range(max(1, d.split), len(d)):
                y, x = int(d.ids[t]), int(d.ids[t - 1])
                bu -= math.log2(self.p_uni(y))
                bb -= math.log2(self.p_bi(x, y))
                n += 1
        return (bu / n if n else float("nan")), (bb / n if n else float("nan")), n

    def write(self, directory):
        """unigram.mbt.gz (49,152 counts) and bigram.mbt.gz (pairs and counts), for the TypeScript evaluator."""
        import mbtk

        mbtk.write(os.path.join(directory, "unigram.mbt.gz"), {"count": self.uni.astype(np.uint32)},
                   {"kind": "unigram-counts", "alpha": self.ALPHA, "tokens": self.n})
        mbtk.write(os.path.join(directory, "bigram.mbt.gz"),
                   {"prev": self.prev.astype(np.uint16), "next": self.next.astype(np.uint16), "count": self.count.astype(np.uint32)},
                   {"kind": "bigram-counts", "discount": self.discount, "smoothing": "interpolated absolute discounting"})
