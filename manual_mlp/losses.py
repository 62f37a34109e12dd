"""Loss functions J(a⁽ᴸ⁾, y), each next to its derivative ∂J/∂a⁽ᴸ⁾.

``value(a, y) -> float`` and ``grad(a, y) -> ∂J/∂a`` take the network output
a = a⁽ᴸ⁾ and the targets y, both of shape (N, n_L).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Loss:
    name: str
    value: Callable[[Array, Array], float]
    grad: Callable[[Array, Array], Array]
    formula: str = ""


def half_sse(a: Array, y: Array) -> float:
    """J = ½ Σₙ Σⱼ (yₙⱼ − aₙⱼ)², the lab's ½(y − ŷ)ᵀ(y − ŷ) summed over samples."""
    r = y - a
    return 0.5 * float(np.sum(r * r))


def half_sse_grad(a: Array, y: Array) -> Array:
    """∂J/∂a = a − y (the ½ cancels the 2 of the square)."""
    return a - y


HALF_SSE = Loss("half_sse", half_sse, half_sse_grad, "J = ½ Σ (y − a⁽ᴸ⁾)²")

LOSSES: dict[str, Loss] = {HALF_SSE.name: HALF_SSE}


def get_loss(name_or_loss: str | Loss) -> Loss:
    """Look a loss up by name (a :class:`Loss` passes through)."""
    if isinstance(name_or_loss, Loss):
        return name_or_loss
    try:
        return LOSSES[name_or_loss]
    except KeyError:
        known = ", ".join(sorted(LOSSES))
        raise ValueError(f"unknown loss {name_or_loss!r}; choose one of: {known}") from None
