"""How fast the twins and the harness are: time per training step, against the matmul floor.

For each network, dtype and hidden activation the benchmark times, in
interleaved rounds (see :mod:`mlp_harness.bench.timing`):

* one ``train_step`` of the NumPy twin and of the PyTorch twin, exactly as the
  harness calls them (records included), on a batch that stays the same;
* the matmuls a step must do, alone, with the same shapes, layouts and dtype,
  once through NumPy and once through torch (on the torch twin's device):
  forward a⁽ˡ⁻¹⁾·θ⁽ˡ⁾ᵀ, backward δ⁽ˡ⁾·θ⁽ˡ⁾ for l ≥ 2 and δ⁽ˡ⁾ᵀ·a⁽ˡ⁻¹⁾, each
  (m×k)·(k×n) counted as 2·m·k·n flops. These are the floor of a step: a
  step can only be slower; how much slower is the cost of everything else.

Then the harness itself: verified steps per second on the lab net (both twins
and the comparison of every quantity), against the same steps of the two
twins alone. Weights train during the timing; the learning rate is η = 0.1/N
for the random networks (N the batch) so that they stay far from saturation
and from overflow, and the lab's η = 0.1 for the lab net.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from manual_mlp import ACTIVATIONS, lab, random_parameters
from torch_reference.device import check_device
from torch_reference.twin import ACTIVATION_MODULES

from .matmul_floor import matmul_flops, matmul_operands, numpy_matmuls, torch_matmuls
from ..verify.run import RunConfig, build_twins, run_comparison
from .timing import Timing, median_times

Array = np.ndarray


@dataclass(frozen=True)
class Net:
    name: str
    sizes: tuple[int, ...]
    batch: int
    bias: bool


NETS = (Net("lab", (2, 3, 1), 2, False), Net("784-128-10", (784, 128, 10), 64, True),
        Net("784-512-512-10", (784, 512, 512, 10), 1024, True))
DTYPES = ("float64", "float32")
#: hidden activations benchmarked, those of them that both twins have
WANTED_ACTIVATIONS = ("sigmoid", "relu")
#: verified steps per call of the harness measurement
HARNESS_STEPS = 200


def available_activations() -> list[str]:
    """Hidden activations both twins implement (the list grows as the twins do); not output-only ones."""
    return [name for name, f in ACTIVATIONS.items()
            if name in ACTIVATION_MODULES and f.grad is not None and not getattr(f, "output_only", False)]


def default_activations() -> list[str]:
    return [name for name in WANTED_ACTIVATIONS if name in available_activations()]


@dataclass(frozen=True)
class Settings:
    """What to measure and how long: seconds of timed rounds per case, at least ``min_rounds`` rounds."""

    nets: tuple[str, ...] = tuple(net.name for net in NETS)
    dtypes: tuple[str, ...] = DTYPES
    activations: tuple[str, ...] = ()
    budget_s: float = 4.0
    min_rounds: int = 5
    warm_up_calls: int = 2
    harness_steps: int = HARNESS_STEPS
    device: str = "cpu"
    allow_tf32: bool = False


def problem(net: Net, dtype: str) -> tuple[list[Array], list[Array] | None, Array, Array, float]:
    """θ, b, X, Y and η for a network: the lab's, or MNIST-shaped random data (pixels in [0, 1], one-hot Y)."""
    if net.name == "lab":
        return lab.lab_thetas(), None, lab.X.astype(dtype), lab.Y.astype(dtype), lab.ETA
    thetas, biases = random_parameters(list(net.sizes), seed=0, bias=net.bias, dtype=np.dtype(dtype))
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(net.batch, net.sizes[0])).astype(dtype)
    Y = np.eye(net.sizes[-1], dtype=dtype)[rng.integers(0, net.sizes[-1], net.batch)]
    return thetas, biases, X, Y, 0.1 / net.batch


def twin_steps(config: RunConfig, thetas: list[Array], biases: list[Array] | None, X: Array,
               Y: Array) -> tuple[Callable[[], object], Callable[[], object]]:
    """One training step of each twin, as :func:`~mlp_harness.verify.run.run_comparison` calls them."""
    net, optimizer, twin = build_twins(config, thetas, biases)
    return (lambda: net.train_step(X, Y, optimizer, config.loss)), (lambda: twin.train_step(X, Y))


