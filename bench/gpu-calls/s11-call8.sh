# Session 11, call 8: the baselines now run on one dedicated thread with their own network (pass graphs per thread); L
# serving three times (it faulted in 4 of 6 runs before) and B serving with the defaults.
set +e
o=$OUT/gpu-s11-call8.txt
export DOTNET_DbgEnableMiniDump=1 DOTNET_EnableCrashReport=1 DOTNET_DbgMiniDumpType=1 DOTNET_DbgMiniDumpName=/tmp/crash-%p
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt; grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -40 | tee -a $o; }
for i in 1 2 3; do r bench serving --model L --sessions 64 --device cuda --repeats 1; done
r bench serving --model B --sessions 64 --device cuda --repeats 3
ls -la /tmp/crash-* 2>&1 | tee -a $o
cp /tmp/crash-*.crashreport.json $OUT/ 2>/dev/null
