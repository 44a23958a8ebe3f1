# Session 11, call 6: the segmentation fault of L serving (call 4/5): a .NET crash report of it, then the same run with
# step chains off and with encoder graphs off.
set +e
o=$OUT/gpu-s11-call6.txt
r(){ echo "== $*" | tee -a $o; timeout 150 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt; grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -40 | tee -a $o; }
export DOTNET_DbgEnableMiniDump=1 DOTNET_EnableCrashReport=1 DOTNET_DbgMiniDumpType=1 DOTNET_DbgMiniDumpName=/tmp/crash-%p
r bench serving --model L --sessions 64 --device cuda --repeats 1
ls -la /tmp/crash-* 2>&1 | tee -a $o
cp /tmp/crash-*.crashreport.json $OUT/ 2>/dev/null; rm -f /tmp/crash-*
unset DOTNET_DbgEnableMiniDump DOTNET_EnableCrashReport
r bench serving --model L --sessions 64 --device cuda --repeats 1 --chains off
r bench serving --model L --sessions 64 --device cuda --repeats 1 --encoder-graphs off
