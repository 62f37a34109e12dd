"""The benchmark runs and reports what it promises. Nothing here times anything: speed is the benchmark's business."""
import json
import math
import os
import sys
import time

import pytest
import torch

from language import foreign_lines
from manual_mlp import InputError
from mlp_harness.bench import bench, machine, matmul_floor, memory, timing
from mlp_harness.cli import bench_cli
from mlp_harness.bench.timing import median_times

CASE_KEYS = {"net", "sizes", "batch", "dtype", "activation", "numpy_step", "torch_step", "harness_step",
             "harness_fixed_step", "numpy_matmuls", "torch_matmuls", "matmul_flops", "epochs_per_call", "numpy_epoch", "torch_epoch",
             "both_epoch", "numpy_epoch_1t", "torch_epoch_1t", "both_epoch_1t",
             "memory", "harness_tally", "numpy_over_torch", "harness_ratio", "harness_fixed_ratio", "numpy_gflops", "step_over_matmuls",
             "epoch_over_matmuls", "epoch_ratio", "train_ratio", "train_ratio_1t", "blas_ratio", "noise"}
TIMING_KEYS = {"median", "q1", "q3", "rounds", "calls_per_round"}
TINY = ["--quick", "--budget", "0.02", "--nets", "lab", "--dtypes", "float64"]


@pytest.fixture(autouse=True)
def no_settling(monkeypatch):
    """The pauses that let BLAS threads stop spinning between samples matter for timings, not for these tests."""
    monkeypatch.setitem(bench_cli.QUICK, "settle_s", 0.0)


def exit_code(argv) -> int:
    """``mlp-bench``'s exit code, whether it returns it or argparse exits with it."""
    try:
        return bench_cli.main(argv)
    except SystemExit as exc:
        return exc.code


def test_benchmark_runs_and_writes_every_number(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(bench_cli, "measure_startup", lambda runs: bench.StartupResult(1.0, 1.1, 1.2, runs))
    path = tmp_path / "bench.json"
    assert bench_cli.main(TINY + ["--json", str(path)]) == 0
    report = json.loads(path.read_text())
    assert set(report) == {"machine", "settings", "load_average", "cases", "startup", "import"}
    assert report["import"]["imports_torch"] is False and report["import"]["manual_mlp_s"] > 0
    assert {"blas", "threads", "kernel"} <= set(report["machine"]["numpy"])
    assert {"blas", "threads", "kernel"} <= set(report["machine"]["torch"])
    assert {"kernel_variables", "thread_variables", "lockstep"} <= set(report["machine"])
    assert [case["activation"] for case in report["cases"]] == ["sigmoid"]
    for case in report["cases"]:
        assert set(case) == CASE_KEYS
        assert set(case["harness_step"]) == TIMING_KEYS
        assert all(case[key] > 0 and math.isfinite(case[key])
                   for key in ("numpy_over_torch", "step_over_matmuls", "harness_ratio"))
    out = capsys.readouterr().out
    assert "BLAS" in out and "h/(np+pt)" in out and "Start-up: not measured with --quick" in out and "import manual_mlp:" in out


#: (language, what its quick report says) for a report read in each translated language
REPORTED = [("pt", ("passo NumPy", "ruído", "carga média antes: 9.00", "torch importado: não")),
            ("es", ("paso NumPy", "ruido", "carga media antes: 9.00", "torch importado: no"))]


@pytest.mark.parametrize("lang, phrases", REPORTED, ids=[lang for lang, _ in REPORTED])
def test_the_report_reads_in_the_language_asked_for(lang, phrases, monkeypatch, capsys):
    monkeypatch.setattr(bench_cli, "measure_startup", lambda runs: bench.StartupResult(1.0, 1.1, 1.2, runs))
    monkeypatch.setattr(bench_cli, "measure_import", lambda runs: bench.ImportResult(0.1, 0.09, False, runs))
    monkeypatch.setattr(bench_cli.os, "getloadavg", lambda: (9.0, 9.0, 9.0))   # the "busy" note too
    assert bench_cli.main(TINY + ["--lang", lang]) == 0
    out = capsys.readouterr().out
    assert all(phrase in out for phrase in phrases), out
    assert not foreign_lines(out, lang), "\n".join(foreign_lines(out, lang))


def test_a_case_with_epochs_reports_them(monkeypatch):
    """One small case measured in full, with epochs through mlp-train's loop."""
    settings = bench.Settings(budget_s=0.01, min_rounds=1, warm_up_calls=1, settle_s=0.0, memory_steps=0)
    monkeypatch.setattr(bench, "epochs_per_call", lambda net: 2)
    case = bench.measure_case(bench.NETS[0], "float64", "sigmoid", settings)
    assert case.epoch_over_matmuls > 1 and case.epoch_ratio > 0 and case.memory is None
    # mlp-train's cost of verification, with each library's threads and on one thread each
    assert case.train_ratio > 0 and case.train_ratio_1t > 0


@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"), reason="reads Linux's peak resident size")
def test_memory_probe_counts_the_arrays_of_a_step():
    """The probe (run here in-process; mlp-bench runs it in a fresh interpreter): X, Y and both records."""
    result = memory.MemoryResult(**memory.probe("784-128-10", "float64", "sigmoid", 2))
    X = 64 * 784 * 8
    record = (64 * 128 + 64 * 10) * 8 * 3 + 8 + (128 * 784 + 128 + 10 * 128 + 10) * 8 * 2  # z, a, δ; J; ∂J/∂θ, b; θ, b
    assert result.arrays == X + 64 * 10 * 8 + 2 * record
    assert result.steps == 2 and result.imports > 0


def test_kernel_forced_by_the_environment_is_named(monkeypatch):
    for name in machine.KERNEL_VARIABLES:     # the machine may force some itself (OPENBLAS_L2_SIZE, say)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    lines = machine.machine_lines(machine.describe_machine())
    assert "Kernels forced by the environment: OPENBLAS_CORETYPE=Haswell" in lines


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


def test_the_call_after_each_pause_is_not_timed(monkeypatch):
    """The first call after each pause (a virtual machine's cores waking up) is made before the sample that
    follows the pause starts timing. Seen through the timer's own calls, not the wall clock: what is
    checked is the order of events, which no load or CPU can change."""
    events = []
    sleep, time_calls = time.sleep, timing.time_calls

    def pause(seconds):
        events.append("pause")
        sleep(seconds)

    def timed(fn, calls):
        events.append("sample")
        return time_calls(fn, calls)
    monkeypatch.setattr(time, "sleep", pause)
    monkeypatch.setattr(timing, "time_calls", timed)
    median_times({"f": lambda: events.append("call"), "g": lambda: events.append("call")}, budget_s=0.05,
                 min_rounds=3, warm_up_calls=1, settle_s=0.001)
    after_pauses = "".join({"pause": "p", "sample": "s", "call": "c"}[e] for e in events).split("p")[1:]
    assert len(after_pauses) >= 6   # 2 functions × 3 rounds at least
    assert all(part.startswith("cs") for part in after_pauses), after_pauses   # an untimed call, then the sample


def test_machine_report_degrades_without_threadpoolctl(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # makes the import fail
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    info = machine.numpy_blas()
    assert info["threads"] == machine.usable_cores() and "threadpoolctl" in info["threads_source"]
    with pytest.raises(InputError, match="OPENBLAS_NUM_THREADS=1"):
        with machine.thread_limit(1):
            pass
