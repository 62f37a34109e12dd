"""Random starting weights for a network of given layer sizes."""
from __future__ import annotations

import numpy as np

from .validation import InputError
from .messages import _

Array = np.ndarray


def random_parameters(sizes: list[int], seed: int = 0, bias: bool = False,
                      dtype=np.float64) -> tuple[list[Array], list[Array] | None]:
    """θ⁽ˡ⁾ ~ U(−1/√n_{l−1}, 1/√n_{l−1}) of shape (n_l, n_{l−1}), as ``torch.nn.Linear`` draws them.

    The numbers come from NumPy's generator (not torch's), so both twins start
    from these same arrays whatever library draws nothing.
    """
    if len(sizes) < 2:
        raise InputError(_("layer sizes need at least two entries (inputs and outputs), got {sizes}").format(
            sizes=list(sizes)))
    if any(int(n) < 1 for n in sizes):
        raise InputError(_("every layer size must be at least 1, got {sizes}").format(sizes=list(sizes)))
    rng = np.random.default_rng(seed)
    thetas, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1.0 / np.sqrt(n_in)
        thetas.append(rng.uniform(-bound, bound, size=(n_out, n_in)).astype(dtype))
        biases.append(rng.uniform(-bound, bound, size=n_out).astype(dtype))
    return thetas, (biases if bias else None)
