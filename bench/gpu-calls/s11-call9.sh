# Session 11, call 9 (final): the generation table with the session's defaults; mixed serving for B (workstation GC, then
# server GC and a 256 MB gen0 budget through the runtime's environment switches) and L.
set +e
o=$OUT/gpu-s11-call9.txt
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" > /tmp/run.txt 2>&1; echo "exit $?" >> /tmp/run.txt; grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | tail -60 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3
export DOTNET_gcServer=1; echo "(DOTNET_gcServer=1)" | tee -a $o
r bench serving --model B --sessions 64 --device cuda --repeats 3
export DOTNET_GCgen0size=0x10000000; echo "(DOTNET_gcServer=1 DOTNET_GCgen0size=0x10000000)" | tee -a $o
r bench serving --model B --sessions 64 --device cuda --repeats 3
unset DOTNET_gcServer DOTNET_GCgen0size
r bench serving --model L --sessions 64 --device cuda --repeats 3
r bench generate --sizes B,L,XL --batch 1,8,32 --scenario t2i,rgb2x --runs 3
nvidia-smi --query-gpu=memory.used,memory.total --format=csv | tee -a $o
