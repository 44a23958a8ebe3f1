# Session 10, call 2: CUDA graphs for autoregressive decoding (default) against the growing cache.
set +e
o=$OUT/gpu-s10-call2.txt
r(){ echo "== $*" | tee -a $o; timeout 240 bash .gpu/run "$@" 2>&1 | tee -a $o; }
r bench generate --sizes B,L,XL --batch 1,8,32 --scenario rgb2x --runs 5 --ar-deviation
r bench generate --sizes B,L,XL --batch 1,8,32 --scenario rgb2x --runs 5 --ar-decoding growing
r bench generate --sizes B --batch 1 --scenario rgb2x --runs 3 --profile
{
echo "== sizeof probe"
inc=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/include")')
printf '#include <ATen/cuda/CUDAGraph.h>\n#include <c10/cuda/CUDAStream.h>\n#include <cstdio>\n#include <type_traits>\nint main(){printf("sizeof CUDAGraph %%zu, CUDAStream %%zu trivially copyable %%d\\n", sizeof(at::cuda::CUDAGraph), sizeof(c10::cuda::CUDAStream), (int)std::is_trivially_copyable<c10::cuda::CUDAStream>::value);}\n' > /tmp/p.cpp
timeout 90 g++ -std=c++17 -fsyntax-only -I$inc -I$inc/torch/csrc/api/include -I/usr/local/cuda/include /tmp/p.cpp && timeout 90 g++ -std=c++17 -I$inc -I/usr/local/cuda/include /tmp/p.cpp -o /tmp/p -L$(dirname $inc)/lib -lc10 -lc10_cuda -ltorch_cuda -Wl,-rpath,$(dirname $inc)/lib 2>&1 | tail -3; /tmp/p
} 2>&1 | tee -a $o
