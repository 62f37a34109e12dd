"""Deep networks: a rounding-error bound is never NaN, and correct twins never FAIL however deep.

A bound carried through many layers grows as the worst case does (|θ| at every layer). σ and tanh's bounds
are capped by the width of their range (Smooth in mlp_harness/verify/error_bounds.py); where a bound still
overflows, it is +∞ — "no finite bound" — never NaN, and the output says how many entries had one. A NaN or
infinite *difference* still fails under an infinite bound.
"""
import contextlib
import io
import json
import math

import numpy as np
import pytest

from manual_mlp import random_parameters
from mlp_harness import RunConfig, compare_records, run_comparison
from mlp_harness.cli.compare_cli import main as compare_main
from mlp_harness.cli.train_cli import main as train_main
from mlp_harness.verify.compare import BLOCK, differences
from mlp_harness.verify.error_bounds import SMOOTH, StepStart, nan_to_infinity, step_bounds
from mlp_harness.verify.tolerance import ErrorBound, StepLimits
from manual_mlp.activations import get_activation
from torch_reference import TorchTwin

from language import foreign
from test_compare import CASES, torch_twin

# (activation, width, depth, dtype, scale of θ, whether some bound overflows to +∞). The first four failed
# before (NaN bounds: a false FAIL); σ, relu and identity passed and must still. θ × 8 makes tanh chaotic:
# the twins' rounding grows ×8 per layer, and 200 layers overflow the bounds of δ and ∂J/∂θ (without the
# NaN → +∞ rule, float32 got 21,189 NaN bounds there and failed). The others stay below 1e50.
DEEP = [("tanh", 32, 60, "float64", 1, False), ("tanh", 8, 110, "float64", 1, False),
        ("tanh", 64, 25, "float32", 1, False), ("tanh", 32, 30, "float32", 1, False),
        ("sigmoid", 32, 80, "float64", 1, False), ("relu", 32, 80, "float64", 1, False),
        ("identity", 32, 80, "float64", 1, False), ("sigmoid", 32, 80, "float32", 1, False),
        ("relu", 32, 80, "float32", 1, False), ("identity", 32, 80, "float32", 1, False),
        ("tanh", 16, 200, "float64", 8, True), ("tanh", 16, 200, "float32", 8, True)]


def deep_network(width: int, depth: int, dtype: str, scale: float = 1.0, samples: int = 4):
    """θ for ``depth`` layers of ``width`` units (the tools' random weights, times ``scale``), and a batch."""
    thetas, _ = random_parameters([width] * (depth + 1), seed=0, dtype=np.dtype(dtype))
    rng = np.random.default_rng(1)
    X = rng.normal(size=(samples, width)).astype(dtype)
    return [t * np.asarray(scale, dtype) for t in thetas], X, rng.uniform(size=(samples, width)).astype(dtype)


@pytest.fixture
def step_limits(monkeypatch) -> list[StepLimits]:
    """Every step's bounds as the comparison gets them."""
    seen, limits = [], ErrorBound.limits
    monkeypatch.setattr(ErrorBound, "limits", lambda self, *args: seen.append(limits(self, *args)) or seen[-1])
    return seen


@pytest.mark.parametrize("activation,width,depth,dtype,scale,overflows", DEEP,
                         ids=[f"{a}-{w}x{d}-{t}" + (f"-theta*{s}" if s != 1 else "") for a, w, d, t, s, _ in DEEP])
def test_correct_deep_twins_pass_and_no_bound_is_nan(activation, width, depth, dtype, scale, overflows, step_limits):
    thetas, X, Y = deep_network(width, depth, dtype, scale)
    report = run_comparison(RunConfig(activation=activation, dtype=dtype, steps=2), thetas, None, X, Y)
    assert report.ok, report.first_mismatch.describe()
    assert len(step_limits) == 2
    for limits in step_limits:
        for key, E in limits.bounds.items():
            assert not np.isnan(E).any(), f"{key}: NaN bound"
            assert limits.unbounded(*key) == np.count_nonzero(np.isinf(E)), key
    assert (sum(s.unbounded for s in report.steps) > 0) == overflows


