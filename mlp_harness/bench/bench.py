"""How fast the twins and the harness are: time per training step, against the matmul floor.

For each network, dtype and hidden activation the benchmark times, in
interleaved rounds (see :mod:`mlp_harness.bench.timing`):

* one ``train_step`` of the NumPy twin and of the PyTorch twin, each alone and
  exactly as the harness calls them (records included), on a batch that stays
  the same;
* the harness's verified step: both twins in lockstep and the comparison of
  every quantity (:func:`~mlp_harness.verify.run.compare_step`), to set against
  the two steps alone; once with the default rule (each quantity's rounding-error
  bound, computed from the step's values) and once with the fixed rule
  (``--rtol``/``--atol``), which computes no bounds;
* the matmuls a step must do, alone, with the same shapes, layouts and dtype,
  once through NumPy and once through torch (on the torch twin's device):
  forward a⁽ˡ⁻¹⁾·θ⁽ˡ⁾ᵀ, backward δ⁽ˡ⁾·θ⁽ˡ⁾ for l ≥ 2 and δ⁽ˡ⁾ᵀ·a⁽ˡ⁻¹⁾, each
  (m×k)·(k×n) counted as 2·m·k·n flops. These are the floor of a step: a
  step can only be slower; how much slower is the cost of everything else;
* training epochs as ``mlp-train --impl numpy``, ``--impl torch`` and ``--impl both``
  run them (:func:`~mlp_harness.train.training.train`, on a data set of one
  batch, so one step an epoch, set-up included), to set against the same floor
  and to give mlp-train's cost of verification, an epoch of ``both`` over one of
  ``numpy`` plus one of ``torch``: with each library's own threads, and with
  NumPy's BLAS and torch on one thread each, the setting of the goals (on a
  machine of a few cores, one thread each is both the steadier and often the
  faster, docs/performance.md).

Then, in fresh interpreters, each case's peak memory over 10 verified steps
(:mod:`mlp_harness.bench.memory`) and the start-up of ``mlp-compare`` against
a bare ``import torch``. Weights train during the timing; the learning rate is
η = 0.1/N with SGD (N the batch) so that the random networks stay far from
saturation and from overflow, 10⁻³ with Adam, and the lab's η = 0.1 for the
lab net.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from manual_mlp import ACTIVATIONS, lab, random_parameters
from torch_reference.device import check_device
from torch_reference.lockstep import numpy_blas_pools
from torch_reference.twin import ACTIVATION_MODULES

from .machine import thread_limit
from .matmul_floor import matmul_flops, matmul_operands, numpy_matmuls, torch_matmuls
from .memory import MemoryResult, measure_memory
from ..i18n import LANGS
from ..train.training import train
from ..verify.run import RunConfig, build_twins, compare_step
from .timing import Timing, median_times

Array = np.ndarray


@dataclass(frozen=True)
class Net:
    name: str
    sizes: tuple[int, ...]
    batch: int
    bias: bool
    output_activation: str = "sigmoid"
    loss: str = "half_sse"
    optimizer: str = "sgd"


NETS = (Net("lab", (2, 3, 1), 2, False),
        # shaped like scikit-learn's digits (8×8 pixels, 10 classes) trained as a classifier
        Net("digits-64-32-10", (64, 32, 10), 64, True, "softmax", "cross_entropy", "adam"),
        Net("784-128-10", (784, 128, 10), 64, True),
        Net("784-512-512-10", (784, 512, 512, 10), 1024, True))
DTYPES = ("float64", "float32")
#: hidden activations benchmarked, those of them that both twins have
WANTED_ACTIVATIONS = ("sigmoid", "relu")
#: verified steps of the memory probe
MEMORY_STEPS = 10


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
    #: pause before each timed sample, for BLAS threads left spinning by the previous one (see timing.py)
    settle_s: float = 0.12
    epochs: bool = True
    memory_steps: int = MEMORY_STEPS
    startup_runs: int = 5
    device: str = "cpu"
    allow_tf32: bool = False


def problem(net: Net, dtype: str) -> tuple[list[Array], list[Array] | None, Array, Array, float]:
    """θ, b, X, Y and η for a network: the lab's, or random data (inputs in [0, 1], one-hot Y)."""
    if net.name == "lab":
        return lab.lab_thetas(), None, lab.X.astype(dtype), lab.Y.astype(dtype), lab.ETA
    thetas, biases = random_parameters(list(net.sizes), seed=0, bias=net.bias, dtype=np.dtype(dtype))
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(net.batch, net.sizes[0])).astype(dtype)
    Y = np.eye(net.sizes[-1], dtype=dtype)[rng.integers(0, net.sizes[-1], net.batch)]
    return thetas, biases, X, Y, (1e-3 if net.optimizer != "sgd" else 0.1 / net.batch)


