"""Run both twins from the same weights, step by step, comparing every quantity."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from manual_mlp import MLP, Optimizer, OptimizerSettings, make_optimizer, numerical_gradients
from manual_mlp.activations import get_activation
from manual_mlp.batches import check_batch_size, step_slice
from manual_mlp.losses import check_pairing, get_loss, targets_matrix
from manual_mlp.record import carried_over
from manual_mlp.validation import InputError, InputTypeError, check_batch, check_parameters

from .compare import Mismatch, QuantityDiff, add_finite_differences, as_shown, compare_records
from .error_bounds import Arithmetic, Formulas, StepStart
from .resources import check_fits
from .tolerance import ErrorBound, Tolerance, gradcheck_tolerance
from ..i18n import _

if TYPE_CHECKING:  # torch is imported only when a PyTorch twin is built (mlp-train --impl numpy never does)
    from torch_reference import TorchTwin

Array = np.ndarray


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run except the weights and the data."""

    lr: float = 0.1
    steps: int = 1
    dtype: str = "float64"
    loss: str = "half_sse"
    activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    optimizer: str = "sgd"
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float | None = None    # None: torch's default for the optimizer
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    batch_size: int | None = None        # None: the full batch, as in the lab
    shuffle_seed: int | None = None      # None: batches in a fixed order
    gradcheck: bool = False
    free_running: bool = False           # False: each step starts both twins from the NumPy twin's state
    rtol: float | None = None            # None (and atol None): each quantity's error bound (see tolerance.py)
    atol: float | None = None
    device: str = "cpu"         # where the torch twin runs: "cpu" or "cuda"
    allow_tf32: bool = False    # let CUDA run float32 matmuls as TF32 (see torch_reference/device.py)

    @property
    def tolerance(self) -> Tolerance | ErrorBound:
        """The rule in force: each quantity's rounding-error bound, unless --rtol/--atol or --free-running."""
        if self.rtol is not None or self.atol is not None or self.free_running:
            return self.fixed_tolerance
        tf32 = self.allow_tf32 and self.device == "cuda"
        formulas = Formulas(self.activation, self.output_activation, self.loss, self.optimizer_settings)
        return ErrorBound(Arithmetic.of(self.dtype, tf32), formulas)

    @property
    def fixed_tolerance(self) -> Tolerance:
        """rtol and atol, 10⁴·ε of the dtype where not given: for --rtol/--atol, --free-running, --explain and
        the floor of --gradcheck's tolerance."""
        return Tolerance.for_dtype(self.dtype, self.rtol, self.atol)

    @property
    def optimizer_settings(self) -> OptimizerSettings:
        return OptimizerSettings(self.optimizer, self.lr, self.momentum, self.nesterov, self.weight_decay,
                                 tuple(self.betas), self.eps)

    def to_json(self) -> dict:
        return asdict(self) | {"betas": list(self.betas), "weight_decay": self.optimizer_settings.decay}

    def validate(self) -> None:
        """Refuse settings no run can use, naming the command-line flag where there is one."""
        if not _is_real(self.lr):
            raise InputTypeError(_("the learning rate η (--lr) must be a number, got {value!r}").format(value=self.lr))
        if not _is_whole(self.steps):
            raise InputTypeError(_("the number of steps must be a whole number, got {value!r}").format(
                value=self.steps))
        if self.steps < 1:
            raise InputError(_("the number of steps must be at least 1, got {value!r}").format(value=self.steps))
        check_fits(self.steps * STEP_SUMMARY_BYTES, _("{n:,} steps (a summary of each is kept)").format(n=self.steps))
        if self.dtype not in ("float64", "float32"):
            raise InputError(_("dtype must be float64 or float32, got {value!r}").format(value=self.dtype))
        for name in ("rtol", "atol"):
            value = getattr(self, name)
            if value is not None and not _is_real(value):
                raise InputTypeError(_("the tolerance {name} (--{option}) must be a number, got {value!r}").format(
                    name=name, option=name, value=value))
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise InputError(_(
                    "the tolerance {name} (--{option}) must be a finite number ≥ 0, got {value!r}").format(
                        name=name, option=name, value=value))
        get_activation(self.activation), get_activation(self.output_activation)
        check_pairing(self.output_activation, get_loss(self.loss))
        self.optimizer_settings.validate()


