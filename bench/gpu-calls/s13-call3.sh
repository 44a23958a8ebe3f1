# Session 13, call 3: where a lockstep step's time goes at 64 rows (B): the generator's phase profile at batch 1 and 32
# (synced and unsynced), and the served run's profile against the homogeneous baseline's.
set +e
o=$OUT/gpu-s13-call3.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); timeout 200 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -40 | tee -a $o; }
r bench generate --sizes B --batch 1,32 --scenario t2i --runs 2 --profile
r bench generate --sizes B --batch 1,32 --scenario t2i --runs 2 --profile-unsynced
r bench serving --model B --sessions 64 --device cuda --repeats 2 --profile
