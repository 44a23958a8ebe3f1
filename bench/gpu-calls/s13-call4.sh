# Session 13, call 4: batching knobs for the arrival window (B, N = 64, server GC, three repeats each): the image→X sessions'
# three-step runs held too (align-min-steps 3), a longer queue delay, a wider alignment window.
set +e
o=$OUT/gpu-s13-call4.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); DOTNET_gcServer=1 timeout 150 bash .gpu/run bench serving --model B --sessions 64 --device cuda --repeats 3 "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | grep "sessions=\|timeline\|ratios\|exit" | cut -c1-330 | tee -a $o; }
r
r --align-min-steps 3
r --max-delay-ms 40
r --align-window 32
r --align-min-steps 3 --max-delay-ms 40
r --max-delay-ms 10
