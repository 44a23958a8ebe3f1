# Session 14, call 5: bench/fusion_headroom.py after it took the MLP and LayerNorm from pytorch_forward.py (B, all four
# modes but max-autotune; the figures should repeat call 3's).
set +e
o=$OUT/gpu-s14-call5.txt
timeout 200 python3 bench/fusion_headroom.py --sizes B --rows 64,2 --modes eager,graph,compiled 2>&1 | grep "^#\|^size\|^[BL] \|rror" | tee -a $o
