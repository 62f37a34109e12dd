"""The fast comparison decides as the full one: early acceptance (mlp_harness/verify/early.py), quantities
compared laid end to end, the update's bounds of small parameters evaluated together.

"Full" is the comparison as it was: every bound whole, every quantity alone. "Fast" forces every layer's
∂J/∂θ⁽ˡ⁾ and update to be bounded entry by entry (the default does so only for large layers). On random
networks, mutants and entries placed just above and just below their bounds, both give the same verdict
for every quantity, the same first mismatch, the same max |Δ|, the same unbounded entries, and the same
ratio wherever no entry was accepted early (over fewer entries where some were, so never a larger one).
"""
import contextlib
import io
import json
import math
from fractions import Fraction

import numpy as np
import pytest

from manual_mlp import make_optimizer, random_parameters
from manual_mlp.optimizers import OptimizerSettings
from manual_mlp.record import StepRecord
from mlp_harness import RunConfig, run_comparison
from mlp_harness.cli.compare_cli import main as compare_main
from mlp_harness.teach.mutants import MUTANTS
from mlp_harness.verify import compare, early, error_bounds
from mlp_harness.verify.compare import Pair, compare_records, differences, laid_differences
from mlp_harness.verify.error_bounds import (Arithmetic, StepStart, sgd_bounds, adam_bounds, step_bounds,
                                             weight_gradient_bound)
from mlp_harness.verify.run import build_twins, step_start
from mlp_harness.verify.tolerance import StepLimits, Tolerance

from test_compare import CASES
from test_mutants import EXPECTED, SIZES

SIZES_NET = [30, 20, 15, 4]
N = 40
ENTRYWISE = ("grad_theta", "theta", "momentum_buffer(theta)", "exp_avg(theta)", "exp_avg_sq(theta)")


#: (layers from this many multiply-adds bounded entry by entry, made whole past entries·WHOLE_BELOW > size,
#: quantities laid together up to, parameters updated together up to): the full comparison, and two fast ones
#: (every layer entry by entry; every layer deferred but made whole where the default says so)
SETTINGS = {"full": (math.inf, early.WHOLE_BELOW, 0, 0),
            "entry by entry": (0, 1, compare.LAY_LIMIT, error_bounds.JOINT_LIMIT),
            "whole past the default share": (0, early.WHOLE_BELOW, compare.LAY_LIMIT, error_bounds.JOINT_LIMIT)}


@pytest.fixture
def ways(monkeypatch):
    """compare_records every way of SETTINGS on the same records: {way: (diffs, first mismatch)}."""
    def run(rec_np, rec_pt, tol, start):
        out = {}
        for way, (defer_from, whole_below, lay, joint) in SETTINGS.items():
            with monkeypatch.context() as m:
                m.setattr(early, "DEFER_MIN_PRODUCT", defer_from)
                m.setattr(early, "WHOLE_BELOW", whole_below)
                m.setattr(compare, "LAY_LIMIT", lay)
                m.setattr(error_bounds, "JOINT_LIMIT", joint)
                out[way] = compare_records(rec_np, rec_pt, tol, start)
        return out
    return run


def rounding_of_sums(dtype: str, terms: int) -> float:
    """How far an entry bounded alone may be from the whole product's, relatively: each sums the same
    ``terms`` nonnegative products in its own order, within (terms + 2)·u of the exact sum (γ plus the
    operands' rounding), u of the bound's products (float32's in a float32 run); an update formula at most
    doubles a relative difference (E(∂J/∂θ)² in Adam's v). So 4·(terms + 2)·ε."""
    return 4 * (terms + 2) * float(np.finfo(np.dtype(dtype)).eps)


def assert_same_decisions(results: dict, tolerance: float) -> int:
    """Every fast way as the full one: same verdicts, first mismatch, max |Δ| and unbounded entries; ratios as
    the module says. Returns the entries accepted early entry by entry."""
    for way in SETTINGS.keys() - {"full"}:
        assert_decides_alike(results["full"], results[way], tolerance)
    return sum(q.accepted_early for q in results["entry by entry"][0])


def assert_decides_alike(full, fast, tolerance: float) -> None:
    (diffs_full, first_full), (diffs_fast, first_fast) = full, fast
    for d, q in zip(diffs_full, diffs_fast, strict=True):
        where = f"{d.label}: full ratio {d.ratio}, fast {q.ratio}"
        assert (q.ok, q.unbounded) == (d.ok, d.unbounded), where
        np.testing.assert_array_equal(q.max_abs_diff, d.max_abs_diff, err_msg=where)
        if d.quantity not in ENTRYWISE:
            np.testing.assert_array_equal(q.ratio, d.ratio, err_msg=where)   # the same arithmetic, laid or not
        elif q.accepted_early == 0:
            assert q.ratio == pytest.approx(d.ratio, rel=tolerance, nan_ok=True), where
        else:
            assert q.ratio <= d.ratio * (1 + tolerance), where
    where = lambda m: None if m is None else (m.step, m.quantity, m.layer, m.index, m.diverged)  # noqa: E731
    assert where(first_fast) == where(first_full)


