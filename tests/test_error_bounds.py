"""The default tolerance: each quantity within twice its rounding-error bound (mlp_harness/verify/error_bounds.py).

Correct twins pass where the old dtype-only rule cried wolf (a sum over many samples), at widths of
4096, and in float32 each twin stays within its bound of a float64 evaluation of the same step; every
mistake of the catalogue is still caught at large N; --rtol/--atol still override.
"""
import math

import numpy as np
import pytest

from manual_mlp import MLP, lab, make_optimizer, random_parameters
from mlp_harness import RunConfig, Tolerance, run_comparison
from mlp_harness.teach.mutants import MUTANTS
from manual_mlp.activations import get_activation
from mlp_harness.verify.error_bounds import (SMOOTH, Arithmetic, StepStart, by_blocks, derivative_bound,
                                             interval_change, matmul, step_bounds, weighted_input_bound)
from mlp_harness.verify.tolerance import ErrorBound
from torch_reference import TorchTwin

from test_mutants import EXPECTED, SIZES


def test_worked_example_of_the_docs():
    """z = 1·3 + 2·(−4) has K = 2 products plus the (absent) bias: E = 3u·(|1·3| + |2·(−4)|) = 33u."""
    u = 2.0 ** -53
    E = weighted_input_bound(Arithmetic.of("float64"), np.array([[1.0, 2.0]]), None, np.array([[3.0, -4.0]]), None)
    assert E[0, 0] == 33 * u


def test_unit_roundoff_of_the_arithmetic_used():
    assert RunConfig().tolerance.arithmetic.u == 2.0 ** -53
    assert RunConfig(dtype="float32").tolerance.arithmetic.u == 2.0 ** -24
    tf32 = RunConfig(dtype="float32", device="cuda", allow_tf32=True).tolerance.arithmetic
    assert tf32.u_inputs == 2.0 ** -11 and RunConfig(dtype="float32", allow_tf32=True).tolerance.arithmetic.u_inputs == 0


def test_rtol_atol_and_free_running_use_the_fixed_rule():
    assert RunConfig(rtol=1e-9).tolerance == Tolerance(1e-9, 1e4 * np.finfo(np.float64).eps)
    assert isinstance(RunConfig(free_running=True).tolerance, Tolerance)
    assert isinstance(RunConfig().tolerance, ErrorBound)