def bench_config(net: Net, dtype: str, activation: str, eta: float, steps: int = 1, device: str = "cpu",
                 allow_tf32: bool = False) -> RunConfig:
    return RunConfig(lr=eta, steps=steps, dtype=dtype, activation=activation,
                     output_activation=net.output_activation, loss=net.loss, optimizer=net.optimizer,
                     device=device, allow_tf32=allow_tf32)


def twin_steps(config: RunConfig, thetas: list[Array], biases: list[Array] | None, X: Array,
               Y: Array) -> tuple[Callable[[], object], Callable[[], object]]:
    """One training step of each twin alone, as :func:`~mlp_harness.verify.run.run_comparison` calls them."""
    net, optimizer, twin = build_twins(config, thetas, biases)
    return (lambda: net.train_step(X, Y, optimizer, config.loss)), (lambda: twin.train_step(X, Y))


@dataclass
class HarnessTally:
    """Verified steps taken while timing, and those that found a quantity out of tolerance."""

    steps: int = 0
    mismatches: int = 0
    first: str | None = None
    first_in: dict[str, str] = dataclasses.field(default_factory=dict)   # the same in each language (--lang)


def verified_step(config: RunConfig, thetas: list[Array], biases: list[Array] | None, X: Array,
                  Y: Array, tally: HarnessTally) -> Callable[[], None]:
    """One step of the harness: both twins in lockstep, every quantity compared, then a common state.

    A mismatch is counted, not raised: a float32 relu net of this size can see a z within rounding of 0 come
    out positive on one side and not on the other, and relu′ then differs by a whole unit (see
    docs/performance.md); the step's work is the same either way.
    """
    net, optimizer, twin = build_twins(config, thetas, biases)

    def step() -> None:
        tally.steps += 1
        mismatch = compare_step(config, net, optimizer, twin, X, Y, tally.steps, config.tolerance)[1]
        if mismatch is not None:
            tally.mismatches += 1
            tally.first = tally.first or mismatch.describe()
            tally.first_in = tally.first_in or {lang: mismatch.describe(lang) for lang in LANGS}
    return step


#: matmul flops of one timed call of :func:`training_epochs`, at most (784-512-512-10: 30 epochs)
EPOCH_CALL_FLOPS = 1e11


def epochs_per_call(net: Net) -> int:
    """Epochs of one timed call of :func:`training_epochs`: 50, fewer where that would take long.

    Each call is a whole ``train`` run, whose set-up (checks of the data, the twin's first step touching fresh
    memory) costs about one step more (measured: 21 ms on 784-512-512-10, 0.5 ms on 784-128-10): a few % of
    an epoch at 30–50 epochs, where 5–7 epochs a call had counted 10–15 % of it into every epoch.
    """
    flops = matmul_flops(matmul_operands(net.sizes, net.batch, "float32"))
    return max(5, min(50, int(EPOCH_CALL_FLOPS / flops)))


def training_epochs(config: RunConfig, thetas: list[Array], biases: list[Array] | None, X: Array, Y: Array,
                    impl: str, epochs: int) -> Callable[[], None]:
    """``epochs`` epochs of mlp-train's loop on (X, Y) with ``impl`` ("numpy", "torch" or "both")."""
    config = dataclasses.replace(config, steps=epochs)
    return lambda: train(config, thetas, biases, X, Y, impl)


def on_one_thread(fn: Callable[[], None]) -> Callable[[], None]:
    """``fn`` with NumPy's BLAS and torch on one thread each."""
    def run() -> None:
        with thread_limit(1):
            fn()
    return run


