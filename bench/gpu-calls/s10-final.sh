# Session 10, final call: the generation table and serving with the session-end build.
set +e
o=$OUT/gpu-s10-final.txt
r(){ echo "== $*" | tee -a $o; timeout 280 bash .gpu/run "$@" 2>&1 | grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" | tee -a $o; }
r bench generate --sizes B,L,XL --batch 1,8,32 --scenario t2i,rgb2x --runs 3
r bench serving --model B --sessions 64 --device cuda --repeats 5
r bench serving --model L --sessions 64 --device cuda --repeats 3
r bench serving --model B --sessions 64 --device cuda --repeats 3 --align-ms 1000
