"""Early acceptance: a large layer's ∂J/∂θ⁽ˡ⁾ and its update bounded only where a verdict needs it.

E(∂J/∂θ⁽ˡ⁾) = (γ_N|δ| + E(δ))ᵀ|a| + |δ|ᵀE(a) (δ = δ⁽ˡ⁾, a = a⁽ˡ⁻¹⁾) takes one or two products of N·n_l·n_{l−1}
multiply-adds, and nothing but the bounds of the update (the new θ⁽ˡ⁾, its momentum or Adam's m and v) uses
it: on 784-512-512-10 with N = 1,024 they are 0.96 of the bounds' 2.2 billion multiply-adds. Most entries
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
within it of another's). Where too many of a layer's entries remain for that to pay (:class:`LayerCheck`),
its bounds are made whole instead, as before.

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
from functools import cached_property
from typing import NamedTuple

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

#: a layer's bounds are made whole where more than products/WHOLE_BELOW of its entries remain (see
#: :class:`LayerCheck`): one entry made alone, its four columns of N gathered, cost about what 200 entries
#: of the whole products do (784-512-512-10, one thread: 2,302 entries 7.3 ms, the whole layer's bounds 10.5)
WHOLE_BELOW = 200

#: entries of ∂J/∂θ⁽ˡ⁾ whose share of remaining ones tells, when plain, that a layer is to be bounded whole
SAMPLE = 4096

#: entries of δ, a gathered at once for the exact bounds of ∂J/∂θ (columns × N), bounding the temporaries
GATHER_ENTRIES = 2 ** 18


def layers_to_defer(record) -> frozenset[int]:
    """The layers l whose ∂J/∂θ⁽ˡ⁾ bound costs at least :data:`DEFER_MIN_PRODUCT` multiply-adds a product."""
    N = record.zs[0].shape[0]
    return frozenset(l for l, g in enumerate(record.nabla_thetas, start=1) if N * g.size >= DEFER_MIN_PRODUCT)


def defer(ar: Arithmetic, f: Formulas, record, start: StepStart, bounds: Bounds, layers: frozenset[int],
          infinite: dict) -> dict[int, "DeferredWeights"]:
    """A :class:`DeferredWeights` for each of ``layers``: their bounds are made by the comparison, entry by entry
    or whole (see :class:`LayerCheck`), the counts of unbounded entries of whole ones into ``infinite``."""
    return {l: DeferredWeights(ar, f, record, start, bounds, l, infinite) for l in sorted(layers)}


class Scale(NamedTuple):
    """The magnitudes a layer's entry-by-entry bounds need: the largest entry of each product's two operands
    (as ``matmul`` takes it: it sets a float32 run's margin), and a number above every computed entry of
    E(∂J/∂θ⁽ˡ⁾) (N terms of at most the operands' tops, roundings and float32's margin, a factor below 2 while
    4·N·u < 1, included)."""

    tops: tuple[float, float]
    ceiling: float


@dataclass
class DeferredWeights:
    """The bounds of layer l's ∂J/∂θ⁽ˡ⁾, new θ⁽ˡ⁾ and θ⁽ˡ⁾'s optimizer state, made when and where asked for.

    Entries are numbered as in θ⁽ˡ⁾ flattened: entry i is (j, k) = divmod(i, n_{l−1}). ``record``, ``start``
    and ``bounds`` are the step's, as ``step_bounds`` had them; :meth:`whole` counts the unbounded entries it
    makes into ``infinite``.
    """

    ar: Arithmetic
    formulas: Formulas
    record: object               # the PyTorch twin's step record
    start: StepStart
    bounds: Bounds               # the step's other bounds: E(δ⁽ˡ⁾), E(a⁽ˡ⁻¹⁾)
    layer: int
    infinite: dict

    @property
    def quantities(self) -> tuple[tuple[str, int], ...]:
        """The (quantity, layer) keys bounded here: ∂J/∂θ⁽ˡ⁾, θ⁽ˡ⁾ and each optimizer state of θ⁽ˡ⁾."""
        states = tuple((f"{name}(theta)", self.layer) for name in sorted(self.record.optimizer_state))
        return (("grad_theta", self.layer), ("theta", self.layer)) + states

    @property
    def products(self) -> int:
        """How many products make E(∂J/∂θ⁽ˡ⁾): one for the first layer (X is exact), else two."""
        return 1 if self.bounds.get(("a", self.layer - 1)) is None else 2

    @cached_property
    def abs_a(self) -> float:
        """max |a⁽ˡ⁻¹⁾|."""
        return _largest_abs(self.record.activations[self.layer - 1])

    @cached_property
    def scale(self) -> Scale:
        delta, E_delta = self.record.deltas[self.layer - 1], self.bounds["delta", self.layer]
        E_a_prev = self.bounds.get(("a", self.layer - 1))
        N, abs_a = delta.shape[0], self.abs_a
        abs_delta = _largest_abs(delta)
        first_left = _largest_sum(self.ar.gamma(N), delta, E_delta)
        E_a_top = 0.0 if E_a_prev is None else float(np.max(E_a_prev))
        tops = (max(first_left, abs_a), max(abs_delta, E_a_top))
        ceiling = 8.0 * N * (first_left * abs_a + abs_delta * E_a_top) + N * 2.0 ** -140 * (max(tops) + 1)
        return Scale(tops, ceiling if 4 * N * self.ar.u < 1 else math.inf)

    @cached_property
    def lower(self) -> Bounds | None:
        """Per update quantity, its bound with E(∂J/∂θ⁽ˡ⁾) = 0 (a lower bound, see the module); None where the
        certificate that no entry's bound overflows fails (a non-finite operand, or the update's formula not
        finite everywhere at the ceiling of E(∂J/∂θ⁽ˡ⁾))."""
        ceiling = self.scale.ceiling
        if not np.isfinite(ceiling):
            return None
        theta, g, old = update_operands(self.record, self.start, "theta", self.layer)
        evaluate = lambda E_g: update_formula(self.ar, self.formulas, self.record.step, theta, g,  # noqa: E731
                                              np.broadcast_to(E_g, theta.shape), old)
        with np.errstate(all="ignore"):
            if not all(np.isfinite(np.max(E)) for E in evaluate(ceiling).values()):
                return None
            return keyed("theta", self.layer, evaluate(0.0))

    def threshold(self, name: str, torch_value: Array, floor: float) -> Array:
        """T ≤ 2E + floor for every entry of quantity ``name`` (flattened): |Δ| ≤ T passes (see the module). The
        update's quantities need the certificate (:attr:`lower` not None)."""
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
        """E of every quantity of the layer at the flat indices ``entries``, by name (under the certificate)."""
        E_g = self.gradient_bound(entries)
        theta, g, old = update_operands(self.record, self.start, "theta", self.layer)
        pick = lambda array: np.reshape(array, -1)[entries]  # noqa: E731
        update = update_formula(self.ar, self.formulas, self.record.step, pick(theta), pick(g), E_g,
                                {name: pick(value) for name, value in old.items()})
        return {"grad_theta": E_g} | {name: E for (name, _), E in keyed("theta", self.layer, update).items()}

    def whole(self) -> dict[str, Array]:
        """E of every quantity of the layer at every entry (flattened), by name: the products made whole, as
        ``step_bounds`` makes them, NaN made +∞ and the infinite entries counted."""
        with np.errstate(all="ignore"):
            bounds = weight_bounds(self.ar, self.formulas, self.record, self.start, self.bounds, self.layer)
            finite_bounds(bounds, self.infinite)
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
            E = column_dots(self.ar, left, np.abs(a), self.scale.tops[0])
            if E_a_prev is not None:
                E += column_dots(self.ar, np.abs(d), np.take(E_a_prev, k, axis=1), self.scale.tops[1])
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
    entries their thresholds pass, and the exact ratio of every other one (see the module).

    Where more than products/:data:`WHOLE_BELOW` of the entries remain (more of ∂J/∂θ cancel as training goes
    on; a mistake moves most of them), or the certificate fails, the layer's bounds are made whole instead, as
    they were before early acceptance: gathering the entries one by one would cost more. A sample of every
    k-th entry of ∂J/∂θ⁽ˡ⁾ (most of those that remain are its) decides first, then ∂J/∂θ⁽ˡ⁾'s whole
    threshold, then the update's, which need the certificate and the update's formula over every entry.
    Which way is taken changes the time, never a verdict."""

    def __init__(self, weights: DeferredWeights, pairs: dict, floor: float):
        self.weights, self.pairs, self.floor = weights, pairs, floor
        size = pairs["grad_theta"].v_pt.size
        budget = size * weights.products // WHOLE_BELOW
        #: whether the layer's bounds were made whole
        self.whole = self.sampled_share("grad_theta") > budget / size
        if not self.whole:
            self.diff = {name: self.difference(name) for name in pairs}
            #: the entries each threshold passes (never a NaN difference), for the thresholds evaluated
            self.passed = {"grad_theta": self.diff["grad_theta"] <= self.threshold("grad_theta")}
            remaining = ~self.passed["grad_theta"]
            self.whole = np.count_nonzero(remaining) > budget or weights.lower is None
        if not self.whole:
            for name in pairs.keys() - {"grad_theta"}:
                self.passed[name] = self.diff[name] <= self.threshold(name)
                remaining |= ~self.passed[name]
            self.whole = np.count_nonzero(remaining) > budget
        if self.whole:   # then compared as every other quantity is, by blocks (compare.differences)
            #: the layer's bounds, flattened, by name (when made whole)
            self.E = weights.whole()
        else:
            self.entries = np.flatnonzero(remaining)
            E = weights.exact(self.entries)
            self.ratios = {name: self.ratio(diff[self.entries], E[name]) for name, diff in self.diff.items()}

    def difference(self, name: str, entries=slice(None)) -> Array:
        """|Δ| of the quantity, flattened (at ``entries``), in the values' own type, as the comparison takes it."""
        pair = self.pairs[name]
        diff = np.subtract(np.reshape(pair.v_np, -1)[entries], np.reshape(pair.v_pt, -1)[entries])
        return np.abs(diff, out=diff)

    def threshold(self, name: str, entries=slice(None)) -> Array:
        return self.weights.threshold(name, np.reshape(self.pairs[name].v_pt, -1)[entries], self.floor)

    def sampled_share(self, name: str) -> float:
        """The share of the quantity's entries that its threshold does not pass, on every k-th entry (about
        :data:`SAMPLE` of them)."""
        entries = slice(None, None, max(1, self.pairs[name].v_pt.size // SAMPLE))
        diff = self.difference(name, entries)
        return np.count_nonzero(~(diff <= self.threshold(name, entries))) / max(1, diff.size)

    def ratio(self, diff: Array, E: Array) -> Array:
        """|Δ|/(2E + floor), 0 where |Δ| = 0, as the comparison defines it."""
        ratio = np.divide(diff, 2 * E + self.floor)
        ratio[diff == 0] = 0.0
        return ratio

    def result(self, name: str) -> tuple[float, float, int]:
        """(max |Δ|, the largest ratio among the entries whose bound was made, entries accepted early) of the
        quantity, bounded entry by entry; the ratio is NaN where a difference is not finite, as the comparison
        defines it."""
        diff = self.diff[name]
        largest = float(np.maximum.reduce(diff)) if diff.size else 0.0
        ratio = float(np.max(self.ratios[name], initial=0.0)) if np.isfinite(largest) else math.nan
        # entries that passed here but were bounded anyway (another quantity of theirs remained) are not counted
        passed = self.passed[name]
        return largest, ratio, int(np.count_nonzero(passed)) - int(np.count_nonzero(passed[self.entries]))

    def failed(self, name: str) -> Array:
        """The flat mask of the quantity's entries beyond their allowed difference (all among those bounded)."""
        if self.whole:
            return ~(self.difference(name) <= 2 * self.E[name] + self.floor)
        mask = np.zeros(self.diff[name].size, bool)
        mask[self.entries] = ~(self.ratios[name] <= 1)
        return mask
