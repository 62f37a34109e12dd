"""The lab's training loop, run by both twins in lockstep and compared every step.

One epoch is one pass over the data: one step per batch (the full batch by
default, exactly the lab's loop; ``--batch-size``/``--shuffle-seed`` as in
mlp-compare). As in the lab, the loss of epoch k is J computed in that epoch's
forward passes, *before* their updates: the first entry is the loss of the
starting weights, the last one the loss the lab prints as "Loss final".

``impl`` picks the twins: "both" (compared at every step, stopping at the first
quantity out of tolerance or non-finite), "numpy" or "torch" alone (stopping
when the loss or the weights stop being finite). With "numpy", torch is never
imported.

As in mlp-compare, every step is checked from a common state: after each
step the PyTorch twin continues from the NumPy twin's weights and optimizer
state, so the curves show each step's own arithmetic difference (~ε), never
rounding compounded by the training dynamics. With ``free_running`` the twins
train independently and their drift is compared; where the dynamics amplify
perturbations (a step size near the edge of stability) that drift can pass
the tolerance, and after such a mismatch :func:`same_start_step` tells drift
apart from a real difference: both twins redo the step from the same weights.
"""
from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable, ContextManager, Iterator

import numpy as np

from manual_mlp import MLP, StepRecord, get_loss
from manual_mlp.losses import targets_matrix
from manual_mlp.record import carried_over
from manual_mlp.batches import check_batch_size
from manual_mlp.batches import epoch_slices
from manual_mlp.validation import InputError, check_batch, check_parameters

from ..verify.compare import Mismatch, compare_records
from ..verify.error_bounds import StepStart
from ..verify.run import RunConfig, build_numpy_twin, build_torch_twin
from ..verify.tolerance import ErrorBound, Tolerance
from ..i18n import _

Array = np.ndarray
Stepper = Callable[[Array, Array, int], StepRecord]

IMPLS = ("both", "numpy", "torch")
TWIN_NAMES = {"numpy": "NumPy", "torch": "PyTorch"}


@dataclass(frozen=True)
class StepCheck:
    """One step taken by both twins from identical weights: its largest |Δ| and whether it is in tolerance."""

    max_abs_diff: float
    ok: bool


@dataclass
class TrainingHistory:
    """Per-epoch losses of each twin trained, and the largest difference between them.

    ``losses[twin][k]`` is the loss of epoch k+1 ("numpy" and/or "torch");
    ``max_abs_diff[k]`` is the largest |NumPy − PyTorch| over every quantity of
    every step of epoch k+1 (only with impl "both").
    """

    config: RunConfig                            # config.steps epochs planned; ``completed`` says how many ran
    impl: str
    tolerance: Tolerance | ErrorBound
    losses: dict[str, list[float]] = field(default_factory=dict)
    max_abs_diff: list[float] = field(default_factory=list)
    #: the largest |Δ| / allowed over every quantity of every step so far (≤ 1 while the twins agree)
    max_ratio: float = 0.0
    #: entries compared so far with no finite allowed |Δ| (see ``QuantityDiff.unbounded``)
    unbounded: int = 0
    #: entries compared so far that were accepted early, their ratios not computed (``QuantityDiff.accepted_early``)
    accepted_early: int = 0
    #: the NumPy twin's optimizer state after the latest step: what the next step starts from
    optimizer_state: dict = field(default_factory=dict)
    mismatch: Mismatch | None = None             # first quantity out of tolerance (impl "both")
    diverged: str | None = None                  # "numpy", "torch" or "both": a non-finite value appeared
    #: after a mismatch: the same step redone by both twins from the NumPy twin's weights (see same_start_step)
    same_start: StepCheck | None = None
    #: each twin's latest weights (θ list, b list or None): the starting ones until a step is taken
    final_weights: dict[str, tuple[list[Array], list[Array] | None]] = field(default_factory=dict)
    #: classification only: each twin's training accuracy after each epoch (a fraction of the samples)
    accuracy: dict[str, list[float]] = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        return self.config.steps

    @property
    def completed(self) -> int:
        return len(next(iter(self.losses.values())))

    @property
    def ok(self) -> bool:
        return self.mismatch is None and self.diverged is None

    @property
    def max_abs_diff_so_far(self) -> Array:
        """Running maximum of ``max_abs_diff``: the largest difference up to each epoch."""
        return np.maximum.accumulate(np.asarray(self.max_abs_diff, dtype=float))


def epoch_batches(config: RunConfig, X: Array, Y: Array, epoch: int) -> Iterator[tuple[Array, Array]]:
    """The batches of epoch ``epoch`` (1-based), as mlp-compare's steps walk them; the full batch in order (the
    lab's loop) is the data itself."""
    if config.batch_size is None and config.shuffle_seed is None:
        yield X, Y
        return
    for batch in epoch_slices(X.shape[0], config.batch_size, config.shuffle_seed, epoch - 1):
        yield X[batch], Y[batch]


