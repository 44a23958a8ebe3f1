# Session 14, call 6: the silo host itself on the H200 (CUDA build, random 4M-B weights in bf16 on cuda:0): the smoke
# start (load, warm-up generation through a session, readiness, stop), then a long-running start whose health, summary and
# Prometheus metrics are read over HTTP before SIGTERM drains it.
set +e
o=$OUT/gpu-s14-call6.txt
nvidia-smi --query-gpu=name,memory.used --format=csv,noheader | tee -a $o
s=$(date +%s); timeout 240 bash .gpu/run --model random:base --dtype bfloat16 --device cuda:0 --smoke > /tmp/smoke.log 2>&1
echo "== smoke: exit $? after $(( $(date +%s) - s )) s" | tee -a $o
grep -v "^warn: Orleans\|^      " /tmp/smoke.log | grep -i "ready\|warm\|model\|device\|error\|exception\|fail" | cut -c1-300 | head -20 | tee -a $o
echo "== long-running silo" | tee -a $o
bash .gpu/run --model random:base --dtype bfloat16 --device cuda:0 --http http://127.0.0.1:8081 > /tmp/silo.log 2>&1 &
pid=$!
timeout 200 python3 - <<'PY' 2>&1 | tee -a $o
import time, urllib.request
start = time.time()
while True:
    try:
        r = urllib.request.urlopen("http://127.0.0.1:8081/health/ready", timeout=2)
        print(f"ready after {time.time() - start:.1f} s: {r.status} {r.read().decode()[:200]}"); break
    except Exception as e:
        if time.time() - start > 180: print("not ready:", e); raise SystemExit(1)
        time.sleep(1)
print(urllib.request.urlopen("http://127.0.0.1:8081/health/live").read().decode()[:200])
metrics = urllib.request.urlopen("http://127.0.0.1:8081/metrics").read().decode()
for line in metrics.splitlines():
    if line.startswith(("fourm_gpu", "fourm_generation_time_to_first_preview_seconds_sum", "fourm_generation_time_to_first_preview_seconds_count",
                        "fourm_generation_e2e_latency_seconds_sum", "fourm_engine_jobs_completed", "fourm_engine_active_sessions", "fourm_step_forward_duration_milliseconds_sum")):
        print(line[:240])
print(urllib.request.urlopen("http://127.0.0.1:8081/").read().decode()[:1200])
PY
nvidia-smi --query-gpu=memory.used --format=csv,noheader | sed 's/^/nvidia-smi while serving: /' | tee -a $o
kill -TERM $pid; s=$(date +%s); wait $pid; echo "== silo exit $? after SIGTERM, $(( $(date +%s) - s )) s" | tee -a $o
grep -v "^warn: Orleans\|^      " /tmp/silo.log | grep -i "drain\|stopp\|error\|exception" | cut -c1-300 | head -12 | tee -a $o
