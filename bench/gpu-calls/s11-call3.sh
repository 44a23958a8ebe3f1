# Session 11, call 3: with encoder graphs on, the pass-cost split (default vs 2048 vs 1024 tokens) for batch 32 and mixed
# serving; and the capture failure at capacity 64 (printed now).
set +e
o=$OUT/gpu-s11-call3.txt
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
for c in default 2048 1024; do
  a=""; [ $c != default ] && a="--pass-cost-tokens $c"
  r bench generate --sizes B,L --batch 32 --scenario t2i,rgb2x --runs 3 --encoder-graphs on $a
done
r bench serving --model B --sessions 64 --device cuda --repeats 3 --encoder-graphs on --pass-cost-tokens 2048 --profile
r bench serving --model B --sessions 64 --device cuda --repeats 2 --encoder-graphs on --graph-capacity 64
nvidia-smi --query-gpu=memory.used,memory.total --format=csv | tee -a $o
