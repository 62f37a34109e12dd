"""Optimizers: θ ← θ − η·(something built from ∂J/∂θ), with torch.optim's semantics.

Parameters and gradients travel as ``{"theta": [θ⁽¹⁾…θ⁽ᴸ⁾], "b": [b⁽¹⁾…b⁽ᴸ⁾]}``
(``"b"`` only when the network has biases). ``step`` returns *new* arrays and
leaves the given ones untouched, so a step record can keep the old values.
Optimizer state (momentum buffers, moments) is kept in the same layout in
``optimizer.state`` and copied into each step record.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .backprop import gradient_descent

Array = np.ndarray
Params = dict[str, list[Array]]


@dataclass
class SGD:
    """Plain gradient descent, the lab's θ ← θ − η ∂J/∂θ (``torch.optim.SGD(lr=η)``)."""

    eta: float = 0.1
    state: dict[str, Params] = field(default_factory=dict)

    def step(self, params: Params, grads: Params) -> Params:
        return {kind: [gradient_descent(theta, nabla, self.eta) for theta, nabla in zip(params[kind], grads[kind])]
                for kind in params}
