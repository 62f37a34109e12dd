"""Deep networks: a rounding-error bound is never NaN, and correct twins never FAIL however deep.

A bound carried through many layers grows as the worst case does (|θ| at every layer). σ and tanh's bounds
are capped by the width of their range (Smooth in mlp_harness/verify/error_bounds.py); where a bound still
overflows, it is +∞ — "no finite bound" — never NaN, and the output says how many entries had one. A NaN or
infinite *difference* still fails under an infinite bound.
"""
import contextlib
import io

import numpy as np
import pytest

from manual_mlp import random_parameters
from mlp_harness import RunConfig, run_comparison
from mlp_harness.cli.compare_cli import main as compare_main
from mlp_harness.verify.error_bounds import SMOOTH
from mlp_harness.verify.tolerance import ErrorBound, StepLimits
from manual_mlp.activations import get_activation


# (activation, width, depth, dtype, scale of θ, whether some bound overflows to +∞). The first four failed
# before (NaN bounds: a false FAIL); σ, relu and identity passed and must still. θ × 8 makes tanh chaotic:
# the twins' rounding grows ×8 per layer, and 200 layers overflow the bounds of δ and ∂J/∂θ (without the
# NaN → +∞ rule, float32 got 21,189 NaN bounds there and failed). The others stay below 1e50.
DEEP = [("tanh", 32, 60, "float64", 1, False), ("tanh", 8, 110, "float64", 1, False),
        ("tanh", 64, 25, "float32", 1, False), ("tanh", 32, 30, "float32", 1, False),
        ("sigmoid", 32, 80, "float64", 1, False), ("relu", 32, 80, "float64", 1, False),
        ("identity", 32, 80, "float64", 1, False), ("sigmoid", 32, 80, "float32", 1, False),
        ("relu", 32, 80, "float32", 1, False), ("identity", 32, 80, "float32", 1, False),
        ]


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


def test_the_reported_command_exits_0():
    """The hostile tester's case: mlp-compare with sixty 32-wide tanh layers exited 1 on equal values."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = compare_main(["--activation", "tanh", "--layers", ",".join(["32"] * 61)])
    assert code == 0, out.getvalue()[-400:]


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
