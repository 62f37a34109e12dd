"""Compare two step records quantity by quantity, in the order the math flows."""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

from manual_mlp.optimizers import STATE_FORMULAS
from manual_mlp.record import StepRecord
from manual_mlp.validation import sup

from .files import json_number
from ..i18n import N_, tr
from .early import LayerCheck
from .error_bounds import BLOCK, StepStart
from .tolerance import ErrorBound, Tolerance

Array = np.ndarray

#: which twin a mismatch is in, as a sentence says it
TWINS = {"both": N_("both twins"), "numpy": N_("the NumPy twin"), "torch": N_("the PyTorch twin")}


SYMBOLS = {"z": "z", "a": "a", "delta": "δ", "grad_theta": "∂J/∂θ", "grad_b": "∂J/∂b", "theta": "θ", "b": "b",
           "loss": "J"}


def quantity_label(quantity: str, layer: int | None) -> str:
    """'delta', 2 -> 'δ⁽²⁾'; 'exp_avg(theta)', 1 -> 'm(θ⁽¹⁾)' — the lab's symbol for a quantity."""
    index = "" if layer is None else sup(layer)
    if quantity in SYMBOLS:
        return SYMBOLS[quantity] + index
    state, _, kind = quantity.partition("(")
    if state in STATE_FORMULAS and kind:
        return f"{STATE_FORMULAS[state][0]}({SYMBOLS[kind.rstrip(')')]}{index})"
    return quantity + index


@dataclass
class QuantityDiff:
    """One quantity of one step on both sides."""

    quantity: str
    layer: int | None
    numpy_value: Array
    torch_value: Array
    max_abs_diff: float
    ok: bool
    #: max |Δ| / allowed |Δ| over the quantity's entries (≤ 1 passes; NaN when a value is non-finite), those
    #: accepted early left out (``accepted_early``)
    ratio: float = 0.0
    #: entries with no finite allowed |Δ| (their bound overflowed to +∞): they pass only where |Δ| is finite
    unbounded: int = 0
    #: entries accepted early, below a lower bound of their allowed |Δ| (verify/early.py): within it, their
    #: ratio not computed and not in ``ratio``, which is over the other entries
    accepted_early: int = 0

    #: with --gradcheck, on gradient rows: the finite-difference value and each twin's relative error
    fd_value: Array | None = None
    fd_rel_error_numpy: float | None = None
    fd_rel_error_torch: float | None = None

    @property
    def label(self) -> str:
        return quantity_label(self.quantity, self.layer)


#: a value of more entries than this is printed summarised, by its corners (as NumPy prints it)
WHOLE_MATRIX_LIMIT = 64
#: rows and columns printed at each edge of a summarised value
EDGE_ITEMS = 2


def shown_entries(value: Array) -> Array:
    """``value`` with only the entries a summarised print shows (its corners, ``EDGE_ITEMS`` deep): the rest are
    zeros from ``np.zeros``, which take no memory until written. Values of up to ``WHOLE_MATRIX_LIMIT`` entries
    are printed whole and come back as they are."""
    if value is None or np.ndim(value) == 0 or value.size <= WHOLE_MATRIX_LIMIT:
        return value
    edges = tuple(np.r_[0:EDGE_ITEMS, n - EDGE_ITEMS:n] if n > 2 * EDGE_ITEMS else np.arange(n)
                  for n in value.shape)
    out = np.zeros(value.shape, value.dtype)
    out[np.ix_(*edges)] = value[np.ix_(*edges)]
    return out


def as_shown(d: "QuantityDiff") -> "QuantityDiff":
    """``d`` with its values reduced to what a table prints of them (:func:`shown_entries`); max |Δ|, the
    verdict and the ratio stay those of the whole quantity."""
    return dataclasses.replace(d, numpy_value=shown_entries(d.numpy_value), torch_value=shown_entries(d.torch_value),
                               fd_value=shown_entries(d.fd_value))


