# Session 13, call 7: final build (inputs stored once, server GC; pixel stacking reverted). How mixed/homogeneous depends on
# the arrival window: B at N = 64 with sessions 0, 2, 5 (the benchmark's default) and 10 ms apart, three repeats each.
set +e
o=$OUT/gpu-s13-call7.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); timeout 150 bash .gpu/run bench serving --model B --sessions 64 --device cuda --repeats 3 "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | grep "sessions=\|timeline\|GC gen\|ratios\|exit" | cut -c1-330 | tee -a $o; }
r --stagger-ms 5
r --stagger-ms 0
r --stagger-ms 2
r --stagger-ms 10
