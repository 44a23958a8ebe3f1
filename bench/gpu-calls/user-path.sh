# The whole user path on the GPU machine: the silo host (CUDA build, random 4M-B weights in bf16 on cuda:0), the HTTP
# gateway in front of it, and rounds of 64 users through bench/gateway_load.py (each its own client id, half text->image
# and half image-tokens->X, 5 ms apart, each following its session's server-sent events); then the silo's own metrics.
#   usage (device run, carry [".gpu", ".gpu-gw"]): bash bench/gpu-calls/user-path.sh <output file name> <rounds>
# Bundles, here: the gateway first, its app moved aside (the silo's bundle brings the .NET runtime both use), then the silo:
#   bash ../shared/gpu/bundle.sh client/FourM.Gateway/FourM.Gateway.csproj && rm -rf .gpu-gw && mkdir .gpu-gw \
#     && mv .gpu/app.tar.xz .gpu-gw/ && bash ../shared/gpu/bundle.sh silo/FourM.Silo/FourM.Silo.csproj -p:FourMTorchBackend=cuda
#   (.gpu-gw must be git-ignored, e.g. in .git/info/exclude, to travel as a carried path)
set +e
o=$OUT/${1:?output file name}
rounds=${2:-2}
bash .gpu/run --model random:base --dtype bfloat16 --device cuda:0 > /tmp/silo.log 2>&1 &
silo=$!
for i in $(seq 1 180); do python3 -c "import urllib.request;urllib.request.urlopen('http://127.0.0.1:8081/health/ready',timeout=2)" 2>/dev/null && break; sleep 1; done
echo "silo ready after ${i} s" | tee -a $o
rm -rf /tmp/gwapp && mkdir -p /tmp/gwapp && tar -xJf .gpu-gw/app.tar.xz -C /tmp/gwapp
DOTNET_ROOT=/tmp/dotnet /tmp/dotnet/dotnet /tmp/gwapp/app/FourM.Gateway.dll > /tmp/gateway.log 2>&1 &
gateway=$!
for i in $(seq 1 60); do python3 -c "import urllib.request;urllib.request.urlopen('http://127.0.0.1:8080/readyz',timeout=2)" 2>/dev/null && break; sleep 1; done
echo "gateway ready after ${i} s" | tee -a $o
for round in $(seq 1 $rounds); do
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
