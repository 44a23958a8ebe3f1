# Session 11, call 7: L serving with encoder graphs twice more, with the GPU's peak memory (nvidia-smi every 0.2 s) and a
# .NET crash report if it faults again.
set +e
o=$OUT/gpu-s11-call7.txt
export DOTNET_DbgEnableMiniDump=1 DOTNET_EnableCrashReport=1 DOTNET_DbgMiniDumpType=1 DOTNET_DbgMiniDumpName=/tmp/crash-%p
for i in 1 2; do
  timeout 150 bash .gpu/run bench serving --model L --sessions 64 --device cuda --repeats 1 > /tmp/run.txt 2>&1 &
  p=$!; peak=0
  while kill -0 $p 2>/dev/null; do m=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1); [ "$m" -gt "$peak" ] && peak=$m; sleep 0.2; done
  wait $p; rc=$?
  { echo "== L serving run $i: exit $rc, peak memory.used $peak MiB"; grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | grep "sessions=\|graphs\|ratios\|xception\|rror" | head -20; } | tee -a $o
done
ls -la /tmp/crash-* 2>&1 | tee -a $o
cp /tmp/crash-*.crashreport.json $OUT/ 2>/dev/null