@dataclass
class Mismatch:
    """The first place where the twins part: a value out of tolerance, or a non-finite value."""

    step: int
    quantity: str
    layer: int | None
    index: tuple[int, ...]
    numpy_value: float
    torch_value: float
    diverged: str | None = None   # "numpy", "torch" or "both" when a value went non-finite
    #: with --gradcheck: the finite-difference value, when the twins agree but not with it
    fd_value: float | None = None
    fd_disagrees_with: str | None = None   # "numpy", "torch" or "both"

    @property
    def label(self) -> str:
        return quantity_label(self.quantity, self.layer)

    def describe(self, lang: str = "en") -> str:
        """One sentence: where, which twin, both values ("en" or "pt", see :mod:`mlp_harness.i18n`)."""
        fields = dict(step=self.step, where=f"{self.label}{list(self.index) if self.index else ''}",
                      numpy=self.numpy_value, torch=self.torch_value)
        if self.diverged:
            return tr(lang, "diverged at step {step}: {twins} produced a non-finite value in {where} (NumPy "
                            "{numpy!r}, PyTorch {torch!r})", twins=tr(lang, TWINS[self.diverged]), **fields)
        if self.fd_disagrees_with:
            return tr(lang, "mismatch at step {step}: {where} — finite differences give {fd!r} but {twins} "
                            "disagree (NumPy {numpy!r}, PyTorch {torch!r})",
                      twins=tr(lang, TWINS[self.fd_disagrees_with]), fd=self.fd_value,
                      **fields)
        return tr(lang, "mismatch at step {step}: {where} differs — NumPy {numpy!r}, PyTorch {torch!r}, |Δ| = "
                        "{diff:.3e}", diff=abs(self.numpy_value - self.torch_value), **fields)

    def to_json(self) -> dict:
        """The mismatch for a JSON report; a non-finite value is null (JSON has no NaN or infinity)."""
        return {"step": self.step, "quantity": self.quantity, "layer": self.layer,
                "index": list(self.index), "numpy": json_number(self.numpy_value),
                "torch": json_number(self.torch_value), "diverged": self.diverged,
                "finite_differences": None if self.fd_value is None else json_number(self.fd_value),
                "message": self.describe()}


def _first_bad_index(mask: Array) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def max_abs_diff(v_np: Array, v_pt: Array) -> float:
    """max |NumPy − PyTorch| over a quantity, with one temporary array; NaN if either side holds a NaN.

    A non-finite entry on either side makes its |Δ| NaN or ∞ (∞ − ∞ is NaN), so a
    finite result means both sides are finite wherever they are compared.
    """
    if v_np.ndim == 0:  # the loss: NumPy returns a scalar, not an array, for 0-d operands
        return abs(float(v_np) - float(v_pt))
    diff = np.subtract(v_np, v_pt)
    np.abs(diff, out=diff)
    return float(np.maximum.reduce(diff, axis=None)) if diff.size else 0.0


def bound_ratio(v_np: Array, v_pt: Array, largest_diff: float, allowed: Array) -> float:
    """max |NumPy − PyTorch| / allowed over a quantity: ≤ 1 passes. NaN when either side is non-finite;
    ∞ where nothing is allowed (a bound of 0: exact inputs) yet the twins differ."""
    if not math.isfinite(largest_diff):
        return math.nan
    if largest_diff == 0:
        return 0.0
    diff = np.abs(np.subtract(v_np, v_pt))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(diff == 0, 0.0, diff / allowed)
    return float(np.max(ratios))


def differences(v_np: Array, v_pt: Array, allowed: Callable[[slice], Array]) -> tuple[float, float]:
    """(max |NumPy − PyTorch|, max |NumPy − PyTorch| / allowed) over a quantity, in one pass of blocks
    (:data:`~.error_bounds.BLOCK` entries each; on 784-128-10 whole-array temporaries made 1,112 page faults
    and took 3.3 ms for one step's comparison, blocks none and 1.4 ms).

    ``allowed(block)`` gives the allowed differences of the entries ``block`` of the flattened quantity. The
    results are exactly :func:`max_abs_diff`'s and :func:`bound_ratio`'s; a block with a non-finite
    difference, or a zero allowed where the twins agree, is left to those definitions.
    """
    if v_np.ndim == 0 or v_np.size <= BLOCK:
        largest = max_abs_diff(v_np, v_pt)
        return largest, bound_ratio(v_np, v_pt, largest, allowed(slice(None)).reshape(v_np.shape))
    flat_np, flat_pt = v_np.reshape(-1), v_pt.reshape(-1)
    largest = ratio = 0.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for start in range(0, flat_np.size, BLOCK):
            block = slice(start, start + BLOCK)
            diff = np.subtract(flat_np[block], flat_pt[block])
            np.abs(diff, out=diff)
            block_largest = float(np.maximum.reduce(diff))
            if not math.isfinite(block_largest):   # a non-finite entry: NaN or ∞ as the definition says
                return max_abs_diff(v_np, v_pt), math.nan
            if block_largest == 0:
                continue
            largest = max(largest, block_largest)
            # in the wider of the two types, as the definition divides (a float32 run has float64 bounds)
            block_ratio = float(np.maximum.reduce(np.divide(diff, allowed(block))))
            if math.isnan(block_ratio):   # 0/0 where nothing is allowed and nothing differs, or a NaN bound
                block_ratio = bound_ratio(flat_np[block], flat_pt[block], block_largest, allowed(block))
            ratio = math.nan if math.isnan(block_ratio) or math.isnan(ratio) else max(ratio, block_ratio)
    return largest, ratio


