"""What to ask of a submission: each of the lab's functions called on autograd's own inputs, and whole steps.

Every function gets the inputs autograd computed (so one wrong formula does not
cascade into the next) and is held to autograd's output for that formula:

============  ======================================  =====================================
function      called with (the lab's argument order)  must return (autograd / torch.optim)
============  ======================================  =====================================
sigmoid       z⁽ˡ⁾                                    a⁽ˡ⁾ = torch.sigmoid(z⁽ˡ⁾)
delta_L       a⁽ᴸ⁾, Y                                 δ⁽ᴸ⁾ = ∂J/∂z⁽ᴸ⁾
delta_l       δ⁽ˡ⁺¹⁾, θ⁽ˡ⁺¹⁾, a⁽ˡ⁾                    δ⁽ˡ⁾ = ∂J/∂z⁽ˡ⁾
gradient      δ⁽ˡ⁾, a⁽ˡ⁻¹⁾                            ∂J/∂θ⁽ˡ⁾
optimize      θ⁽ˡ⁾, ∂J/∂θ⁽ˡ⁾, η                       θ⁽ˡ⁾ after torch.optim.SGD's step
============  ======================================  =====================================

Then whole steps: the student's own ``step(X, Y, thetas, eta)`` (on the
two-layer cases), or else their functions chained into a step, run for several
steps; each step is held to the PyTorch twin's step *from the θ the student's
previous step produced*, so step k is judged on its own, as mlp-compare does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from manual_mlp import StepRecord
from manual_mlp.validation import sup

from .cases import Case, two_layer
from .execute import encode

Array = np.ndarray

#: steps of the student's step() and of the chain of their functions, on each case
STEP_STEPS = 20
CHAIN_STEPS = 10


@dataclass(frozen=True)
class Probe:
    """One call of one of the lab's functions, and autograd's answer."""

    id: int
    formula: str               # "sigmoid", "delta_L", "delta_l", "gradient", "optimize"
    case: Case
    record: StepRecord         # autograd's step on the case (the numbers the inputs come from)
    layer: int
    args: tuple                # arrays and η, in the lab's argument order
    arg_names: tuple[str, ...]
    expected: Array

    @property
    def target(self) -> str:
        """The quantity the call computes, in the lab's symbols: 'δ⁽²⁾', '∂J/∂θ⁽¹⁾', …"""
        l = sup(self.layer)
        return {"sigmoid": f"a{l}", "delta_L": f"δ{l}", "delta_l": f"δ{l}", "gradient": f"∂J/∂θ{l}",
                "optimize": f"θ{l}"}[self.formula]

    @property
    def call_text(self) -> str:
        """'delta_l(δ⁽³⁾ (5, 2), θ⁽³⁾ (2, 5), a⁽²⁾ (5, 5))': the call, with the shapes passed."""
        shown = [f"{name} {tuple(np.shape(arg))}" if isinstance(arg, np.ndarray) else f"{name} = {arg:g}"
                 for name, arg in zip(self.arg_names, self.args)]
        return f"{self.formula}({', '.join(shown)})"


@dataclass(frozen=True)
class Trajectory:
    """Several steps on one case: of the student's step() ("step") or of their functions chained ("chain")."""

    id: int
    kind: str          # "step" or "chain"
    case: Case
    sigma: str         # "reference" (NumPy's σ) or "own" (the student's sigmoid), for the chain's forward pass
    steps: int

    def spec(self) -> dict:
        return {"id": self.id, "kind": self.kind, "sigma": self.sigma, "steps": self.steps,
                "X": encode(self.case.X), "Y": encode(self.case.Y), "thetas": encode(list(self.case.thetas)),
                "eta": self.case.eta}


def case_probes(case: Case, record: StepRecord, first_id: int) -> list[Probe]:
    L, a, d = case.depth, record.activations, record.deltas
    sym = lambda s, l: f"{s}{sup(l)}"  # noqa: E731
    specs = [("sigmoid", l, (record.zs[l - 1],), (sym("z", l),), a[l]) for l in range(1, L + 1)]
    specs.append(("delta_L", L, (a[L], case.Y), (sym("a", L), "Y"), d[L - 1]))
    specs += [("delta_l", l, (d[l], case.thetas[l], a[l]), (sym("δ", l + 1), sym("θ", l + 1), sym("a", l)), d[l - 1])
              for l in range(L - 1, 0, -1)]
    specs += [("gradient", l, (d[l - 1], a[l - 1]), (sym("δ", l), "X" if l == 1 else sym("a", l - 1)),
               record.nabla_thetas[l - 1]) for l in range(1, L + 1)]
    specs += [("optimize", l, (case.thetas[l - 1], record.nabla_thetas[l - 1], case.eta),
               (sym("θ", l), sym("∂J/∂θ", l), "η"), record.thetas[l - 1]) for l in range(1, L + 1)]
    return [Probe(first_id + i, f, case, record, l, args, names, expected)
            for i, (f, l, args, names, expected) in enumerate(specs)]


@dataclass
class Plan:
    probes: list[Probe]
    trajectories: list[Trajectory]

    def task(self, functions: dict[str, str], limit: float | None) -> dict:
        """The worker's task (see :mod:`mlp_harness.check.execute`)."""
        return {"functions": functions, "limit": limit,
                "probes": [{"id": p.id, "formula": p.formula, "layer": p.layer, "args": encode(list(p.args))} for p in self.probes],
                "trajectories": [t.spec() for t in self.trajectories]}


def make_plan(cases: list[Case]) -> Plan:
    """Autograd's step on every case, the probes built from it, and the trajectories to run."""
    probes: list[Probe] = []
    for case in cases:
        probes += case_probes(case, case.autograd_step(), len(probes))
    runs = [("step", case, "own", STEP_STEPS) for case in two_layer(cases)]
    runs += [("chain", case, sigma, CHAIN_STEPS) for sigma in ("reference", "own") for case in cases]
    return Plan(probes, [Trajectory(i, *run) for i, run in enumerate(runs)])
