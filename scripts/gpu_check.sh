#!/usr/bin/env bash
# The checks that need a CUDA GPU, in a few minutes: the CUDA tests, what TF32 does to the
# agreement, and a quick benchmark with the PyTorch twin on the GPU. Run from anywhere.
set -u
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
status=0
python3 -c "import torch; print('torch', torch.__version__, 'CUDA', torch.version.cuda, 'GPU available:', torch.cuda.is_available())"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null

echo; echo "== CUDA tests (tests/test_device.py)"
python3 -m pytest -q -rA -s -p no:cacheprovider tests/test_device.py || status=1

echo; echo "== what TF32 does to the agreement"
python3 scripts/tf32_effect.py || status=1

echo; echo "== benchmark, PyTorch twin on CUDA (TF32 off)"
python3 -m mlp_harness.cli.bench_cli --device cuda --quick || status=1

echo; echo "== the same large float32 case with TF32 allowed"
python3 -m mlp_harness.cli.bench_cli --device cuda --quick --allow-tf32 --nets 784-512-512-10 --dtypes float32 \
    --no-harness || status=1

echo; echo "gpu_check: $([ $status -eq 0 ] && echo 'all passed' || echo 'SOME CHECKS FAILED')"
exit $status
