# Session 11, call 1: encoder pass graphs off/on (A/B in one call) for generation (B, L) and mixed serving (B, N = 64).
set +e
o=$OUT/gpu-s11-call1.txt
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
r bench generate --sizes B,L --batch 1,32 --scenario t2i,rgb2x --runs 3 --encoder-graphs off
r bench generate --sizes B,L --batch 1,32 --scenario t2i,rgb2x --runs 3 --encoder-graphs on
r bench generate --sizes B --batch 32 --scenario t2i --runs 2 --encoder-graphs on --profile-unsynced
r bench serving --model B --sessions 64 --device cuda --repeats 3 --encoder-graphs off
r bench serving --model B --sessions 64 --device cuda --repeats 3 --encoder-graphs on --graph-capacity 64
nvidia-smi --query-gpu=memory.used,memory.total --format=csv | tee -a $o
