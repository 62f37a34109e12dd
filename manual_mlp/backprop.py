"""The lab's building blocks, one formula each, callable one by one.

Shapes (N samples, layer l has n_l units, layers numbered 1…L as in the lab):

* a⁽ˡ⁻¹⁾: (N, n_{l−1}), with a⁽⁰⁾ = X
* θ⁽ˡ⁾: (n_l, n_{l−1}) — rows are output units, as in ``torch.nn.Linear.weight``
* b⁽ˡ⁾: (n_l,)
* z⁽ˡ⁾, a⁽ˡ⁾, δ⁽ˡ⁾: (N, n_l)

The lab's last cell called these ``delta_L``, ``delta_l``, ``gradient`` and
``optimize``; :class:`manual_mlp.network.MLP` is built from them. Each checks
the shapes it is given first, so a slip says which formula needs which shape
instead of NumPy's "mismatch in its core dimension" (or, worse, a silent
broadcast of (N, 1) against (N,)).

``MLP.train_step`` checks its parameters when the network is built and each
batch once (none with ``checked=True``: mlp-train checks its whole data set
once), so every shape inside a step follows from them; it calls the
formulas of the forward and backward passes without their checks, as
``weighted_input.unchecked`` and so on. ``output_delta`` keeps its check
there, the one place where Y enters (``MLP.backward`` is public), and so do
the optimizers.
"""
from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from .validation import (check_hidden_delta, check_output_delta, check_update, check_weight_gradient,
                         check_weighted_input)

Array = np.ndarray


def checked(check: Callable[..., None]) -> Callable[[Callable], Callable]:
    """The formula with ``check`` run on its arguments first; the bare formula stays as ``.unchecked``."""
    def wrap(formula: Callable) -> Callable:
        @functools.wraps(formula)
        def with_check(*args, **kwargs):
            check(*args, **kwargs)
            return formula(*args, **kwargs)
        with_check.unchecked = formula
        return with_check
    return wrap


@checked(check_weighted_input)
def weighted_input(a_prev: Array, theta: Array, b: Array | None = None) -> Array:
    """z⁽ˡ⁾ = a⁽ˡ⁻¹⁾ θ⁽ˡ⁾ᵀ (+ b⁽ˡ⁾)."""
    z = a_prev @ theta.T
    if b is not None:
        z += b  # in place: z is the matmul's own new array, and a second one would cost its page faults
    return z


@checked(check_output_delta)
def output_delta(dJ_da: Array, fprime: Array) -> Array:
    """δ⁽ᴸ⁾ = ∂J/∂a⁽ᴸ⁾ ⊙ f′(z⁽ᴸ⁾); for the lab's loss ∂J/∂a⁽ᴸ⁾ = a⁽ᴸ⁾ − y."""
    return dJ_da * fprime


@checked(check_hidden_delta)
def hidden_delta(delta_next: Array, theta_next: Array, fprime: Array) -> Array:
    """δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ θ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾).

    θ⁽ˡ⁺¹⁾ maps layer l to layer l+1, so δ⁽ˡ⁺¹⁾ (N, n_{l+1}) times θ⁽ˡ⁺¹⁾
    (n_{l+1}, n_l) carries the error back to layer l's n_l units.
    """
    delta = delta_next @ theta_next
    delta *= fprime  # in place, in the matmul's own new array
    return delta


@checked(check_weight_gradient)
def weight_gradient(delta: Array, a_prev: Array) -> Array:
    """∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀ a⁽ˡ⁻¹⁾, shape (n_l, n_{l−1}) like θ⁽ˡ⁾; sums over the batch."""
    return delta.T @ a_prev


def bias_gradient(delta: Array) -> Array:
    """∂J/∂b⁽ˡ⁾ = Σₙ δ⁽ˡ⁾ₙ, shape (n_l,)."""
    return delta.sum(axis=0)


def gradient_descent(theta: Array, nabla: Array, eta: float) -> Array:
    """θ ← θ − η ∂J/∂θ (returns the new θ; the old array is left untouched).

    Computed as (−η)∂J/∂θ + θ in one new array: the same numbers to the bit (negation and the order of an
    addition are exact), one array fewer to allocate.
    """
    check_update(theta, nabla)
    new = np.multiply(nabla, -eta)
    new += theta
    return new
