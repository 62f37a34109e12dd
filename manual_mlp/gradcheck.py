"""Finite differences: a third witness that needs neither formulas nor autograd.

∂J/∂θᵢⱼ ≈ (J(θ + h·eᵢⱼ) − J(θ − h·eᵢⱼ)) / 2h, always in float64. The central
difference has a truncation error of order h²·J‴ and a rounding error of order
ε·|J|/h; h = ε^(1/3) ≈ 6e-6 balances the two, leaving about 1e-10 relative error
for smooth activations. (relu and leaky_relu have a kink at 0: a z within h of
it gives a one-sided slope, which is why the check is run on random data.)
"""
from __future__ import annotations

import numpy as np

from .losses import Loss, get_loss, targets_matrix
from .network import MLP

Array = np.ndarray

STEP = float(np.finfo(np.float64).eps) ** (1 / 3)


def numerical_gradients(model: MLP, X: Array, Y: Array, loss: str | Loss = "half_sse", h: float = STEP
                        ) -> dict[str, list[Array]]:
    """Central-difference ∂J/∂θ⁽ˡ⁾ (and ∂J/∂b⁽ˡ⁾) at ``model``'s parameters, in the optimizer's layout."""
    loss = get_loss(loss)
    net = MLP([t.astype(np.float64) for t in model.thetas],
              None if model.biases is None else [b.astype(np.float64) for b in model.biases],
              model.activation, model.output_activation)
    X = np.asarray(X, dtype=np.float64)
    Y = targets_matrix(np.asarray(Y), net.sizes[-1], np.float64).astype(np.float64)
    params = net.parameters()
    return {kind: [_partials(lambda: net.loss(X, Y, loss), array, h) for array in arrays]
            for kind, arrays in params.items()}


def _partials(J, array: Array, h: float) -> Array:
    """Perturb each entry of ``array`` in place by ±h, evaluate J, restore the entry."""
    nabla = np.empty_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + h
        j_plus = J()
        array[index] = original - h
        j_minus = J()
        array[index] = original
        nabla[index] = (j_plus - j_minus) / (2 * h)
    return nabla
