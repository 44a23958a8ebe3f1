"""Which SDPA backend serves 4M's masked attention on this GPU, and what each costs (PyTorch baseline for the fused path).

Shapes follow 4M-B guided text-to-image at batch 32 (64 rows, 12 heads, head dim 64, ~400 keys); the sequence length changes
every call, as it does between generation steps.
"""
import argparse, time
import torch
import torch.nn.functional as F
from torch.nn.attention import sdpa_kernel, SDPBackend

p = argparse.ArgumentParser()
p.add_argument("--rows", type=int, default=64)
p.add_argument("--iters", type=int, default=40)
a = p.parse_args()
dev, dt = "cuda", torch.bfloat16
print("torch", torch.__version__, "cudnn_sdp", torch.backends.cuda.cudnn_sdp_enabled(), "flash", torch.backends.cuda.flash_sdp_enabled(),
      "mem_eff", torch.backends.cuda.mem_efficient_sdp_enabled())

def run(name, fn, vary):
    lengths = [300 + (i % 20) * 5 if vary else 400 for i in range(a.iters)]
    inputs = []
    for n in lengths:
        q = torch.randn(a.rows, 12, n, 64, device=dev, dtype=dt)
        m = torch.zeros(a.rows, 1, 1, n, device=dev, dtype=torch.bool); m[: a.rows // 2, ..., n - 7:] = True
        inputs.append((q, m))
    for q, m in inputs[:3]: fn(q, m)
    torch.cuda.synchronize(); t = time.perf_counter()
    for q, m in inputs: fn(q, m)
    torch.cuda.synchronize()
    print(f"{name:40s} {'varying' if vary else 'fixed  '} N: {(time.perf_counter() - t) / len(inputs) * 1e3:8.3f} ms/call")

def exact(q, m):
    s = (q @ q.transpose(-2, -1)) * 0.125
    s = s.masked_fill(m, -torch.finfo(s.dtype).max)
    return s.softmax(-1) @ q

def folded(q, m):
    b, h, n, d = q.shape
    q3 = q.reshape(b * h, n, d)
    s = torch.baddbmm(q3.new_empty(1, 1, 1), q3, q3.transpose(-2, -1), beta=0, alpha=0.125).view(b, h, n, n)
    s.masked_fill_(m, -torch.finfo(s.dtype).max)
    return s.softmax(-1) @ q

def sdpa(q, m): return F.scaled_dot_product_attention(q, q, q, attn_mask=~m)
def sdpa_nomask(q, m): return F.scaled_dot_product_attention(q, q, q)

for vary in (False, True):
    run("exact (matmul, mul, masked_fill, softmax)", exact, vary)
    run("exact, scale folded into GEMM", folded, vary)
    run("sdpa default, bool mask", sdpa, vary)
    for backend in (SDPBackend.EFFICIENT_ATTENTION, SDPBackend.CUDNN_ATTENTION, SDPBackend.MATH):
        def f(q, m, backend=backend):
            with sdpa_kernel([backend]): return sdpa(q, m)
        try: run(f"sdpa {backend.name}, bool mask", f, vary)
        except Exception as e: print(backend.name, "failed:", str(e).splitlines()[0][:120])
    run("sdpa default, no mask", sdpa_nomask, vary)

q = torch.randn(2, 12, 333, 64, device=dev, dtype=dt); m = torch.zeros(2, 1, 1, 333, device=dev, dtype=torch.bool); m[0, ..., 330:] = True
ref = exact(q, m).float(); fol = folded(q, m).float()
print("folded == exact bitwise:", torch.equal(ref, fol))
