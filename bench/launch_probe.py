"""Host cost of one PyTorch call from Python: microseconds per small kernel (add), view (narrow) and small linear, the
same calls as `fourm bench launch` (bf16 64x768 operands), so the two runtimes' per-call costs compare in one device call."""
import argparse, threading, time
import torch
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--calls", type=int, default=20000)
p.add_argument("--threads", default="1,2,4")
a = p.parse_args()
dev = "cuda" if torch.cuda.is_available() else "cpu"
print(f"# launch_probe.py (torch {torch.__version__}): device {dev}, {a.calls} calls per thread, bf16 operands (64x768)")
print(f"{'op':8s}{'threads':>8s}{'us/call/thread':>16s}{'aggregate us/call':>19s}")

def loop(op, x, w, n):
    with torch.inference_mode():
        for _ in range(n):
            if op == "add": x.add(x)
            elif op == "narrow": x.narrow(0, 0, 32)
            else: F.linear(x, w)

def run(op, threads):
    xs = [(torch.randn(64, 768, device=dev, dtype=torch.bfloat16), torch.randn(768, 768, device=dev, dtype=torch.bfloat16)) for _ in range(threads)]
    for x, w in xs: loop(op, x, w, 200)
    if dev == "cuda": torch.cuda.synchronize()
    ts = [threading.Thread(target=loop, args=(op, x, w, a.calls)) for x, w in xs]
    t = time.perf_counter()
    for th in ts: th.start()
    for th in ts: th.join()
    if dev == "cuda": torch.cuda.synchronize()
    return time.perf_counter() - t

for op in ["add", "narrow", "linear"]:
    for threads in [int(t) for t in a.threads.split(",")]:
        per = run(op, threads) / a.calls * 1e6
        print(f"{op:8s}{threads:8d}{per:16.2f}{per / threads:19.2f}")
