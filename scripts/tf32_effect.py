"""What TF32 does to the agreement: one step of 784-512-512-10 (batch 1024), torch on CUDA.

For float64, float32 and float32 with TF32 allowed, prints each quantity's
max |NumPy − PyTorch| relative to the quantity's largest |value|. Needs a GPU.
"""
import argparse
import sys

import numpy as np

from manual_mlp.validation import InputError
from mlp_harness.bench.bench import NETS, problem
from mlp_harness.verify.run import RunConfig, run_comparison
from torch_reference.device import check_device

VARIANTS = (("float64", False), ("float32", False), ("float32", True))


def relative_diffs(dtype: str, allow_tf32: bool) -> dict[str, float]:
    net = next(net for net in NETS if net.name == "784-512-512-10")
    thetas, biases, X, Y, eta = problem(net, dtype)
    config = RunConfig(lr=eta, dtype=dtype, device="cuda", allow_tf32=allow_tf32)
    report = run_comparison(config, thetas, biases, X, Y)  # one step: every quantity is compared, pass or fail
    return {d.label: d.max_abs_diff / max(float(np.max(np.abs(d.torch_value))), 1e-30) for d in report.first_diffs}


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    try:
        check_device("cuda")
    except InputError as exc:
        print(f"tf32_effect: {exc}", file=sys.stderr)
        return 2
    columns = {f"{dtype}{' TF32' if tf32 else ''}": relative_diffs(dtype, tf32) for dtype, tf32 in VARIANTS}
    print("max |NumPy − PyTorch(CUDA)| / max |value|, step 1 of 784-512-512-10, batch 1024")
    print(f"{'quantity':<12}" + "".join(f"{name:>16}" for name in columns))
    for label in next(iter(columns.values())):
        print(f"{label:<12}" + "".join(f"{col[label]:>16.2e}" for col in columns.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