def first_mismatch(step: int, name: str, layer: int | None, v_np: Array, v_pt: Array,
                   out_of_tolerance: Callable[[], Array]) -> Mismatch:
    """Where a quantity that failed first differs: the first non-finite entry, else the first entry of the
    mask ``out_of_tolerance()`` (asked for only where every value is finite)."""
    finite_np, finite_pt = np.isfinite(v_np), np.isfinite(v_pt)
    bad = ~(finite_np & finite_pt)
    diverged = None
    if bad.any():
        diverged = "both" if (~finite_np).any() and (~finite_pt).any() else ("numpy" if (~finite_np).any() else "torch")
        idx = _first_bad_index(bad)
    else:
        idx = _first_bad_index(out_of_tolerance())
    return Mismatch(step, name, layer, idx, float(v_np[idx]), float(v_pt[idx]), diverged)


def _check_alike(name: str, layer: int | None, v_np: Array, v_pt: Array) -> None:
    """Same shape and dtype on both sides, or an AssertionError naming the quantity (a bug in a twin)."""
    if v_np.shape != v_pt.shape or v_np.dtype != v_pt.dtype:
        raise AssertionError(f"{quantity_label(name, layer)}: NumPy {v_np.dtype} of shape {v_np.shape} vs "
                             f"PyTorch {v_pt.dtype} of shape {v_pt.shape}")


class Pair(NamedTuple):
    """One quantity of a step on both sides."""

    name: str
    layer: int | None
    v_np: Array
    v_pt: Array


def pairs_of(rec_np: StepRecord, rec_pt: StepRecord) -> list[Pair]:
    """The two records' quantities side by side, in the order the math flows, checked alike."""
    pairs = []
    for (name, layer, v_np), (name_pt, layer_pt, v_pt) in zip(rec_np.quantities(), rec_pt.quantities(), strict=True):
        assert (name, layer) == (name_pt, layer_pt), f"records disagree on order: {name}{layer} vs {name_pt}{layer_pt}"
        pair = Pair(name, layer, np.asarray(v_np), np.asarray(v_pt))
        _check_alike(*pair)
        pairs.append(pair)
    return pairs


#: quantities of at most this many entries are compared together (:func:`laid_differences`), in groups of at
#: most this many entries: temporaries of 64 KB in float64, reused by the allocator as the blocks of
#: :func:`differences` are (whole groups of 784-128-10's 26,000 small entries, fresh pages every step, made
#: its comparison 0.35 ms slower rather than faster)
LAY_LIMIT = BLOCK


def in_groups(sizes: list[int], limit: int) -> list[list[int]]:
    """Consecutive positions of ``sizes`` grouped so that each group's sizes add up to at most ``limit`` (a
    size above it alone)."""
    groups, total = [], limit + 1
    for i, size in enumerate(sizes):
        if total + size > limit:
            groups.append([])
            total = 0
        groups[-1].append(i)
        total += size
    return groups


def laid_differences(pairs: list[Pair], limits) -> list[tuple[float, float]]:
    """(max |Δ|, max |Δ|/allowed) of each of several quantities of one dtype at once, their entries laid end to
    end in one array per twin: a dozen NumPy calls for all of them, where each quantity alone took about
    twenty (the digits-shaped net has 23). Each entry's |Δ|, allowed and ratio are those of
    :func:`differences` (the same elementwise arithmetic), and so are each quantity's maxima."""
    starts = np.cumsum([0] + [p.v_pt.size for p in pairs[:-1]])
    v_pt = np.concatenate([p.v_pt.reshape(-1) for p in pairs])
    diff = np.subtract(np.concatenate([p.v_np.reshape(-1) for p in pairs]), v_pt)
    np.abs(diff, out=diff)
    largest = np.maximum.reduceat(diff, starts)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.divide(diff, limits.allowed_laid([(p.name, p.layer) for p in pairs], v_pt))
    ratios[diff == 0] = 0.0   # 0/0 where nothing is allowed and nothing differs: a match, as bound_ratio says
    ratio = np.maximum.reduceat(ratios, starts)
    ratio[~np.isfinite(largest)] = np.nan   # a non-finite difference: NaN, as the definition says
    return list(zip(largest.tolist(), ratio.tolist()))


