set +e
o=$OUT/gpu-s10-call1.txt
r(){ echo "== $*" | tee -a $o; timeout 200 bash .gpu/run "$@" 2>&1 | tee -a $o; }
r bench serving --model B --sessions 64 --device cuda --repeats 3
r bench serving --model B --sessions 64 --device cuda --repeats 3 --align-ms 1000
r bench serving --model L --sessions 64 --device cuda --repeats 2
{
echo "== probes"
which g++ gcc c++ nvcc cc
tl=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))')
echo $tl; python3 -c 'import torch;print(torch.__version__, torch.version.cuda)'
ls $tl/include | head; ls $tl/lib
nm -DC --defined-only $tl/lib/libtorch_cuda.so | grep -i "CUDAGraph::" | head -40
nm -D --defined-only $tl/lib/libtorch_cuda.so | grep -i "CUDAGraph" | head -40
nm -D --defined-only $tl/lib/libc10_cuda.so | grep -i "StreamFromPool\|setCurrentCUDAStream\|getCurrentCUDAStream\|getDefaultCUDAStream" 
pip list 2>/dev/null | grep -i nvidia
python3 - <<'PY'
import torch
g=torch.cuda.CUDAGraph()
print("graph ok", torch._C._cuda_getCurrentRawStream(0) if hasattr(torch._C,'_cuda_getCurrentRawStream') else '')
PY
} 2>&1 | tee -a $o
