# Session 10, call 8: serving A/B of decoder pass graphs in one call (B, N = 64).
set +e
o=$OUT/gpu-s10-call8.txt
r(){ echo "== $*" | tee -a $o; timeout 120 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3 --decoder-graphs off
r bench serving --model B --sessions 64 --device cuda --repeats 3 --decoder-graphs on
r bench serving --model B --sessions 64 --device cuda --repeats 3 --decoder-graphs off
