# Session 14, call 2: the headroom that fused kernels would give (PyTorch eager / CUDA graph / torch.compile / max-autotune)
# at a batched step's shapes (64 rows) and at one guided request's (2 rows), B and L.
set +e
o=$OUT/gpu-s14-call2.txt
{ nvidia-smi --query-gpu=name,clocks.sm,temperature.gpu --format=csv,noheader; which gcc cc; python3 -c "import triton; print('triton', triton.__version__)"; } 2>&1 | tee -a $o
timeout 330 python3 bench/fusion_headroom.py --sizes B --rows 64,2 2>&1 | grep -v "^W\|^  warnings" | tail -20 | tee -a $o
timeout 200 python3 bench/fusion_headroom.py --sizes L --rows 64,2 --modes eager,graph,compiled 2>&1 | grep -v "^W\|^  warnings" | tail -20 | tee -a $o
