"""Finite differences as a third witness: they agree with the formulas, and they catch a wrong gradient."""

import numpy as np
import pytest

from manual_mlp import MLP, lab, numerical_gradients, random_parameters
from mlp_harness import RunConfig, run_comparison
from mlp_harness.verify.compare import add_finite_differences, compare_records
from mlp_harness.verify.tolerance import Tolerance, gradcheck_tolerance


def test_lab_gradients_equal_finite_differences():
    net = MLP(lab.lab_thetas())
    fd = numerical_gradients(net, lab.X, lab.Y)
    grads = net.backward(net.forward(lab.X), lab.Y)
    tol = gradcheck_tolerance(Tolerance.for_dtype("float64"), 0.0236)
    for mine, reference in zip(grads.nabla_thetas, fd["theta"]):
        assert tol.allows(mine, reference).all()


def test_finite_differences_are_taken_in_float64_for_a_float32_network():
    thetas = [t.astype(np.float32) for t in lab.lab_thetas()]
    fd = numerical_gradients(MLP(thetas), lab.X, lab.Y)
    assert fd["theta"][0].dtype == np.float64


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "leaky_relu"])
def test_gradcheck_runs_show_three_witnesses(activation):
    thetas, biases = random_parameters([3, 4, 2], 2, bias=True)
    rng = np.random.default_rng(2)
    config = RunConfig(steps=3, gradcheck=True, activation=activation, optimizer="adam", lr=0.01)
    report = run_comparison(config, thetas, biases, rng.normal(size=(5, 3)), rng.uniform(size=(5, 2)))
    assert report.ok, report.first_mismatch.describe()
    rows = [d for d in report.first_diffs if d.fd_value is not None]
    assert {d.quantity for d in rows} == {"grad_theta", "grad_b"}
    assert max(max(d.fd_rel_error_numpy, d.fd_rel_error_torch) for d in rows) < 1e-6


def test_a_gradient_both_twins_share_but_that_is_wrong_is_caught_by_finite_differences():
    net = MLP(lab.lab_thetas())
    fd = numerical_gradients(net, lab.X, lab.Y)
    fd["theta"][0] = fd["theta"][0] * 1.001   # as if both twins had the same 0.1 % error in ∂J/∂θ⁽¹⁾
    from manual_mlp import SGD
    from torch_reference import TorchTwin
    rec_np = MLP(lab.lab_thetas()).train_step(lab.X, lab.Y, SGD(0.1))
    rec_pt = TorchTwin(lab.lab_thetas()).train_step(lab.X, lab.Y)
    diffs, twin_mismatch = compare_records(rec_np, rec_pt, Tolerance.for_dtype("float64"))
    mismatch = add_finite_differences(diffs, fd, gradcheck_tolerance(Tolerance.for_dtype("float64"), 0.02), 1)
    assert twin_mismatch is None
    assert (mismatch.quantity, mismatch.layer, mismatch.fd_disagrees_with) == ("grad_theta", 1, "both")
    assert "finite differences give" in mismatch.describe()
