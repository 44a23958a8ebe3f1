# Session 12, call 7: is the first served run's slow start (session start calls' first state write 60+ ms on average, fast
# from the second run on) the JIT's tiering? Same instrumented build as call 6, with tiering or its PGO turned off.
set +e
o=$OUT/gpu-s12-call7.txt
phases(){ grep START-TIMING /tmp/run.txt | paste - - | awk 'NR<=2{g="warmup"} NR>2&&NR<=66{g="warmup-scale"} NR>66&&NR<=130{g="run1"} NR>130{g="run2"} {for(i=2;i<=NF;i++) if($i!="START-TIMING" && $(i+1) ~ /^[0-9.]+$/){s[g" "$i]+=$(i+1); n[g" "$i]++; if($(i+1)>m[g" "$i]) m[g" "$i]=$(i+1)}} END{for(k in s) if(k ~ /persist|total|quota/) printf "    %s: mean %.1f max %.1f ms\n", k, s[k]/n[k], m[k]}' | sort | tee -a $o; }
for env in "DOTNET_TieredCompilation=0" "DOTNET_TieredPGO=0" "DOTNET_gcServer=1"; do
  echo "== $env bench serving --model B --sessions 64 --device cuda --repeats 2" | tee -a $o
  env $env timeout 200 bash .gpu/run bench serving --model B --sessions 64 --device cuda --repeats 2 > /tmp/run.txt 2>&1
  grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)\|START-TIMING" /tmp/run.txt | grep "sessions= 64\|admission\|ratios\|GC gen" | tee -a $o
  phases
done
