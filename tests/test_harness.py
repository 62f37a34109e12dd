"""The harness can fail, and says where: wrong formulas are caught at the right quantity and layer."""
import dataclasses
import weakref

import numpy as np
import pytest

from manual_mlp import MLP, lab, random_parameters
from manual_mlp.activations import ACTIVATIONS
from mlp_harness import RunConfig, Tolerance, run_comparison
from mlp_harness.verify.table import render_step

SIGMOID = ACTIVATIONS["sigmoid"]
NO_PRIME = dataclasses.replace(SIGMOID, name="sigmoid-without-derivative", grad=lambda z, a: np.ones_like(a))


def broken_net(thetas, hidden_only: bool):
    return MLP(thetas, activation=NO_PRIME, output_activation=SIGMOID if hidden_only else NO_PRIME)


@pytest.mark.parametrize("hidden_only,layer", [(False, 2), (True, 1)])
def test_sigma_prime_left_out_is_caught_at_the_first_delta_it_touches(hidden_only, layer):
    thetas = lab.lab_thetas()
    report = run_comparison(RunConfig(), thetas, None, lab.X, lab.Y, manual_model=broken_net(thetas, hidden_only))
    assert not report.ok
    m = report.first_mismatch
    assert (m.step, m.quantity, m.layer) == (1, "delta", layer)
    assert m.diverged is None
    assert "mismatch at step 1: δ" in m.describe()


def test_deep_network_sigma_prime_left_out_is_localised_to_layer_L_minus_1():
    thetas, _ = random_parameters([3, 5, 4, 6, 2], seed=7)
    X, Y = np.random.default_rng(0).normal(size=(4, 3)), np.full((4, 2), 0.5)
    report = run_comparison(RunConfig(), thetas, None, X, Y, manual_model=broken_net(thetas, hidden_only=True))
    m = report.first_mismatch
    assert (m.quantity, m.layer) == ("delta", 3)


def test_tiny_difference_above_tolerance_is_a_mismatch():
    tol = Tolerance.for_dtype("float64")
    a = np.array([1.0, 2.0])
    assert tol.allows(a, a * (1 + tol.rtol / 2)).all()
    assert not tol.allows(a, a * (1 + 10 * tol.rtol) + tol.atol).all()


def test_nan_is_never_a_match():
    tol = Tolerance.for_dtype("float64")
    assert not tol.allows(np.array([np.nan]), np.array([np.nan])).any()


def test_divergence_is_reported_not_compared():
    thetas, _ = random_parameters([2, 8, 1], seed=0)
    thetas = [t * 50 for t in thetas]
    X, Y = np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([[1e200], [-1e200]])
    report = run_comparison(RunConfig(lr=1e10, steps=10), thetas, None, X, Y)
    assert not report.ok
    assert report.first_mismatch.diverged in ("numpy", "torch", "both")
    assert report.first_mismatch.describe().startswith(f"diverged at step {report.first_mismatch.step}")


def test_float32_tolerance_is_derived_from_its_epsilon():
    assert Tolerance.for_dtype("float32").rtol == pytest.approx(1e4 * np.finfo(np.float32).eps)
    assert Tolerance.for_dtype("float64").rtol == pytest.approx(1e4 * np.finfo(np.float64).eps)


class WatchedNet(MLP):
    """Keeps a weak reference to each step's δ⁽¹⁾, and notes at the start of each step which are still alive."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deltas, self.alive = [], []

    def train_step(self, *args, **kwargs):
        self.alive.append([ref() is not None for ref in self.deltas])
        record = super().train_step(*args, **kwargs)
        self.deltas.append(weakref.ref(record.deltas[0]))
        return record


def test_records_of_earlier_steps_are_released_once_compared():
    """Step 1's small records stay (the table shows them whole) and the last step's; the steps between go when
    compared."""
    thetas = lab.lab_thetas()
    net = WatchedNet(thetas)
    report = run_comparison(RunConfig(steps=4), thetas, None, lab.X, lab.Y, manual_model=net)
    assert report.ok
    assert net.alive == [[], [True], [True, False], [True, False, False]]


def test_step_1_keeps_only_what_its_table_prints_once_later_steps_follow():
    """A quantity too big to print whole is summarised by its corners: after step 2 only those stay, the table
    of step 1 reads the same, and step 1's whole record is released."""
    thetas, biases = random_parameters([5, 20, 4], seed=3, bias=True)
    X = np.random.default_rng(2).uniform(size=(8, 5))
    Y = np.eye(4)[np.arange(8) % 4]
    one, three = (RunConfig(lr=0.2, steps=steps) for steps in (1, 3))
    net = WatchedNet(thetas, biases)
    report = run_comparison(three, thetas, biases, X, Y, manual_model=net)
    alone = run_comparison(one, thetas, biases, X, Y)
    assert report.ok and net.alive[-1] == [False, False]   # at step 3, step 1's δ⁽¹⁾ (8×20) is gone too
    render = lambda r: render_step(r.first_diffs, 2, True, "step 1", one)  # noqa: E731
    assert render(report) == render(alone)
    kept = {d.label: d for d in report.first_diffs}
    assert np.count_nonzero(kept["δ⁽¹⁾"].numpy_value) <= 16 < kept["δ⁽¹⁾"].numpy_value.size
    for d, whole in zip(report.first_diffs, alone.first_diffs, strict=True):
        assert (d.max_abs_diff, d.ratio, d.ok) == (whole.max_abs_diff, whole.ratio, whole.ok)
