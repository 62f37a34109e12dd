"""Early acceptance: a large layer's ∂J/∂θ⁽ˡ⁾ and its update bounded only where a verdict needs it.

E(∂J/∂θ⁽ˡ⁾) = (γ_N|δ| + E(δ))ᵀ|a| + |δ|ᵀE(a) (δ = δ⁽ˡ⁾, a = a⁽ˡ⁻¹⁾) takes one or two products of N·n_l·n_{l−1}
multiply-adds, and nothing but the bounds of the update (the new θ⁽ˡ⁾, its momentum or Adam's m and v) uses
it: on 784-512-512-10 with N = 1,024 they were 3.8 of the bounds' 6.2 billion multiply-adds. Most entries
are within their bound by far, and a threshold T ≤ 2E + floor that needs no product says so:

* **∂J/∂θ⁽ˡ⁾.** The bound's premise (:mod:`.error_bounds`) is that the twin's value v of a sum of N products
  is within γ_N·S of the exact sum, S = Σₙ|δₙⱼ||aₙₖ|, whatever the order; so |v| ≤ (1 + γ_N)S. The bound
  is at least its first product's γ_N·S. Computed, that product is at least (1 − u)·γ_N·S in a float32 run
  (γ_N|δ| is rounded once in float32, the widened product is never below the exact one) and at least
  (1 − (N + 3)·u₆₄)·γ_N·S in a float64 one (one rounding of γ_N|δ|, N + 1 of a sum of nonnegative terms);
  adding the second product and the floor, and doubling, lose at most 2u₆₄ more. So
  2E + floor ≥ 2γ_N|v|·(1 − u − (N + 5)·u₆₄)/(1 + γ_N), and T = 2γ_N|v|·(1 − m) with
  m = 2γ_N + 2u + (N + 16)·u₆₄ is below it, T's own roundings (1 + 3u₆₄ at most) included. Below the
  normal range the roundings are absolute, half a subnormal step (u·tiny) per term: T is lowered by
  8N·u·tiny·(max|a| + 1) for them.
* **The update's bounds** are formulas in E(∂J/∂θ⁽ˡ⁾) built from sums, products and quotients of
  nonnegative terms, square roots and minima (``sgd_bounds``, ``adam_bounds``), each nondecreasing in it;
  so is their floating-point evaluation, each of those operations being correctly rounded, hence monotone.
  The same formula with E(∂J/∂θ⁽ˡ⁾) = 0 is therefore a lower bound L of the computed E, entry by entry,
  and T = 2L + floor, computed as the allowed 2E + floor is, is at most it.

An entry with |Δ| ≤ T passes; |Δ| is never NaN there. Every other entry — where the value cancels, where
the twins differ by more than the lower bound, or where a value is not finite — gets its exact bound:
E(∂J/∂θ⁽ˡ⁾) at those entries alone, from the columns of δ, E(δ), a and E(a) they need
(``error_bounds.column_dots``), then the update's formula there. So no entry the whole bound would fail
passes, and none it would pass fails: the entries computed are held to the same formulas, their sums made
in another order (within the bound's own rounding of the whole-matrix product, as one BLAS's product is
within it of another's). Where more than 1/:data:`WHOLE_BELOW` of a layer's entries remain (a mistake that
moves most of them), its bounds are made whole instead.

**Ratios.** An accepted entry's ratio |Δ|/(2E + floor) is not computed: it is at most |Δ|/T ≤ 1, but T is
a lower bound 10–1000 times below E, and on 784-512-512-10 half of the entries' |Δ|/T exceed the largest
ratio of the step, so making the ratio exact would cost the products saved. A quantity's ratio is
therefore the largest over the entries whose bound was made, and the number accepted early is reported
beside it (``QuantityDiff.accepted_early``, "N entries were accepted early" in the verdict).

**Unbounded entries** (bounds that overflow to +∞, counted in the verdict) would go unseen among entries
never computed. A layer is bounded entry by entry only under a certificate that none is: every operand
finite, and the update's formula finite everywhere at E(∂J/∂θ⁽ˡ⁾) = a number above any of its entries
(which, by monotonicity, bounds the true ones); otherwise it is bounded whole, as before.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .error_bounds import (Arithmetic, Bounds, Formulas, StepStart, column_dots, finite_bounds, keyed,
                           update_formula, update_operands, weight_bounds)

Array = np.ndarray

#: a layer's weights are bounded entry by entry from this many multiply-adds in one product of their ∂J/∂θ bound
#: (N·n_l·n_{l−1}; 784-512-512-10 with N = 1,024: 4.1·10⁸ and 2.7·10⁸). Below it the lower bounds' own
#: evaluation of the update formula costs about what the products save (784-128-10 with N = 64: 6.4·10⁶).
DEFER_MIN_PRODUCT = 2 ** 25

#: the unit roundoff of float64, in which the bounds and the thresholds are evaluated
U64 = 2.0 ** -53

#: a layer's bounds are made whole where more than 1/WHOLE_BELOW of its entries remain (see :class:`LayerCheck`)
WHOLE_BELOW = 16

#: entries of δ, a gathered at once for the exact bounds of ∂J/∂θ (columns × N), bounding the temporaries
GATHER_ENTRIES = 2 ** 18


def layers_to_defer(record) -> frozenset[int]:
    """The layers l whose ∂J/∂θ⁽ˡ⁾ bound costs at least :data:`DEFER_MIN_PRODUCT` multiply-adds a product."""
    N = record.zs[0].shape[0]
    return frozenset(l for l, g in enumerate(record.nabla_thetas, start=1) if N * g.size >= DEFER_MIN_PRODUCT)


def defer(ar: Arithmetic, f: Formulas, record, start: StepStart, bounds: Bounds, layers: frozenset[int],
          infinite: dict | None) -> dict[int, "DeferredWeights"]:
    """A :class:`DeferredWeights` for each of ``layers`` that the certificate allows (see the module); the
    others get their whole bounds into ``bounds`` (and ``infinite``), as ``step_bounds`` would have made them."""
    deferred = {}
    with np.errstate(all="ignore"):
        for l in sorted(layers):
            weights = DeferredWeights.of(ar, f, record, start, bounds, l)
            if weights is not None:
                deferred[l] = weights
                continue
            whole = weight_bounds(ar, f, record, start, bounds, l)
            finite_bounds(whole, infinite)
            bounds.update(whole)
    return deferred


@dataclass
class DeferredWeights:
    """The bounds of layer l's ∂J/∂θ⁽ˡ⁾, new θ⁽ˡ⁾ and θ⁽ˡ⁾'s optimizer state, made entry by entry on demand.

    Entries are numbered as in θ⁽ˡ⁾ flattened: entry i is (j, k) = divmod(i, n_{l−1}). ``lower`` holds, per
    update quantity, its bound with E(∂J/∂θ⁽ˡ⁾) = 0 (a lower bound, see the module); ``tops``, the largest
    entry of each of the two products' operands, which set a float32 run's margin as ``matmul`` sets it.
    ``record``, ``start`` and ``bounds`` are the step's, as ``step_bounds`` had them.
    """

    ar: Arithmetic
    formulas: Formulas
    record: object               # the PyTorch twin's step record
    start: StepStart
    bounds: Bounds               # the step's other bounds: E(δ⁽ˡ⁾), E(a⁽ˡ⁻¹⁾)
    layer: int
    tops: tuple[float, float]
    abs_a: float                 # max |a⁽ˡ⁻¹⁾|
    lower: Bounds

    @classmethod
    def of(cls, ar: Arithmetic, f: Formulas, record, start: StepStart, bounds: Bounds,
           l: int) -> "DeferredWeights | None":
        """Layer l of a step, from its other bounds; None where the certificate fails (see the module)."""
        delta, E_delta, a_prev = record.deltas[l - 1], bounds["delta", l], record.activations[l - 1]
        E_a_prev = bounds.get(("a", l - 1))
        N = delta.shape[0]
        abs_delta, abs_a = _largest_abs(delta), _largest_abs(a_prev)
        first_left = _largest_sum(ar.gamma(N), delta, E_delta)
        E_a_top = 0.0 if E_a_prev is None else float(np.max(E_a_prev))
        tops = (max(first_left, abs_a), max(abs_delta, E_a_top))
        # above every computed entry of E(∂J/∂θ⁽ˡ⁾): N terms of at most the operands' tops, roundings and
        # float32's margin (a factor below 2 while 4·N·u < 1) included
        ceiling = 8.0 * N * (first_left * abs_a + abs_delta * E_a_top) + N * 2.0 ** -140 * (max(tops) + 1)
        if not (np.isfinite(ceiling) and 4 * N * ar.u < 1):
            return None
        theta, g, old = update_operands(record, start, "theta", l)
        highest = update_formula(ar, f, record.step, theta, g, np.broadcast_to(ceiling, theta.shape), old)
        if not all(np.isfinite(np.max(E)) for E in highest.values()):
            return None
        lower = update_formula(ar, f, record.step, theta, g, np.broadcast_to(0.0, theta.shape), old)
        return cls(ar, f, record, start, bounds, l, tops, abs_a, keyed("theta", l, lower))

    @property
    def quantities(self) -> tuple[tuple[str, int], ...]:
        """The (quantity, layer) keys bounded here: ∂J/∂θ⁽ˡ⁾, θ⁽ˡ⁾ and each optimizer state of θ⁽ˡ⁾."""
        return (("grad_theta", self.layer),) + tuple(self.lower)

    def threshold(self, name: str, torch_value: Array, floor: float) -> Array:
        """T ≤ 2E + floor for every entry of quantity ``name`` (flattened): |Δ| ≤ T passes (see the module)."""
        if name != "grad_theta":
            return 2 * np.reshape(self.lower[name, self.layer], -1) + floor
        N, u = self.record.zs[0].shape[0], self.ar.u
        gamma = self.ar.gamma(N)
        margin = 2 * gamma + 2 * u + (N + 16) * U64
        subnormal = 8 * N * u * self.ar.floor * (self.abs_a + 1)
        T = 2 * gamma * max(0.0, 1 - margin) * np.abs(np.reshape(torch_value, -1), dtype=np.float64)
        T -= subnormal
        return np.maximum(T, 0.0, out=T)

    def exact(self, entries: Array) -> dict[str, Array]:
        """E of every quantity of the layer at the flat indices ``entries``, by name."""
        E_g = self.gradient_bound(entries)
        theta, g, old = update_operands(self.record, self.start, "theta", self.layer)
        pick = lambda array: np.reshape(array, -1)[entries]  # noqa: E731
        update = update_formula(self.ar, self.formulas, self.record.step, pick(theta), pick(g), E_g,
                                {name: pick(value) for name, value in old.items()})
        return {"grad_theta": E_g} | {name: E for (name, _), E in keyed("theta", self.layer, update).items()}

    def whole(self) -> dict[str, Array]:
        """E of every quantity of the layer at every entry (flattened), by name: the products made whole."""
        bounds = weight_bounds(self.ar, self.formulas, self.record, self.start, self.bounds, self.layer)
        return {name: np.reshape(E, -1) for (name, _), E in bounds.items()}

    def gradient_bound(self, entries: Array) -> Array:
        """E(∂J/∂θ⁽ˡ⁾) at the flat indices ``entries``: ``weight_gradient_bound``'s two products, entry by entry."""
        delta, a_prev = self.record.deltas[self.layer - 1], self.record.activations[self.layer - 1]
        E_delta, E_a_prev = self.bounds["delta", self.layer], self.bounds.get(("a", self.layer - 1))
        N = delta.shape[0]
        out = np.empty(entries.size)
        step = max(1, GATHER_ENTRIES // N)
        for start in range(0, entries.size, step):
            j, k = np.divmod(entries[start:start + step], a_prev.shape[1])
            # np.take along the columns: 7 times faster here than indexing x[:, j]
            d, a = np.take(delta, j, axis=1), np.take(a_prev, k, axis=1)
            left = self.ar.gamma(N) * np.abs(d) + np.take(E_delta, j, axis=1)
            E = column_dots(self.ar, left, np.abs(a), self.tops[0])
            if E_a_prev is not None:
                E += column_dots(self.ar, np.abs(d), np.take(E_a_prev, k, axis=1), self.tops[1])
            out[start:start + step] = E
        return out


def _largest_abs(x: Array) -> float:
    """max |x| over the array, without a temporary of its size (0 for an empty one)."""
    return max(float(np.max(x, initial=0.0)), -float(np.min(x, initial=0.0)))


def _largest_sum(gamma: float, delta: Array, E_delta: Array) -> float:
    """The largest entry of γ·|δ| + E(δ), evaluated as the bound evaluates it (by blocks of rows)."""
    rows = max(1, 8192 // max(1, delta.shape[1]))
    return max((float(np.max(gamma * np.abs(delta[r:r + rows]) + E_delta[r:r + rows], initial=0.0))
                for r in range(0, delta.shape[0], rows)), default=0.0)


class LayerCheck:
    """One step's comparison of a layer's entry-by-entry quantities (``pairs``: name → ``compare.Pair``): the
    entries their thresholds accept, and the exact ratio of every other one (see the module). Where more than
    1/:data:`WHOLE_BELOW` of the entries remain (a mistake that moves most of them, say), the layer's bounds
    are made whole instead: gathering them entry by entry would cost more than the products."""

    def __init__(self, weights: DeferredWeights, pairs: dict, floor: float):
        self.weights, self.floor = weights, floor
        #: |Δ| of each quantity, and the entries its threshold passes
        self.diff, self.passed = {}, {}
        for name, pair in pairs.items():
            # |Δ| in the values' own type, as the comparison takes it
            diff = np.subtract(np.reshape(pair.v_np, -1), np.reshape(pair.v_pt, -1))
            np.abs(diff, out=diff)
            self.diff[name] = diff
            self.passed[name] = diff <= weights.threshold(name, pair.v_pt, floor)   # never a NaN difference
        size = next(iter(self.diff.values())).size
        remaining = ~np.logical_and.reduce(list(self.passed.values()))
        #: whether the layer's bounds were made whole (too many entries remained)
        self.whole = np.count_nonzero(remaining) * WHOLE_BELOW > size
        self.entries = np.arange(size) if self.whole else np.flatnonzero(remaining)
        E = weights.whole() if self.whole else weights.exact(self.entries)
        self.ratios = {name: self.ratio(diff[self.entries], E[name]) for name, diff in self.diff.items()}

    def ratio(self, diff: Array, E: Array) -> Array:
        """|Δ|/(2E + floor), 0 where |Δ| = 0, as the comparison defines it."""
        ratio = np.divide(diff, 2 * E + self.floor)
        ratio[diff == 0] = 0.0
        return ratio

    def result(self, name: str) -> tuple[float, float, int]:
        """(max |Δ|, the largest ratio among the entries whose bound was made, entries accepted early) of the
        quantity; the ratio is NaN where a difference is not finite, as the comparison defines it."""
        diff, passed = self.diff[name], self.passed[name]
        largest = float(np.maximum.reduce(diff)) if diff.size else 0.0
        ratio = float(np.max(self.ratios[name], initial=0.0)) if np.isfinite(largest) else math.nan
        # entries that passed here but were bounded anyway (another quantity of theirs remained) are not counted
        early = 0 if self.whole else int(np.count_nonzero(passed)) - int(np.count_nonzero(passed[self.entries]))
        return largest, ratio, early

    def failed(self, name: str) -> Array:
        """The flat mask of the quantity's entries beyond their allowed difference (all among those bounded)."""
        mask = np.zeros(self.diff[name].size, bool)
        mask[self.entries] = ~(self.ratios[name] <= 1)
        return mask
