# Session 14, call 7: the whole user path on the H200 (silo + gateway + 64 HTTP users, three rounds); the silo ran only its
# one-session warm-up before it reported started (the warm-up burst came after this call).
bash bench/gpu-calls/user-path.sh gpu-s14-call7.txt 3
