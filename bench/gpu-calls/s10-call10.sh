# Session 10, call 10: peak GPU memory of a B text-to-image batch of 32 with and without decoder pass graphs (nvidia-smi, 0.2 s samples).
set +e
o=$OUT/gpu-s10-call10.txt
for g in off on; do
  bash .gpu/run bench generate --sizes B --batch 32 --scenario t2i,rgb2x --runs 1 --decoder-graphs $g > /tmp/run.txt 2>&1 &
  p=$!; peak=0
  while kill -0 $p 2>/dev/null; do m=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1); [ "$m" -gt "$peak" ] && peak=$m; sleep 0.2; done
  { echo "== decoder graphs $g: peak memory.used $peak MiB"; grep "^t2i\|^rgb2x\|decoder graphs" /tmp/run.txt; } | tee -a $o
done
