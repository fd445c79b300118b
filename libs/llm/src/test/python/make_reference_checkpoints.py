#!/usr/bin/env python3
"""Writes tiny Llama / Qwen2 checkpoints and their reference logits for the Java tests.

This is an independent, numpy-only (float64) re-implementation of the forward pass of
Hugging Face transformers' ``LlamaForCausalLM`` and ``Qwen2ForCausalLM`` (eager attention,
no sliding window; RoPE scaling: none, "linear" and "llama3"; Llama ``attention_bias`` /
``mlp_bias``). It shares no code with the Java engine.

Usage (from the repository root):

    python3 libs/llm/src/test/python/make_reference_checkpoints.py

Output: ``libs/llm/src/test/resources/reference/<fixture>/`` with ``config.json``, the
safetensors file(s) and ``expected.json``; ``reference/llama-gqa-tied-f32-lora/``, a PEFT LoRA
adapter for the first fixture (``adapter_config.json``, ``adapter_model.safetensors`` and the
``expected.json`` of base + adapter); plus ``reference/README.md``. The script is
deterministic: running it again rewrites byte-identical files.

Before writing anything it runs self-checks (safetensors round trip through a separate
reader, RoPE relative-position invariance and pairwise-rotation form, the rope-scaling
inverse frequencies against a scalar re-derivation, GQA against a per-head loop, causality
of the logits, sensitivity of the rope-scaling / bias fixtures to what they test) and
aborts if one fails.
"""

import json
import math
import os
import shutil
import struct
import sys
import textwrap

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.normpath(os.path.join(HERE, "..", "resources", "reference"))

TRANSFORMERS_VERSION = "4.47.1"
GREEDY_STEPS = 8
# o_proj / down_proj are drawn this much larger than N(0,1)/sqrt(in) so that the layers, not
# the token's own embedding, dominate the residual stream: otherwise tied random models just
# echo the last input token under greedy decoding, which makes a weak generation test.
RESIDUAL_SCALE = 3.0
MIN_DISTINCT_GREEDY = 3  # every greedy continuation must contain at least this many distinct ids
MIN_GAP = 1e-2  # stricter than the required 1e-3: seeds are searched until every greedy gap exceeds this

# --------------------------------------------------------------------------------------
# Fixture definitions
# --------------------------------------------------------------------------------------

FIXTURES = [
    dict(name="llama-gqa-tied-f32", arch="llama", vocab=101, hidden=48, heads=6, kv_heads=2,
         head_dim=None, intermediate=80, layers=2, eps=1e-5, theta=10000.0, tied=True,
         dtype="F32", layout="single", base_seed=1001),
    dict(name="llama-mha-untied-headdim-bf16", arch="llama", vocab=96, hidden=32, heads=4,
         kv_heads=4, head_dim=16, intermediate=64, layers=3, eps=1e-6, theta=500000.0,
         tied=False, dtype="BF16", layout="single", base_seed=2002),
    dict(name="qwen2-gqa-sharded-f32", arch="qwen2", vocab=120, hidden=64, heads=8, kv_heads=2,
         head_dim=None, intermediate=96, layers=2, eps=1e-6, theta=1000000.0, tied=False,
         dtype="F32", layout="sharded", base_seed=3003),
    dict(name="qwen2-mqa-tied-f16", arch="qwen2", vocab=80, hidden=32, heads=4, kv_heads=1,
         head_dim=None, intermediate=48, layers=2, eps=1e-6, theta=1000000.0, tied=True,
         dtype="F16", layout="single-shuffled-header", base_seed=4004),
    # Llama with every optional bias (attention_bias: q/k/v/o_proj; mlp_bias: gate/up/down_proj)
    # and llama3 rope scaling. original_max_position_embeddings is 64, not 16: the highest
    # frequency is always 1 (wavelength 2*pi), so the unscaled band (wavelength below
    # original/high_freq_factor) needs original > 4 * 2*pi; with head_dim 16 and theta 5e5 the
    # wavelengths are 6.3 (unscaled, < 16), 32.4 (smoothed, 16..64) and 167.. (scaled, > 64).
    dict(name="llama-biases-llama3rope-f32", arch="llama", vocab=100, hidden=64, heads=4,
         kv_heads=2, head_dim=None, intermediate=96, layers=2, eps=1e-5, theta=500000.0,
         tied=False, dtype="F32", layout="single", base_seed=5005,
         attention_bias=True, mlp_bias=True,
         rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                       "high_freq_factor": 4.0, "original_max_position_embeddings": 64}),
    dict(name="llama-linear-rope-f32", arch="llama", vocab=90, hidden=48, heads=6, kv_heads=3,
         head_dim=None, intermediate=80, layers=2, eps=1e-6, theta=10000.0, tied=True,
         dtype="F32", layout="single", base_seed=6006,
         rope_scaling={"rope_type": "linear", "factor": 4.0}),
]
# Scale of the drawn biases (q/k/v as Qwen2; Llama's optional o_proj and mlp biases larger, so
# that dropping them moves the logits clearly).
QKV_BIAS_SCALE = 0.1
OUT_BIAS_SCALE = 0.3
# Sensitivity self-checks: dropping rope scaling / the o_proj or mlp biases must move the
# logits of the longest prompt by more than this (far above the 1e-4 test tolerance).
MIN_SENSITIVITY = 0.1
# Fixture 5 = fixture 1's weights stored as BF16 (seed chosen jointly with fixture 1).
BF16_TWIN = dict(name="llama-gqa-tied-f32-as-bf16", twin_of="llama-gqa-tied-f32", dtype="BF16")
# A PEFT LoRA adapter for fixture 1, laid out as peft's save_pretrained writes it; its expected
# logits are those of the base with every targeted weight replaced by W + (alpha / r) * B @ A.
LORA = dict(name="llama-gqa-tied-f32-lora", base="llama-gqa-tied-f32", r=4, alpha=8,
            targets=["q_proj", "v_proj", "down_proj"], seed=9001)
# B is drawn N(0, LORA_B_SCALE^2) (PEFT initialises it to zero, which would make a useless test);
# A as PEFT initialises it, kaiming-uniform with a = sqrt(5): U(-1/sqrt(in), 1/sqrt(in)).
LORA_B_SCALE = 0.1
LORA_MODULE_PATHS = {"q_proj": "self_attn.q_proj", "k_proj": "self_attn.k_proj",
                     "v_proj": "self_attn.v_proj", "o_proj": "self_attn.o_proj",
                     "gate_proj": "mlp.gate_proj", "up_proj": "mlp.up_proj",
                     "down_proj": "mlp.down_proj"}

PROMPTS = [
    [3],
    [1, 5, 9, 13, 2, 7],
    [1, 17, 4, 33, 8, 60, 12, 0, 45, 9, 71, 23, 5, 5, 38, 77, 2],
]

BOS_ID = 1
EOS_ID = 2


def head_dim_of(cfg):
    return cfg["head_dim"] if cfg.get("head_dim") is not None else cfg["hidden"] // cfg["heads"]


# --------------------------------------------------------------------------------------
# Rounding to storage dtypes
# --------------------------------------------------------------------------------------

