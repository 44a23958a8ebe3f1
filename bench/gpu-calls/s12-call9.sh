# Session 12, call 9: the final build again in a fresh process (B, N = 64, five repeats): does B's 0.82 hold?
set +e
o=$OUT/gpu-s12-call9.txt
r(){ echo "== $*" | tee -a $o; timeout 280 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -60 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 5
