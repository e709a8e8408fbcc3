"""The Large Market Model: a decoder-only transformer in the LLaMA style (RMSNorm, rotary positions,
SwiGLU) over MarS order tokens, with a factorized output head.

Input per position: the sum of embeddings of the token's parts (type, price bin, volume bin, interval
bin) and of its context (mid change since the open, time since the open, the 10 LOB-volume slots, the
volume-ratio and fill-ratio slots), as MarS sums its embeddings.

Output: the full 49,152-way distribution of the next token, factorized by the chain rule,
    p(token) = p(type) · p(price | type) · p(volume | type, price) · p(interval | type, price, volume),
each factor a small head on the final hidden state plus embeddings of the parts already chosen. It is
the same joint distribution a flat softmax describes, at a fraction of the cost: a flat head is a
d × 49,152 matrix (6.3M multiply-adds per position at d = 128, and it dominated training time here),
the factorized one is four small heads (about 0.1M). Teacher-forced, the four cross-entropies add up
to exactly -log p(token).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

# Column order of the int32 feature tensor the model reads (the TypeScript runtime builds the same):
# MarS's scheme (src/tokenize/context-row.ts) and the touch-relative scheme (src/tokenize/touch-context-row.ts).
FEATURES = ["type", "price", "volume", "interval", "changeBp", "timeBucket", "volumeRatio", "fillRatio"] + [f"lob{i}" for i in range(10)]
N_FEATURES = len(FEATURES)
TOUCH_LEVELS = 5
TOUCH_FEATURES = (FEATURES[:8] + ["spread"] + [f"bidDepth{k + 1}" for k in range(TOUCH_LEVELS)] + [f"askDepth{k + 1}" for k in range(TOUCH_LEVELS)]
                  + [f"bidGap{k + 2}" for k in range(TOUCH_LEVELS - 1)] + [f"askGap{k + 2}" for k in range(TOUCH_LEVELS - 1)] + ["tradeAge"])
SPREAD_VALUES = 13  # touch-bins.ts: spreadBin
GAP_VALUES = 10  # gapBin
TRADE_AGE_VALUES = 12  # tradeAgeBin


def scheme_features(scheme):
    return TOUCH_FEATURES if scheme == "touch" else FEATURES

CHANGE_BUCKET_BP = 10  # mid change since the open, in 10-bp buckets over ±2000 bp
TIME_BUCKETS_PER_EMB = 60  # 60 × 5-s buckets = 5 minutes


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(positions, head_dim, base=10000.0):
    """cos/sin tables [S, head_dim/2] for the given (float) positions."""
    inv = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    ang = positions.to(torch.float32)[:, None] * inv[None, :]
    return torch.cos(ang), torch.sin(ang)


def apply_rope(x, cos, sin):
    # x: [B, H, S, D]; rotate pairs (first half, second half)
    d2 = x.shape[-1] // 2
    x1 = x[..., :d2]
    x2 = x[..., d2:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Attention(nn.Module):
    def __init__(self, dim, heads, dropout):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.out = nn.Linear(dim, dim, bias=False)
        self.dropout = dropout

    def forward(self, x, cos, sin, past_k, past_v):
        B, S, D = x.shape
        qkv = self.qkv(x).view(B, S, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        P = past_k.shape[2]
        T = k.shape[2]
        att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        # new token i sits at position P + i and may see keys 0 .. P + i
        qi = torch.arange(S)[:, None] + P
        kj = torch.arange(T)[None, :]
        att = att.masked_fill(kj > qi, float("-inf"))
        att = torch.softmax(att, dim=-1)
        if self.training and self.dropout > 0:
            att = F.dropout(att, self.dropout)
        y = torch.matmul(att, v).transpose(1, 2).reshape(B, S, D)
        return self.out(y), k, v


    def step(self, x, cos, sin, cache_k, cache_v, valid):
        """One new position against a fixed-size ring of cached keys/values [B, H, C, D] (no concat of
        the cache): scores over the cache (invalid slots masked) and over the new key are combined
        before the softmax. Returns the output and the new position's key and value [B, H, 1, D]."""
        B, S, D = x.shape
        qkv = self.qkv(x).view(B, S, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        scale = 1.0 / math.sqrt(self.head_dim)
        s_cache = torch.matmul(q, cache_k.transpose(-1, -2)) * scale
        s_cache = s_cache.masked_fill(~valid, float("-inf"))
        s_self = (q * k).sum(-1, keepdim=True) * scale
        a = torch.softmax(torch.cat([s_cache, s_self], dim=-1), dim=-1)
        C = cache_k.shape[2]
        y = torch.matmul(a[..., :C], cache_v) + a[..., C:] * v
        y = y.transpose(1, 2).reshape(B, S, D)
        return self.out(y), k, v


class SwiGLU(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, dim, heads, hidden, dropout):
        super().__init__()
        self.n1 = RMSNorm(dim)
        self.attn = Attention(dim, heads, dropout)
        self.n2 = RMSNorm(dim)
        self.ffn = SwiGLU(dim, hidden)
        self.dropout = dropout

    def forward(self, x, cos, sin, pk, pv):
        a, k, v = self.attn(self.n1(x), cos, sin, pk, pv)
        if self.training and self.dropout > 0:
            a = F.dropout(a, self.dropout)
        x = x + a
        f = self.ffn(self.n2(x))
        if self.training and self.dropout > 0:
            f = F.dropout(f, self.dropout)
        return x + f, k, v


    def step(self, x, cos, sin, ck, cv, valid):
        a, k, v = self.attn.step(self.n1(x), cos, sin, ck, cv, valid)
        x = x + a
        return x + self.ffn(self.n2(x)), k, v


class ComponentHead(nn.Module):
    """logits = W2 · silu(W1 · norm(h + conditioning))."""

    def __init__(self, dim, out):
        super().__init__()
        self.norm = RMSNorm(dim)
        self.w1 = nn.Linear(dim, dim)
        self.w2 = nn.Linear(dim, out)

    def forward(self, x):
        return self.w2(F.silu(self.w1(self.norm(x))))


class LMM(nn.Module):
    def __init__(self, dim=128, layers=4, heads=4, ffn_mult=2.0, dropout=0.1, context=256,
                 types=3, price_bins=32, volume_bins=32, interval_bins=16, lob_values=17, ratio_slots=10,
                 max_change_bp=2000, max_time_bucket=4680, scheme="mars"):
        super().__init__()
        self.config = dict(dim=dim, layers=layers, heads=heads, ffn_mult=ffn_mult, dropout=dropout, context=context,
                           types=types, price_bins=price_bins, volume_bins=volume_bins, interval_bins=interval_bins,
                           lob_values=lob_values, ratio_slots=ratio_slots, max_change_bp=max_change_bp,
                           max_time_bucket=max_time_bucket, scheme=scheme)
        self.scheme = scheme
        self.features = scheme_features(scheme)
        self.dim, self.layers_n, self.heads, self.head_dim = dim, layers, heads, dim // heads
        self.max_change_bp = max_change_bp
        self.n_change = 2 * max_change_bp // CHANGE_BUCKET_BP + 1
        self.n_time = max_time_bucket // TIME_BUCKETS_PER_EMB + 1
        self.lob_values = lob_values
        self.e_type = nn.Embedding(types, dim)
        self.e_price = nn.Embedding(price_bins, dim)
        self.e_volume = nn.Embedding(volume_bins, dim)
        self.e_interval = nn.Embedding(interval_bins, dim)
        self.e_change = nn.Embedding(self.n_change, dim)
        self.e_time = nn.Embedding(self.n_time, dim)
        self.e_vratio = nn.Embedding(ratio_slots, dim)
        self.e_fratio = nn.Embedding(ratio_slots, dim)
        # MarS: 10 LOB slots around the mid; touch: the best 5 levels' volumes per side (same binning),
        # plus the spread, the gaps to levels 2-5 and the time since the last trade.
        self.e_lob = nn.Embedding(10 * lob_values, dim)
        if scheme == "touch":
            self.e_spread = nn.Embedding(SPREAD_VALUES, dim)
            self.e_gap = nn.Embedding(2 * (TOUCH_LEVELS - 1) * GAP_VALUES, dim)
            self.e_tage = nn.Embedding(TRADE_AGE_VALUES, dim)
            self.register_buffer("gap_offsets", torch.arange(2 * (TOUCH_LEVELS - 1)) * GAP_VALUES, persistent=False)
        self.blocks = nn.ModuleList([Block(dim, heads, int(ffn_mult * dim), dropout) for _ in range(layers)])
        self.norm = RMSNorm(dim)
        # factorized head
        self.h_type = nn.Linear(dim, types)
        self.c_price_t = nn.Embedding(types, dim)
        self.h_price = ComponentHead(dim, price_bins)
        self.c_volume_t = nn.Embedding(types, dim)
        self.c_volume_p = nn.Embedding(price_bins, dim)
        self.h_volume = ComponentHead(dim, volume_bins)
        self.c_interval_t = nn.Embedding(types, dim)
        self.c_interval_p = nn.Embedding(price_bins, dim)
        self.c_interval_v = nn.Embedding(volume_bins, dim)
        self.h_interval = ComponentHead(dim, interval_bins)
        self.register_buffer("lob_offsets", torch.arange(10) * lob_values, persistent=False)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def parameter_count(self):
        return sum(p.numel() for p in self.parameters())

    def embed(self, f):
        f = f.long()
        change = torch.clamp(f[..., 4], -self.max_change_bp, self.max_change_bp) + self.max_change_bp
        change = torch.div(change, CHANGE_BUCKET_BP, rounding_mode="floor")
        time = torch.clamp(torch.div(f[..., 5], TIME_BUCKETS_PER_EMB, rounding_mode="floor"), 0, self.n_time - 1)
        x = (self.e_type(f[..., 0]) + self.e_price(f[..., 1]) + self.e_volume(f[..., 2]) + self.e_interval(f[..., 3])
             + self.e_change(change) + self.e_time(time) + self.e_vratio(f[..., 6]) + self.e_fratio(f[..., 7]))
        if self.scheme == "touch":
            depth = torch.clamp(f[..., 9:19], 0, self.lob_values - 1) + self.lob_offsets
            gap = torch.clamp(f[..., 19:27], 0, GAP_VALUES - 1) + self.gap_offsets
            x = (x + self.e_spread(torch.clamp(f[..., 8], 0, SPREAD_VALUES - 1)) + self.e_lob(depth).sum(-2) + self.e_gap(gap).sum(-2)
                 + self.e_tage(torch.clamp(f[..., 27], 0, TRADE_AGE_VALUES - 1)))
        else:
            lob = torch.clamp(f[..., 8:18], 0, self.lob_values - 1) + self.lob_offsets
            x = x + self.e_lob(lob).sum(-2)
        return x

    def empty_cache(self, batch):
        z = torch.zeros(self.layers_n, batch, self.heads, 0, self.head_dim)
        return z, z.clone()

    def backbone(self, features, past_k, past_v):
        """features [B, S, 18] int → hidden [B, S, dim], present keys/values [L, B, H, P+S, head_dim]."""
        x = self.embed(features)
        if self.training and self.config["dropout"] > 0:
            x = F.dropout(x, self.config["dropout"])
        P = past_k.shape[3]
        S = features.shape[1]
        cos, sin = rope_tables(torch.arange(S) + P, self.head_dim)
        ks, vs = [], []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk(x, cos, sin, past_k[i], past_v[i])
            ks.append(k)
            vs.append(v)
        return self.norm(x), torch.stack(ks), torch.stack(vs)

    def step_layers(self, features, position, caches):
        """`step` with each layer's cache a separate tensor: caches = [k_0, v_0, k_1, v_1, ...], each
        [B, H, C, D]. Exported this way so the runtime passes its buffers without any slicing copy."""
        x = self.embed(features)
        p = position.reshape(1)
        C = caches[0].shape[2]
        j = torch.arange(C)
        count = torch.clamp(p, max=C)
        valid = (j < count) & ~((p >= C) & (j == torch.remainder(p, C)))
        cos, sin = rope_tables(p.to(torch.float32), self.head_dim)
        ks, vs = [], []
        for i, blk in enumerate(self.blocks):
            x, k, v = blk.step(x, cos, sin, caches[2 * i], caches[2 * i + 1], valid)
            ks.append(k)
            vs.append(v)
        return self.norm(x), torch.stack(ks), torch.stack(vs)

    def step(self, features, cache_k, cache_v, position):
        """Generation step with a ring cache: features [B, 1, 18] of the token at absolute `position`
        ([1] int64); cache_k/v [L, B, H, C, D] hold the keys/values of the C positions before it, the
        one of position p in slot p mod C (slots not yet written, or holding position − C, are masked).
        Returns hidden [B, 1, dim] and the new position's keys/values [L, B, H, 1, D] to write into slot
        position mod C. Same result as `backbone` over the window, without copying the cache."""
        caches = [c for i in range(self.layers_n) for c in (cache_k[i], cache_v[i])]
        return self.step_layers(features, position, caches)

    def head(self, h, cond):
        """h [N, dim]; cond [N, 3] = (type, price, volume) chosen so far → four logit sets."""
        cond = cond.long()
        t, p, v = cond[..., 0], cond[..., 1], cond[..., 2]
        lt = self.h_type(h)
        lp = self.h_price(h + self.c_price_t(t))
        lv = self.h_volume(h + self.c_volume_t(t) + self.c_volume_p(p))
        li = self.h_interval(h + self.c_interval_t(t) + self.c_interval_p(p) + self.c_interval_v(v))
        return lt, lp, lv, li

    def nll_parts(self, features, inputs=None):
        """Teacher-forced NLL of tokens 1..S given 0..S-1: per-component negative log-likelihoods [B, S-1, 4].
        `inputs` (same shape as `features`): what the model reads instead, e.g. a perturbed copy; the
        targets are always `features`' own tokens."""
        B = features.shape[0]
        pk, pv = self.empty_cache(B)
        h, _, _ = self.backbone((features if inputs is None else inputs)[:, :-1], pk, pv)
        target = features[:, 1:, :4].long()
        lt, lp, lv, li = self.head(h, target[..., :3])
        parts = [F.cross_entropy(l.reshape(-1, l.shape[-1]), target[..., k].reshape(-1), reduction="none").view(B, -1)
                 for k, l in enumerate((lt, lp, lv, li))]
        correct = [(l.argmax(-1) == target[..., k]) for k, l in enumerate((lt, lp, lv, li))]
        return torch.stack(parts, -1), torch.stack(correct, -1)