def compare_records(rec_np: StepRecord, rec_pt: StepRecord, tol: Tolerance | ErrorBound,
                    start: StepStart | None = None) -> tuple[list[QuantityDiff], Mismatch | None]:
    """Every quantity of one step side by side, and the first that differs (or ``None``).

    Shapes and dtypes must agree exactly (a twin that silently upcasts is a bug);
    a non-finite value is never a match, whatever the other side holds. ``tol``
    is the run's rule; the error-bound rule needs the step's ``start`` (θ, b,
    optimizer state and Y before the step), from which it bounds each quantity.
    Small quantities are compared together (:func:`laid_differences`), large ones
    one by one in blocks (:func:`differences`), a large layer's θ⁽ˡ⁾ quantities
    entry by entry where their lower bounds do not settle them (:mod:`.early`).
    """
    limits = tol.limits(rec_pt, start)
    pairs = pairs_of(rec_np, rec_pt)
    # ∞ − ∞ and overflowing differences are expected on a diverged run: no warnings, the Mismatch says it.
    diffs, first = [], None
    with np.errstate(invalid="ignore", over="ignore"):
        results, entrywise = measured(pairs, limits)
        for i, pair in enumerate(pairs):
            largest, ratio, early = results[i]
            ok = ratio <= 1
            diffs.append(QuantityDiff(pair.name, pair.layer, pair.v_np, pair.v_pt, largest, ok, ratio,
                                      limits.unbounded(pair.name, pair.layer), early))
            if not ok and first is None:
                first = first_mismatch(rec_np.step, *pair, beyond_allowed(pair, limits, entrywise.get(i)))
    return diffs, first


def measured(pairs: list[Pair], limits) -> tuple[dict[int, tuple[float, float, int]], dict[int, LayerCheck]]:
    """(max |Δ|, ratio, entries accepted early) of each quantity by its position in ``pairs``; and, for the
    quantities bounded entry by entry (:mod:`.early`), their :class:`~.early.LayerCheck` (one per layer)."""
    results, laid, layers = {}, {}, {}
    for i, pair in enumerate(pairs):
        if limits.deferral(pair.name, pair.layer) is not None:
            layers.setdefault(pair.layer, {})[i] = pair
        elif 0 < pair.v_pt.size <= LAY_LIMIT and pair.v_pt.ndim:
            laid.setdefault(pair.v_pt.dtype, []).append(i)
        else:
            results[i] = (*differences(pair.v_np, pair.v_pt, limits.allowed_in(pair.name, pair.layer, pair.v_pt)), 0)
    for positions in laid.values():
        for group in in_groups([pairs[i].v_pt.size for i in positions], LAY_LIMIT):
            group = [positions[g] for g in group]
            results.update(zip(group, ((*r, 0) for r in laid_differences([pairs[i] for i in group], limits))))
    entrywise = {}
    for layer, named in layers.items():
        check = LayerCheck(limits.deferred[layer], {pair.name: pair for pair in named.values()}, limits.floor)
        for i, pair in named.items():
            entrywise[i] = check
            if check.whole:   # its bounds made whole: compared as the others are
                E = check.E[pair.name]
                results[i] = (*differences(pair.v_np, pair.v_pt, lambda block, E=E: 2 * E[block] + limits.floor), 0)
            else:
                results[i] = check.result(pair.name)
    return results, entrywise


def beyond_allowed(pair: Pair, limits, check: LayerCheck | None) -> Callable[[], Array]:
    """The mask of the quantity's entries beyond their allowed difference, made when asked for."""
    if check is not None:
        return lambda: check.failed(pair.name).reshape(pair.v_pt.shape)
    return lambda: ~(np.abs(pair.v_np - pair.v_pt) <= limits.allowed(pair.name, pair.layer, pair.v_pt))


def relative_error(value: Array, reference: Array) -> float:
    """‖value − reference‖ / max(‖value‖, ‖reference‖), 0 when both are 0 (the usual gradcheck measure)."""
    scale = max(float(np.linalg.norm(value)), float(np.linalg.norm(reference)))
    return float(np.linalg.norm(value - reference)) / scale if scale else 0.0


def add_finite_differences(diffs: list[QuantityDiff], fd: dict[str, list[Array]], tol: Tolerance,
                           step: int) -> Mismatch | None:
    """Put the finite-difference gradients beside each twin's; the first disagreement, if any.

    ``fd`` is in the optimizer's layout {"theta": [...], "b": [...]}; gradient rows
    of ``diffs`` get ``fd_value`` and each twin's relative error.
    """
    first = None
    for d in diffs:
        kind = {"grad_theta": "theta", "grad_b": "b"}.get(d.quantity)
        if kind is None:
            continue
        d.fd_value = fd[kind][d.layer - 1]
        d.fd_rel_error_numpy = relative_error(d.numpy_value, d.fd_value)
        d.fd_rel_error_torch = relative_error(d.torch_value, d.fd_value)
        bad_np, bad_pt = ~tol.allows(d.numpy_value, d.fd_value), ~tol.allows(d.torch_value, d.fd_value)
        if first is None and (bad_np.any() or bad_pt.any()):
            who = "both" if bad_np.any() and bad_pt.any() else ("numpy" if bad_np.any() else "torch")
            idx = _first_bad_index(bad_np | bad_pt)
            first = Mismatch(step, d.quantity, d.layer, idx, float(d.numpy_value[idx]), float(d.torch_value[idx]),
                             fd_value=float(d.fd_value[idx]), fd_disagrees_with=who)
    return first
