#!/usr/bin/env bash
# What training needs, from Debian (PyPI is not reachable here): PyTorch, ONNX, and OpenBLAS, which
# makes torch's matrix products ~25x faster than the reference BLAS it comes with. Then a check.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if ! /usr/bin/python3 -c "import torch, onnx" 2>/dev/null || ! ls /usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3 >/dev/null 2>&1; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends python3-torch python3-onnx libopenblas0-openmp
fi
/usr/bin/python3 - <<'PY'
import time, torch, onnx
torch.set_num_threads(2)
a = torch.randn(512, 512); b = torch.randn(512, 512)
for _ in range(3): a @ b
t = time.time(); n = 20
for _ in range(n): a @ b
gflops = 2 * 512 ** 3 * n / (time.time() - t) / 1e9
print(f"torch {torch.__version__}, onnx {onnx.__version__}, matmul {gflops:.0f} GFLOP/s on 2 threads")
if gflops < 20:
    raise SystemExit("torch is using a slow BLAS: install libopenblas0-openmp (update-alternatives --display libblas.so.3-x86_64-linux-gnu)")
PY
