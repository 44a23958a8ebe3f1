# Session 12, call 8: final build (tiering off in the CLI and silo, finishing sessions release the barrier), serving figures
# at N = 64 for B and L, five repeats each; then the CPU-side sanity of the GPU build's pass graphs.
set +e
o=$OUT/gpu-s12-call8.txt
r(){ echo "== $*" | tee -a $o; timeout 280 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -60 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 5
r bench serving --model L --sessions 64 --device cuda --repeats 5
