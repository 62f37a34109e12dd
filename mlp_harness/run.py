"""Run both twins from the same weights, step by step, comparing every quantity."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from manual_mlp import MLP, SGD, StepRecord
from manual_mlp.validation import check_batch, check_parameters, InputError
from torch_reference import TorchTwin

from .compare import Mismatch, QuantityDiff, compare_records
from .tolerance import Tolerance

Array = np.ndarray


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a comparison run except the weights and the data."""

    lr: float = 0.1
    steps: int = 1
    dtype: str = "float64"
    loss: str = "half_sse"
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    rtol: float | None = None   # None: derived from dtype (see tolerance.py)
    atol: float | None = None
    device: str = "cpu"         # where the torch twin runs: "cpu" or "cuda"
    allow_tf32: bool = False    # let CUDA run float32 matmuls as TF32 (see torch_reference/device.py)

    @property
    def tolerance(self) -> Tolerance:
        return Tolerance.for_dtype(self.dtype, self.rtol, self.atol)

    def validate(self) -> None:
        if not self.lr > 0:
            raise InputError(f"the learning rate η must be > 0, got {self.lr}")
        if self.steps < 1:
            raise InputError(f"steps must be at least 1, got {self.steps}")
        if self.dtype not in ("float64", "float32"):
            raise InputError(f"dtype must be float64 or float32, got {self.dtype!r}")
        for name in ("rtol", "atol"):
            value = getattr(self, name)
            if value is not None and not value >= 0:
                raise InputError(f"--{name} must be ≥ 0, got {value}")


@dataclass
class StepSummary:
    step: int
    loss_numpy: float
    loss_torch: float
    max_abs_diff: float


@dataclass
class Report:
    config: RunConfig
    tolerance: Tolerance
    steps: list[StepSummary] = field(default_factory=list)
    #: full side-by-side diffs of the first and the last compared step
    first_diffs: list[QuantityDiff] = field(default_factory=list)
    last_diffs: list[QuantityDiff] = field(default_factory=list)
    first_mismatch: Mismatch | None = None
    final_numpy: dict[str, Array] = field(default_factory=dict)
    final_torch: dict[str, Array] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.first_mismatch is None


def named_weights(thetas: list[Array], biases: list[Array] | None) -> dict[str, Array]:
    """{"theta1": θ⁽¹⁾, …, "b1": b⁽¹⁾, …} — the layout of a ``--weights`` file."""
    out = {f"theta{l}": theta for l, theta in enumerate(thetas, start=1)}
    if biases is not None:
        out.update({f"b{l}": b for l, b in enumerate(biases, start=1)})
    return out


def build_twins(config: RunConfig, thetas: list[Array], biases: list[Array] | None,
                manual_model: MLP | None = None) -> tuple[MLP, SGD, TorchTwin]:
    """Both twins from one set of weights, cast to the run's dtype.

    ``manual_model`` replaces the NumPy network (a deliberately broken one, say);
    it must hold the same weights.
    """
    thetas, biases = check_parameters(thetas, biases, np.dtype(config.dtype))
    net = manual_model or MLP(thetas, biases, config.activation, config.output_activation)
    twin = TorchTwin(thetas, biases, config.activation, config.output_activation, config.loss, config.lr, config.device,
                     config.allow_tf32)
    return net, SGD(config.lr), twin


def run_comparison(config: RunConfig, thetas: list[Array], biases: list[Array] | None, X: Array, Y: Array,
                   manual_model: MLP | None = None) -> Report:
    """Train both twins on (X, Y) for ``config.steps`` steps; stop at the first difference."""
    config.validate()
    net, optimizer, twin = build_twins(config, thetas, biases, manual_model)
    X, Y = check_batch(X, Y, net.sizes, net.dtype)
    report = Report(config, config.tolerance)
    for step in range(1, config.steps + 1):
        rec_np: StepRecord = net.train_step(X, Y, optimizer, config.loss, step)
        rec_pt: StepRecord = twin.train_step(X, Y, step)
        diffs, mismatch = compare_records(rec_np, rec_pt, report.tolerance)
        report.steps.append(StepSummary(step, rec_np.loss, rec_pt.loss, max(d.max_abs_diff for d in diffs)))
        if step == 1:
            report.first_diffs = diffs
        report.last_diffs = diffs
        if mismatch is not None:
            report.first_mismatch = mismatch
            break
    report.final_numpy = named_weights(net.thetas, net.biases)
    report.final_torch = named_weights(twin.thetas, twin.biases)
    return report
