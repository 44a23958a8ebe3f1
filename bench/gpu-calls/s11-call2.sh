# Session 11, call 2: why an encoder graph capture failed in serving (the failure is printed now, and eager passes recover),
# plus device time per phase of B text-to-image batch 32 with both graph kinds.
set +e
o=$OUT/gpu-s11-call2.txt
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3 --encoder-graphs on
r bench generate --sizes B --batch 32 --scenario t2i --runs 2 --encoder-graphs on --profile
r bench generate --sizes B --batch 32 --scenario t2i --runs 2 --encoder-graphs off --profile
