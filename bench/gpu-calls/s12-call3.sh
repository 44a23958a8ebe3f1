# Session 12, call 3: pass graphs sharing one memory pool (capacity 64 by default) checked against eager passes; serving with
# the session's changes (alignment run length 8, 64 storage grains, shared-pool graphs), aligned and not, B and L.
set +e
o=$OUT/gpu-s12-call3.txt
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -60 | tee -a $o; }
lib=$(python3 -c "import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))")
echo "graph_pool_handle exported: $(nm -D --defined-only $lib/libtorch_cuda.so | grep -c _ZN2at4cuda17graph_pool_handleEv)" | tee -a $o
r bench generate --sizes B --batch 1 --scenario t2i --runs 1 --pass-graphs-check
r bench serving --model B --sessions 64 --device cuda --repeats 3 --align-ms 1000
r bench serving --model B --sessions 64 --device cuda --repeats 3
r bench serving --model L --sessions 64 --device cuda --repeats 3 --align-ms 1000
