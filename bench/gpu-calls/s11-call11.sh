# Session 11, call 11: step alignment again, now that chained steps need no round trip (B, mixed, N = 64).
set +e
o=$OUT/gpu-s11-call11.txt
r(){ echo "== $*" | tee -a $o; timeout 150 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt; grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -40 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3 --align-ms 1000