def to_bf16_bits(a32):
    """float32 array -> uint16 bfloat16 bits, round to nearest even (no NaNs expected)."""
    bits = np.ascontiguousarray(a32, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    return ((bits + rounding) >> 16).astype(np.uint16)


def bf16_bits_to_f32(b16):
    return (b16.astype(np.uint32) << 16).view(np.float32)


def round_to_storage(a64, dtype):
    """Returns (stored bytes, float64 array of exactly the stored values)."""
    a32 = np.asarray(a64, dtype=np.float32)
    if dtype == "F32":
        return a32.astype("<f4").tobytes(), a32.astype(np.float64)
    if dtype == "F16":
        h = a32.astype("<f2")
        assert np.all(np.isfinite(h))
        return h.tobytes(), h.astype(np.float64)
    if dtype == "BF16":
        b = to_bf16_bits(a32)
        return b.astype("<u2").tobytes(), bf16_bits_to_f32(b).astype(np.float64)
    raise ValueError(dtype)


# --------------------------------------------------------------------------------------
# Safetensors writer
# --------------------------------------------------------------------------------------

def write_safetensors(path, tensors, dtype, header_order=None):
    """tensors: list of (name, float64 array of the stored values) in DATA order.
    header_order: optional list of names giving the order of keys in the JSON header."""
    header = {"__metadata__": {"format": "pt"}}
    entries = {}
    blobs = []
    offset = 0
    for name, arr in tensors:
        data, _ = round_to_storage(arr, dtype)
        entries[name] = {"dtype": dtype, "shape": list(arr.shape),
                         "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    for name in (header_order or [n for n, _ in tensors]):
        header[name] = entries[name]
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)
    return offset  # bytes of tensor data


# --------------------------------------------------------------------------------------
# Independent safetensors reader (self-check a)
# --------------------------------------------------------------------------------------

def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack_from("<Q", raw, 0)
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = memoryview(raw)[8 + n:]
    out = {}
    spans = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        spans.append((b, e))
        shape = tuple(info["shape"])
        chunk = bytes(data[b:e])
        if info["dtype"] == "F32":
            arr = np.frombuffer(chunk, dtype="<f4").astype(np.float64)
        elif info["dtype"] == "F16":
            arr = np.frombuffer(chunk, dtype="<f2").astype(np.float64)
        elif info["dtype"] == "BF16":
            u = np.frombuffer(chunk, dtype="<u2").astype("<u4") << np.uint32(16)
            arr = u.astype("<u4").view("<f4").astype(np.float64)
        else:
            raise ValueError(info["dtype"])
        assert arr.size == int(np.prod(shape)), name
        out[name] = arr.reshape(shape)
    spans.sort()
    pos = 0
    for b, e in spans:  # contiguous, non-overlapping, covering the data section
        assert b == pos, (path, b, pos)
        pos = e
    assert pos == len(data), (path, pos, len(data))
    assert (8 + n) % 8 == 0
    return header, out


# --------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------

def make_weights(cfg, seed):
    rng = np.random.default_rng(seed)
    H, I, V = cfg["hidden"], cfg["intermediate"], cfg["vocab"]
    hd = head_dim_of(cfg)
    nq, nkv = cfg["heads"], cfg["kv_heads"]

    def lin(out_f, in_f, scale=1.0):
        return rng.standard_normal((out_f, in_f)) * scale / math.sqrt(in_f)

    def norm(n):
        return 1.0 + 0.1 * rng.standard_normal(n)

    w = {}
    w["model.embed_tokens.weight"] = 0.5 * rng.standard_normal((V, H))
    for i in range(cfg["layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = norm(H)
        w[p + "self_attn.q_proj.weight"] = lin(nq * hd, H)
        w[p + "self_attn.k_proj.weight"] = lin(nkv * hd, H)
        w[p + "self_attn.v_proj.weight"] = lin(nkv * hd, H)
        if cfg["arch"] == "qwen2" or cfg.get("attention_bias"):
            w[p + "self_attn.q_proj.bias"] = QKV_BIAS_SCALE * rng.standard_normal(nq * hd)
            w[p + "self_attn.k_proj.bias"] = QKV_BIAS_SCALE * rng.standard_normal(nkv * hd)
            w[p + "self_attn.v_proj.bias"] = QKV_BIAS_SCALE * rng.standard_normal(nkv * hd)
        w[p + "self_attn.o_proj.weight"] = lin(H, nq * hd, scale=RESIDUAL_SCALE)
        if cfg.get("attention_bias"):
            assert cfg["arch"] == "llama"  # HF Llama: attention_bias also gives o_proj a bias
            w[p + "self_attn.o_proj.bias"] = OUT_BIAS_SCALE * rng.standard_normal(H)
        w[p + "post_attention_layernorm.weight"] = norm(H)
        w[p + "mlp.gate_proj.weight"] = lin(I, H)
        w[p + "mlp.up_proj.weight"] = lin(I, H)
        w[p + "mlp.down_proj.weight"] = lin(H, I, scale=RESIDUAL_SCALE)
        if cfg.get("mlp_bias"):
            assert cfg["arch"] == "llama"
            w[p + "mlp.gate_proj.bias"] = OUT_BIAS_SCALE * rng.standard_normal(I)
            w[p + "mlp.up_proj.bias"] = OUT_BIAS_SCALE * rng.standard_normal(I)
            w[p + "mlp.down_proj.bias"] = OUT_BIAS_SCALE * rng.standard_normal(H)
    w["model.norm.weight"] = norm(H)
    if not cfg["tied"]:
        w["lm_head.weight"] = lin(V, H, scale=2.0)
    return w


def stored_values(w, dtype):
    return {k: round_to_storage(v, dtype)[1] for k, v in w.items()}


# --------------------------------------------------------------------------------------
# Forward pass (float64), HF conventions
# --------------------------------------------------------------------------------------

def rms_norm(x, weight, eps):
    var = np.mean(x * x, axis=-1, keepdims=True)
    return weight * (x / np.sqrt(var + x.dtype.type(eps)))


def rope_inv_freq(hd, theta, rope_scaling=None, dt=np.float64):
    """HF modeling_rope_utils: _compute_default_rope_parameters, then the scaling of
    _compute_linear_scaling_rope_parameters / _compute_llama3_parameters. The attention
    factor (cos/sin multiplier) is 1 for all three."""
    inv_freq = (dt(1.0) / (dt(theta) ** (np.arange(0, hd, 2).astype(dt) / dt(hd)))).astype(dt)
    rtype = None if rope_scaling is None else rope_scaling.get("rope_type", rope_scaling.get("type"))
    if rtype in (None, "default"):
        return inv_freq
    factor = dt(rope_scaling["factor"])
    if rtype == "linear":
        return (inv_freq / factor).astype(dt)
    if rtype == "llama3":
        low = dt(rope_scaling["low_freq_factor"])
        high = dt(rope_scaling["high_freq_factor"])
        old_ctx = dt(rope_scaling["original_max_position_embeddings"])
        low_freq_wavelen = old_ctx / low
        high_freq_wavelen = old_ctx / high
        wavelen = dt(2 * math.pi) / inv_freq
        inv_freq_llama = np.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth = (old_ctx / wavelen - low) / (high - low)
        smoothed = (dt(1) - smooth) * inv_freq_llama / factor + smooth * inv_freq_llama
        is_medium = ~(wavelen < high_freq_wavelen) & ~(wavelen > low_freq_wavelen)
        return np.where(is_medium, smoothed, inv_freq_llama).astype(dt)
    raise ValueError(f"unsupported rope_type {rtype}")


def rope_cos_sin(T, hd, theta, dt=np.float64, rope_scaling=None):
    # dt=float32 mimics HF, which builds inv_freq, freqs and cos/sin in float32
    inv_freq = rope_inv_freq(hd, theta, rope_scaling, dt)
    pos = np.arange(T).astype(dt)
    freqs = np.outer(pos, inv_freq).astype(dt)           # [T, hd/2]
    emb = np.concatenate([freqs, freqs], axis=-1)        # [T, hd]
    return np.cos(emb), np.sin(emb)


def rotate_half(x):
    d = x.shape[-1] // 2
    return np.concatenate([-x[..., d:], x[..., :d]], axis=-1)


def apply_rope(x, cos, sin):
    # x: [heads, T, hd]; cos/sin: [T, hd]
    return x * cos[None] + rotate_half(x) * sin[None]


def silu(x):
    return x / (1.0 + np.exp(-x))


def softmax(s):
    s = s - np.max(s, axis=-1, keepdims=True)
    e = np.exp(s)
    return e / np.sum(e, axis=-1, keepdims=True)


def attention_gqa(q, k, v):
    """q: [nq, T, hd], k/v: [nkv, T, hd] -> [nq, T, hd]; causal; HF repeat_kv semantics."""
    nq, T, hd = q.shape
    nkv = k.shape[0]
    groups = nq // nkv
    k_rep = np.repeat(k, groups, axis=0)  # head h -> kv head h // groups
    v_rep = np.repeat(v, groups, axis=0)
    scores = np.einsum("htd,hsd->hts", q, k_rep) / q.dtype.type(math.sqrt(hd))
    mask = np.triu(np.ones((T, T), dtype=bool), k=1)
    scores = np.where(mask[None], -np.inf, scores)
    return np.einsum("hts,hsd->htd", softmax(scores), v_rep)


def attention_loop(q, k, v):
    """Per-head / per-position loop version, for self-check (c)."""
    nq, T, hd = q.shape
    nkv = k.shape[0]
    out = np.zeros_like(q)
    for h in range(nq):
        kvh = h // (nq // nkv)
        for t in range(T):
            sc = [float(np.dot(q[h, t], k[kvh, s])) / math.sqrt(hd) for s in range(t + 1)]
            m = max(sc)
            ex = [math.exp(x - m) for x in sc]
            z = sum(ex)
            for s in range(t + 1):
                out[h, t] += (ex[s] / z) * v[kvh, s]
    return out


def linear(x, w, prefix):
    """nn.Linear: x @ W^T (+ b when the checkpoint has ``<prefix>.bias``)."""
    y = x @ w[prefix + ".weight"].T
    b = w.get(prefix + ".bias")
    return y if b is None else y + b


def forward(cfg, w, ids, attn=attention_gqa, dt=np.float64):
    """Returns logits [T, vocab] (float64). w holds float64 arrays of the stored values.
    dt=np.float32 runs the same computation in float32 (only used to estimate how far an
    F32 engine is expected to land from the float64 reference)."""
    if dt is not np.float64:
        w = {k: v.astype(dt) for k, v in w.items()}
    ids = np.asarray(ids, dtype=np.int64)
    T = len(ids)
    nq, nkv = cfg["heads"], cfg["kv_heads"]
    hd = head_dim_of(cfg)
    eps = cfg["eps"]
    cos, sin = rope_cos_sin(T, hd, cfg["theta"], dt, cfg.get("rope_scaling"))
    x = w["model.embed_tokens.weight"][ids]  # [T, H]
    for i in range(cfg["layers"]):
        p = f"model.layers.{i}."
        n = rms_norm(x, w[p + "input_layernorm.weight"], eps)

        def proj(name):
            y = n @ w[p + f"self_attn.{name}.weight"].T
            b = w.get(p + f"self_attn.{name}.bias")
            return y if b is None else y + b

        q = proj("q_proj").reshape(T, nq, hd).transpose(1, 0, 2)
        k = proj("k_proj").reshape(T, nkv, hd).transpose(1, 0, 2)
        v = proj("v_proj").reshape(T, nkv, hd).transpose(1, 0, 2)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        a = attn(q, k, v).transpose(1, 0, 2).reshape(T, nq * hd)
        h = x + linear(a, w, p + "self_attn.o_proj")
        n2 = rms_norm(h, w[p + "post_attention_layernorm.weight"], eps)
        g = linear(n2, w, p + "mlp.gate_proj")
        u = linear(n2, w, p + "mlp.up_proj")
        x = h + linear(silu(g) * u, w, p + "mlp.down_proj")
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tied"] else w["lm_head.weight"]
    return (x @ head.T).astype(np.float64)


def greedy(cfg, w, prompt, steps=GREEDY_STEPS):
    seq = list(prompt)
    gen, gaps = [], []
    for _ in range(steps):
        last = forward(cfg, w, seq)[-1]
        top = np.sort(last)[::-1]
        gaps.append(float(top[0] - top[1]))
        nxt = int(np.argmax(last))
        gen.append(nxt)
        seq.append(nxt)
    return gen, min(gaps)


def compute_cases(cfg, w):
    cases = []
    for prompt in PROMPTS:
        assert max(prompt) < cfg["vocab"]
        logits = forward(cfg, w, prompt)
        gen, gap = greedy(cfg, w, prompt)
        cases.append({"ids": list(prompt), "logits": logits.tolist(), "greedy": gen,
                      "min_top2_gap": gap})
    return cases


def cases_ok(cfg, cases):
    return all(c["min_top2_gap"] >= MIN_GAP and EOS_ID not in c["greedy"]
               and len(set(c["greedy"])) >= MIN_DISTINCT_GREEDY for c in cases)


# --------------------------------------------------------------------------------------
# config.json
# --------------------------------------------------------------------------------------

TORCH_DTYPE = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}


def hf_config(cfg, dtype):
    c = {
        "hidden_act": "silu",
        "hidden_size": cfg["hidden"],
        "initializer_range": 0.02,
        "intermediate_size": cfg["intermediate"],
        "max_position_embeddings": 128,
        "num_attention_heads": cfg["heads"],
        "num_hidden_layers": cfg["layers"],
        "num_key_value_heads": cfg["kv_heads"],
        "rms_norm_eps": cfg["eps"],
        "rope_scaling": cfg.get("rope_scaling"),
        "rope_theta": cfg["theta"],
        "tie_word_embeddings": cfg["tied"],
        "torch_dtype": TORCH_DTYPE[dtype],
        "transformers_version": TRANSFORMERS_VERSION,
        "use_cache": True,
        "vocab_size": cfg["vocab"],
        "bos_token_id": BOS_ID,
        "eos_token_id": EOS_ID,
        "attention_dropout": 0.0,
    }
    if cfg["arch"] == "llama":
        c.update({"architectures": ["LlamaForCausalLM"], "model_type": "llama",
                  "attention_bias": bool(cfg.get("attention_bias", False)),
                  "mlp_bias": bool(cfg.get("mlp_bias", False)), "pretraining_tp": 1})
        if cfg.get("head_dim") is not None:
            c["head_dim"] = cfg["head_dim"]
    else:
        c.update({"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2",
                  "use_sliding_window": False, "sliding_window": 4096,
                  "max_window_layers": cfg["layers"]})
    return json.dumps(c, indent=2, sort_keys=True) + "\n"


# --------------------------------------------------------------------------------------
# Writing a fixture
# --------------------------------------------------------------------------------------

def natural_order(cfg, w):
    names = ["model.embed_tokens.weight"]
    for i in range(cfg["layers"]):
        p = f"model.layers.{i}."
        for n in ["input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.q_proj.bias",
                  "self_attn.k_proj.weight", "self_attn.k_proj.bias", "self_attn.v_proj.weight",
                  "self_attn.v_proj.bias", "self_attn.o_proj.weight", "self_attn.o_proj.bias",
                  "post_attention_layernorm.weight", "mlp.gate_proj.weight", "mlp.gate_proj.bias",
                  "mlp.up_proj.weight", "mlp.up_proj.bias", "mlp.down_proj.weight",
                  "mlp.down_proj.bias"]:
            if p + n in w:
                names.append(p + n)
    names.append("model.norm.weight")
    if "lm_head.weight" in w:
        names.append("lm_head.weight")
    assert sorted(names) == sorted(w.keys())
    return names


def write_fixture(name, cfg, dtype, layout, stored, cases, seed):
    d = os.path.join(OUT_DIR, name)
    os.makedirs(d)
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write(hf_config(cfg, dtype))
    order = natural_order(cfg, stored)
    assert order != sorted(order)
    files = []
    if layout == "single":
        # data and header both in model order (embed, layer 0.., norm, lm_head): not sorted
        write_safetensors(os.path.join(d, "model.safetensors"), [(n, stored[n]) for n in order],
                          dtype)
        files.append("model.safetensors")
    elif layout == "single-shuffled-header":
        # data laid out in reverse model order; header keys in sorted order (so header key
        # order != data order): readers must use data_offsets
        data_order = list(reversed(order))
        write_safetensors(os.path.join(d, "model.safetensors"),
                          [(n, stored[n]) for n in data_order], dtype, header_order=sorted(order))
        files.append("model.safetensors")
    elif layout == "sharded":
        rng = np.random.default_rng(seed + 77)
        perm = [order[i] for i in rng.permutation(len(order))]
        # shard 1: embeddings + layer 0 (shuffled); shard 2: the rest (shuffled) -- layer 1,
        # final norm, lm_head
        s1 = [n for n in perm if n.startswith("model.embed_tokens") or n.startswith("model.layers.0.")]
        s2 = [n for n in perm if n not in s1]
        f1, f2 = "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"
        total = write_safetensors(os.path.join(d, f1), [(n, stored[n]) for n in s1], dtype)
        total += write_safetensors(os.path.join(d, f2), [(n, stored[n]) for n in s2], dtype)
        wm = {n: f1 for n in s1}
        wm.update({n: f2 for n in s2})
        index = {"metadata": {"total_size": total},
                 "weight_map": {k: wm[k] for k in sorted(wm)}}
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            f.write(json.dumps(index, indent=2) + "\n")
        files += [f1, f2, "model.safetensors.index.json"]
    else:
        raise ValueError(layout)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"fixture": name, "cases": cases}, f)
        f.write("\n")
    return files