def epoch_loss(config: RunConfig, batch_losses: list[float], batch_sizes: list[int]) -> float:
    """The loss of an epoch from its batches': their sum for a loss that sums over samples (the lab's ½Σ),
    their mean weighted by batch size for a loss that averages (mse, bce, cross_entropy)."""
    if get_loss(config.loss).sums_over_samples:
        return float(sum(batch_losses))
    return float(np.dot(batch_losses, batch_sizes) / sum(batch_sizes))


@dataclass
class Twins:
    """One ``step(X, Y, step) -> StepRecord`` per twin trained, built from the same weights, and — when
    both train and steps start from a common state — ``continue_from(record)``, which puts the NumPy
    twin's θ, b and optimizer state into the PyTorch twin."""

    steppers: dict[str, Stepper]
    continue_from: Callable[[StepRecord], None] | None = None
    #: with both twins: their two steps in lockstep (see TorchTwin.train_step_beside), NumPy's record first
    lockstep: Callable[[Array, Array, int], tuple[StepRecord, StepRecord]] | None = None

    def step(self, X: Array, Y: Array, step: int) -> dict[str, StepRecord]:
        """One step of every twin on the batch (X, Y)."""
        if self.lockstep is not None:
            return dict(zip(("numpy", "torch"), self.lockstep(X, Y, step)))
        return {name: stepper(X, Y, step) for name, stepper in self.steppers.items()}


def make_twins(config: RunConfig, thetas: list[Array], biases: list[Array] | None, impl: str) -> Twins:
    """The twins ``impl`` names; their steps take rows of data that check_batch has returned (see train)."""
    if impl not in IMPLS:
        raise InputError(_("--impl must be one of {names}, got {value!r}").format(names=', '.join(IMPLS), value=impl))
    twins = Twins({})
    if impl in ("numpy", "both"):
        net, optimizer = build_numpy_twin(config, thetas, biases)
        loss = get_loss(config.loss)
        # train checked the whole data set once (check_batch): every batch is rows of it
        twins.steppers["numpy"] = lambda X, Y, step: net.train_step(X, Y, optimizer, loss, step, checked=True)
    if impl in ("torch", "both"):
        twin = build_torch_twin(config, thetas, biases)
        twins.steppers["torch"] = lambda X, Y, step: twin.train_step(X, Y, step)
        if impl == "both" and not config.free_running:
            twins.continue_from = lambda rec: twin.load_state(rec.thetas, rec.biases, rec.optimizer_state)
        if impl == "both":
            numpy_step = twins.steppers["numpy"]
            twins.lockstep = lambda X, Y, step: twin.train_step_beside(lambda: numpy_step(X, Y, step), X, Y, step)
    return twins


def non_finite_twins(records: dict[str, StepRecord]) -> str | None:
    """Which twins produced a non-finite loss or weight in this step: "numpy", "torch", "both" or None."""
    bad = [name for name, rec in records.items() if not finite_step(rec)]
    return None if not bad else bad[0] if len(bad) == 1 else "both"


def finite_step(rec: StepRecord) -> bool:
    """Whether the step's loss and every new θ and b are finite (count_nonzero: the cheapest whole-array
    test NumPy has, no reduction machinery, for a step of a few µs on the lab's net)."""
    if not math.isfinite(rec.loss):
        return False
    for weights in (rec.thetas, rec.biases or ()):
        for w in weights:
            if np.count_nonzero(np.isfinite(w)) != w.size:
                return False
    return True


def same_start_step(config: RunConfig, start: tuple[list[Array], list[Array] | None], X: Array,
                    Y: Array) -> StepCheck:
    """Both twins take one step from the same weights ``start``, with fresh optimizers.

    Told apart after a mismatch late in training: if this step agrees, both twins compute the same
    map, and the trajectories parted because rounding differences of ~ε grew along the way (training
    dynamics that amplify perturbations do that); if it differs, the twins compute different steps.
    """
    records = make_twins(config, *start, impl="both").step(X, Y, 1)
    diffs, mismatch = compare_records(records["numpy"], records["torch"], config.tolerance,
                                      batch_start(start, {}, Y, records["numpy"]))
    return StepCheck(max(d.max_abs_diff for d in diffs), mismatch is None)


def batch_start(weights: tuple[list[Array], list[Array] | None], optimizer_state: dict, Y: Array,
                record: StepRecord) -> StepStart:
    """What a step started from, for the error-bound rule: θ, b, optimizer state and Y as a matrix."""
    n_outputs = record.zs[-1].shape[1]
    return StepStart(*weights, optimizer_state, targets_matrix(np.asarray(Y), n_outputs, record.zs[-1].dtype))


