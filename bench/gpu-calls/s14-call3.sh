# Session 14, call 3: call 2 again with the MLP width padded to a multiple of 64 as our network runs it (call 2's L had
# the checkpoint's 2730, which cuBLAS runs slowly), and with the B rows that call 2's output filter cut.
set +e
o=$OUT/gpu-s14-call3.txt
f(){ timeout 250 python3 bench/fusion_headroom.py --modes eager,graph,compiled "$@" 2>&1 | grep "^#\|^size\|^[BL] " | tee -a $o; }
f --sizes B --rows 64,2
f --sizes L --rows 64,2
f --sizes L --rows 64 --hidden-multiple 1