def _is_real(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _is_whole(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


#: memory a run keeps per step (a StepSummary in the report's list: 248 bytes measured with tracemalloc on
#: CPython 3.11; 400 leaves room for other versions), checked before a run of many steps starts
STEP_SUMMARY_BYTES = 400


@dataclass
class StepSummary:
    step: int
    loss_numpy: float
    loss_torch: float
    max_abs_diff: float
    #: the largest |Δ| / allowed over every quantity (≤ 1: the step agrees)
    max_ratio: float = 0.0
    #: entries of the step with no finite allowed |Δ| (see ``QuantityDiff.unbounded``)
    unbounded: int = 0
    #: entries of the step accepted early, their ratios not computed (see ``QuantityDiff.accepted_early``)
    accepted_early: int = 0


@dataclass
class Report:
    config: RunConfig
    tolerance: Tolerance | ErrorBound
    steps: list[StepSummary] = field(default_factory=list)
    #: side-by-side diffs of the first and the last compared step. Once a later step has been compared, step
    #: 1's values keep only what its table prints (:func:`~.compare.as_shown`): records of earlier steps are
    #: not held through a long run.
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
                manual_model: MLP | None = None) -> tuple[MLP, Optimizer, TorchTwin]:
    """Both twins from one set of weights, cast to the run's dtype.

    ``manual_model`` replaces the NumPy network (a deliberately broken one, say);
    it must hold the same weights.
    """
    net, optimizer = build_numpy_twin(config, thetas, biases, manual_model)
    return net, optimizer, build_torch_twin(config, thetas, biases)


def build_numpy_twin(config: RunConfig, thetas: list[Array], biases: list[Array] | None,
                     manual_model: MLP | None = None) -> tuple[MLP, Optimizer]:
    """The NumPy network and its optimizer (see :func:`build_twins`)."""
    config.validate()
    thetas, biases = check_parameters(thetas, biases, np.dtype(config.dtype))
    net = manual_model or MLP(thetas, biases, config.activation, config.output_activation)
    return net, make_optimizer(config.optimizer_settings)


def build_torch_twin(config: RunConfig, thetas: list[Array], biases: list[Array] | None) -> "TorchTwin":
    """The PyTorch twin (see :func:`build_twins`); the only place that imports torch."""
    from torch_reference import TorchTwin
    config.validate()
    thetas, biases = check_parameters(thetas, biases, np.dtype(config.dtype))
    return TorchTwin(thetas, biases, config.activation, config.output_activation, config.loss,
                     config.optimizer_settings, config.device, config.allow_tf32)


def step_start(net: MLP, optimizer_state: dict, Y: Array) -> StepStart:
    """What the next step starts from (θ, b, a shallow copy of the optimizer state: its arrays are replaced,
    never changed in place), with Y as an (N, n_L) matrix."""
    state = {name: {kind: list(values) for kind, values in per_kind.items()}
             for name, per_kind in optimizer_state.items()}
    return StepStart(net.thetas, net.biases, state, targets_matrix(np.asarray(Y), net.sizes[-1], net.dtype))


def compare_step(config: RunConfig, net: MLP, optimizer: Optimizer, twin: "TorchTwin", X: Array, Y: Array,
                 step: int, tol: Tolerance | ErrorBound) -> tuple[list[QuantityDiff], Mismatch | None, StepSummary]:
    """One step of both twins on the batch (X, Y): every quantity side by side, the first that differs."""
    start = step_start(net, optimizer.state, Y)
    # A diverging run overflows to inf and then NaN; that is the very signal compare_records reports
    # ("diverged at step k"), so NumPy's overflow/invalid warnings would only repeat it, noisily.
    with np.errstate(over="ignore", invalid="ignore"):
        fd = numerical_gradients(net, X, Y, config.loss) if config.gradcheck else None
        # both steps at once where that pays, on shares of the cores (see torch_reference/lockstep.py)
        rec_np, rec_pt = twin.train_step_beside(lambda: net.train_step(X, Y, optimizer, config.loss, step), X, Y,
                                                step)
    diffs, mismatch = compare_records(rec_np, rec_pt, tol, start)
    if fd is not None:
        fd_mismatch = add_finite_differences(diffs, fd, gradcheck_tolerance(config.fixed_tolerance, rec_pt.loss),
                                             step)
        mismatch = mismatch or fd_mismatch
    # Continue from a common state; where the new θ, b and optimizer state agree to the last bit already,
    # copying them would change nothing.
    if not config.free_running and any(d.max_abs_diff != 0 for d in diffs if carried_over(d.quantity)):
        twin.load_state(rec_np.thetas, rec_np.biases, rec_np.optimizer_state)
    # np.max, not max(): a NaN difference must show as NaN whatever its position in the list
    largest, ratio = float(np.max([d.max_abs_diff for d in diffs])), float(np.max([d.ratio for d in diffs]))
    return diffs, mismatch, StepSummary(step, rec_np.loss, rec_pt.loss, largest, ratio, sum(d.unbounded for d in diffs),
                                        sum(d.accepted_early for d in diffs))


def run_comparison(config: RunConfig, thetas: list[Array], biases: list[Array] | None, X: Array, Y: Array,
                   manual_model: MLP | None = None) -> Report:
    """Train both twins on (X, Y) for ``config.steps`` steps, one batch per step; stop at the first difference.

    Each step is checked from a common starting point: once step k has been
    compared, the PyTorch twin continues from the NumPy twin's θ, b and optimizer
    state. Rounding differences of ≈ε per step are thus never compounded by the
    training dynamics (Adam at η = 0.1 amplifies them ≈10⁵-fold in 100 steps),
    and every step's arithmetic is held to its own rounding-error bound. With
    ``free_running`` the twins train independently and their drift is compared.
    """
    net, optimizer, twin = build_twins(config, thetas, biases, manual_model)
    X, Y = check_batch(X, Y, net.sizes, net.dtype, config.loss)
    check_batch_size(config.batch_size, X.shape[0])
    report = Report(config, config.tolerance)
    for step in range(1, config.steps + 1):
        batch = step_slice(step, X.shape[0], config.batch_size, config.shuffle_seed)
        if step == 2:   # step 1's table needs no more than it prints
            report.first_diffs = [as_shown(d) for d in report.first_diffs]
        report.last_diffs = []  # step k's records go before step k + 1 makes its own
        diffs, mismatch, summary = compare_step(config, net, optimizer, twin, X[batch], Y[batch], step,
                                                report.tolerance)
        report.steps.append(summary)
        if step == 1:
            report.first_diffs = diffs
        report.last_diffs, diffs = diffs, None
        if mismatch is not None:
            report.first_mismatch = mismatch
            break
    report.final_numpy = named_weights(net.thetas, net.biases)
    report.final_torch = named_weights(twin.thetas, twin.biases)
    return report
