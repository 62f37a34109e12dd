"""The networks a submission is checked on, and what autograd computes on each.

* ``lab`` and ``lab-v2``: the lab's 2-3-1 sigmoid network, X, θ and η, with
  each of the lab's two Y's ((0.7, 0.8) and (0.6, 0.8)).
* ``3-4-2`` and ``3-4-5-2``: seeded non-square networks (N = 5), where a
  missing transpose or a θ of the wrong layer cannot hide behind the lab's shapes.
* ``3-3-3`` and ``3-3-3-3``: seeded square networks (N = 4), where those
  mistakes give numbers instead of a shape error, so they can be named.

Every network is the lab's kind: sigmoid in every layer, J = ½Σ(y − a)², no
biases, plain gradient descent. The lab's ``step(X, Y, thetas, eta)`` is often
written for two layers only, so it is checked on the two-layer networks; the
chain of the lab's functions on all of them.

Other assignments (:mod:`mlp_harness.check.assignment`) build their cases with
:func:`assignment_cases`: their own network (activations, loss, biases,
optimizer), seeded the same way, and probed on every batch of one epoch.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from manual_mlp import StepRecord, lab, random_parameters
from manual_mlp.batches import epoch_slices

from ..verify.run import RunConfig, build_torch_twin
from .catalogue import Batch

Array = np.ndarray

#: the run every case is checked with: the lab's own (sigmoid, ½Σ(y − a)², gradient descent, float64)
LAB_CONFIG = dict(activation="sigmoid", output_activation="sigmoid", loss="half_sse", optimizer="sgd",
                  dtype="float64")


@dataclass(frozen=True)
class Case:
    name: str
    thetas: tuple[Array, ...]     # θ⁽¹⁾…θ⁽ᴸ⁾, each (n_l, n_{l−1})
    X: Array                      # (N, n₀)
    Y: Array                      # (N, n_L), targets in (0, 1) (one-hot rows for cross-entropy)
    eta: float
    biases: tuple[Array, ...] | None = None
    #: the run's settings other than η (RunConfig's fields; the lab's by default) and the batch size (None: all)
    settings: tuple[tuple[str, object], ...] = tuple(LAB_CONFIG.items())
    batch_size: int | None = None
    shown: str = ""               # a hyper-parameter other than η the case varies, as its label shows it: "μ = 0.45"

    @property
    def label(self) -> str:
        """'3-4-2 (N = 5, η = 0.5)': the case as a message names it, so a student knows which network, batch and
        η a verdict comes from (the JSON's ``case`` keeps the name alone); '…, μ = 0.45)' where the case varies
        another hyper-parameter (see :func:`varied_network`)."""
        return f"{self.name} (N = {len(self.X)}, η = {self.eta:g}{', ' + self.shown if self.shown else ''})"

    @property
    def depth(self) -> int:
        return len(self.thetas)

    def activation_at(self, l: int) -> str:
        """The activation of layer l (1…L)."""
        return self.config.output_activation if l == self.depth else self.config.activation

    @cached_property
    def config(self) -> RunConfig:
        return RunConfig(lr=self.eta, **dict(self.settings))

    @cached_property
    def _twin(self):
        return build_torch_twin(self.config, list(self.thetas), None if self.biases is None else list(self.biases))

    def autograd_step(self, thetas: list[Array] | None = None, biases: list[Array] | None = None,
                      rows: slice | None = None) -> StepRecord:
        """One step of the PyTorch twin from ``thetas`` (default: the case's) and ``biases`` (a network with
        biases), on the rows ``rows`` of X and Y (default: all): autograd's z, a, J, δ = ∂J/∂z, ∂J/∂θ and
        torch.optim.SGD's new θ (and b). The optimizer starts with no state: plain gradient descent has none."""
        self._twin.load_state(list(self.thetas if thetas is None else thetas), biases, {})
        rows = slice(None) if rows is None else rows
        return self._twin.train_step(self.X[rows], self.Y[rows])

    def batches_rows(self) -> list:
        """The rows of each batch of one epoch, in their fixed order."""
        return list(epoch_slices(len(self.X), self.batch_size))

    def batches(self) -> list[Batch]:
        """Autograd's step on every batch of one epoch (in a fixed order), each from the θ, b and optimizer
        state the step before it produced: the inputs and answers of the probes. A twin of its own, so the
        optimizer's state (momentum's velocity, Adam's m, v and t) starts from nothing: batch k is step k."""
        thetas, biases = list(self.thetas), None if self.biases is None else list(self.biases)
        twin, state, out = build_torch_twin(self.config, thetas, biases), {}, []
        for number, rows in enumerate(self.batches_rows(), start=1):
            record = twin.train_step(self.X[rows], self.Y[rows], number)
            out.append(Batch(self, number, self.X[rows], self.Y[rows], tuple(thetas),
                             None if biases is None else tuple(biases), record, state))
            thetas, biases, state = record.thetas, record.biases, record.optimizer_state
        return out

def seeded_case(sizes: list[int], n: int, seed: int) -> Case:
    """Random θ (PyTorch's default scale, seeded), X in [−1, 1] and Y in (0.1, 0.9)."""
    rng = np.random.default_rng(seed)
    thetas, _ = random_parameters(sizes, seed=seed)
    X = rng.uniform(-1, 1, size=(n, sizes[0]))
    Y = rng.uniform(0.1, 0.9, size=(n, sizes[-1]))
    return Case("-".join(map(str, sizes)), tuple(thetas), X, Y, eta=0.5)


