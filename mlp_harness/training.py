"""The lab's training loop, run by both twins in lockstep and compared every step.

One epoch is one pass over the data (:func:`epoch_batches`): for now a single
full-batch step, exactly the lab's loop. As in the lab, the loss of epoch k is
J computed in that epoch's forward pass, *before* its update: the first entry
is the loss of the starting weights, the last one the loss the lab prints as
"Loss final".

``impl`` picks the twins: "both" (compared at every step, stopping at the first
quantity out of tolerance or non-finite), "numpy" or "torch" alone (stopping
when the loss or the weights stop being finite). With "numpy", torch is never
imported.

The twins train independently: each follows its own trajectory, and only the
records are compared. Where the training dynamics amplify perturbations (a
step size near the edge of stability), rounding differences of ~ε can grow
until they pass the tolerance. After a mismatch, :func:`same_start_step`
tells that drift apart from a real difference: both twins redo the step from
the same weights.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

import numpy as np

from manual_mlp import StepRecord
from manual_mlp.validation import InputError, check_batch, check_parameters

from .compare import Mismatch, compare_records
from .run import RunConfig, build_numpy_twin, build_torch_twin
from .tolerance import Tolerance

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
    tolerance: Tolerance
    losses: dict[str, list[float]] = field(default_factory=dict)
    max_abs_diff: list[float] = field(default_factory=list)
    mismatch: Mismatch | None = None             # first quantity out of tolerance (impl "both")
    diverged: str | None = None                  # "numpy", "torch" or "both": a non-finite value appeared
    #: after a mismatch: the same step redone by both twins from the NumPy twin's weights (see same_start_step)
    same_start: StepCheck | None = None
    #: each twin's latest weights (θ list, b list or None): the starting ones until a step is taken
    final_weights: dict[str, tuple[list[Array], list[Array] | None]] = field(default_factory=dict)

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


def epoch_batches(X: Array, Y: Array, epoch: int) -> Iterator[tuple[Array, Array]]:
    """The batches of one epoch, in order. For now the whole data set in one batch (the lab's loop).

    Mini-batches replace this one function; everything else already loops over its batches.
    """
    yield X, Y


def epoch_loss(batch_losses: list[float]) -> float:
    """The loss reported for an epoch: with one full batch, that batch's J."""
    return float(sum(batch_losses))


def make_steppers(config: RunConfig, thetas: list[Array], biases: list[Array] | None,
                  impl: str) -> dict[str, Stepper]:
    """One ``step(X, Y, step) -> StepRecord`` per twin trained, built from the same weights."""
    if impl not in IMPLS:
        raise InputError(f"--impl must be one of {', '.join(IMPLS)}, got {impl!r}")
    steppers: dict[str, Stepper] = {}
    if impl in ("numpy", "both"):
        net, optimizer = build_numpy_twin(config, thetas, biases)
        steppers["numpy"] = lambda X, Y, step: net.train_step(X, Y, optimizer, config.loss, step)
    if impl in ("torch", "both"):
        twin = build_torch_twin(config, thetas, biases)
        steppers["torch"] = lambda X, Y, step: twin.train_step(X, Y, step)
    return steppers


def non_finite_twins(records: dict[str, StepRecord]) -> str | None:
    """Which twins produced a non-finite loss or weight in this step: "numpy", "torch", "both" or None."""
    bad = [name for name, rec in records.items()
           if not np.isfinite(rec.loss) or not all(np.isfinite(t).all() for t in rec.thetas + (rec.biases or []))]
    return None if not bad else bad[0] if len(bad) == 1 else "both"


def same_start_step(config: RunConfig, start: tuple[list[Array], list[Array] | None], X: Array,
                    Y: Array) -> StepCheck:
    """Both twins take one step from the same weights ``start``, with fresh optimizers.

    Told apart after a mismatch late in training: if this step agrees, both twins compute the same
    map, and the trajectories parted because rounding differences of ~ε grew along the way (training
    dynamics that amplify perturbations do that); if it differs, the twins compute different steps.
    """
    steppers = make_steppers(config, *start, impl="both")
    records = {name: step(X, Y, 1) for name, step in steppers.items()}
    diffs, mismatch = compare_records(records["numpy"], records["torch"], config.tolerance)
    return StepCheck(max(d.max_abs_diff for d in diffs), mismatch is None)


def train_epoch(steppers: dict[str, Stepper], X: Array, Y: Array, epoch: int, first_step: int,
                history: TrainingHistory) -> int:
    """Run one epoch on every twin, record it in ``history``; returns the number of steps taken."""
    batch_losses = {name: [] for name in steppers}
    largest, steps = 0.0, 0
    for X_batch, Y_batch in epoch_batches(X, Y, epoch):
        steps += 1
        records = {name: step(X_batch, Y_batch, first_step + steps - 1) for name, step in steppers.items()}
        start = history.final_weights["numpy"] if "numpy" in steppers else None
        for name, rec in records.items():
            batch_losses[name].append(rec.loss)
            history.final_weights[name] = (rec.thetas, rec.biases)
        if len(records) == 2:
            diffs, mismatch = compare_records(records["numpy"], records["torch"], history.tolerance)
            largest = max(largest, *(d.max_abs_diff for d in diffs))
            history.mismatch = mismatch
            history.diverged = mismatch.diverged if mismatch else None
            if mismatch is not None and mismatch.diverged is None:
                history.same_start = same_start_step(history.config, start, X_batch, Y_batch)
        else:
            history.diverged = non_finite_twins(records)
        if not history.ok:
            break
    for name, losses in batch_losses.items():
        history.losses[name].append(epoch_loss(losses))
    if len(steppers) == 2:
        history.max_abs_diff.append(largest)
    return steps


def train(config: RunConfig, thetas: list[Array], biases: list[Array] | None, X: Array, Y: Array,
          impl: str = "both", on_epoch: Callable[[int, TrainingHistory], None] | None = None) -> TrainingHistory:
    """Train the twins ``impl`` names for ``config.steps`` epochs from the same weights, in lockstep.

    ``on_epoch(epoch, history)`` is called after each epoch (progress, printing); the loop itself
    prints nothing. Training stops at the first mismatch or divergence; ``history.ok`` says which.
    """
    config.validate()
    thetas, biases = check_parameters(thetas, biases, np.dtype(config.dtype))
    X, Y = check_batch(X, Y, [thetas[0].shape[1], thetas[-1].shape[0]], thetas[0].dtype)
    steppers = make_steppers(config, thetas, biases, impl)
    history = TrainingHistory(config, impl, config.tolerance, {name: [] for name in steppers})
    history.final_weights = {name: (thetas, biases) for name in steppers}
    step = 1
    for epoch in range(1, config.steps + 1):
        step += train_epoch(steppers, X, Y, epoch, step, history)
        if on_epoch is not None:
            on_epoch(epoch, history)
        if not history.ok:
            break
    return history
