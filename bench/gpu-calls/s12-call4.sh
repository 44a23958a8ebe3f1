# Session 12, call 4: issue 3 regression check of the shared graph pool (T2I batch 1, shared against private pools, three
# runs each), then the serving figures with this session's defaults (alignment on), five repeats for B and L.
set +e
o=$OUT/gpu-s12-call4.txt
r(){ echo "== $*" | tee -a $o; timeout 240 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -70 | tee -a $o; }
r bench generate --sizes B --batch 1,32 --scenario t2i,rgb2x --runs 3
r bench generate --sizes B --batch 1,32 --scenario t2i,rgb2x --runs 3 --graph-pool private
r bench serving --model B --sessions 64 --device cuda --repeats 5
r bench serving --model L --sessions 64 --device cuda --repeats 5
