# Session 10, call 4: where a B text-to-image step at batch 32 spends its time, with and without phase syncs.
set +e
o=$OUT/gpu-s10-call4.txt
r(){ echo "== $*" | tee -a $o; timeout 250 bash .gpu/run "$@" 2>&1 | tee -a $o; }
r bench generate --sizes B --batch 1,32 --scenario t2i --runs 2 --profile-unsynced
r bench generate --sizes B --batch 32 --scenario t2i --runs 2 --profile
r bench generate --sizes B --batch 32 --scenario t2i --runs 3
