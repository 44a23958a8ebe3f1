# Session 13, call 5: final build (inputs stored once, server GC by default, pixel rows stacked by libtorch): serving at
# N = 64 for B and L, five repeats each, and issue 3's full default table.
set +e
o=$OUT/gpu-s13-call5.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); timeout 250 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -60 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 5
r bench serving --model L --sessions 64 --device cuda --repeats 5
r bench generate --sizes B,L,XL --batch 1,8,32 --scenario t2i,rgb2x --runs 3
