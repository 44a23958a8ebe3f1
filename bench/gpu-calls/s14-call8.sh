# Session 14, call 8: call 7 again (two rounds), now with the warm-up burst (32 sessions, the default on CUDA devices) before
# the silo reports started.
bash bench/gpu-calls/user-path.sh gpu-s14-call8.txt 2
