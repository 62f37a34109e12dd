"""How close the two twins must be: the rule in force for a run.

By default (:class:`ErrorBound`) each quantity gets its own allowed difference, derived from the
floating-point error bound of the formula that made it (see :mod:`.error_bounds` and
docs/robustness.md): |NumPy − PyTorch| ≤ 2E elementwise, E the bound on one twin's rounding error. It
grows with N and the layer widths as rounding does, and shrinks where values are small.

``--rtol``/``--atol`` (and ``--free-running``, where the twins drift apart step after step, which no
one-step bound describes) use the fixed rule instead (:class:`Tolerance`): |NumPy − PyTorch| ≤ atol +
rtol·|PyTorch|, with 10⁴·ε for whichever of the two is not given. Why 10⁴·ε: the twins evaluate the
same formulas in a different order, a few ε apart per operation (measured ≤ 8ε on random networks of
depth 1–5 over 50 steps, 2ε over 1,000 lab steps); 10⁴·ε is a thousand times that at the lab's size,
yet far below a real mistake (the smallest mutant moves a quantity by 7e-6):

* float64: ε = 2.2e-16 → rtol = atol = 2.2e-12
* float32: ε = 1.2e-7  → rtol = atol = 1.2e-3

It is also what :mod:`mlp_harness.teach.explain` holds a formula's entry to, and the floor of the
finite-difference tolerance.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..i18n import tr, tr_n
from .early import DeferredWeights, defer, layers_to_defer
from .error_bounds import Arithmetic, Formulas, StepStart, step_bounds

RTOL_ULPS = 1e4


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float

    @classmethod
    def for_dtype(cls, dtype, rtol: float | None = None, atol: float | None = None) -> "Tolerance":
        eps = float(np.finfo(np.dtype(dtype)).eps)
        return cls(rtol=RTOL_ULPS * eps if rtol is None else rtol, atol=RTOL_ULPS * eps if atol is None else atol)

    def allows(self, numpy_value: np.ndarray, torch_value: np.ndarray) -> np.ndarray:
        """Elementwise |numpy − torch| ≤ atol + rtol·|torch| (``numpy.isclose``'s rule, NaN never close)."""
        return np.abs(numpy_value - torch_value) <= self.atol + self.rtol * np.abs(torch_value)

    def limits(self, record=None, start: StepStart | None = None) -> "Tolerance":
        """The rule for one step: the same for every step."""
        return self

    def allowed(self, quantity: str, layer: int | None, torch_value: np.ndarray) -> np.ndarray:
        """The largest |NumPy − PyTorch| allowed, elementwise."""
        return self.atol + self.rtol * np.abs(torch_value)

    def allowed_in(self, quantity: str, layer: int | None, torch_value: np.ndarray) -> Callable[[slice], np.ndarray]:
        """:meth:`allowed` of a block of the flattened quantity, as the comparison asks for it."""
        flat = torch_value.reshape(-1)
        return lambda block: self.atol + self.rtol * np.abs(flat[block])

    def allowed_laid(self, keys: list, torch_values: np.ndarray) -> np.ndarray:
        """:meth:`allowed` of several quantities ``keys`` ((quantity, layer) each) whose PyTorch values lie end
        to end, flattened, in ``torch_values``."""
        return self.atol + self.rtol * np.abs(torch_values)

    def deferral(self, quantity: str, layer: int | None) -> None:
        """Whether the quantity's bounds are made entry by entry (:mod:`.early`): never under the fixed rule."""
        return None

    def unbounded(self, quantity: str, layer: int | None) -> int:
        """Entries with no finite allowed difference: none under the fixed rule."""
        return 0

    def to_json(self) -> dict:
        return {"rule": "fixed", "rtol": self.rtol, "atol": self.atol}

    def describe(self, lang: str = "en") -> str:
        return tr(lang, "rtol={rtol:.1e}, atol={atol:.1e}", rtol=self.rtol, atol=self.atol)

    def ratio_note(self, ratio: float, lang: str = "en", unbounded: int = 0, early: int = 0) -> str:
        return ""


@dataclass(frozen=True)
class ErrorBound:
    """The default rule: each entry of each quantity within twice its rounding-error bound (see the module)."""

    arithmetic: Arithmetic
    formulas: Formulas

    def limits(self, record, start: StepStart) -> "StepLimits":
        """The allowed differences of one step of the PyTorch twin ``record`` that started from ``start``."""
        infinite: dict = {}
        ar, f, skip = self.arithmetic, self.formulas, layers_to_defer(record)
        bounds = step_bounds(ar, f, record, start, infinite, skip)
        deferred = defer(ar, f, record, start, bounds, skip, infinite) if skip else {}
        return StepLimits(bounds, ar.floor, infinite, deferred)

    def to_json(self) -> dict:
        ar = self.arithmetic
        return {"rule": "error_bound", "dtype": ar.dtype, "unit_roundoff": ar.u, "tf32_unit_roundoff": ar.u_inputs
                or None, "allowed": "|numpy - torch| <= 2 E elementwise, E = each quantity's rounding-error "
                "bound (docs/robustness.md)"}


    def describe(self, lang: str = "en") -> str:
        ar = self.arithmetic
        tf32 = tr(lang, ", TF32 operands {u:.1e}", u=ar.u_inputs) if ar.u_inputs else ""
        return tr(lang, "each quantity's rounding-error bound, u = {u:.1e}{tf32}", u=ar.u, tf32=tf32)

    def ratio_note(self, ratio: float, lang: str = "en", unbounded: int = 0, early: int = 0) -> str:
        """', at most 0.13 of its bound': how close the closest quantity came to its bound; how many entries
        had no finite bound (its arithmetic overflowed, see ``error_bounds.nan_to_infinity``), when some had; and
        how many were accepted early (:mod:`.early`), their share not computed, when some were."""
        note = tr(lang, ", at most {ratio:.2g} of its bound", ratio=ratio)
        note += tr_n(lang, "; {count} entry had no finite bound (the bound's own arithmetic overflowed): accepted "
                           "only because both twins' values there are finite",
                     "; {count} entries had no finite bound (the bounds' own arithmetic overflowed): "
                           "accepted only because both twins' values there are finite", unbounded,
                     count=unbounded) if unbounded else ""
        return note + (tr_n(lang, "; {count} entry was accepted early, below a lower bound of its allowed |Δ| (its "
                                  "share of the bound not computed)",
                            "; {count} entries were accepted early, below a lower bound of their allowed |Δ| "
                                  "(their share of the bound not computed)", early, count=early) if early else "")


@dataclass
class StepLimits:
    """One step's bounds E per (quantity, layer); ``allowed`` is 2E (either twin may err either way).
    ``infinite``: the number of entries whose E is +∞, per (quantity, layer) that has some. ``deferred``: per
    layer, the quantities of θ⁽ˡ⁾ whose bounds are made entry by entry where a verdict needs them
    (:mod:`.early`); ``bounds`` has the others."""

    bounds: dict
    floor: float
    infinite: dict = field(default_factory=dict)
    deferred: dict[int, DeferredWeights] = field(default_factory=dict)

    def deferral(self, quantity: str, layer: int | None) -> DeferredWeights | None:
        """The entry-by-entry bounds of the quantity, where it has them; None where ``bounds`` holds it."""
        weights = self.deferred.get(layer)
        return weights if weights is not None and (quantity, layer) in weights.quantities else None

    def unbounded(self, quantity: str, layer: int | None) -> int:
        """How many entries of the quantity have no finite allowed difference (their E overflowed to +∞)."""
        return self.infinite.get((quantity, layer), 0)

    def allowed(self, quantity: str, layer: int | None, torch_value: np.ndarray) -> np.ndarray:
        return 2 * self.bounds[quantity, layer] + self.floor

    def allowed_in(self, quantity: str, layer: int | None, torch_value: np.ndarray) -> Callable[[slice], np.ndarray]:
        """:meth:`allowed` of a block of the flattened quantity, as the comparison asks for it."""
        flat = np.reshape(self.bounds[quantity, layer], -1)
        return lambda block: 2 * flat[block] + self.floor

    def allowed_laid(self, keys: list, torch_values: np.ndarray) -> np.ndarray:
        """:meth:`allowed` of several quantities ``keys`` ((quantity, layer) each), laid end to end, flattened."""
        return 2 * np.concatenate([np.reshape(self.bounds[key], -1) for key in keys]) + self.floor


#: finite differences against either twin (see manual_mlp/gradcheck.py): with h = ε^(1/3) the
#: central difference is off by ≈ ε·|J|/h ≈ 4e-11·|J| from rounding plus O(h²) from truncation;
#: measured ≤ 4e-10 absolute on random networks with every activation and loss. We allow
#: 1e-8·max(1, |J|) absolute plus 1e-6 relative: 25× the measurement, 1e5× below a real mistake.
GRADCHECK_RTOL = 1e-6
GRADCHECK_ATOL = 1e-8


def gradcheck_tolerance(twin_tolerance: Tolerance, loss_value: float) -> Tolerance:
    """Finite differences vs a twin: never tighter than the twins' own tolerance (float32 runs)."""
    return Tolerance(rtol=max(GRADCHECK_RTOL, twin_tolerance.rtol),
                     atol=max(GRADCHECK_ATOL * max(1.0, abs(loss_value)), twin_tolerance.atol))