def batch(sizes, dtype, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, sizes[0])).astype(dtype)
    return X, np.eye(sizes[-1], dtype=dtype)[rng.integers(0, sizes[-1], N)]


RUNS = {
    "sgd-sigmoid": dict(dtype="float64", optimizer="sgd", lr=0.05),
    "sgd-nesterov-decay-float32": dict(dtype="float32", activation="tanh", output_activation="identity",
                                       loss="mse", optimizer="sgd", momentum=0.9, nesterov=True,
                                       weight_decay=0.01, lr=0.05),
    "adam-softmax": dict(dtype="float64", activation="relu", output_activation="softmax", loss="cross_entropy",
                         optimizer="adam", lr=0.01),
    "adamw-bce-float32": dict(dtype="float32", activation="leaky_relu", loss="bce", optimizer="adamw", lr=0.01),
    "sgd-momentum-no-bias": dict(dtype="float64", activation="tanh", optimizer="sgd", momentum=0.9, lr=0.05),
}


@pytest.mark.parametrize("run", RUNS)
def test_random_networks_get_the_full_comparisons_verdicts(run, ways):
    config = RunConfig(**RUNS[run])
    thetas, biases = random_parameters(SIZES_NET, seed=1, bias=run != "sgd-momentum-no-bias",
                                       dtype=np.dtype(config.dtype))
    X, Y = batch(SIZES_NET, config.dtype, 2)
    net, optimizer, twin = build_twins(config, thetas, biases)
    early_total = 0
    for step in (1, 2, 3):   # from step 2 the optimizer has state
        start = step_start(net, optimizer.state, Y)
        rec_np, rec_pt = net.train_step(X, Y, optimizer, config.loss, step), twin.train_step(X, Y, step)
        early_total += assert_same_decisions(ways(rec_np, rec_pt, config.tolerance, start),
                                             rounding_of_sums(config.dtype, N))
        twin.load_state(rec_np.thetas, rec_np.biases, rec_np.optimizer_state)
    assert early_total > 0   # the early acceptance was exercised


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_mistake_is_caught_at_the_same_place(name, ways):
    sizes = SIZES.get(name, [3, 4, 4, 2])
    config = RunConfig(lr=0.1)
    thetas, biases = random_parameters(sizes, seed=3, bias=True)
    X, Y = batch(sizes, "float64", 4)
    mutant = MUTANTS[name].network(config, thetas, biases, N)
    twin = build_twins(config, thetas, biases)[2]
    start = step_start(mutant, {}, Y)
    rec_np = mutant.train_step(X, Y, make_optimizer(config.optimizer_settings), config.loss, 1)
    results = ways(rec_np, twin.train_step(X, Y, 1), config.tolerance, start)
    assert_same_decisions(results, rounding_of_sums("float64", N))
    first = results["full"][1]
    assert (first.quantity, first.layer) == EXPECTED[name]


def near_bounds(config, seed):
    """One step's records where the NumPy side of ∂J/∂θ⁽¹⁾, θ⁽¹⁾ and (with Adam) m(θ⁽¹⁾) is moved to just
    below and just above the full bound at a few entries each; and the step's start."""
    thetas, biases = random_parameters(SIZES_NET, seed=seed, bias=True, dtype=np.dtype(config.dtype))
    X, Y = batch(SIZES_NET, config.dtype, seed)
    net, optimizer, twin = build_twins(config, thetas, biases)
    start = step_start(net, optimizer.state, Y)
    rec_np, rec_pt = net.train_step(X, Y, optimizer, config.loss, 1), twin.train_step(X, Y, 1)
    limits = config.tolerance.limits(rec_pt, start)
    tolerance = rounding_of_sums(config.dtype, N)
    rng = np.random.default_rng(seed)
    torch_values = {name: value for name, layer, value in rec_pt.quantities() if layer == 1}
    for name, values in (("grad_theta", rec_np.nabla_thetas), ("theta", rec_np.thetas),
                         ("exp_avg(theta)", rec_np.optimizer_state.get("exp_avg", {}).get("theta"))):
        if values is None:
            continue
        v_pt = torch_values[name]
        allowed = limits.allowed(name, 1, v_pt)
        moved = values[0].copy()
        for i, target in zip(rng.choice(v_pt.size, 6, replace=False), (0.99, 0.999, 0.9999, 1.0001, 1.001, 1.01)):
            i = np.unravel_index(i, v_pt.shape)
            moved[i] = v_pt[i] + target * allowed[i]
            ratio = abs(float(moved[i]) - float(v_pt[i])) / allowed[i]
            while abs(ratio - 1) <= tolerance:   # rounded onto the bound itself: step one ulp off it
                moved[i] = np.nextafter(moved[i], np.inf if target > 1 else v_pt[i])
                ratio = abs(float(moved[i]) - float(v_pt[i])) / allowed[i]
        values[0] = moved
    return rec_np, rec_pt, start


