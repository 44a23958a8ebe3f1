# Session 12, call 6: issue 3's full default table with this session's build (pass graphs in one shared pool, capacity 64),
# and where a first served run's admission time goes (a temporary per-phase print in the session's start call, grouped by
# run: the instrumented build was not committed).
set +e
o=$OUT/gpu-s12-call6.txt
r(){ echo "== $*" | tee -a $o; timeout 300 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)\|START-TIMING" /tmp/run.txt | tail -60 | tee -a $o; }
r bench generate --sizes B,L,XL --batch 1,8,32 --scenario t2i,rgb2x --runs 3
echo "== bench serving --model B --sessions 64 --device cuda --repeats 2 (start-call phases per run)" | tee -a $o
timeout 200 bash .gpu/run bench serving --model B --sessions 64 --device cuda --repeats 2 > /tmp/run.txt 2>&1
grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)\|START-TIMING" /tmp/run.txt | grep "sessions= 64\|admission\|ratios" | tee -a $o
# 2 warm-up sessions, 64 warm-up-scale sessions, then 64 per measured run.
grep START-TIMING /tmp/run.txt | paste - - | awk 'NR<=2{g="warmup"} NR>2&&NR<=66{g="warmup-scale"} NR>66&&NR<=130{g="run1"} NR>130{g="run2"} {for(i=2;i<=NF;i++) if($i!="START-TIMING" && $(i+1) ~ /^[0-9.]+$/){s[g" "$i]+=$(i+1); n[g" "$i]++; if($(i+1)>m[g" "$i]) m[g" "$i]=$(i+1)}} END{for(k in s) printf "    %s: mean %.1f max %.1f ms\n", k, s[k]/n[k], m[k]}' | sort | tee -a $o
