# Session 14, call 4: the device-memory query behind the fourm.gpu.memory_used_bytes gauge, on the H200 (asked from a
# thread other than the one that ran the matmul), next to nvidia-smi's figure for an idle device.
set +e
o=$OUT/gpu-s14-call4.txt
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader | tee -a $o
timeout 120 bash .gpu/run device --device cuda 2>&1 | grep -v "^warn: Orleans" | tee -a $o
