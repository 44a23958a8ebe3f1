# Session 14, call 8: the whole user path again, now with the warm-up burst (32 sessions, the default on CUDA) before the silo reports started; on the H200: the silo host (CUDA build, random 4M-B weights in bf16 on cuda:0),
# the HTTP gateway in front of it (.gpu-gw: the gateway published for the same .NET runtime), and 64 users, each its own
# client id, half text->image and half image-tokens->X, arriving 5 ms apart, each watching its session's server-sent events
# (bench/gateway_load.py). Two rounds.
set +e
o=$OUT/gpu-s14-call8.txt
bash .gpu/run --model random:base --dtype bfloat16 --device cuda:0 > /tmp/silo.log 2>&1 &
silo=$!
for i in $(seq 1 180); do python3 -c "import urllib.request;urllib.request.urlopen('http://127.0.0.1:8081/health/ready',timeout=2)" 2>/dev/null && break; sleep 1; done
echo "silo ready after ${i} s" | tee -a $o
rm -rf /tmp/gwapp && mkdir -p /tmp/gwapp && tar -xJf .gpu-gw/app.tar.xz -C /tmp/gwapp
DOTNET_ROOT=/tmp/dotnet /tmp/dotnet/dotnet /tmp/gwapp/app/FourM.Gateway.dll > /tmp/gateway.log 2>&1 &
gateway=$!
for i in $(seq 1 60); do python3 -c "import urllib.request;urllib.request.urlopen('http://127.0.0.1:8080/readyz',timeout=2)" 2>/dev/null && break; sleep 1; done
echo "gateway ready after ${i} s" | tee -a $o
for round in 1 2; do
  echo "== round $round" | tee -a $o
  timeout 150 python3 bench/gateway_load.py --sessions 64 2>&1 | cut -c1-600 | tee -a $o
done
python3 - <<'PY' 2>&1 | tee -a $o
import urllib.request
for line in urllib.request.urlopen("http://127.0.0.1:8081/metrics").read().decode().splitlines():
    if line.startswith(("fourm_gpu", "fourm_generation_time_to_first_preview_seconds_sum", "fourm_generation_time_to_first_preview_seconds_count",
                        "fourm_generation_e2e_latency_seconds_sum", "fourm_generation_e2e_latency_seconds_count", "fourm_admission_rejected",
                        "fourm_engine_jobs_cancelled", "fourm_step_batch_rows_sum", "fourm_step_batch_rows_count", "fourm_session_step_overhead_milliseconds_sum", "fourm_session_step_overhead_milliseconds_count")):
        print(line[:240])
PY
kill -TERM $gateway $silo; wait $silo; echo "silo exit $?" | tee -a $o
grep -i "warm-up\|started" /tmp/silo.log | cut -c1-250 | tee -a $o
grep -i " error\|exception\|fail" /tmp/silo.log /tmp/gateway.log | grep -v "^.*warn: Orleans" | cut -c1-300 | head -10 | tee -a $o
