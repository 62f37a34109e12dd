"""Each activation and loss, value and derivative, against torch's own (tinygrad-style one-liners).

float64 throughout; the same formula evaluated two ways agrees to a few ε, so
1e-12 relative and 1e-14 absolute leave room only for rounding.
"""
import numpy as np
import pytest
import torch
from torch import nn

from manual_mlp import ACTIVATIONS, LOSSES
from torch_reference.twin import ACTIVATION_MODULES, LOSS_MODULES

from conftest import assert_same

RTOL, ATOL = 1e-12, 1e-14
rng = np.random.default_rng(0)
# points on both sides of every kink, the kink itself, and large |z| (no overflow, no warnings)
Z = np.concatenate([rng.normal(scale=3, size=(6, 5)), [[0.0, -0.0, 1e-300, -750.0, 750.0]]])


def torch_activation(name, z):
    zt = torch.tensor(z, requires_grad=True)
    a = ACTIVATION_MODULES[name]()(zt)
    a.backward(torch.ones_like(a))  # elementwise: the gradient of Σa is f′(z)
    return a.detach().numpy(), zt.grad.numpy()


@pytest.mark.parametrize("name", [n for n, f in ACTIVATIONS.items() if not f.output_only])
def test_activation_and_derivative_match_torch(name):
    a_pt, fprime_pt = torch_activation(name, Z)
    f = ACTIVATIONS[name]
    a = f.fn(Z)
    assert_same(f"forward {name}", a, a_pt, RTOL, ATOL)
    assert_same(f"backward {name}", f.grad(Z, a), fprime_pt, RTOL, ATOL)


def test_softmax_matches_torch_and_survives_large_logits():
    z = Z[:, :3] * 100
    assert_same("softmax", ACTIVATIONS["softmax"].fn(z), torch.softmax(torch.tensor(z), dim=1).numpy(), RTOL, ATOL)


@pytest.mark.parametrize("kink,expected", [("relu", 0.0), ("leaky_relu", 0.01)])
def test_derivative_at_the_kink_follows_torch(kink, expected):
    z = np.zeros((1, 1))
    assert ACTIVATIONS[kink].grad(z, ACTIVATIONS[kink].fn(z))[0, 0] == expected == torch_activation(kink, z)[1][0, 0]


def targets_for(name, shape):
    if name == "cross_entropy":
        return rng.integers(0, shape[1], size=shape[0])
    return rng.uniform(size=shape)


@pytest.mark.parametrize("name", list(LOSSES))
@pytest.mark.parametrize("edge", [False, True], ids=["interior", "at-0-and-1"])
def test_loss_and_gradient_match_torch(name, edge):
    shape = (5, 3)
    a = rng.uniform(0.05, 0.95, size=shape)
    if edge:  # bce's clamps: log(0) → −100 and a(1 − a) → 1e-12, exactly as torch
        a[0, 0], a[1, 1] = 0.0, 1.0
    y = targets_for(name, shape)
    loss = LOSSES[name]
    y_matrix = np.eye(shape[1])[y] if y.ndim == 1 else y
    module, _ = LOSS_MODULES[name]
    at = torch.tensor(a, requires_grad=True)
    J_pt = module()(at, torch.tensor(y))
    J_pt.backward()
    with np.errstate(all="raise"):  # no overflow, no log(0) warnings on the manual side
        J, grad = loss.value(a, y_matrix), loss.grad(a, y_matrix)
    assert_same(f"forward {name}", np.float64(J), J_pt.detach().numpy(), RTOL, ATOL)
    assert_same(f"backward {name}", grad, at.grad.numpy(), RTOL, ATOL)


@pytest.mark.parametrize("rows_sum_to_one", [True, False])
def test_cross_entropy_with_probability_targets_matches_torch(rows_sum_to_one):
    z = rng.normal(size=(4, 3))
    y = rng.dirichlet(np.ones(3), size=4) * (1 if rows_sum_to_one else 0.7)
    zt = torch.tensor(z, requires_grad=True)
    J_pt = nn.CrossEntropyLoss()(zt, torch.tensor(y))
    J_pt.backward()
    assert_same("forward ce", np.float64(LOSSES["cross_entropy"].value(z, y)), J_pt.detach().numpy(), RTOL, ATOL)
    assert_same("backward ce", LOSSES["cross_entropy"].grad(z, y), zt.grad.numpy(), RTOL, ATOL)
