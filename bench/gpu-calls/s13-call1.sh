# Session 13, call 1: sessions store their inputs once (per-step writes carry no pixels); serving figures at N = 64 for B
# and L, five repeats each, against session 12's call 8 (mixed runs allocated ~940 MB, GC pauses 40-107 ms).
set +e
o=$OUT/gpu-s13-call1.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); timeout 290 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -60 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 5
r bench serving --model L --sessions 64 --device cuda --repeats 5
