# Session 12, call 5: per-batch traces of two steady served runs with this session's defaults (B, N = 64).
set +e
o=$OUT/gpu-s12-call5.txt
r(){ echo "== $*" | tee -a $o; timeout 240 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -400 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3 --batch-trace
