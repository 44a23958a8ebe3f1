# Session 14, call 1: sequence steps decoded across engine batches (one caption token per batch, issued while the device
# works on the image step) against a sequence decode that holds the device. B five repeats each, interleaved A/B order;
# L three repeats each; then B with sessions 10 ms apart, on.
set +e
o=$OUT/gpu-s14-call1.txt
nvidia-smi --query-gpu=name,clocks.sm,temperature.gpu --format=csv,noheader | tee -a $o
r(){ echo "== $*" | tee -a $o; s=$(date +%s); timeout 110 bash .gpu/run bench serving --sessions 64 --device cuda "$@" > /tmp/run.txt 2>&1; echo "exit $? after $(( $(date +%s) - s )) s" >> /tmp/run.txt
     grep -v "^warn: Orleans\|Note: \(Silo\|ServerGC\)" /tmp/run.txt | grep "sessions=\|timeline\|GC gen\|ratios\|exit\|rror\|xception" | cut -c1-330 | tee -a $o; }
r --model B --repeats 5 --interleave-sequences on
r --model B --repeats 5 --interleave-sequences off
r --model L --repeats 3 --interleave-sequences on
r --model L --repeats 3 --interleave-sequences off
r --model B --repeats 3 --interleave-sequences on --stagger-ms 10