def read_fixture_weights(d):
    """Reads back a fixture directory through the independent reader."""
    idx = os.path.join(d, "model.safetensors.index.json")
    out = {}
    if os.path.exists(idx):
        with open(idx) as f:
            index = json.load(f)
        total = 0
        for fn in sorted(set(index["weight_map"].values())):
            _, t = read_safetensors(os.path.join(d, fn))
            for k, v in t.items():
                assert index["weight_map"][k] == fn
                assert k not in out
                out[k] = v
                total += v.size * 4
        assert set(out) == set(index["weight_map"])
        assert total == index["metadata"]["total_size"]
    else:
        _, out = read_safetensors(os.path.join(d, "model.safetensors"))
    return out


# --------------------------------------------------------------------------------------
# PEFT LoRA adapter
# --------------------------------------------------------------------------------------

def make_lora(cfg, base_w, seed):
    """{module name: (A [r, in], B [out, r])} as float64 arrays of the F32-stored values."""
    rng = np.random.default_rng(seed)
    r = LORA["r"]
    out = {}
    for i in range(cfg["layers"]):
        for target in LORA["targets"]:
            module = f"model.layers.{i}.{LORA_MODULE_PATHS[target]}"
            fan_out, fan_in = base_w[module + ".weight"].shape
            bound = 1.0 / math.sqrt(fan_in)
            a = rng.uniform(-bound, bound, (r, fan_in))
            b = LORA_B_SCALE * rng.standard_normal((fan_out, r))
            out[module] = (round_to_storage(a, "F32")[1], round_to_storage(b, "F32")[1])
    return out


