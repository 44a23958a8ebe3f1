#!/usr/bin/env python3
"""How much faster would a generation step be with fused kernels? PyTorch baseline for issue 5's 15x question.

One 4M encoder-decoder pass at the shapes of a batched MaskGIT step (B or L trunk, SwiGLU MLP, LayerNorm without bias,
fused scaled-dot-product attention as our `--attention fused` runs), bf16, random weights, timed four ways:

  eager        PyTorch eager (what our TorchSharp network issues, kernel for kernel)
  graph        eager captured in one CUDA graph (what our encoder/decoder graphs do)
  compiled     torch.compile (Inductor: norms, residuals and SwiGLU fused into Triton kernels, cuBLAS GEMMs) + CUDA graph
  autotuned    torch.compile mode=max-autotune (Triton GEMM templates with fused epilogues, autotuned) + CUDA graph

`compiled / graph` is the gain that kernel fusion would give our batched steps; the same ratio at 2 rows (one guided
request) is what it would give the one-at-a-time baseline.

    python3 bench/fusion_headroom.py --sizes B,L --rows 2,64 --encoder-tokens 139 --decoder-tokens 128
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from pytorch_forward import GatedMlp, layer_norm  # the same SwiGLU MLP and bias-free LayerNorm as the forward baseline

SIZES = {"b": (768, 12, 12), "l": (1024, 24, 16)}
VOCAB = 16384


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.kv = nn.Linear(dim, 2 * dim, bias=False)
        self.proj = nn.Linear(dim, dim, bias=False)

    def forward(self, x, context):
        b, n, c = x.shape
        m = context.shape[1]
        q = self.q(x).view(b, n, self.heads, -1).transpose(1, 2)
        k, v = self.kv(context).view(b, m, 2, self.heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        return self.proj(F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, n, c))


class EncoderBlock(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1, self.attn, self.norm2, self.mlp = layer_norm(dim), Attention(dim, heads), layer_norm(dim), GatedMlp(dim, hidden)

    def forward(self, x):
        h = self.norm1(x)
        x = x + self.attn(h, h)
        return x + self.mlp(self.norm2(x))


class DecoderBlock(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1, self.self_attn = layer_norm(dim), Attention(dim, heads)
        self.query_norm, self.context_norm, self.cross_attn = layer_norm(dim), layer_norm(dim), Attention(dim, heads)
        self.norm2, self.mlp = layer_norm(dim), GatedMlp(dim, hidden)

    def forward(self, y, context):
        h = self.norm1(y)
        y = y + self.self_attn(h, h)
        y = y + self.cross_attn(self.query_norm(y), self.context_norm(context))
        return y + self.mlp(self.norm2(y))


class Trunk(nn.Module):
    def __init__(self, dim, depth, heads, hidden_multiple):
        super().__init__()
        hidden = int(2 * int(dim * 4.0) / 3)
        # Our MlpLayout.Aligned pads the hidden width (L: 2730) to a multiple of 64 with zero weights; cuBLAS runs
        # unaligned widths on slow kernels, and Inductor pads them itself, so an unpadded baseline overstates fusion.
        hidden = -(-hidden // hidden_multiple) * hidden_multiple
        self.dim, self.hidden, self.depth = dim, hidden, depth
        self.encoder = nn.ModuleList([EncoderBlock(dim, heads, hidden) for _ in range(depth)])
        self.encoder_norm = layer_norm(dim)
        self.context_proj = nn.Linear(dim, dim)
        self.decoder = nn.ModuleList([DecoderBlock(dim, heads, hidden) for _ in range(depth)])
        self.decoder_norm = layer_norm(dim)
        self.to_logits = nn.Linear(dim, VOCAB, bias=False)

    def forward(self, x, y):
        for block in self.encoder:
            x = block(x)
        context = self.context_proj(self.encoder_norm(x))
        for block in self.decoder:
            y = block(y, context)
        return self.to_logits(self.decoder_norm(y))


def flops(model, rows, e, m):
    d, h = float(model.dim), float(model.hidden)
    encoder = 2 * e * (4 * d * d + 3 * d * h) + 4 * e * e * d
    decoder = 2 * m * (4 * d * d) + 4 * m * m * d + 2 * m * 2 * d * d + 2 * e * 2 * d * d + 4 * m * e * d + 2 * m * 3 * d * h
    return rows * (model.depth * (encoder + decoder) + 2 * e * d * d + 2 * m * d * VOCAB)


def time_ms(fn, iters):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]


def graphed(fn):
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(2):
            fn()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    return graph.replay


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="B,L")
    parser.add_argument("--rows", default="2,64")
    parser.add_argument("--encoder-tokens", type=int, default=139)
    parser.add_argument("--decoder-tokens", type=int, default=128)
    parser.add_argument("--modes", default="eager,graph,compiled,autotuned")
    parser.add_argument("--iters", type=int, default=30)
    parser.add_argument("--hidden-multiple", type=int, default=64, help="pad the MLP width to a multiple (1: unpadded)")
    args = parser.parse_args()
    modes = args.modes.split(",")
    torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = True
    a = torch.randn(8192, 8192, dtype=torch.bfloat16, device="cuda")
    probe = time_ms(lambda: a @ a, 10)
    print(f"# fusion_headroom.py (torch {torch.__version__}), matmul bf16 8192^3: {2 * 8192 ** 3 / probe / 1e9:.0f} TFLOP/s; "
          f"encoder {args.encoder_tokens} tokens, decoder {args.decoder_tokens} tokens per row, MLP width multiple of {args.hidden_multiple}", flush=True)
    print(f"{'size':<5}{'rows':>5}{'mode':>11}{'ms':>9}{'TFLOP/s':>9}{'vs graph':>10}{'compile_s':>11}", flush=True)
    for label in args.sizes.split(","):
        dim, depth, heads = SIZES[label.lower()]
        torch.manual_seed(0)
        model = Trunk(dim, depth, heads, args.hidden_multiple).to("cuda", torch.bfloat16).eval()
        for rows in [int(r) for r in args.rows.split(",")]:
            x = torch.randn(rows, args.encoder_tokens, dim, device="cuda", dtype=torch.bfloat16)
            y = torch.randn(rows, args.decoder_tokens, dim, device="cuda", dtype=torch.bfloat16)
            work = flops(model, rows, args.encoder_tokens, args.decoder_tokens)
            reference = None
            with torch.inference_mode():
                expected = model(x, y)
                for mode in modes:
                    torch._dynamo.reset()
                    start = time.perf_counter()
                    try:
                        if mode == "eager":
                            fn = lambda: model(x, y)
                        elif mode == "graph":
                            fn = graphed(lambda: model(x, y))
                        else:
                            compiled = torch.compile(model, mode="max-autotune" if mode == "autotuned" else "reduce-overhead",
                                                     fullgraph=True, dynamic=False)
                            out = compiled(x, y)
                            out = compiled(x, y)
                            error = (out.float() - expected.float()).abs().max().item()
                            fn = lambda: compiled(x, y)
                        compile_s = time.perf_counter() - start
                        ms = time_ms(fn, args.iters)
                    except Exception as exception:  # a mode that cannot build here is reported, not fatal
                        print(f"{label:<5}{rows:>5}{mode:>11}  failed: {type(exception).__name__}: {str(exception)[:200]}", flush=True)
                        continue
                    if mode == "graph":
                        reference = ms
                    ratio = f"{reference / ms:.2f}x" if reference else "-"
                    note = f"  max|diff| {error:.3f}" if mode in ("compiled", "autotuned") else ""
                    print(f"{label:<5}{rows:>5}{mode:>11}{ms:>9.3f}{work / ms / 1e9:>9.0f}{ratio:>10}{compile_s:>11.1f}{note}", flush=True)
        del model
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
