# Session 13, call 8: at 10 ms apart B fell to 0.69 (call 7): newcomers catch up with held leaders in ~100 batches of ~5
# rows. Does a narrower alignment window (leaders wait only for sessions a few steps behind) do better there, and what does
# it cost at 5 ms? B, N = 64, three repeats each; alignment off for reference.
set +e
o=$OUT/gpu-s13-call8.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); timeout 150 bash .gpu/run bench serving --model B --sessions 64 --device cuda --repeats 3 "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | grep "sessions=\|timeline\|ratios\|exit" | cut -c1-330 | tee -a $o; }
r --stagger-ms 10 --align-window 8
r --stagger-ms 10 --align-window 4
r --stagger-ms 10 --align-ms 0
r --stagger-ms 5 --align-window 8
r --stagger-ms 5 --align-window 4
