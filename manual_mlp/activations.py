"""Activation functions, each next to its derivative.

Every activation is an :class:`Activation` with two functions:

* ``fn(z) -> a``: the activation, applied to z of shape (N, n).
* ``grad(z, a) -> f′(z)``: the derivative *with respect to z*, evaluated at z,
  elementwise, shape (N, n). It receives both z and a = fn(z) so each
  derivative can use whichever is cheaper and more accurate (σ′ = a(1 − a)
  needs only a; relu′ needs only z). It never means "a derivative written as
  a function of a": the argument names say which is which.

At a kink we follow torch's autograd: relu′(0) = 0 (torch passes the gradient
only where z > 0) and leaky_relu′(0) = 0.01 (torch uses the slope where z ≤ 0).

``softmax`` is not elementwise, so it has no ``grad``: it is only allowed on the
output layer together with the ``cross_entropy`` loss, whose δ⁽ᴸ⁾ = (a − y)/N
never needs the softmax Jacobian (see :mod:`manual_mlp.losses`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .validation import InputError
from .messages import _

Array = np.ndarray

#: torch.nn.LeakyReLU's default negative slope
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    name: str
    fn: Callable[[Array], Array]
    grad: Callable[[Array, Array], Array] | None
    symbol: str            # how formulas write f, e.g. "σ"
    formula: str           # f(z)
    grad_formula: str      # f′(z)
    output_only: bool = False


@np.errstate(over="ignore")   # e⁻ᶻ may overflow: see below
def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e⁻ᶻ), evaluated as written, in place in one new array.

    Plainly: ``1 / (1 + np.exp(-z))``. The in-place form makes one array
    instead of several: a third of the time of a two-branch ``np.where`` form
    on a 1024×512 layer (see the README's performance section). For z < −709 (float64) or −88.7 (float32) e⁻ᶻ
    overflows to ∞ and σ comes out as 1/∞ = 0, where the true σ is below the
    smallest normal float; that overflow is expected and silenced, by ``np.errstate`` as the function's
    decorator (half the cost of a ``with`` block, which took a tenth of a step of the lab's net).
    torch's sigmoid evaluates the same formula.
    """
    z = np.asarray(z)
    a = np.empty(z.shape, np.float64 if z.dtype.kind in "biu" else z.dtype)  # z's type, float64 for integers
    np.negative(z, out=a)
    np.exp(a, out=a)
    a += 1
    return np.reciprocal(a, out=a)


def sigmoid_grad(z: Array, a: Array) -> Array:
    """σ′(z) = σ(z)(1 − σ(z)) = a(1 − a), computed in one new array."""
    fprime = 1 - a
    fprime *= a
    return fprime


def tanh(z: Array) -> Array:
    return np.tanh(z)


def tanh_grad(z: Array, a: Array) -> Array:
    """tanh′(z) = 1 − tanh²(z) = 1 − a²."""
    return 1 - a * a


def relu(z: Array) -> Array:
    return np.maximum(z, 0)


def relu_grad(z: Array, a: Array) -> Array:
    """relu′(z) = 1 where z > 0, else 0 (0 at the kink, as torch)."""
    return (z > 0).astype(z.dtype)


def leaky_relu(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_grad(z: Array, a: Array) -> Array:
    """leaky_relu′(z) = 1 where z > 0, else 0.01 (0.01 at the kink, as torch)."""
    return np.where(z > 0, 1, LEAKY_SLOPE).astype(z.dtype)


def identity(z: Array) -> Array:
    return z


def identity_grad(z: Array, a: Array) -> Array:
    return np.ones_like(z)


def softmax(z: Array) -> Array:
    """softmax(z)ₙⱼ = e^(zₙⱼ − mₙ) / Σₖ e^(zₙₖ − mₙ), mₙ = maxₖ zₙₖ (no overflow)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS: dict[str, Activation] = {f.name: f for f in (
    Activation("sigmoid", sigmoid, sigmoid_grad, "σ", "1/(1 + e⁻ᶻ)", "a(1 − a)"),
    Activation("tanh", tanh, tanh_grad, "tanh", "tanh(z)", "1 − a²"),
    Activation("relu", relu, relu_grad, "relu", "max(z, 0)", "[z > 0]"),
    Activation("leaky_relu", leaky_relu, leaky_relu_grad, "lrelu", "z if z > 0 else 0.01z", "1 if z > 0 else 0.01"),
    Activation("identity", identity, identity_grad, "id", "z", "1"),
    Activation("softmax", softmax, None, "softmax", "e^z / Σ e^z", "—", output_only=True),
)}


def get_activation(name_or_activation: str | Activation) -> Activation:
    """Look an activation up by name (an :class:`Activation` passes through)."""
    if isinstance(name_or_activation, Activation):
        return name_or_activation
    try:
        return ACTIVATIONS[name_or_activation]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise InputError(_("unknown activation {name!r}; choose one of: {known}").format(
            name=name_or_activation, known=known)) from None
