"""How close the two twins must be, derived from the floating-point type.

Both twins evaluate the same formulas in the same precision, but not in the
same order: a matmul's sums may be blocked differently, σ may be evaluated as
1/(1+e⁻ᶻ) or eᶻ/(1+eᶻ). Each such operation is exact up to a relative error of
ε (machine epsilon), and a step chains a few dozen of them; training chains
steps. So the twins should agree to a few hundred ε relative, and we allow
``RTOL_ULPS`` ε — a hundred times more than measured on 1,000 lab steps and on
random networks (see tests/test_tolerance.py) yet far below any real mistake,
which shows up at the 1e-3 … 1 level:

* float64: ε = 2.2e-16 → rtol = 1e4·ε ≈ 2.2e-12, atol = 1e4·ε ≈ 2.2e-12
* float32: ε = 1.2e-7  → rtol = 1e4·ε ≈ 1.2e-3, atol = 1e4·ε ≈ 1.2e-3

``atol`` covers values that should be ~0 (a cancelled gradient) where a
relative test is meaningless; it is set at the same ε-scale because every
quantity in these networks is O(1) or smaller.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RTOL_ULPS = 1e4


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float

    @classmethod
    def for_dtype(cls, dtype, rtol: float | None = None, atol: float | None = None) -> "Tolerance":
        eps = float(np.finfo(np.dtype(dtype)).eps)
        return cls(rtol=RTOL_ULPS * eps if rtol is None else rtol, atol=RTOL_ULPS * eps if atol is None else atol)

    def allows(self, numpy_value: np.ndarray, torch_value: np.ndarray) -> np.ndarray:
        """Elementwise |numpy − torch| ≤ atol + rtol·|torch| (``numpy.isclose``'s rule, NaN never close)."""
        return np.abs(numpy_value - torch_value) <= self.atol + self.rtol * np.abs(torch_value)
