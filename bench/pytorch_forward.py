#!/usr/bin/env python3
"""PyTorch baseline for `fourm bench forward`: the same 4M-7 shapes in a small re-implementation.

Pre-LN blocks with SwiGLU MLP (no biases, LayerNorm without bias), self-attention and cross-attention with an explicit
masked softmax (masked_fill(-finfo.max), scale after q@k^T) as the reference does, decoder context projection, logits over
16384 tokens. Encoder 400 tokens, decoder 196 tokens, random weights. Prints the same table as the C# command.

    python3 bench/pytorch_forward.py --sizes B,L,XL --batch 1,8,32 --dtype bf16 --device cuda
    python3 bench/pytorch_forward.py --sizes tiny --batch 1 --device cpu        # smoke test
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ENCODER_TOKENS = 400
DECODER_TOKENS = 196
VOCAB = 16384
SIZES = {  # name: (dim, depth, heads)
    "tiny": (384, 6, 6), "t": (384, 6, 6),
    "small": (512, 8, 8), "s": (512, 8, 8),
    "base": (768, 12, 12), "b": (768, 12, 12),
    "large": (1024, 24, 16), "l": (1024, 24, 16),
    "xlarge": (2048, 24, 32), "xl": (2048, 24, 32),
}
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}


def layer_norm(dim):
    return nn.LayerNorm(dim, eps=1e-6, bias=False)


def attend(q, k, v, mask, scale):
    scores = (q @ k.transpose(-2, -1)) * scale
    scores = scores.masked_fill(mask.unsqueeze(1), -torch.finfo(scores.dtype).max)
    return scores.softmax(dim=-1) @ v


class SelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim, bias=False)
        self.proj = nn.Linear(dim, dim, bias=False)

    def forward(self, x, mask):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        return self.proj(attend(q, k, v, mask, self.scale).transpose(1, 2).reshape(b, n, c))


class CrossAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.q = nn.Linear(dim, dim, bias=False)
        self.kv = nn.Linear(dim, 2 * dim, bias=False)
        self.proj = nn.Linear(dim, dim, bias=False)

    def forward(self, x, context, mask):
        b, n, c = x.shape
        m = context.shape[1]
        q = self.q(x).reshape(b, n, self.heads, c // self.heads).permute(0, 2, 1, 3)
        k, v = self.kv(context).reshape(b, m, 2, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        return self.proj(attend(q, k, v, mask, self.scale).transpose(1, 2).reshape(b, n, c))


class GatedMlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden, bias=False)
        self.fc2 = nn.Linear(hidden, dim, bias=False)
        self.fc3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x):
        return self.fc2(F.silu(self.fc1(x)) * self.fc3(x))


class EncoderBlock(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1, self.attn, self.norm2, self.mlp = layer_norm(dim), SelfAttention(dim, heads), layer_norm(dim), GatedMlp(dim, hidden)

    def forward(self, x, mask):
        x = x + self.attn(self.norm1(x), mask)
        return x + self.mlp(self.norm2(x))


class DecoderBlock(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1, self.self_attn = layer_norm(dim), SelfAttention(dim, heads)
        self.query_norm, self.context_norm, self.cross_attn = layer_norm(dim), layer_norm(dim), CrossAttention(dim, heads)
        self.norm2, self.mlp = layer_norm(dim), GatedMlp(dim, hidden)

    def forward(self, y, context, self_mask, cross_mask):
        y = y + self.self_attn(self.norm1(y), self_mask)
        y = y + self.cross_attn(self.query_norm(y), self.context_norm(context), cross_mask)
        return y + self.mlp(self.norm2(y))


class EncoderDecoder(nn.Module):
    def __init__(self, dim, depth, heads):
        super().__init__()
        hidden = int(2 * int(dim * 4.0) / 3)
        self.hidden = hidden
        self.encoder = nn.ModuleList([EncoderBlock(dim, heads, hidden) for _ in range(depth)])
        self.encoder_norm = layer_norm(dim)
        self.decoder_proj_context = nn.Linear(dim, dim)
        self.decoder = nn.ModuleList([DecoderBlock(dim, heads, hidden) for _ in range(depth)])
        self.decoder_norm = layer_norm(dim)
        self.to_logits = nn.Linear(dim, VOCAB, bias=False)

    def forward(self, x, x_emb, y, encoder_mask, decoder_mask):
        for block in self.encoder:
            x = block(x, encoder_mask)
        x = self.encoder_norm(x)
        context = self.decoder_proj_context(x) + x_emb
        for block in self.decoder:
            y = block(y, context, decoder_mask, encoder_mask)
        return self.to_logits(self.decoder_norm(y))


def flops(dim, depth, hidden, batch, vocab=VOCAB):
    """Same formula as BenchForwardWorkload.Flops (2 per multiply-add)."""
    d, h, e, m = float(dim), float(hidden), float(ENCODER_TOKENS), float(DECODER_TOKENS)
    encoder_layer = 2 * e * (4 * d * d + 3 * d * h) + 4 * e * e * d
    decoder_layer = (2 * m * (4 * d * d) + 4 * m * m * d
                     + 2 * m * (2 * d * d) + 2 * e * (2 * d * d) + 4 * m * e * d
                     + 2 * m * 3 * d * h)
    rest = 2 * e * d * d + 2 * m * d * vocab
    return batch * (depth * encoder_layer + depth * decoder_layer + rest)


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_tflops(device, n, iters):
    a = torch.randn(n, n, dtype=torch.bfloat16, device=device)
    b = torch.randn(n, n, dtype=torch.bfloat16, device=device)
    for _ in range(3):
        a @ b
    synchronize(device)
    start = time.perf_counter()
    for _ in range(iters):
        a @ b
    synchronize(device)
    return 2.0 * n ** 3 * iters / (time.perf_counter() - start) / 1e12


def percentile(values, q):
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low, high = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="B,L,XL")
    parser.add_argument("--batch", default="1,8,32")
    parser.add_argument("--dtype", default="bf16", choices=sorted(DTYPES))
    parser.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    parser.add_argument("--iters", type=int, default=None)
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--matmul-size", type=int, default=None)
    args = parser.parse_args()

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("CUDA is not available")
    iters = args.iters or (20 if device.type == "cuda" else 3)
    warmup = args.warmup if args.warmup is not None else (3 if device.type == "cuda" else 1)
    matmul_size = args.matmul_size or (8192 if device.type == "cuda" else 1024)
    dtype = DTYPES[args.dtype]
    batches = [int(b) for b in args.batch.split(",") if b.strip()]

    print(f"# pytorch_forward.py (torch {torch.__version__}): device {args.device}, dtype {args.dtype}, kernel exact, "
          f"encoder {ENCODER_TOKENS} tokens, decoder {DECODER_TOKENS} tokens, warmup {warmup}, iters {iters}")
    print(f"# matmul bf16 {matmul_size}^3: {matmul_tflops(device, matmul_size, 20 if device.type == 'cuda' else 3):.1f} TFLOP/s")
    print(f"{'size':<6}{'params_M':>10}{'batch':>7}{'median_ms':>12}{'p10_ms':>10}{'p90_ms':>10}{'tokens_per_s':>14}{'TFLOP/s':>10}")
    for label in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        if label.lower() not in SIZES:
            raise SystemExit(f"unknown size '{label}' (tiny, small, base, large, xlarge or T, S, B, L, XL)")
        dim, depth, heads = SIZES[label.lower()]
        torch.manual_seed(0)
        model = EncoderDecoder(dim, depth, heads).to(device=device, dtype=dtype).eval()
        # Trunk plus the logits head only: this baseline has no modality embeddings, so params_M is smaller than the C# figure.
        parameters = sum(p.numel() for p in model.parameters())
        for batch in batches:
            x = torch.randn(batch, ENCODER_TOKENS, dim, device=device, dtype=dtype)
            x_emb = torch.randn(batch, ENCODER_TOKENS, dim, device=device, dtype=dtype)
            y = torch.randn(batch, DECODER_TOKENS, dim, device=device, dtype=dtype)
            encoder_mask = torch.zeros(batch, 1, ENCODER_TOKENS, dtype=torch.bool, device=device)
            decoder_mask = torch.zeros(batch, DECODER_TOKENS, DECODER_TOKENS, dtype=torch.bool, device=device)
            times = []
            with torch.inference_mode():
                for _ in range(warmup):
                    model(x + 0, x_emb, y, encoder_mask, decoder_mask)
                synchronize(device)
                for _ in range(iters):
                    start = time.perf_counter()
                    model(x + 0, x_emb, y, encoder_mask, decoder_mask)
                    synchronize(device)
                    times.append((time.perf_counter() - start) * 1000)
            median = percentile(times, 0.5)
            tokens_per_s = batch * (ENCODER_TOKENS + DECODER_TOKENS) / (median / 1000)
            tflops = flops(dim, depth, model.hidden, batch) / (median / 1000) / 1e12
            print(f"{label:<6}{parameters / 1e6:>10.1f}{batch:>7}{median:>12.2f}{percentile(times, 0.1):>10.2f}"
                  f"{percentile(times, 0.9):>10.2f}{tokens_per_s:>14.0f}{tflops:>10.2f}")
        del model
        if device.type == "cuda":
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
