# Session 10, call 6: decoder passes of image steps replayed from CUDA graphs per shape bucket, A/B in one call.
set +e
o=$OUT/gpu-s10-call6.txt
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
r bench generate --sizes B,L --batch 1,32 --scenario t2i --runs 3 --decoder-graphs on
r bench generate --sizes B,L --batch 1,32 --scenario t2i --runs 3
r bench generate --sizes B --batch 1,32 --scenario t2i --runs 2 --decoder-graphs on --profile-unsynced
r bench serving --model B --sessions 64 --device cuda --repeats 3 --decoder-graphs on
