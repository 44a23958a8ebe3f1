# Session 11, call 5: why L serving ended silently in call 4 (full output and exit status); B serving with every session
# arriving at once and with the text-to-image workload alone (is the mixed batches' extra cost heterogeneity or serving?);
# the graph-aware pass cost at XL.
set +e
o=$OUT/gpu-s11-call5.txt
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt; grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -60 | tee -a $o; }
r bench serving --model L --sessions 64 --device cuda --repeats 2
r bench serving --model B --sessions 64 --device cuda --repeats 2 --stagger-ms 0
r bench serving --model B --sessions 64 --device cuda --repeats 2 --workload t2i
for c in 384 1152; do r bench generate --sizes XL --batch 32 --scenario t2i --runs 3 --pass-cost-tokens $c; done
