"""The benchmark runs and reports what it promises. Nothing here times anything: speed is the benchmark's business."""
import json
import math
import sys

import pytest
import torch

from manual_mlp import InputError
from mlp_harness.bench import bench, machine, matmul_floor
from mlp_harness.cli import bench_cli
from mlp_harness.bench.timing import median_times

CASE_KEYS = {"net", "sizes", "batch", "dtype", "activation", "numpy_step", "torch_step", "numpy_matmuls",
             "torch_matmuls", "matmul_flops", "numpy_over_torch", "numpy_gflops", "matmul_gflops",
             "step_over_matmuls", "blas_ratio"}
TIMING_KEYS = {"median", "q1", "q3", "rounds", "calls_per_round"}
TINY = ["--quick", "--budget", "0.02", "--nets", "lab", "--dtypes", "float64"]


def exit_code(argv) -> int:
    """``mlp-bench``'s exit code, whether it returns it or argparse exits with it."""
    try:
        return bench_cli.main(argv)
    except SystemExit as exc:
        return exc.code


def test_benchmark_runs_and_writes_every_number(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert bench_cli.main(TINY + ["--json", str(path)]) == 0
    report = json.loads(path.read_text())
    assert set(report) == {"machine", "settings", "load_average", "cases", "harness", "import"}
    assert report["import"]["imports_torch"] is False and report["import"]["manual_mlp_s"] > 0
    assert {"blas", "threads"} <= set(report["machine"]["numpy"])
    assert {"blas", "threads"} <= set(report["machine"]["torch"])
    assert [case["activation"] for case in report["cases"]] == bench.default_activations()
    for case in report["cases"]:
        assert set(case) == CASE_KEYS
        assert set(case["numpy_step"]) == TIMING_KEYS
        assert all(case[key] > 0 and math.isfinite(case[key]) for key in ("numpy_over_torch", "step_over_matmuls"))
    assert report["harness"]["steps_per_s"] > 0
    out = capsys.readouterr().out
    assert "BLAS" in out and "verified steps/s" in out and "import manual_mlp:" in out


def test_lab_step_counts_84_matmul_flops():
    # 2-3-1, N = 2: forward 2·2·2·3 + 2·2·3·1; backward δ⁽²⁾θ⁽²⁾ 2·2·1·3; ∂J/∂θ: 2·3·2·2 + 2·1·2·3.
    pairs = matmul_floor.matmul_operands((2, 3, 1), 2, "float64")
    assert matmul_floor.matmul_flops(pairs) == 24 + 12 + 12 + 24 + 12


def test_flops_follow_2N_times_sum_of_layer_products():
    # Each layer: forward and ∂J/∂θ; layers l ≥ 2 also carry δ back: 2·N·n_{l−1}·n_l each.
    sizes, N = (784, 512, 512, 10), 1024
    expected = 2 * N * (2 * 784 * 512 + 3 * 512 * 512 + 3 * 512 * 10)
    assert matmul_floor.matmul_flops(matmul_floor.matmul_operands(sizes, N, "float32")) == expected


def test_matmul_operands_keep_the_twins_dtype():
    pairs = matmul_floor.matmul_operands((4, 3, 2), 5, "float32")
    assert {str(array.dtype) for pair in pairs for array in pair} == {"float32"}


def test_activation_list_follows_the_twins():
    assert "sigmoid" in bench.default_activations()
    assert set(bench.default_activations()) <= set(bench.available_activations())


@pytest.mark.parametrize("argv,message", [
    (["--activations", "no_such_f"], "no_such_f"),
    (["--budget", "0"], "--budget"),
    (["--threads", "0"], "--threads"),
    (["--nets", "lab,tiny"], "invalid choice"),
    (["--json", "no/such/folder/bench.json"], "does not exist"),
])
def test_bad_options_exit_2_with_a_message(argv, message, capsys):
    assert exit_code(TINY + argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_asked_for_without_cuda_exits_2(capsys):
    assert exit_code(TINY + ["--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "CUDA" in err and "Traceback" not in err


def test_median_times_reports_every_function_with_its_rounds():
    calls = {"a": 0, "b": 0}

    def count(name):
        def fn():
            calls[name] += 1
        return fn
    times = median_times({"a": count("a"), "b": count("b")}, budget_s=0.01, min_rounds=3, warm_up_calls=1)
    assert set(times) == {"a", "b"}
    assert all(t.rounds >= 3 and t.q1 <= t.median <= t.q3 for t in times.values())
    assert calls["a"] >= 1 + 3 * times["a"].calls_per_round


def test_machine_report_degrades_without_threadpoolctl(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # makes the import fail
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    info = machine.numpy_blas()
    assert info["threads"] == machine.usable_cores() and "threadpoolctl" in info["threads_source"]
    with pytest.raises(InputError, match="OPENBLAS_NUM_THREADS=1"):
        with machine.thread_limit(1):
            pass