@dataclass
class CaseResult:
    """One network, dtype and activation: seconds per step, per verified step, per epoch, per step's matmuls."""

    net: str
    sizes: tuple[int, ...]
    batch: int
    dtype: str
    activation: str
    numpy_step: Timing
    torch_step: Timing
    harness_step: Timing
    harness_fixed_step: Timing    # the same with the fixed tolerance rule (--rtol/--atol): no error bounds
    numpy_matmuls: Timing
    torch_matmuls: Timing
    matmul_flops: int
    epochs_per_call: int = 0
    numpy_epoch: Timing | None = None     # seconds per call of ``epochs_per_call`` epochs
    torch_epoch: Timing | None = None
    both_epoch: Timing | None = None      # the same with --impl both: the twins in lockstep, compared
    #: the three again with NumPy's BLAS and torch on one thread each
    numpy_epoch_1t: Timing | None = None
    torch_epoch_1t: Timing | None = None
    both_epoch_1t: Timing | None = None
    memory: MemoryResult | None = None
    harness_tally: HarnessTally = dataclasses.field(default_factory=HarnessTally)

    @property
    def numpy_over_torch(self) -> float:
        return self.numpy_step.median / self.torch_step.median

    @property
    def harness_ratio(self) -> float:
        """A verified step over the NumPy step alone plus the torch step alone."""
        return self.harness_step.median / (self.numpy_step.median + self.torch_step.median)

    @property
    def harness_fixed_ratio(self) -> float:
        """The same with the fixed tolerance rule, which computes no error bounds."""
        return self.harness_fixed_step.median / (self.numpy_step.median + self.torch_step.median)

    @property
    def numpy_gflops(self) -> float:
        """The NumPy step's rate, counting only the matmuls it must do."""
        return self.matmul_flops / self.numpy_step.median / 1e9

    @property
    def step_over_matmuls(self) -> float:
        """NumPy step / its matmuls alone: 1.0 would be a step that is nothing but BLAS."""
        return self.numpy_step.median / self.numpy_matmuls.median

    @property
    def epoch_over_matmuls(self) -> float | None:
        """A NumPy training epoch (one step) / the step's matmuls alone."""
        if self.numpy_epoch is None:
            return None
        return self.numpy_epoch.median / self.epochs_per_call / self.numpy_matmuls.median

    @property
    def epoch_ratio(self) -> float | None:
        """A NumPy training epoch / a torch training epoch."""
        return None if self.numpy_epoch is None else self.numpy_epoch.median / self.torch_epoch.median

    @property
    def train_ratio(self) -> float | None:
        """mlp-train's cost of verification: an epoch of --impl both / (one of --impl numpy + one of --impl torch)."""
        return _over_sum(self.both_epoch, self.numpy_epoch, self.torch_epoch)

    @property
    def train_ratio_1t(self) -> float | None:
        """The same, NumPy's BLAS and torch on one thread each."""
        return _over_sum(self.both_epoch_1t, self.numpy_epoch_1t, self.torch_epoch_1t)

    @property
    def blas_ratio(self) -> float:
        """NumPy's matmuls / torch's same matmuls: how much NumPy's BLAS loses (> 1) or wins (< 1)."""
        return self.numpy_matmuls.median / self.torch_matmuls.median

    @property
    def noise(self) -> float:
        """The largest interquartile range over median among the timings."""
        timings = (self.numpy_step, self.torch_step, self.harness_step, self.harness_fixed_step, self.numpy_matmuls,
                   self.torch_matmuls, self.numpy_epoch, self.torch_epoch, self.both_epoch, self.numpy_epoch_1t,
                   self.torch_epoch_1t, self.both_epoch_1t)
        return max(t.spread for t in timings if t is not None)

    def to_json(self) -> dict:
        out = asdict(self)
        out["memory"] = self.memory.to_json() if self.memory else None
        out.update({name: getattr(self, name) for name in (
            "numpy_over_torch", "harness_ratio", "harness_fixed_ratio", "numpy_gflops", "step_over_matmuls",
            "epoch_over_matmuls", "epoch_ratio", "train_ratio", "train_ratio_1t", "blas_ratio", "noise")})
        return out


def _over_sum(both: Timing | None, numpy: Timing | None, torch: Timing | None) -> float | None:
    return None if both is None or numpy is None or torch is None else both.median / (numpy.median + torch.median)