@dataclass
class CaseResult:
    """One network, dtype and activation: seconds per step and per step's matmuls, and what follows."""

    net: str
    sizes: tuple[int, ...]
    batch: int
    dtype: str
    activation: str
    numpy_step: Timing
    torch_step: Timing
    numpy_matmuls: Timing
    torch_matmuls: Timing
    matmul_flops: int

    @property
    def numpy_over_torch(self) -> float:
        return self.numpy_step.median / self.torch_step.median

    @property
    def numpy_gflops(self) -> float:
        """The NumPy step's rate, counting only the matmuls it must do."""
        return self.matmul_flops / self.numpy_step.median / 1e9

    @property
    def matmul_gflops(self) -> float:
        return self.matmul_flops / self.numpy_matmuls.median / 1e9

    @property
    def step_over_matmuls(self) -> float:
        """NumPy step / its matmuls alone: 1.0 would be a step that is nothing but BLAS."""
        return self.numpy_step.median / self.numpy_matmuls.median

    @property
    def blas_ratio(self) -> float:
        """NumPy's matmuls / torch's same matmuls: how much NumPy's BLAS loses (> 1) or wins (< 1)."""
        return self.numpy_matmuls.median / self.torch_matmuls.median

    def to_json(self) -> dict:
        out = asdict(self)
        out.update(numpy_over_torch=self.numpy_over_torch, numpy_gflops=self.numpy_gflops,
                   matmul_gflops=self.matmul_gflops, step_over_matmuls=self.step_over_matmuls,
                   blas_ratio=self.blas_ratio)
        return out


def measure_case(net: Net, dtype: str, activation: str, settings: Settings) -> CaseResult:
    thetas, biases, X, Y, eta = problem(net, dtype)
    config = RunConfig(lr=eta, dtype=dtype, activation=activation, device=settings.device,
                       allow_tf32=settings.allow_tf32)
    numpy_step, torch_step = twin_steps(config, thetas, biases, X, Y)
    pairs = matmul_operands(net.sizes, net.batch, dtype)
    fns = {"numpy_step": numpy_step, "torch_step": torch_step, "numpy_matmuls": numpy_matmuls(pairs),
           "torch_matmuls": torch_matmuls(pairs, check_device(settings.device), settings.allow_tf32)}
    t = median_times(fns, settings.budget_s, settings.min_rounds, warm_up_calls=settings.warm_up_calls)
    return CaseResult(net.name, net.sizes, net.batch, dtype, activation, t["numpy_step"], t["torch_step"],
                      t["numpy_matmuls"], t["torch_matmuls"], matmul_flops(pairs))


@dataclass
class HarnessResult:
    """The harness on the lab net: verified steps per second, and its cost over the twins alone."""

    steps: int
    harness: Timing       # seconds per call of run_comparison(steps)
    twins_alone: Timing   # seconds per call of the same steps of both twins, nothing compared

    @property
    def steps_per_s(self) -> float:
        return self.steps / self.harness.median

    @property
    def overhead(self) -> float:
        """Harness time over the twins' time, minus one: 0.3 means 30 % more."""
        return self.harness.median / self.twins_alone.median - 1

    def to_json(self) -> dict:
        return {**asdict(self), "steps_per_s": self.steps_per_s, "overhead": self.overhead}


def measure_harness(settings: Settings) -> HarnessResult:
    """``run_comparison`` on the lab net, against the same steps of the twins alone."""
    steps = settings.harness_steps
    config = RunConfig(lr=lab.ETA, steps=steps, device=settings.device, allow_tf32=settings.allow_tf32)

    def harness() -> None:
        report = run_comparison(config, lab.lab_thetas(), None, lab.X, lab.Y)
        if not report.ok:  # timing a harness that fails would measure the wrong thing
            raise RuntimeError(f"the lab's twins disagree: {report.first_mismatch.describe()}")

    def twins_alone() -> None:
        net, optimizer, twin = build_twins(config, lab.lab_thetas(), None)
        for step in range(1, steps + 1):
            net.train_step(lab.X, lab.Y, optimizer, config.loss, step)
            twin.train_step(lab.X, lab.Y, step)

    t = median_times({"harness": harness, "twins_alone": twins_alone}, settings.budget_s, settings.min_rounds,
                     warm_up_calls=settings.warm_up_calls)
    return HarnessResult(steps, t["harness"], t["twins_alone"])


@dataclass
class ImportResult:
    """Wall time of ``import manual_mlp`` in a fresh interpreter, and of NumPy alone, medians of ``runs``."""

    manual_mlp_s: float
    numpy_s: float
    imports_torch: bool
    runs: int

    def to_json(self) -> dict:
        return asdict(self)


_IMPORT_PROBE = ("import sys, time; t = time.perf_counter(); import {module}; "
                 "print(time.perf_counter() - t, 'torch' in sys.modules)")


def measure_import(runs: int = 5) -> ImportResult:
    """Time the imports in fresh interpreters (the import cost a user's first call pays).

    As for any user after the first import, Python's compiled bytecode is cached: a warm-up run writes it,
    whatever PYTHONDONTWRITEBYTECODE says (with it set, every import would recompile the sources).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def probe(module: str) -> tuple[float, bool]:
        out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE.format(module=module)], capture_output=True,
                             text=True, check=True, env=env).stdout.split()
        return float(out[0]), out[1] == "True"
    probe("manual_mlp")
    mlp = [probe("manual_mlp") for _ in range(runs)]
    numpy_only = [probe("numpy")[0] for _ in range(runs)]
    return ImportResult(float(np.median([t for t, _ in mlp])), float(np.median(numpy_only)),
                        any(torch for _, torch in mlp), runs)
