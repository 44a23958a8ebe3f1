# Session 10, call 7 (last): the generation table and serving with both kinds of CUDA graphs on (the new defaults).
set +e
o=$OUT/gpu-s10-call7.txt
r(){ echo "== $*" | tee -a $o; timeout 280 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
r bench generate --sizes B,L,XL --batch 1,8,32 --scenario t2i,rgb2x --runs 3 --decoder-graphs-deviation
r bench serving --model B --sessions 64 --device cuda --repeats 3
r bench serving --model L --sessions 64 --device cuda --repeats 3
nvidia-smi --query-gpu=memory.used,memory.total --format=csv | tee -a $o