def test_the_reported_command_exits_0():
    """The hostile tester's case: mlp-compare with sixty 32-wide tanh layers exited 1 on equal values."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = compare_main(["--activation", "tanh", "--layers", ",".join(["32"] * 61)])
    assert code == 0, out.getvalue()[-400:]
    assert "no finite bound" not in out.getvalue()


def overflow_files(folder) -> list[str]:
    """The weights and data of :func:`overflowing_step`, as files for the tools."""
    thetas, X, Y = overflowing_network()
    np.savez(folder / "w.npz", **{f"theta{l}": t for l, t in enumerate(thetas, start=1)})
    np.savez(folder / "d.npz", X=X, Y=Y)
    return ["--weights", str(folder / "w.npz"), "--data", str(folder / "d.npz"), "--activation", "relu"]


@pytest.mark.parametrize("tool", ["mlp-compare", "mlp-train"])
@pytest.mark.parametrize("lang,words", [("en", "entries had no finite bound"), ("pt", "elementos ficaram sem limite")])
def test_infinite_bounds_are_said(tool, lang, words, tmp_path):
    """Bounds that overflowed are counted in the verdict, in either language, and in the JSON report."""
    argv = overflow_files(tmp_path) + ["--lang", lang, "--json", str(tmp_path / "r.json")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = compare_main(argv) if tool == "mlp-compare" else train_main(argv + ["--epochs", "2", "--no-plot"])
    verdict = out.getvalue().strip().splitlines()[-1]
    assert code == 0 and words in verdict, verdict
    assert not foreign(verdict, lang), verdict
    assert json.loads((tmp_path / "r.json").read_text())["tolerance"]["unbounded_entries"] > 0


def overflowing_network():
    """relu 2-2-2-1 whose values are all exact (z⁽¹⁾ = 1e200 − 1e200 = 0, then zeros) but whose bounds are not:
    E(z⁽¹⁾) = 3u·2e200 ≈ 7e184, times |θ⁽²⁾| = 1e200 overflows, and meets δ = 0, a⁽¹⁾ = 0 and relu′(0) = 0."""
    big = 1e200
    thetas = [np.array([[big, -big], [big, -big]]), np.array([[big, big], [big, big]]), np.array([[1.0, 1.0]])]
    return thetas, np.array([[1.0, 1.0]]), np.array([[0.5]])


def overflowing_step():
    """One step of :func:`overflowing_network` by the PyTorch twin."""
    thetas, X, Y = overflowing_network()
    config = RunConfig(activation="relu")
    record = TorchTwin(thetas, None, "relu", "sigmoid", "half_sse", config.optimizer_settings).train_step(X, Y)
    return config, record, StepStart(thetas, None, {}, Y)


def test_a_bound_whose_arithmetic_overflows_is_infinite_not_nan():
    config, record, start = overflowing_step()
    infinite = {}
    bounds = step_bounds(config.tolerance.arithmetic, config.tolerance.formulas, record, start, infinite)
    assert not any(np.isnan(E).any() for E in bounds.values())
    # ∂J/∂θ⁽³⁾ = δ⁽³⁾ᵀa⁽²⁾ carries |δ⁽³⁾|ᵀE(a⁽²⁾) = 0·∞: the case that was NaN
    assert np.all(np.isinf(bounds["grad_theta", 3])) and np.all(np.isinf(bounds["theta", 1]))
    assert infinite == {key: E.size for key, E in bounds.items() if np.isinf(E).any()}
    assert np.isfinite(bounds["z", 1]).all() and ("z", 1) not in infinite   # 7e184: finite, and not counted


def test_nan_to_infinity():
    E = np.array([1.0, np.nan, np.inf, 0.0])
    fixed, count = nan_to_infinity(E)
    np.testing.assert_array_equal(fixed, [1.0, np.inf, np.inf, 0.0])
    assert count == 2
    finite = np.array([[0.0, 1e300]])
    fixed, count = nan_to_infinity(finite)
    assert fixed is finite and count == 0 and nan_to_infinity(np.zeros((0, 3)))[1] == 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_a_smooth_activations_bound_is_capped_by_its_range_never_nan(name):
    """f and f′ cannot move by more than the width of their ranges, whatever E: the cap is never below the
    change evaluated directly (intervals up to 1e300 wide), and ∞·0 at a saturated unit (f′ = 0, or f″ = 0)
    gives the cap, not NaN."""
    act, smooth = get_activation(name), SMOOTH[name]
    z = np.linspace(-40, 40, 801)[:, None]
    a = act.fn(z)
    for E in (np.logspace(0, 300, 31)[None, :], np.array([[np.inf]])):
        with np.errstate(invalid="ignore"):   # z ± ∞ evaluated directly
            direct = np.maximum(np.abs(act.fn(z + E) - a), np.abs(act.fn(z - E) - a))
            fprime = lambda x: act.grad(x, act.fn(x))  # noqa: E731
            direct_fprime = np.maximum(np.abs(fprime(z + E) - fprime(z)), np.abs(fprime(z - E) - fprime(z)))
        with np.errstate(over="ignore", invalid="ignore"):   # E² overflows, as under step_bounds' errstate
            change, change_of_fprime = smooth.change(a, E), smooth.change_of_fprime(a, E)
        assert not np.isnan(change).any() and not np.isnan(change_of_fprime).any()
        # the direct evaluation rounds by a few u of its values (≤ 1), well inside 1e-12
        assert np.all(change >= direct - 1e-12) and np.all(change_of_fprime >= direct_fprime - 1e-12)
        assert np.all(change <= smooth.span) and np.all(change_of_fprime <= smooth.fprime_span)
    saturated = np.array([[-1.0 if name == "tanh" else 0.0, 1.0, 0.5]])
    with np.errstate(invalid="ignore"):
        assert np.all(smooth.change(saturated, np.full((1, 3), np.inf)) == smooth.span)
        assert np.all(smooth.change_of_fprime(saturated, np.full((1, 3), np.inf)) == smooth.fprime_span)


@pytest.mark.parametrize("case", ["nan-numpy", "nan-both", "inf-same-sign", "inf-torch", "huge-finite"])
@pytest.mark.parametrize("size", ["one block", "several blocks"])
def test_an_infinite_bound_never_passes_a_nan_or_infinite_difference(case, size):
    """Under an allowed difference of +∞ everywhere, a NaN or ±∞ value, or a difference that overflows, still
    fails (ratio NaN); only finite differences pass."""
    v_np, v_pt = (np.array(v) for v in CASES[case])
    if size == "several blocks":
        v_np, v_pt = (np.concatenate([np.zeros(2 * BLOCK + 3), v.reshape(-1)]) for v in (v_np, v_pt))
    unbounded = lambda block: np.full(v_pt.size, np.inf)[block]  # noqa: E731
    with np.errstate(invalid="ignore", over="ignore"):
        largest, ratio = differences(v_np, v_pt, unbounded)
        assert not math.isfinite(largest) and not ratio <= 1
        finite = (np.where(np.isfinite(v), np.clip(v, -1e300, 1e300), 0.0) for v in (v_np, v_pt + 1e9))
        assert differences(*finite, unbounded)[1] == 0.0


def test_compare_records_with_infinite_bounds_still_reports_a_nan():
    """The whole comparison, every bound +∞: a NaN in the NumPy twin's δ is the first mismatch, as diverged."""
    thetas = [np.array([[0.5, 0.2], [0.3, -0.1]]), np.array([[0.4, 0.6]])]
    X, Y = np.array([[0.5, 0.1]]), np.array([[1.0]])
    rec_pt = torch_twin(thetas).train_step(X, Y)
    rec_np = torch_twin(thetas).train_step(X, Y)
    rec_np.deltas[0] = np.full_like(rec_np.deltas[0], np.nan)

    class Unbounded:
        def limits(self, record, start):
            bounds = {(name, layer): np.full(np.shape(value), np.inf) for name, layer, value in record.quantities()}
            return StepLimits(bounds, 0.0, {key: E.size for key, E in bounds.items()})

    diffs, mismatch = compare_records(rec_np, rec_pt, Unbounded())
    assert mismatch is not None and mismatch.diverged == "numpy" and (mismatch.quantity, mismatch.layer) == ("delta", 1)
    assert [d.label for d in diffs if not d.ok] == ["δ⁽¹⁾"]