def lora_merged(base_w, lora):
    """HF + PEFT semantics (merge_and_unload): W' = W + (lora_alpha / r) * B @ A, in float64."""
    scale = LORA["alpha"] / LORA["r"]
    w = dict(base_w)
    for module, (a, b) in lora.items():
        w[module + ".weight"] = base_w[module + ".weight"] + scale * (b @ a)
    return w


def check_lora_algebra(base_w, lora):
    """PEFT's unmerged forward, base(x) + scale * lora_B(lora_A(x)), equals the merged weight's."""
    rng = np.random.default_rng(17)
    merged = lora_merged(base_w, lora)
    scale = LORA["alpha"] / LORA["r"]
    for module, (a, b) in lora.items():
        x = rng.standard_normal((5, a.shape[1]))
        unmerged = x @ base_w[module + ".weight"].T + scale * ((x @ a.T) @ b.T)
        assert np.max(np.abs(unmerged - x @ merged[module + ".weight"].T)) < 1e-12, module


def peft_adapter_config():
    # The fields of peft's LoraConfig that a causal-LM LoRA adapter writes, as save_pretrained
    # writes them: json.dumps(..., indent=2, sort_keys=True), no trailing newline.
    c = {
        "alpha_pattern": {},
        "base_model_name_or_path": LORA["base"],
        "bias": "none",
        "fan_in_fan_out": False,
        "inference_mode": True,
        "init_lora_weights": True,
        "layers_pattern": None,
        "layers_to_transform": None,
        "lora_alpha": LORA["alpha"],
        "lora_dropout": 0.0,
        "modules_to_save": None,
        "peft_type": "LORA",
        "r": LORA["r"],
        "rank_pattern": {},
        "revision": None,
        "target_modules": LORA["targets"],
        "task_type": "CAUSAL_LM",
        "use_dora": False,
        "use_rslora": False,
    }
    return json.dumps(c, indent=2, sort_keys=True)


