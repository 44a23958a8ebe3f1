# Session 13, call 9: the 32-job caption run (about 0.16 s) stalls the text→image chain right after the arrivals. Shorter
# sequence holds split the captions into smaller runs, the first ones inside the arrival window. B, N = 64, three repeats each.
set +e
o=$OUT/gpu-s13-call9.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); timeout 150 bash .gpu/run bench serving --model B --sessions 64 --device cuda --repeats 3 "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | grep "sessions=\|timeline\|ratios\|exit" | cut -c1-330 | tee -a $o; }
r --ar-hold-ms 150
r --ar-hold-ms 300
r
