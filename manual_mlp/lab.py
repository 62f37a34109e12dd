"""The numbers of the original lab (a 2-3-1 sigmoid network without biases)."""
from __future__ import annotations

import numpy as np

X = np.array([[0.5, 0.1], [0.2, 0.6]])
#: the solution's targets
Y = np.array([[0.7], [0.8]])
#: the targets of the lab's second version
Y_V2 = np.array([[0.6], [0.8]])
THETAS = (np.array([[0.5, 0.2], [0.6, -0.1], [-0.4, -0.3]]),
          np.array([[0.7, -0.1, 0.2]]))
ETA = 0.1


def lab_thetas() -> list[np.ndarray]:
    """Fresh copies of θ⁽¹⁾, θ⁽²⁾ (callers may train them)."""
    return [theta.copy() for theta in THETAS]
