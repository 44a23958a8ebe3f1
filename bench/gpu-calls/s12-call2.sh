# Session 12, call 2: alignment that skips short runs of image steps (--align-min-steps, new default 8) against the old
# rule (0); a large graph capacity (no eviction churn); per-run graph captures and admission times; one traced run.
set +e
o=$OUT/gpu-s12-call2.txt
r(){ echo "== $*" | tee -a $o; timeout 150 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)\|START-TIMING" /tmp/run.txt | tail -300 | tee -a $o
     grep START-TIMING /tmp/run.txt | awk '{for(i=2;i<NF;i+=2){s[$i]+=$(i+1);n[$i]++; if($(i+1)>m[$i])m[$i]=$(i+1)}} END{printf "    grain Start (ms, mean/max over %d sessions):", n["total"]; for(k in s) printf " %s %.1f/%.1f", k, s[k]/n[k], m[k]; print ""}' | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3 --align-ms 1000
r bench serving --model B --sessions 64 --device cuda --repeats 3 --align-ms 1000 --align-min-steps 0
r bench serving --model B --sessions 64 --device cuda --repeats 3 --align-ms 1000 --graph-capacity 128
r bench serving --model B --sessions 64 --device cuda --repeats 1 --align-ms 1000 --batch-trace
