# Session 13, call 10: sequence steps decoded across engine batches (one caption token per batch, issued while the device
# works on the image step) against a sequence decode that holds the device; B five repeats each, L three.
set +e
o=$OUT/gpu-s13-call10.txt
r(){ echo "== $*" | tee -a $o; s=$(date +%s); timeout 100 bash .gpu/run bench serving --sessions 64 --device cuda "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | grep "sessions=\|timeline\|GC gen\|ratios\|exit" | cut -c1-330 | tee -a $o; }
r --model B --repeats 5 --interleave-sequences on
r --model B --repeats 5 --interleave-sequences off
r --model L --repeats 3 --interleave-sequences on
