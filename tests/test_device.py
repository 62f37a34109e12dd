"""The torch twin on another device: clear refusals without CUDA, agreement with it.

The CUDA tests skip on machines without a GPU; ``scripts/gpu_check.sh`` runs them.
"""
import numpy as np
import pytest
import torch

from manual_mlp import InputError, lab
from mlp_harness import RunConfig, run_comparison
from mlp_harness.cli import compare_cli
from mlp_harness.bench.bench import NETS, problem
from mlp_harness.cli.options import run_config
from torch_reference import TorchTwin
from torch_reference.device import check_device, tf32_mode

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
no_cuda = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
MNIST_SHAPED = next(net for net in NETS if net.name == "784-512-512-10")


def test_cpu_is_always_there():
    assert check_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("device", ["tpu", "banana"])
def test_unknown_device_is_refused_by_name(device):
    with pytest.raises(InputError, match=device):
        check_device(device)


@no_cuda
def test_cuda_without_a_gpu_is_refused_with_the_way_out():
    with pytest.raises(InputError, match="--device cpu"):
        TorchTwin(lab.lab_thetas(), device="cuda")


@no_cuda
def test_compare_cli_without_a_gpu_exits_2(capsys):
    assert compare_cli.main(["--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mlp-compare: error: --device cuda") and "Traceback" not in err


def test_device_flags_reach_the_run_config():
    args = compare_cli.build_parser().parse_args(["--device", "cuda", "--allow-tf32"])
    config = run_config(args, 1)
    assert (config.device, config.allow_tf32) == ("cuda", True)
    assert run_config(compare_cli.build_parser().parse_args([]), 1).allow_tf32 is False


@pytest.mark.parametrize("allow", [True, False])
def test_tf32_mode_sets_both_flags_and_puts_them_back(allow):
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    with tf32_mode(allow):
        assert (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32) == (allow, allow)
    assert (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32) == before


# ---- on a GPU -------------------------------------------------------------------------------------------------

def mnist_step(dtype: str, allow_tf32: bool):
    """Step 1 of the 784-512-512-10 net (batch 1024), torch on CUDA; the default tolerance is not enforced here."""
    thetas, biases, X, Y, eta = problem(MNIST_SHAPED, dtype)
    return run_comparison(RunConfig(lr=eta, dtype=dtype, device="cuda", allow_tf32=allow_tf32), thetas, biases, X, Y)


def largest_relative_diff(report) -> float:
    """max over quantities of max|Δ| / max|torch value|: the disagreement in units of each quantity's scale."""
    return max(d.max_abs_diff / max(float(np.max(np.abs(d.torch_value))), 1e-30) for d in report.first_diffs)


@needs_cuda
def test_lab_on_cuda_agrees_in_float64():
    # float64 on the GPU is IEEE float64: the harness's 1e4·ε (2.2e-12) holds as on the CPU.
    report = run_comparison(RunConfig(steps=200, device="cuda"), lab.lab_thetas(), None, lab.X, lab.Y)
    assert report.ok, report.first_mismatch.describe()


@needs_cuda
def test_cuda_records_come_back_as_numpy_on_the_cpu():
    twin = TorchTwin(lab.lab_thetas(), device="cuda")
    assert twin.model.linears[0].weight.device.type == "cuda"
    record = twin.train_step(lab.X, lab.Y)
    assert all(type(value) is np.ndarray for _, _, value in record.quantities())


@needs_cuda
def test_float32_on_cuda_without_tf32_agrees_within_float32_tolerance():
    # Tolerance 1e4·ε(float32) ≈ 1.2e-3, the harness's float32 default; sums of 784 products differ by ~1e-6.
    report = mnist_step("float32", allow_tf32=False)
    assert report.ok, report.first_mismatch.describe()


@needs_cuda
def test_tf32_disagrees_far_more_than_float32():
    """Report (printed) how far TF32 moves the twins apart; assert only the robust part.

    TF32 rounds matmul inputs to 10 mantissa bits (2⁻¹¹ ≈ 4.9e-4 relative) against float32's 2⁻²⁴, so
    its disagreement is ~1e3 times float32's; asserting 10 times leaves a wide margin. GPUs before Ampere
    (compute capability 8.0) have no TF32 and are exempt from the assertion.
    """
    fp32 = largest_relative_diff(mnist_step("float32", allow_tf32=False))
    tf32 = largest_relative_diff(mnist_step("float32", allow_tf32=True))
    print(f"\nlargest relative |Δ| on 784-512-512-10, batch 1024: float32 {fp32:.2e}, TF32 {tf32:.2e}")
    if torch.cuda.get_device_capability() >= (8, 0):
        assert tf32 > 10 * fp32
