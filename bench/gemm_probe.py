#!/usr/bin/env python3
"""Where a batched generation step spends GPU time: MLP GEMMs at 4M's hidden widths and padded ones, then a kernel profile.

4M's gated MLP width is int(2 * 4 * dim / 3): 2048 for B, 2730 for L, 5461 for XL. Widths that are not a multiple of 8
leave bf16 rows misaligned for tensor-core GEMMs. Part 1 times fc1/fc3 (dim -> hidden) and fc2 (hidden -> dim) at the
true width and at the width rounded up to 64, and fc1+fc3 as one GEMM. Part 2 profiles one T2I-like step of
pytorch_forward.py's model (encoder rows x tokens, decoder rows x queries) and prints the CUDA kernels by total time.

    python3 bench/gemm_probe.py --sizes B,L,XL --rows 64 --encoder-tokens 176 --decoder-tokens 8
"""
import argparse
import time

import torch

import pytorch_forward as pf


def timed(fn, iters=50):
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(iters):
        fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - start) / iters * 1000


def gemm_line(name, m, k, n, dtype):
    a = torch.randn(m, k, device="cuda", dtype=dtype)
    w = torch.randn(n, k, device="cuda", dtype=dtype)
    ms = timed(lambda: torch.nn.functional.linear(a, w))
    return f"{name:<28} m={m:<6} k={k:<6} n={n:<6} {ms:8.3f} ms {2 * m * k * n / ms / 1e9:8.1f} TFLOP/s"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="B,L,XL")
    parser.add_argument("--rows", type=int, default=64)
    parser.add_argument("--encoder-tokens", type=int, default=176)
    parser.add_argument("--decoder-tokens", type=int, default=8)
    parser.add_argument("--top", type=int, default=14)
    args = parser.parse_args()
    dtype = torch.bfloat16
    m = args.rows * args.encoder_tokens
    for label in args.sizes.split(","):
        dim, depth, heads = pf.SIZES[label.lower()]
        hidden = int(2 * int(dim * 4.0) / 3)
        padded = (hidden + 63) // 64 * 64
        print(f"## {label}: dim {dim}, hidden {hidden} (padded {padded}), encoder rows x tokens = {m}")
        print(gemm_line("fc1 (dim->hidden)", m, dim, hidden, dtype))
        print(gemm_line("fc1 padded", m, dim, padded, dtype))
        print(gemm_line("fc1+fc3 padded, one GEMM", m, dim, 2 * padded, dtype))
        print(gemm_line("fc2 (hidden->dim)", m, hidden, dim, dtype))
        print(gemm_line("fc2 padded", m, padded, dim, dtype))
        print(gemm_line("qkv", m, dim, 3 * dim, dtype))

        torch.manual_seed(0)
        model = pf.EncoderDecoder(dim, depth, heads).to(device="cuda", dtype=dtype).eval()
        b, e, q = args.rows, args.encoder_tokens, args.decoder_tokens
        x = torch.randn(b, e, dim, device="cuda", dtype=dtype)
        y = torch.randn(b, q, dim, device="cuda", dtype=dtype)
        encoder_mask = torch.zeros(b, 1, e, dtype=torch.bool, device="cuda")
        decoder_mask = torch.zeros(b, q, q, dtype=torch.bool, device="cuda")
        with torch.inference_mode():
            step = lambda: model(x, x, y, encoder_mask, decoder_mask)
            print(f"step forward: {timed(step, 20):.2f} ms (encoder {b}x{e}, decoder {b}x{q})")
            with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
                for _ in range(5):
                    step()
                torch.cuda.synchronize()
        print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=args.top, max_name_column_width=70))
        del model
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