def train_epoch(twins: Twins, X: Array, Y: Array, epoch: int, first_step: int, history: TrainingHistory) -> int:
    """Run one epoch on every twin, record it in ``history``; returns the number of steps taken.

    Called under :func:`train`'s ``np.errstate``, which silences the overflow and NaN of a diverging run."""
    steppers = twins.steppers
    batch_losses, batch_sizes = {name: [] for name in steppers}, []
    largest, steps = 0.0, 0
    for X_batch, Y_batch in epoch_batches(history.config, X, Y, epoch):
        steps += 1
        batch_sizes.append(X_batch.shape[0])
        records = twins.step(X_batch, Y_batch, first_step + steps - 1)
        start = history.final_weights["numpy"] if "numpy" in steppers else None
        for name, rec in records.items():
            batch_losses[name].append(rec.loss)
            history.final_weights[name] = (rec.thetas, rec.biases)
        if len(records) == 2:
            diffs, mismatch = compare_records(records["numpy"], records["torch"], history.tolerance,
                                              batch_start(start, history.optimizer_state, Y_batch, records["torch"]))
            history.optimizer_state = records["numpy"].optimizer_state
            largest = max(largest, *(d.max_abs_diff for d in diffs))
            history.max_ratio = float(np.nanmax([history.max_ratio] + [d.ratio for d in diffs]))
            history.unbounded += sum(d.unbounded for d in diffs)
            history.accepted_early += sum(d.accepted_early for d in diffs)
            history.mismatch = mismatch
            history.diverged = mismatch.diverged if mismatch else None
            if mismatch is not None and mismatch.diverged is None and history.config.free_running:
                history.same_start = same_start_step(history.config, start, X_batch, Y_batch)
            if twins.continue_from is not None and mismatch is None and any(
                    d.max_abs_diff != 0 for d in diffs if carried_over(d.quantity)):  # equal to the bit: no copy
                twins.continue_from(records["numpy"])
        else:
            history.diverged = non_finite_twins(records)
        if not history.ok:
            break
    for name, losses in batch_losses.items():
        history.losses[name].append(epoch_loss(history.config, losses, batch_sizes[:len(losses)]))
    if len(steppers) == 2:
        history.max_abs_diff.append(largest)
    return steps


def class_labels(Y: Array) -> Array:
    """The class of each sample: integer labels as given, one-hot rows' argmax, one 0/1 column thresholded."""
    if Y.ndim == 1:
        return Y.astype(int)
    return (Y[:, 0] >= 0.5).astype(int) if Y.shape[1] == 1 else Y.argmax(axis=1)


def training_accuracy(config: RunConfig, weights: tuple[list[Array], list[Array] | None], X: Array,
                      Y: Array) -> float:
    """The fraction of samples whose predicted class is their class: a⁽ᴸ⁾ ≥ 0.5 for one output, else the
    argmax of a⁽ᴸ⁾. Either twin's weights go through the NumPy forward pass (the twins' agree within tolerance)."""
    thetas, biases = weights
    net = MLP(thetas, biases, config.activation, config.output_activation)
    with np.errstate(over="ignore", invalid="ignore"):
        a = net.forward(X.astype(net.dtype)).activations[-1]
    predicted = (a[:, 0] >= 0.5).astype(int) if a.shape[1] == 1 else a.argmax(axis=1)
    return float(np.mean(predicted == class_labels(Y)))


def numpy_blas_beside_torch(impl: str) -> ContextManager:
    """NumPy's BLAS on one thread while a PyTorch twin trains in this process: after the accuracy's matmuls
    OpenBLAS's threads would spin for about 0.1 s into the torch twin's next steps (measured: mlp-train
    --dataset digits --epochs 50 --batch-size 64 --optimizer adam --impl torch, 5.75 s; 3.71 s with
    OpenBLAS on one thread; see torch_reference/lockstep.py)."""
    if impl == "numpy":
        return nullcontext()
    from torch_reference.lockstep import numpy_threads   # torch is loaded already: a twin uses it
    return numpy_threads(1)


def train(config: RunConfig, thetas: list[Array], biases: list[Array] | None, X: Array, Y: Array,
          impl: str = "both", on_epoch: Callable[[int, TrainingHistory], None] | None = None,
          classes: bool = False) -> TrainingHistory:
    """Train the twins ``impl`` names for ``config.steps`` epochs from the same weights, in lockstep.

    ``on_epoch(epoch, history)`` is called after each epoch (progress, printing); the loop itself
    prints nothing. Training stops at the first mismatch or divergence; ``history.ok`` says which.
    With ``classes`` (a classification task) each twin's training accuracy is recorded after each epoch.
    """
    config.validate()
    thetas, biases = check_parameters(thetas, biases, np.dtype(config.dtype))
    X, Y = check_batch(X, Y, [thetas[0].shape[1], thetas[-1].shape[0]], thetas[0].dtype, config.loss)
    check_batch_size(config.batch_size, X.shape[0])
    twins = make_twins(config, thetas, biases, impl)
    history = TrainingHistory(config, impl, config.tolerance, {name: [] for name in twins.steppers})
    history.final_weights = {name: (thetas, biases) for name in twins.steppers}
    step = 1
    # A diverging run overflows to inf, then NaN: the very signal reported (history.diverged), so NumPy's
    # warnings would only repeat it. Set once for the whole run: entering np.errstate costs about a tenth
    # of a step of the lab's net.
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, config.steps + 1):
            step += train_epoch(twins, X, Y, epoch, step, history)
            if classes:
                with numpy_blas_beside_torch(impl):
                    for name, weights in history.final_weights.items():
                        history.accuracy.setdefault(name, []).append(training_accuracy(config, weights, X, Y))
            if on_epoch is not None:
                on_epoch(epoch, history)
            if not history.ok:
                break
    return history