@pytest.mark.parametrize("run", ["sgd-sigmoid", "adam-softmax", "adamw-bce-float32"])
def test_entries_just_below_and_above_their_bound_get_the_full_verdicts(run, ways):
    config = RunConfig(**RUNS[run])
    for seed in (5, 6):
        rec_np, rec_pt, start = near_bounds(config, seed)
        results = ways(rec_np, rec_pt, config.tolerance, start)
        assert_same_decisions(results, rounding_of_sums(config.dtype, N))
        first = results["full"][1]
        assert first is not None and first.quantity == "grad_theta"


def test_thresholds_are_never_above_the_allowed_difference():
    """At the premise's extreme (every term of ∂J/∂θ positive, E(δ) = 0, the twin's value (1 + γ_N)·S, S the
    exact Σ|terms|) the threshold of ∂J/∂θ stays below the whole bound's 2E + floor; without its margin
    (γ_N·|v| alone would be 1000·u above γ_N·S) it would not."""
    ar, rng = Arithmetic.of("float64"), np.random.default_rng(7)
    samples = 1000
    delta, a = rng.uniform(0.5, 1.5, size=(samples, 3)), rng.uniform(0.5, 1.5, size=(samples, 4))
    gamma = ar.gamma(samples)
    S = np.array([[float(sum(Fraction(x) * Fraction(y) for x, y in zip(delta[:, j], a[:, k]))) for k in range(4)]
                  for j in range(3)])
    v = S * (1 + gamma) * (1 - 2 * ar.u)   # within the premise, |v| ≤ (1 + γ)·S
    record = StepRecord(1, [np.zeros((samples, 3))], [a, np.zeros((samples, 3))], 0.0, [delta], [v], None,
                        [np.zeros((3, 4))], None)
    start = StepStart([np.zeros((3, 4))], None, {}, np.zeros((samples, 3)))
    formulas = RunConfig().tolerance.formulas
    bounds = {("delta", 1): np.zeros((samples, 3))}
    weights = early.DeferredWeights(ar, formulas, record, start, bounds, 1, {})
    allowed = 2 * weight_gradient_bound(ar, delta, bounds["delta", 1], a, None) + ar.floor
    assert np.all(weights.threshold("grad_theta", v, ar.floor) <= allowed.reshape(-1))


@pytest.mark.parametrize("settings", [dict(name="sgd", momentum=0.9, nesterov=True, weight_decay=0.1),
                                      dict(name="adam"), dict(name="adamw", weight_decay=0.01)],
                         ids=["sgd", "adam", "adamw"])
def test_update_bounds_never_decrease_with_the_gradients_bound(settings):
    """What the lower bound of an update's bound rests on: E(∂J/∂θ) = 0 gives at most what any E(∂J/∂θ) ≥ 0
    gives, entry by entry and to the last bit, over E(∂J/∂θ) from 0 to 1e30 times |g|."""
    s = OptimizerSettings(**{"lr": 0.01} | settings)
    ar, rng = Arithmetic.of("float32"), np.random.default_rng(8)
    theta, g = rng.normal(size=(2, 4000)).astype(np.float32)
    old = {"momentum_buffer": rng.normal(size=4000).astype(np.float32),
           "exp_avg": rng.normal(size=4000).astype(np.float32), "exp_avg_sq": rng.uniform(size=4000).astype(np.float32)}
    E_g = np.abs(g) * np.logspace(-30, 30, 4000)
    if s.name == "sgd":
        evaluate = lambda E: sgd_bounds(ar, s, theta, g, E, old["momentum_buffer"])  # noqa: E731
    else:
        evaluate = lambda E: adam_bounds(ar, s, 3, theta, g, E, old["exp_avg"], old["exp_avg_sq"])  # noqa: E731
    with np.errstate(over="ignore"):
        low, high = evaluate(np.zeros(4000)), evaluate(E_g)
        higher = evaluate(2 * E_g)
    for name in low:
        assert np.all(low[name] <= high[name]) and np.all(high[name] <= higher[name]), name


