# Session 12, call 1: per-batch traces of served runs (B, N = 64), aligned and not, to see what lies on the critical path
# after the last arrival; plus a wider alignment (budget 2 s, window 80).
set +e
o=$OUT/gpu-s12-call1.txt
r(){ echo "== $*" | tee -a $o; timeout 150 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt; grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -300 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 1 --align-ms 1000 --batch-trace
r bench serving --model B --sessions 64 --device cuda --repeats 1 --batch-trace
r bench serving --model B --sessions 64 --device cuda --repeats 3 --align-ms 2000 --align-window 80
r bench serving --model B --sessions 64 --device cuda --repeats 1 --workload t2i --align-ms 1000 --batch-trace
