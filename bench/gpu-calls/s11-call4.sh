# Session 11, call 4: new defaults (encoder pass graphs on CUDA, graph-aware pass cost, engine-side step chains in fused
# serving): the generation table and mixed serving for B and L.
set +e
o=$OUT/gpu-s11-call4.txt
r(){ echo "== $*" | tee -a $o; timeout 280 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3
r bench serving --model L --sessions 64 --device cuda --repeats 3
r bench generate --sizes B,L,XL --batch 1,8,32 --scenario t2i,rgb2x --runs 3
nvidia-smi --query-gpu=memory.used,memory.total --format=csv | tee -a $o