def test_small_parameters_updated_together_get_the_same_bounds_to_the_bit(monkeypatch):
    config = RunConfig(**RUNS["adam-softmax"])
    thetas, biases = random_parameters(SIZES_NET, seed=9, bias=True)
    X, Y = batch(SIZES_NET, "float64", 9)
    net, optimizer, twin = build_twins(config, thetas, biases)
    for step in (1, 2):
        start = step_start(net, optimizer.state, Y)
        net.train_step(X, Y, optimizer, config.loss, step)
        record = twin.train_step(X, Y, step)
        ar, f = config.tolerance.arithmetic, config.tolerance.formulas
        together = step_bounds(ar, f, record, start)
        monkeypatch.setattr(error_bounds, "JOINT_LIMIT", 0)
        apart = step_bounds(ar, f, record, start)
        monkeypatch.undo()
        assert together.keys() == apart.keys()
        for key in apart:
            np.testing.assert_array_equal(together[key], apart[key], err_msg=str(key))


@pytest.mark.parametrize("rule", ["fixed", "nothing allowed", "bound"])
def test_quantities_laid_end_to_end_give_each_ones_own_results(rule):
    """Every case of tests/test_compare.py (NaN, ±∞, an overflowing difference, exact zeros) at once, beside
    ordinary quantities: each quantity's max |Δ| and ratio are what differences() gives it alone."""
    pairs = [Pair("z", i, *(np.array(v) for v in CASES[case])) for i, case in enumerate(CASES)]
    if rule == "fixed":
        limits = Tolerance.for_dtype("float64")
    elif rule == "nothing allowed":   # 0/0 where both sides agree exactly: a match, not NaN
        limits = Tolerance(rtol=0.0, atol=0.0)
    else:
        rng = np.random.default_rng(10)
        limits = StepLimits({("z", i): rng.uniform(0, 1e-11, size=p.v_pt.shape) for i, p in enumerate(pairs)},
                            1e-300)
        limits.bounds["z", 0][0, 0] = 0.0   # nothing allowed where both sides agree exactly
    with np.errstate(invalid="ignore", over="ignore"):
        laid = laid_differences(pairs, limits)
        alone = [differences(p.v_np, p.v_pt, limits.allowed_in("z", p.layer, p.v_pt)) for p in pairs]
    np.testing.assert_array_equal(laid, alone)


def test_the_verdict_says_how_many_entries_were_accepted_early(monkeypatch, tmp_path):
    """In both languages, and in the JSON report; the ratio printed is over the entries bounded."""
    monkeypatch.setattr(early, "DEFER_MIN_PRODUCT", 0)
    monkeypatch.setattr(early, "WHOLE_BELOW", 1)
    thetas, biases = random_parameters([6, 5, 2], seed=11, bias=True)
    X, Y = batch([6, 5, 2], "float64", 11)
    np.savez(tmp_path / "w.npz", theta1=thetas[0], theta2=thetas[1], b1=biases[0], b2=biases[1])
    np.savez(tmp_path / "d.npz", X=X, Y=Y)
    report = run_comparison(RunConfig(lr=0.05, steps=2), thetas, biases, X, Y)
    accepted = sum(s.accepted_early for s in report.steps)
    assert report.ok and accepted > 0
    outputs = {}
    for lang in ("en", "pt"):
        args = ["--weights", str(tmp_path / "w.npz"), "--data", str(tmp_path / "d.npz"), "--lr", "0.05",
                "--steps", "2", "--lang", lang, "--json", str(tmp_path / f"{lang}.json")]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert compare_main(args) == 0
        outputs[lang] = out.getvalue()
    assert f"{accepted} entries were accepted early" in outputs["en"]
    assert f"{accepted} elementos foram aceitos antecipadamente" in outputs["pt"]
    assert json.loads((tmp_path / "en.json").read_text())["tolerance"]["accepted_early_entries"] == accepted


def test_a_layer_whose_bounds_overflow_is_bounded_whole(monkeypatch, ways):
    """Weights of 1e200 (docs/robustness.md): the certificate that no entry's bound overflows fails, so the
    layers are bounded whole and the unbounded entries are counted as before."""
    big = 1e200
    thetas = [np.array([[big, -big], [big, -big]]), np.full((2, 2), big), np.ones((1, 2))]
    config = RunConfig(activation="relu")
    net, optimizer, twin = build_twins(config, thetas, None)
    X, Y = np.ones((1, 2)), np.full((1, 1), 0.5)
    start = step_start(net, optimizer.state, Y)
    with np.errstate(all="ignore"):
        rec_np, rec_pt = net.train_step(X, Y, optimizer, config.loss), twin.train_step(X, Y)
    results = ways(rec_np, rec_pt, config.tolerance, start)
    assert_same_decisions(results, 0.0)
    fast = results["entry by entry"][0]
    assert sum(d.unbounded for d in fast) == 29 and sum(d.accepted_early for d in fast) == 0
