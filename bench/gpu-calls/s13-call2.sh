# Session 13, call 2: server GC against workstation GC (Orleans recommends server GC for silos), same build as call 1,
# interleaved, B N = 64 five repeats each; then L with server GC.
set +e
o=$OUT/gpu-s13-call2.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); env "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | grep -v "admission\|timeline" | tail -40 | tee -a $o; }
B="timeout 200 bash .gpu/run bench serving --model B --sessions 64 --device cuda --repeats 5"
L="timeout 200 bash .gpu/run bench serving --model L --sessions 64 --device cuda --repeats 5"
r DOTNET_gcServer=0 $B
r DOTNET_gcServer=1 $B
r DOTNET_gcServer=0 $B
r DOTNET_gcServer=1 $B
r DOTNET_gcServer=1 $L
