# Session 13, call 6: call 5's generator table was slower than session 12's (RGB→X B batch 32 0.0098 against 0.0072 s/sample).
# A/B in one process sequence: the current build (C) against the build before the pixel-stacking commit (P, e17500e, carried
# as .gpu-prev), each with server GC (default) and with DOTNET_gcServer=0, interleaved.
set +e
o=$OUT/gpu-s13-call6.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); env "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep "s/sample\|exit" /tmp/run.txt | tee -a $o; }
G="bench generate --sizes B --batch 1,32 --scenario t2i,rgb2x --runs 3"
bash .gpu/run device --device cuda > /dev/null 2>&1   # unpacks the runtime for .gpu-prev
r C=1 timeout 120 bash .gpu/run $G
r P=1 timeout 120 bash .gpu-prev/run $G
r DOTNET_gcServer=0 C=1 timeout 120 bash .gpu/run $G
r DOTNET_gcServer=0 P=1 timeout 120 bash .gpu-prev/run $G
r C=1 timeout 120 bash .gpu/run $G
r P=1 timeout 120 bash .gpu-prev/run $G
