"""Activation functions, each next to its derivative.

Every activation is an :class:`Activation` with two functions:

* ``fn(z) -> a``: the activation itself, applied elementwise to z of shape (N, n).
* ``grad(z, a) -> f′(z)``: the derivative *with respect to z*, evaluated at z.
  It receives both z and a = fn(z) so that each derivative can use whichever is
  cheaper and more accurate (σ′(z) = a(1 − a) needs only a; relu′ needs only z).
  It never means "the derivative written as a function of a": the argument
  names say which is which.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    name: str
    fn: Callable[[Array], Array]
    grad: Callable[[Array, Array], Array]
    formula: str = ""
    grad_formula: str = ""


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), without overflow for large |z|.

    e^(−z) overflows for z ≲ −710 (float64); writing σ(z) = e^z / (1 + e^z) there
    keeps every exponent non-positive.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(z.dtype, copy=False)


def sigmoid_grad(z: Array, a: Array) -> Array:
    """σ′(z) = σ(z)(1 − σ(z)) = a(1 − a)."""
    return a * (1 - a)


SIGMOID = Activation("sigmoid", sigmoid, sigmoid_grad, "σ(z) = 1/(1+e⁻ᶻ)", "σ′(z) = a(1−a)")

ACTIVATIONS: dict[str, Activation] = {SIGMOID.name: SIGMOID}


def get_activation(name_or_activation: str | Activation) -> Activation:
    """Look an activation up by name (an :class:`Activation` passes through)."""
    if isinstance(name_or_activation, Activation):
        return name_or_activation
    try:
        return ACTIVATIONS[name_or_activation]
    except KeyError:
        known = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"unknown activation {name_or_activation!r}; choose one of: {known}") from None