def all_cases() -> list[Case]:
    thetas = tuple(lab.lab_thetas())
    return [Case("lab", thetas, lab.X.copy(), lab.Y.copy(), lab.ETA),
            Case("lab-v2", thetas, lab.X.copy(), lab.Y_V2.copy(), lab.ETA),
            seeded_case([3, 4, 2], 5, seed=1), seeded_case([3, 4, 5, 2], 5, seed=2),
            seeded_case([3, 3, 3], 4, seed=3), seeded_case([3, 3, 3, 3], 4, seed=4)]


def seeded_targets(rng: np.random.Generator, n: int, width: int, loss: str) -> Array:
    """Targets for a seeded case: one-hot rows of random classes for cross-entropy, else U(0.1, 0.9)."""
    if loss == "cross_entropy":
        return np.eye(width)[rng.integers(0, width, size=n)]
    return rng.uniform(0.1, 0.9, size=(n, width))


def assignment_case(spec, network) -> Case:
    """One case of an assignment: the lab's own numbers (``spec.lab``), or a seeded network of its kind; in the
    network's dtype (a float32 network's X, Y, θ and b are float32 numbers, handed to torch and to the
    submission alike)."""
    settings = tuple(network.run_settings().items())
    if spec.lab:
        lab_case = {c.name: c for c in all_cases()[:2]}[spec.lab]
        return in_dtype(Case(lab_case.name, lab_case.thetas, lab_case.X, lab_case.Y, lab_case.eta, None, settings,
                             network.batch_size), network.dtype)
    rng = np.random.default_rng(spec.seed)
    thetas, biases = random_parameters(list(spec.layers), seed=spec.seed, bias=network.bias)
    X = spec.x_scale * rng.uniform(-1, 1, size=(spec.samples, spec.layers[0]))
    Y = seeded_targets(rng, spec.samples, spec.layers[-1], network.loss)
    eta = network.lr if spec.lr is None else spec.lr
    return in_dtype(Case(spec.name, tuple(thetas), X, Y, eta, None if biases is None else tuple(biases), settings,
                         network.batch_size), network.dtype)


def in_dtype(case: Case, dtype: str) -> Case:
    """The case with its arrays rounded to ``dtype``; a float64 case as it is."""
    if dtype == "float64":
        return case
    cast = lambda arrays: tuple(a.astype(dtype) for a in arrays)  # noqa: E731
    return replace(case, thetas=cast(case.thetas), X=case.X.astype(dtype), Y=case.Y.astype(dtype),
                   biases=None if case.biases is None else cast(case.biases))


def in_float64(case: Case) -> Case:
    """The same case (its numbers as they are: a float32 case's float32 numbers, exactly) trained in float64: its
    steps are, to float64's rounding, the exact steps from those numbers."""
    return replace(case, settings=tuple((key, "float64" if key == "dtype" else value) for key, value in case.settings))


def with_network(case: Case, network, shown: str = "") -> Case:
    """The same case (θ, b, X, Y) trained with another network's optimizer and η (a function's own)."""
    return replace(case, eta=network.lr, settings=tuple(network.run_settings().items()), shown=shown)


#: an update's hyper-parameters: its argument's name (the catalogue's) -> (its symbol, the Network's field, the
#: place in that field when it holds two)
HYPER = {"eta": ("η", "lr", None), "mu": ("μ", "momentum", None), "beta1": ("β₁", "betas", 0),
         "beta2": ("β₂", "betas", 1), "eps": ("ε", "eps", None), "weight_decay": ("λ", "weight_decay", None)}


def hyper_value(network, arg: str) -> float:
    _, field, place = HYPER[arg]
    value = getattr(network, field)
    return value if place is None else value[place]


def other_value(arg: str, value: float) -> float:
    """A second value of a hyper-parameter, valid for torch.optim and far enough from ``value`` that a number
    written in the function in its place changes every update well beyond the tolerance: η, μ and λ halved,
    β moved halfway to 1 from its other side (0.9 → 0.8, 0.999 → 0.998), ε 1e-3 (on these networks' gradients,
    |g| ~ 1e-2, ε = 1e-8 shows nowhere near the tolerance's 1e-12 on its own) or ε/10 when already that large."""
    if arg.startswith("beta"):
        return 2 * value - 1 if value > 0.5 else (1 + value) / 2
    if arg == "eps":
        return 1e-3 if value < 1e-4 else value / 10
    return value / 2


def varied_network(network, arg: str, taken: set[float] = frozenset()):
    """(``network`` with the hyper-parameter ``arg`` changed to a value not in ``taken`` — the values the cases
    already use —, the label's words for it: '' for η, which every label shows, else 'μ = 0.45')."""
    symbol, field, place = HYPER[arg]
    value = other_value(arg, hyper_value(network, arg))
    while value in taken:
        value = other_value(arg, value)
    if place is not None:
        pair = list(getattr(network, field))
        pair[place] = value
        value = tuple(pair)
    new = replace(network, **{field: value})
    return new, "" if arg == "eta" else f"{symbol} = {hyper_value(new, arg):g}"


def assignment_cases(assignment) -> list[Case]:
    return [assignment_case(spec, assignment.network) for spec in assignment.cases]


def two_layer(cases: list[Case]) -> list[Case]:
    return [case for case in cases if case.depth == 2]
