# Session 11, call 10 (diagnostics for the next session): text-to-image sessions only, all arriving at once, so served
# batches hold the same rows as the homogeneous lockstep batches (128 rows): is a served batch slower on its own?
set +e
o=$OUT/gpu-s11-call10.txt
r(){ echo "== $*" | tee -a $o; timeout 150 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt; grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -40 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 2 --workload t2i --stagger-ms 0
r bench serving --model B --sessions 64 --device cuda --repeats 1 --workload t2i --stagger-ms 0 --profile