def peft_key(module, half):
    # save_pretrained strips the adapter name (".default") from the state dict keys
    return f"base_model.model.{module}.lora_{half}.weight"


def write_lora_fixture(cfg, base_seed):
    """Writes reference/<LORA name>/ and returns (seed, cases, max |logit change| vs the base)."""
    base_w = stored_values(make_weights(cfg, base_seed), cfg["dtype"])
    base_cases = compute_cases(cfg, base_w)
    seed = LORA["seed"]
    while True:
        lora = make_lora(cfg, base_w, seed)
        cases = compute_cases(cfg, lora_merged(base_w, lora))
        if cases_ok(cfg, cases):
            break
        print(f"  {LORA['name']}: seed {seed} rejected (near-tie, eos or too few distinct ids in greedy)")
        seed += 1
    check_lora_algebra(base_w, lora)
    check_model(cfg, lora_merged(base_w, lora), cases)
    change = max(float(np.max(np.abs(np.array(c["logits"]) - np.array(b["logits"]))))
                 for c, b in zip(cases, base_cases))
    assert change > MIN_SENSITIVITY, change
    d = os.path.join(OUT_DIR, LORA["name"])
    os.makedirs(d)
    with open(os.path.join(d, "adapter_config.json"), "w") as f:
        f.write(peft_adapter_config())
    tensors = []
    for module, (a, b) in lora.items():
        tensors += [(peft_key(module, "A"), a), (peft_key(module, "B"), b)]
    write_safetensors(os.path.join(d, "adapter_model.safetensors"), sorted(tensors, key=lambda t: t[0]), "F32")
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"fixture": LORA["name"], "cases": cases}, f)
        f.write("\n")
    # read back through the independent reader and recompute
    _, read = read_safetensors(os.path.join(d, "adapter_model.safetensors"))
    assert set(read) == {peft_key(m, h) for m in lora for h in "AB"}
    lora_read = {m: (read[peft_key(m, "A")], read[peft_key(m, "B")]) for m in lora}
    for m, (a, b) in lora_read.items():
        assert a.shape == (LORA["r"], base_w[m + ".weight"].shape[1])
        assert b.shape == (base_w[m + ".weight"].shape[0], LORA["r"])
        assert np.array_equal(a, lora[m][0]) and np.array_equal(b, lora[m][1])
        assert np.all(a != 0) and np.all(b != 0)
    with open(os.path.join(d, "adapter_config.json")) as f:
        assert json.load(f)["target_modules"] == LORA["targets"]
    for c in cases:
        assert np.array_equal(forward(cfg, lora_merged(base_w, lora_read), c["ids"]), np.array(c["logits"]))
    return seed, cases, change


# --------------------------------------------------------------------------------------
# Self-checks
# --------------------------------------------------------------------------------------

def check_rope():
    rng = np.random.default_rng(7)
    for hd, theta in [(8, 10000.0), (16, 500000.0), (12, 1e6)]:
        cos, sin = rope_cos_sin(64, hd, theta)
        q = rng.standard_normal(hd)
        k = rng.standard_normal(hd)

        def rot(x, p):
            return apply_rope(x[None, None], cos[p:p + 1], sin[p:p + 1])[0, 0]

        for m, n in [(0, 0), (3, 1), (10, 2), (7, 7), (1, 20), (30, 5)]:
            s1 = np.dot(rot(q, m), rot(k, n))
            s2 = np.dot(rot(q, m + 5), rot(k, n + 5))
            s3 = np.dot(rot(q, m + 23), rot(k, n + 23))
            assert abs(s1 - s2) < 1e-12 and abs(s1 - s3) < 1e-12, (hd, m, n, s1, s2, s3)
        # independent form: pair (i, i + hd/2) rotated by angle pos * theta^(-2i/hd)
        for p in [0, 1, 5, 17]:
            r = rot(q, p)
            half = hd // 2
            for i in range(half):
                ang = p * theta ** (-2.0 * i / hd)
                c, s = math.cos(ang), math.sin(ang)
                a, b = q[i], q[i + half]
                assert abs(r[i] - (a * c - b * s)) < 1e-12
                assert abs(r[i + half] - (b * c + a * s)) < 1e-12
        # position 0 is the identity
        assert np.allclose(rot(q, 0), q, atol=0, rtol=0)


