# Session 10, call 9: decoder pass graphs with row buckets; serving A/B in one call, and B/L text-to-image.
set +e
o=$OUT/gpu-s10-call9.txt
r(){ echo "== $*" | tee -a $o; timeout 110 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3 --decoder-graphs on
r bench serving --model B --sessions 64 --device cuda --repeats 3 --decoder-graphs off
r bench generate --sizes B,L --batch 1,32 --scenario t2i --runs 3