def case_functions(net: Net, dtype: str, activation: str, settings: Settings,
                   tally: HarnessTally) -> dict[str, Callable[[], object]]:
    """What a case times, by name: see the module's docstring."""
    thetas, biases, X, Y, eta = problem(net, dtype)
    config = bench_config(net, dtype, activation, eta, device=settings.device, allow_tf32=settings.allow_tf32)
    numpy_step, torch_step = twin_steps(config, thetas, biases, X, Y)
    pairs = matmul_operands(net.sizes, net.batch, dtype)
    fixed = config.fixed_tolerance
    fixed_config = dataclasses.replace(config, rtol=fixed.rtol, atol=fixed.atol)
    fns = {"numpy_step": numpy_step, "torch_step": torch_step,
           "harness_step": verified_step(config, thetas, biases, X, Y, tally),
           "harness_fixed_step": verified_step(fixed_config, thetas, biases, X, Y, HarnessTally()),
           "numpy_matmuls": numpy_matmuls(pairs),
           "torch_matmuls": torch_matmuls(pairs, check_device(settings.device), settings.allow_tf32)}
    if settings.epochs:
        for impl in ("numpy", "torch", "both"):
            fns[f"{impl}_epoch"] = training_epochs(config, thetas, biases, X, Y, impl, epochs_per_call(net))
            if numpy_blas_pools():   # threadpoolctl sets NumPy's BLAS threads at run time
                fns[f"{impl}_epoch_1t"] = on_one_thread(fns[f"{impl}_epoch"])
    return fns


def measure_case(net: Net, dtype: str, activation: str, settings: Settings) -> CaseResult:
    tally = HarnessTally()
    fns = case_functions(net, dtype, activation, settings, tally)
    t = median_times(fns, settings.budget_s, settings.min_rounds, warm_up_calls=settings.warm_up_calls,
                     settle_s=settings.settle_s)
    pairs = matmul_operands(net.sizes, net.batch, dtype)
    memory = measure_memory(net.name, dtype, activation, settings.memory_steps) if settings.memory_steps else None
    return CaseResult(net.name, net.sizes, net.batch, dtype, activation, t["numpy_step"], t["torch_step"],
                      t["harness_step"], t["harness_fixed_step"], t["numpy_matmuls"], t["torch_matmuls"],
                      matmul_flops(pairs),
                      epochs_per_call(net) if settings.epochs else 0, t.get("numpy_epoch"), t.get("torch_epoch"),
                      t.get("both_epoch"), t.get("numpy_epoch_1t"), t.get("torch_epoch_1t"), t.get("both_epoch_1t"),
                      memory, tally)


@dataclass
class StartupResult:
    """Wall time of a fresh interpreter doing ``import torch``, running ``mlp-compare`` (the lab, one step) and
    ``mlp-check`` (a file with the lab's sigmoid); medians of ``runs`` runs of each, taken in turns."""

    import_torch_s: float
    compare_s: float
    check_s: float
    runs: int

    @property
    def compare_ratio(self) -> float:
        return self.compare_s / self.import_torch_s

    @property
    def check_ratio(self) -> float:
        return self.check_s / self.import_torch_s

    def to_json(self) -> dict:
        return asdict(self) | {"compare_ratio": self.compare_ratio, "check_ratio": self.check_ratio}


#: what the start-up of mlp-check is timed on: a file with one of the lab's functions, right
CHECKED_FILE = "import numpy as np\n\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"


def _wall_s(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], capture_output=True, check=True, env=_bytecode_env())
    return time.perf_counter() - start


def measure_startup(runs: int) -> StartupResult:
    """``python -c "import torch"`` against mlp-compare and mlp-check, in turns."""
    with tempfile.TemporaryDirectory() as folder:
        checked = Path(folder) / "lab.py"
        checked.write_text(CHECKED_FILE)
        commands = {"torch": ["-c", "import torch"], "compare": ["-m", "mlp_harness.cli.compare_cli"],
                    "check": ["-m", "mlp_harness.cli.check_cli", str(checked)]}
        for args in commands.values():  # writes the bytecode caches, as any first run does
            _wall_s(args)
        times = {name: [] for name in commands}
        for _ in range(runs):
            for name, args in commands.items():
                times[name].append(_wall_s(args))
    return StartupResult(*(float(np.median(times[name])) for name in commands), runs)


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


def _bytecode_env() -> dict[str, str]:
    """This environment, but with Python's compiled bytecode cached, as for any user after the first import
    (with PYTHONDONTWRITEBYTECODE set, every import would compile the sources again)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure_import(runs: int = 5) -> ImportResult:
    """Time the imports in fresh interpreters (the import cost a user's first call pays)."""
    def probe(module: str) -> tuple[float, bool]:
        out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE.format(module=module)], capture_output=True,
                             text=True, check=True, env=_bytecode_env()).stdout.split()
        return float(out[0]), out[1] == "True"
    probe("manual_mlp")
    mlp = [probe("manual_mlp") for _ in range(runs)]
    numpy_only = [probe("numpy")[0] for _ in range(runs)]
    return ImportResult(float(np.median([t for t, _ in mlp])), float(np.median(numpy_only)),
                        any(torch for _, torch in mlp), runs)