def llama3_inv_freq_scalar(hd, theta, rs):
    """Per-frequency form of the llama3 scaling (as in Meta's reference ``apply_scaling``),
    written independently of the vectorised HF form in rope_inv_freq. Returns the scaled
    frequencies and the band of each ("unscaled", "smoothed", "scaled")."""
    factor, low, high = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
    old = rs["original_max_position_embeddings"]
    out, bands = [], []
    for i in range(hd // 2):
        freq = 1.0 / theta ** (2.0 * i / hd)
        wavelen = 2 * math.pi / freq
        if wavelen < old / high:
            out.append(freq)
            bands.append("unscaled")
        elif wavelen > old / low:
            out.append(freq / factor)
            bands.append("scaled")
        else:
            smooth = (old / wavelen - low) / (high - low)
            out.append((1 - smooth) * freq / factor + smooth * freq)
            bands.append("smoothed")
    return np.array(out), bands


def check_rope_scaling():
    """rope_inv_freq against scalar re-derivations; RoPE with scaled frequencies is still a
    pairwise rotation by pos * inv_freq[i] (relative-position invariant); every llama3
    fixture has all three bands."""
    rng = np.random.default_rng(13)
    for cfg in FIXTURES:
        rs = cfg.get("rope_scaling")
        if rs is None:
            continue
        hd, theta = head_dim_of(cfg), cfg["theta"]
        got = rope_inv_freq(hd, theta, rs)
        if rs["rope_type"] == "linear":
            exp = np.array([1.0 / theta ** (2.0 * i / hd) / rs["factor"] for i in range(hd // 2)])
        else:
            exp, bands = llama3_inv_freq_scalar(hd, theta, rs)
            assert set(bands) == {"unscaled", "smoothed", "scaled"}, (cfg["name"], bands)
            plain = rope_inv_freq(hd, theta)
            for f, f0, b in zip(got, plain, bands):  # band semantics, stated directly
                if b == "unscaled":
                    assert f == f0
                elif b == "scaled":
                    assert abs(f - f0 / rs["factor"]) <= 1e-15 * f0
                else:
                    assert f0 / rs["factor"] < f < f0
        assert np.max(np.abs(got - exp) / exp) < 1e-13, (cfg["name"], got, exp)
        # the float32 (HF-like) tables agree to float32 precision
        got32 = rope_inv_freq(hd, theta, rs, np.float32)
        assert got32.dtype == np.float32
        assert np.max(np.abs(got32 - exp) / exp) < 1e-6, (cfg["name"], got32, exp)
        cos, sin = rope_cos_sin(64, hd, theta, rope_scaling=rs)
        q = rng.standard_normal(hd)
        k = rng.standard_normal(hd)

        def rot(x, p):
            return apply_rope(x[None, None], cos[p:p + 1], sin[p:p + 1])[0, 0]

        half = hd // 2
        for p in [0, 1, 5, 17, 40]:
            r = rot(q, p)
            for i in range(half):
                c, s_ = math.cos(p * exp[i]), math.sin(p * exp[i])
                assert abs(r[i] - (q[i] * c - q[i + half] * s_)) < 1e-12
                assert abs(r[i + half] - (q[i + half] * c + q[i] * s_)) < 1e-12
        for m, n in [(3, 1), (10, 2), (1, 20)]:
            assert abs(np.dot(rot(q, m), rot(k, n)) - np.dot(rot(q, m + 23), rot(k, n + 23))) < 1e-12


def check_sensitivity(cfg, w, cases):
    """The fixture must fail an engine that ignores what it tests: logits of the longest
    prompt must move by more than MIN_SENSITIVITY when rope scaling is dropped, or when the
    o_proj / mlp biases are zeroed. Returns {what: max |logit diff|}."""
    long_case = max(cases, key=lambda c: len(c["ids"]))
    ids, ref = long_case["ids"], np.array(long_case["logits"])
    out = {}

    def diff(cfg2, w2):
        return float(np.max(np.abs(forward(cfg2, w2, ids) - ref)))

    rs = cfg.get("rope_scaling")
    if rs is not None:
        out["no rope scaling"] = diff(dict(cfg, rope_scaling=None), w)
        assert out["no rope scaling"] > MIN_SENSITIVITY, (cfg["name"], out)
        if rs["rope_type"] == "llama3":
            # also: a llama3 engine that scales every frequency (plain linear) or skips smoothing
            out["llama3 as linear"] = diff(
                dict(cfg, rope_scaling={"rope_type": "linear", "factor": rs["factor"]}), w)
            assert out["llama3 as linear"] > MIN_SENSITIVITY, (cfg["name"], out)
    suffixes = {"o_proj bias": ["self_attn.o_proj.bias"],
                "mlp biases": ["mlp.gate_proj.bias", "mlp.up_proj.bias", "mlp.down_proj.bias"],
                "gate_proj bias": ["mlp.gate_proj.bias"], "up_proj bias": ["mlp.up_proj.bias"],
                "down_proj bias": ["mlp.down_proj.bias"],
                "q/k/v biases": ["self_attn.q_proj.bias", "self_attn.k_proj.bias",
                                 "self_attn.v_proj.bias"]}
    for what, sfx in suffixes.items():
        keys = [k for k in w if any(k.endswith(x) for x in sfx)]
        if not keys:
            continue
        w2 = {k: (np.zeros_like(v) if k in keys else v) for k, v in w.items()}
        out[f"{what} zeroed"] = diff(cfg, w2)
    must = []
    if cfg.get("attention_bias"):
        must += ["o_proj bias zeroed"]
    if cfg.get("mlp_bias"):
        must += ["mlp biases zeroed", "gate_proj bias zeroed", "up_proj bias zeroed",
                 "down_proj bias zeroed"]
    for what in must:
        assert out[what] > MIN_SENSITIVITY, (cfg["name"], what, out)
    return out


def check_gqa():
    rng = np.random.default_rng(11)
    for nq, nkv, T, hd in [(6, 2, 7, 8), (4, 4, 5, 16), (8, 2, 9, 8), (4, 1, 6, 8)]:
        q = rng.standard_normal((nq, T, hd))
        k = rng.standard_normal((nkv, T, hd))
        v = rng.standard_normal((nkv, T, hd))
        a = attention_gqa(q, k, v)
        b = attention_loop(q, k, v)
        assert np.max(np.abs(a - b)) < 1e-12, (nq, nkv)


def check_model(cfg, w, cases):
    # (c) full model, vectorised GQA vs loop attention
    for c in cases:
        la = forward(cfg, w, c["ids"], attn=attention_loop)
        assert np.max(np.abs(la - np.array(c["logits"]))) < 1e-10
    # (d) causality: logits at t == last logits of prompt[:t+1]
    long_case = max(cases, key=lambda c: len(c["ids"]))
    full = np.array(long_case["logits"])
    for t in range(len(long_case["ids"])):
        last = forward(cfg, w, long_case["ids"][:t + 1])[-1]
        assert np.max(np.abs(last - full[t])) < 1e-10, t
    # an F32 computation (HF-like float32 rope tables) must land well inside 1e-4
    f32_diff = 0.0
    for c in cases:
        l32 = forward(cfg, w, c["ids"], dt=np.float32)
        f32_diff = max(f32_diff, float(np.max(np.abs(l32 - np.array(c["logits"])))))
    assert f32_diff < 2e-5, f32_diff
    # greedy's first token is the argmax of the recorded last row
    for c in cases:
        assert int(np.argmax(c["logits"][-1])) == c["greedy"][0]
    return f32_diff


def check_storage_rounding():
    x = np.array([1.0, 1.00390625, 1.01171875, -2.5, 3.14159265, 1e-3, 0.0, -0.0,
                  1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8], dtype=np.float32)
    b = bf16_bits_to_f32(to_bf16_bits(x))
    # 1 + 2^-8 is the halfway point between 1 and 1+2^-7 -> ties to even (1.0)
    assert b[8] == 1.0
    # 1 + 3*2^-8 is halfway between 1+2^-7 and 1+2^-6 -> even mantissa is 1+2^-6
    assert b[9] == 1.0 + 2 ** -6
    assert np.all(np.abs(b - x) <= np.abs(x) * 2 ** -8)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def main():
    check_storage_rounding()
    check_rope()
    check_rope_scaling()
    check_gqa()
    print("self-checks: bf16 rounding, rope, rope scaling, gqa ok")

    if os.path.isdir(OUT_DIR):
        shutil.rmtree(OUT_DIR)
    os.makedirs(OUT_DIR)

    summary = []
    f32_diffs = {}
    sensitivities = {}
    for cfg in FIXTURES:
        is_twin_base = cfg["name"] == BF16_TWIN["twin_of"]
        seed = cfg["base_seed"]
        while True:
            w = make_weights(cfg, seed)
            stored = stored_values(w, cfg["dtype"])
            cases = compute_cases(cfg, stored)
            ok = cases_ok(cfg, cases)
            if ok and is_twin_base:
                stored_t = stored_values(w, BF16_TWIN["dtype"])
                cases_t = compute_cases(cfg, stored_t)
                # the BF16 twin must pass too and produce the same greedy continuations
                ok = cases_ok(cfg, cases_t) and all(
                    a["greedy"] == b["greedy"] for a, b in zip(cases, cases_t))
            if ok:
                break
            print(f"  {cfg['name']}: seed {seed} rejected (near-tie, eos or too few distinct ids in greedy)")
            seed += 1
        f32_diffs[cfg["name"]] = check_model(cfg, stored, cases)
        sensitivities[cfg["name"]] = check_sensitivity(cfg, stored, cases)
        files = write_fixture(cfg["name"], cfg, cfg["dtype"], cfg["layout"], stored, cases, seed)
        summary.append((cfg["name"], cfg, cfg["dtype"], seed, cases, files))
        if is_twin_base:
            f32_diffs[BF16_TWIN["name"]] = check_model(cfg, stored_t, cases_t)
            files_t = write_fixture(BF16_TWIN["name"], cfg, BF16_TWIN["dtype"], "single",
                                    stored_t, cases_t, seed)
            summary.append((BF16_TWIN["name"], cfg, BF16_TWIN["dtype"], seed, cases_t, files_t))

    # (a) read everything back through the independent reader and recompute
    for name, cfg, dtype, seed, cases, files in summary:
        d = os.path.join(OUT_DIR, name)
        w_read = read_fixture_weights(d)
        w_orig = make_weights(cfg, seed)
        assert set(w_read) == set(w_orig), name
        if cfg["tied"]:
            assert "lm_head.weight" not in w_read
        for k, v in w_read.items():
            assert v.shape == w_orig[k].shape, (name, k)
            exp = stored_values({k: w_orig[k]}, dtype)[k]
            assert np.array_equal(v, exp), (name, k)
            # stored values are within the format's rounding of the float64 originals
            rel = {"F32": 2 ** -24, "F16": 2 ** -11, "BF16": 2 ** -8}[dtype]
            assert np.all(np.abs(v - w_orig[k]) <= np.abs(w_orig[k]) * rel * 1.0001 + 1e-7)
        with open(os.path.join(d, "expected.json")) as f:
            e = json.load(f)
        assert e["fixture"] == name
        for c in e["cases"]:
            lg = forward(cfg, w_read, c["ids"])
            assert np.array_equal(lg, np.array(c["logits"])), name  # exact round trip
        with open(os.path.join(d, "config.json")) as f:
            assert json.load(f)["torch_dtype"] == TORCH_DTYPE[dtype]
    print("self-checks: safetensors read-back, causality, loop-attention model ok")

    # BF16 twin vs F32: how far apart are the logits?
    by = {s[0]: s for s in summary}
    f32 = by[BF16_TWIN["twin_of"]][4]
    b16 = by[BF16_TWIN["name"]][4]
    twin_diff = max(float(np.max(np.abs(np.array(a["logits"]) - np.array(b["logits"]))))
                    for a, b in zip(f32, b16))
    twin_same_greedy = all(a["greedy"] == b["greedy"] for a, b in zip(f32, b16))

    base = by[LORA["base"]]
    lora_seed, lora_cases, lora_change = write_lora_fixture(base[1], base[3])
    print(f"self-checks: lora adapter read-back, unmerged == merged ok; {LORA['name']}: seed {lora_seed}, "
          f"max |logit change| vs base {lora_change:.3g}, greedy {[c['greedy'] for c in lora_cases]}")

    write_readme(summary, twin_diff, twin_same_greedy, max(f32_diffs.values()), sensitivities,
                 (lora_seed, lora_change))
    for name, cfg, dtype, seed, cases, files in summary:
        spread = max(float(np.ptp(np.array(c["logits"]), axis=-1).max()) for c in cases)
        print(f"{name}: seed {seed}, dtype {dtype}, files {files}, "
              f"min gaps {[round(c['min_top2_gap'], 4) for c in cases]}, max row spread {spread:.2f}, "
              f"greedy {[c['greedy'] for c in cases]}, "
              f"float32-recompute max |diff| {f32_diffs[name]:.2g}")
    print(f"bf16 twin: max |logit diff| vs f32 = {twin_diff:.4g}, same greedy: {twin_same_greedy}")
    for name, sens in sensitivities.items():
        if sens:
            print(f"{name}: sensitivity (max |logit diff|, longest prompt): "
                  + ", ".join(f"{k} {v:.3g}" for k, v in sens.items()))


def rope_scaling_str(rs):
    if rs is None:
        return "-"
    if rs["rope_type"] == "linear":
        return f"linear x{rs['factor']:g}"
    return (f"llama3 x{rs['factor']:g} (low {rs['low_freq_factor']:g}, high "
            f"{rs['high_freq_factor']:g}, orig {rs['original_max_position_embeddings']})")


def biases_str(cfg):
    if cfg["arch"] == "qwen2":
        return "q/k/v"
    b = []
    if cfg.get("attention_bias"):
        b.append("q/k/v/o")
    if cfg.get("mlp_bias"):
        b.append("gate/up/down")
    return ", ".join(b) or "-"


def write_readme(summary, twin_diff, twin_same_greedy, f32_diff, sensitivities, lora_info):
    lines = []
    lines.append("# Reference checkpoints for the Llama / Qwen2 forward pass\n")
    lines.append("Tiny random-weight checkpoints in Hugging Face layout (`config.json` + safetensors,")
    lines.append("no tokenizer files) and the logits a Hugging Face `LlamaForCausalLM` /")
    lines.append("`Qwen2ForCausalLM` forward pass produces for them.\n")
    lines.append("## How they were made\n")
    lines.append("`libs/llm/src/test/python/make_reference_checkpoints.py` (numpy only) draws the")
    lines.append("weights from a seeded `numpy.random.default_rng`, rounds them to the storage dtype,")
    lines.append("writes the safetensors files by hand and computes the logits in float64 from exactly")
    lines.append("the stored (rounded) values, following `modeling_llama.py` / `modeling_qwen2.py`:")
    lines.append("embedding -> per layer `h = x + o_proj(attn(rmsnorm(x)))`,")
    lines.append("`out = h + down_proj(silu(gate_proj(n)) * up_proj(n))` with `n = rmsnorm(h)` ->")
    lines.append("final `norm` -> `lm_head` (the embedding matrix when `tie_word_embeddings`). RoPE in")
    lines.append("the rotate-half convention, grouped-query attention with `repeat_kv` semantics,")
    lines.append("scale `1/sqrt(head_dim)`, causal mask, positions `0..T-1`. Every `nn.Linear` adds its")
    lines.append("bias when the checkpoint has one. RoPE scaling as in `modeling_rope_utils.py`: none,")
    lines.append("`linear` (`inv_freq / factor`) and `llama3` (`_compute_llama3_parameters`: wavelengths")
    lines.append("above `original / low_freq_factor` scaled by `1/factor`, below `original / high_freq_factor`")
    lines.append("unscaled, smoothed in between); the attention factor is 1 for all of them.\n")
    lines.append("The reference is independent of the Java code: it was written from the Hugging Face")
    lines.append("conventions, not from (or against) the Java implementation. It was not run against")
    lines.append("transformers itself (torch is not available where it was written); the script")
    lines.append("self-checks its safetensors writer with a separate reader, RoPE (relative-position")
    lines.append("invariance and the explicit pairwise-rotation form), the rope-scaling frequencies")
    lines.append("against a per-frequency re-derivation, GQA against a per-head loop, causality of the")
    lines.append("logits and the sensitivity of the new fixtures (below), and aborts on any failure.\n")
    lines.append("Regenerate (deterministic, byte-identical output):\n")
    lines.append("    python3 libs/llm/src/test/python/make_reference_checkpoints.py\n")
    lines.append("## Fixtures\n")
    lines.append("| fixture | arch | vocab | hidden | heads / kv | head_dim | inter. | layers | eps | rope_theta | rope_scaling | biases | tied | dtype | files | seed |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, cfg, dtype, seed, cases, files in summary:
        hd = head_dim_of(cfg)
        hd_s = f"{hd} (explicit)" if cfg.get("head_dim") is not None else f"{hd}"
        lines.append(f"| `{name}` | {cfg['arch']} | {cfg['vocab']} | {cfg['hidden']} | "
                     f"{cfg['heads']} / {cfg['kv_heads']} | {hd_s} | {cfg['intermediate']} | "
                     f"{cfg['layers']} | {cfg['eps']:g} | {cfg['theta']:g} | "
                     f"{rope_scaling_str(cfg.get('rope_scaling'))} | {biases_str(cfg)} | {cfg['tied']} | {dtype} | "
                     f"{', '.join('`' + f + '`' for f in files)} | {seed} |")
    lines.append("")
    lines.append("Notes:\n")
    lines.append("- Qwen2 fixtures have non-zero `q_proj`/`k_proj`/`v_proj` biases. Llama fixtures have no")
    lines.append("  biases except `llama-biases-llama3rope-f32`, whose config sets `attention_bias` (HF Llama:")
    lines.append("  biases on `q_proj`, `k_proj`, `v_proj` and `o_proj`) and `mlp_bias` (`gate_proj`, `up_proj`,")
    lines.append("  `down_proj`).")
    lines.append("- `llama-biases-llama3rope-f32` uses `original_max_position_embeddings` 64 (not a smaller")
    lines.append("  value) so that all three llama3 bands occur: the first frequency is always 1 (wavelength")
    lines.append("  2*pi), so an unscaled band needs `original / high_freq_factor` > 2*pi. With head_dim 16 and")
    lines.append("  rope_theta 500000 the wavelengths are 6.3 (unscaled), 32.4 (smoothed) and 167 and up")
    lines.append("  (scaled); the script asserts this.")
    for name, sens in sensitivities.items():
        if name in ("llama-biases-llama3rope-f32", "llama-linear-rope-f32"):
            text = (f"`{name}`: max |logit change| on the 17-token prompt when an engine gets it "
                    "wrong: " + ", ".join(f"{k} {v:.3g}" for k, v in sens.items()) +
                    f" (the script asserts > {MIN_SENSITIVITY:g} for rope scaling dropped" +
                    (" and for the o_proj bias, the mlp biases and each mlp bias alone zeroed"
                     if name == "llama-biases-llama3rope-f32" else "") + ").")
            lines.extend(textwrap.wrap(text, 90, initial_indent="- ", subsequent_indent="  "))
    lines.append("- Tied fixtures have no `lm_head.weight` tensor.")
    lines.append("- Tensor order in the files is not sorted: single files hold the tensors in model order")
    lines.append("  (embed, layer 0, ..., norm, lm_head); `qwen2-gqa-sharded-f32` holds them shuffled within")
    lines.append("  each shard; `qwen2-mqa-tied-f16` lays the data out in reverse model order while its")
    lines.append("  JSON header lists the keys sorted (so header key order differs from data order).")
    lines.append("  Readers must go by name and `data_offsets`.")
    lines.append(f"- `llama-gqa-tied-f32-as-bf16` holds the weights of `llama-gqa-tied-f32` rounded to BF16")
    lines.append(f"  (round to nearest even); its expected logits are computed from the rounded values. The")
    lines.append(f"  two fixtures' logits differ by at most {twin_diff:.3g}; greedy continuations are "
                 f"{'identical' if twin_same_greedy else 'NOT identical'}.")
    lines.append(f"- `bos_token_id` = {BOS_ID}, `eos_token_id` = {EOS_ID}; seeds were chosen so that no greedy")
    lines.append(f"  continuation contains the eos id (so stopping on eos or not gives the same 8 ids) and")
    lines.append(f"  every greedy step's top-1/top-2 logit gap is at least {MIN_GAP:g}.\n")
    lora_seed, lora_change = lora_info
    lines.append("## PEFT LoRA adapter\n")
    lines.append(f"`{LORA['name']}/` is a LoRA adapter for `{LORA['base']}` in the layout of PEFT's")
    lines.append("`save_pretrained` for a causal LM (written by hand: peft is not available here either):")
    lines.append("`adapter_config.json` as `json.dumps(config, indent=2, sort_keys=True)` with no trailing")
    lines.append(f"newline (`peft_type` LORA, `task_type` CAUSAL_LM, `r` {LORA['r']}, `lora_alpha` {LORA['alpha']},")
    lines.append(f"`target_modules` {json.dumps(LORA['targets'])}, `base_model_name_or_path` \"{LORA['base']}\",")
    lines.append("`lora_dropout` 0.0, no DoRA / rsLoRA / patterns) and `adapter_model.safetensors` (F32,")
    lines.append("keys sorted) holding `base_model.model.model.layers.{i}.<self_attn|mlp>.<proj>.lora_A.weight`")
    lines.append("`[r, in]` and `...lora_B.weight` `[out, r]` for both layers and every target. A is drawn as")
    lines.append(f"PEFT initialises it (U(-1/sqrt(in), 1/sqrt(in))), B from N(0, {LORA_B_SCALE:g}^2) instead of zeros")
    lines.append(f"(seed {lora_seed}). Its `expected.json` (schema below) holds the logits and greedy continuations")
    lines.append("of the base with each targeted weight replaced by `W + (lora_alpha / r) * B @ A` in float64")
    lines.append("(PEFT's `merge_and_unload`; the script checks this equals the unmerged")
    lines.append("`base(x) + scale * lora_B(lora_A(x))`). The adapter moves the logits by up to")
    lines.append(f"{lora_change:.3g} against the base fixture (the script asserts > {MIN_SENSITIVITY:g}). The")
    lines.append("directory has no `config.json`: it is an adapter, not a model.\n")
    lines.append("## expected.json\n")
    lines.append("```")
    lines.append('{"fixture": "<directory name>",')
    lines.append(' "cases": [{"ids": [<prompt token ids>],')
    lines.append('            "logits": [[<vocab_size floats>] for each prompt position],')
    lines.append('            "greedy": [<8 ids generated greedily after the prompt, full forward each step>],')
    lines.append('            "min_top2_gap": <smallest top-1 minus top-2 logit over the 8 greedy steps>}]}')
    lines.append("```\n")
    lines.append("Cases: prompts " + ", ".join(str(p) for p in PROMPTS) + ".")
    lines.append("Logits are float64 values written with full (shortest round-trip) precision; compare")
    lines.append("an F32 engine with a tolerance around 1e-4. The script also reruns the same computation")
    lines.append("in float32 (with float32 RoPE tables as HF builds them): it lands within")
    lines.append(f"{f32_diff:.2g} of the float64 reference on every fixture. Note that a wrong `rms_norm_eps`")
    lines.append("(1e-5 vs 1e-6) moves these logits by only about 3e-4, so keep the tolerance at 1e-4 or")
    lines.append("tighter if eps handling is to be caught.")
    with open(os.path.join(OUT_DIR, "README.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