def test_many_samples_pass_where_the_dtype_rule_cried_wolf():
    """The lab's two samples repeated to N = 2·10⁵ in float32: ∂J/∂θ sums 2·10⁵ same-sign terms, which the
    two twins round differently by ~1e-3 relative (measured); the old 10⁴·ε ≈ 1.2e-3 rule fails it."""
    N = 2 * 10 ** 5
    X, Y = np.tile(lab.X, (N // 2, 1)).astype("float32"), np.tile(lab.Y, (N // 2, 1)).astype("float32")
    report = run_comparison(RunConfig(dtype="float32"), lab.lab_thetas(), None, X, Y)
    assert report.ok, report.first_mismatch.describe()
    fixed = RunConfig(dtype="float32").fixed_tolerance
    assert not all(np.all(fixed.allows(d.numpy_value, d.torch_value)) for d in report.first_diffs)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("sizes", [[4096, 3, 2], [3, 4096, 2]], ids=["4096-inputs", "4096-hidden"])
def test_layers_4096_wide_pass(dtype, sizes):
    thetas, biases = random_parameters(sizes, seed=0, bias=True)
    rng = np.random.default_rng(1)
    X, Y = rng.uniform(size=(16, sizes[0])), rng.uniform(size=(16, sizes[-1]))
    report = run_comparison(RunConfig(dtype=dtype, steps=2, activation="relu"), thetas, biases, X, Y)
    assert report.ok, report.first_mismatch.describe()
    assert 0 < max(s.max_ratio for s in report.steps) <= 1


CASES = [("sigmoid", "sigmoid", "half_sse", "sgd"), ("tanh", "identity", "mse", "adam"),
         ("relu", "sigmoid", "bce", "adamw"), ("leaky_relu", "softmax", "cross_entropy", "sgd")]


@pytest.mark.parametrize("activation,output,loss,optimizer", CASES)
def test_each_float32_twin_is_within_its_bound_of_a_float64_evaluation(activation, output, loss, optimizer):
    """The bound is on one twin's distance from the exact result: a float64 evaluation of the same float32
    inputs stands in for it (its own error is ~1e-16, nine orders below float32's)."""
    thetas, biases = random_parameters([6, 32, 32, 4], seed=2, bias=True, dtype=np.dtype("float32"))
    rng = np.random.default_rng(3)
    X = rng.normal(size=(64, 6)).astype("float32")
    Y = np.eye(4, dtype="float32")[rng.integers(0, 4, 64)]
    config = RunConfig(dtype="float32", activation=activation, output_activation=output, loss=loss,
                       optimizer=optimizer, momentum=0.9 if optimizer == "sgd" else 0.0)
    twin = TorchTwin(thetas, biases, activation, output, loss, config.optimizer_settings)
    record = twin.train_step(X, Y)
    exact = MLP([t.astype(np.float64) for t in thetas], [b.astype(np.float64) for b in biases], activation,
                output).train_step(X.astype(np.float64), Y.astype(np.float64), make_optimizer(config.optimizer_settings),
                                   loss)
    bounds = step_bounds(config.tolerance.arithmetic, config.tolerance.formulas, record,
                         StepStart(thetas, biases, {}, Y))
    for (name, layer, value), (_, _, reference) in zip(record.quantities(), exact.quantities(), strict=True):
        error = np.abs(np.asarray(value, np.float64) - reference)
        assert np.all(error <= bounds[name, layer]), f"{name}{layer}: error {error.max():.2e} beyond its bound"


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_taylor_bounds_of_smooth_activations_hold(name):
    """σ and tanh's changes are bounded from a = f(z) by Taylor (no exp): never below the change evaluated
    directly, over z from −30 to 30 and intervals from 1e-16 to 1 wide. The direct evaluation has its own
    rounding, allowed for: z ± E is rounded (so the interval compared is the one actually evaluated), NumPy's
    vectorised exp makes f off by up to ~16 ulps of |f| (measured at z = −16), and f′ = 1 − a² or a(1 − a)
    by a few u absolutely."""
    act, smooth, u = get_activation(name), SMOOTH[name], 2.0 ** -53
    z = np.linspace(-30, 30, 6001)[:, None]
    E = np.logspace(-16, 0, 17)[None, :]
    E = np.maximum((z + E) - z, z - (z - E))   # the interval as rounded: exact differences of floats
    a = act.fn(z)
    fprime = lambda x: act.grad(x, act.fn(x))  # noqa: E731
    direct = interval_change(act.fn, z, E)
    assert np.all(smooth.change(a, E) >= direct - 32 * u * (np.abs(a) + direct))
    direct = interval_change(fprime, z, E)
    assert np.all(smooth.change_of_fprime(a, E) >= direct - 8 * u * (1 + direct))
    assert np.allclose(smooth.fprime(a), fprime(z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["relu", "leaky_relu"])
def test_a_kink_between_the_two_twins_is_allowed(name):
    """PyTorch's z = 1.5·E(z) above relu's kink: the exact z is within E(z) of it, NumPy's within E(z) of the
    exact one, so NumPy's z may be −0.5·E(z) — on the other side, where f′ jumps by a whole unit (0.99 for
    leaky_relu). The allowed difference of f′, 2E(f′), must cover that jump."""
    ar = Arithmetic.of("float64")
    E_z = np.array([[1e-12]])
    _, E_fprime = derivative_bound(ar, name, 1.5 * E_z, E_z, np.zeros((1, 1)))
    jump = 1.0 if name == "relu" else 0.99
    assert 2 * E_fprime[0, 0] >= jump


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_mistake_is_still_caught_at_large_n(name):
    """N = 10⁴ samples (float64): the bounds grow with N, the mistakes grow as fast or faster; each is caught
    at the same quantity as with N = 2 (tests/test_mutants.py). 10⁶ samples, measured by hand, behave alike."""
    sizes = SIZES.get(name, [3, 4, 4, 2])
    thetas, biases = random_parameters(sizes, seed=3, bias=True)
    rng = np.random.default_rng(4)
    N = 10 ** 4
    X, Y = rng.normal(size=(N, sizes[0])), rng.uniform(size=(N, sizes[-1]))
    config = RunConfig(lr=0.1 / N)
    m = run_comparison(config, thetas, biases, X, Y, manual_model=MUTANTS[name].network(config, thetas, biases, N)
                       ).first_mismatch
    assert m is not None, f"{name} went unnoticed at N = {N}"
    assert (m.step, m.quantity, m.layer) == (1, *EXPECTED[name])


def test_float32_products_of_a_bound_are_never_below_the_exact_ones():
    """A float32 run's bounds multiply in float32: Σ|terms| must come out at least as large as in exact
    arithmetic (float64 here, whose own rounding is 10⁸ times smaller), which plain float32 misses."""
    rng = np.random.default_rng(5)
    A = rng.lognormal(sigma=3.0, size=(64, 700))    # magnitudes spread over decades, as |a| and E(a) are
    B = rng.lognormal(sigma=3.0, size=(700, 40))
    exact = A @ B
    assert np.all(matmul(Arithmetic.of("float32"), A, B) >= exact)
    assert np.any(A.astype(np.float32) @ B.astype(np.float32) < exact)   # the margin is needed


def test_bounds_in_blocks_are_the_bounds_of_the_whole():
    """by_blocks on arrays of several blocks gives the formula's numbers on the whole arrays, to the bit."""
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=(300, 101)), rng.normal(size=(300, 101))
    formula = lambda x, y, none: {"sum": np.abs(x) + 2 * y, "product": x * y}  # noqa: E731
    blocks, whole = by_blocks(formula, x, y, None), formula(x, y, None)
    assert blocks.keys() == whole.keys()
    for name in whole:
        np.testing.assert_array_equal(blocks[name], whole[name])


@pytest.mark.parametrize("case", ["beyond float32 beside a zero", "below float32's normal range", "underflowing products"])
def test_float32_products_outside_its_range_are_never_below_the_exact_ones(case):
    """Operands a float32 run's bounds can reach in float64: beyond float32's range (where float32 would
    make inf·0 = NaN), below its normal range (rounded to subnormals or 0), and products that underflow."""
    A, B = {"beyond float32 beside a zero": ([[1e39, 1.0]], [[0.0], [1.0]]),
            "below float32's normal range": ([[1.3e-44, 1e-46]], [[1.0], [1e5]]),
            "underflowing products": ([[1e-25, 1e-25]], [[1e-25], [1e-25]])}[case]
    A, B = np.array(A), np.array(B)
    got = matmul(Arithmetic.of("float32"), A, B)
    assert np.all(np.isfinite(got)) and np.all(got >= A @ B)


@pytest.mark.parametrize("threads,through_torch", [(1, False), (2, True)])
def test_large_bound_products_go_through_torch_only_beside_numpy_blas_threads(threads, through_torch, monkeypatch):
    """NumPy's OpenBLAS leaves its threads spinning after a product, so a bound's large product goes through
    torch's BLAS; on one thread OpenBLAS has none to leave, and the product stays with NumPy (the faster of the
    two on one thread on docs/performance.md's machine). The same numbers either way, to their rounding."""
    import torch
    from threadpoolctl import threadpool_limits
    matmul_of_torch, calls = torch.matmul, []
    monkeypatch.setattr(torch, "matmul", lambda *args: calls.append(args) or matmul_of_torch(*args))
    A, B = np.full((64, 128), 0.5), np.full((128, 64), 2.0)   # 64·128·64 multiply-adds: enough for threads
    with threadpool_limits(threads, user_api="blas"):
        product = matmul(Arithmetic.of("float64"), A, B)
    assert bool(calls) == through_torch and np.all(product == 128.0)


def test_paired_products_made_on_two_threads_give_the_bounds_to_the_bit(monkeypatch):
    """error_bounds.matmuls makes a hidden δ's two products, and a weight gradient's, at once on two threads
    where NumPy's BLAS runs on one: every bound must be the one made serially, to the bit (a swapped or torn
    result would not be)."""
    from torch_reference.lockstep import numpy_threads
    from mlp_harness.verify import error_bounds
    config = RunConfig(lr=0.1, activation="tanh", optimizer="sgd", momentum=0.9)
    thetas, biases = random_parameters([12, 9, 7, 3], seed=4, bias=True)
    X = np.random.default_rng(4).normal(size=(20, 12))
    Y = np.eye(3)[np.arange(20) % 3]
    twin = TorchTwin(thetas, biases, "tanh", "sigmoid", optimizer=config.optimizer_settings)
    record = twin.train_step(X, Y, 1)
    start = StepStart(thetas, biases, {}, Y)
    ar, f = config.tolerance.arithmetic, config.tolerance.formulas
    made = {}
    for paired_from in (0, math.inf):   # every product paired on two threads; none
        monkeypatch.setattr(error_bounds, "PAIRED_PRODUCT", paired_from)
        monkeypatch.setattr(error_bounds, "_usable_cores", lambda: 2)
        calls = []
        worker = CountingWorker(calls)
        monkeypatch.setattr(error_bounds, "_bound_worker", lambda: worker)
        with numpy_threads(1):
            made[paired_from] = step_bounds(ar, f, record, start)
        assert (len(calls) > 0) == (paired_from == 0)   # the worker made products only when asked to
    assert made[0].keys() == made[math.inf].keys()
    for key, E in made[math.inf].items():
        np.testing.assert_array_equal(made[0][key], E, err_msg=str(key))


class CountingWorker:
    """error_bounds' worker thread, counting what it is given."""

    def __init__(self, calls: list):
        from concurrent.futures import ThreadPoolExecutor
        self.calls, self.pool = calls, ThreadPoolExecutor(1)

    def submit(self, fn, *args):
        self.calls.append(fn)
        return self.pool.submit(fn, *args)


@pytest.mark.parametrize("bad", [None, np.nan, np.inf])
@pytest.mark.parametrize("where", ["small", "large", "both"])
def test_bounds_checked_together_are_made_finite_as_one_by_one(bad, where):
    """finite_bounds checks the small bounds with one reduction: wherever a NaN or ∞ lies, every bound and
    every count of infinite entries must be what nan_to_infinity gives each bound alone."""
    from mlp_harness.verify.error_bounds import BLOCK, finite_bounds, nan_to_infinity
    rng = np.random.default_rng(7)
    bounds = {("z", 1): rng.uniform(size=(4, 3)), ("a", 1): rng.uniform(size=(4, 3)), ("loss", None): np.asarray(0.5),
              ("grad_b", 1): np.zeros(0), ("theta", 1): rng.uniform(size=BLOCK + 5)}
    if bad is not None:
        for key in {"small": [("a", 1)], "large": [("theta", 1)], "both": [("z", 1), ("theta", 1)]}[where]:
            bounds[key].reshape(-1)[[1, 2]] = bad
    alone = {key: nan_to_infinity(E) for key, E in bounds.items()}
    infinite = {}
    finite_bounds(bounds, infinite)
    assert infinite == {key: count for key, (_, count) in alone.items() if count}
    for key, (E, _) in alone.items():
        np.testing.assert_array_equal(bounds[key], E, err_msg=str(key))
        assert not np.isnan(bounds[key]).any()
