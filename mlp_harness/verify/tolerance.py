"""How close the two twins must be, derived from the floating-point type.

Both twins evaluate the same formulas in the same precision, but not in the
same order: a matmul's sums may be blocked differently, an elementwise kernel
vectorised differently. Each such operation is exact up to a relative error of
ε (machine epsilon), and a step chains a few dozen of them; training chains
steps. So the twins should agree to a few hundred ε relative, and we allow
``RTOL_ULPS`` ε — about a thousand times more than measured on 1,000 lab steps
and on random networks (below) yet far below any real mistake, which shows up
at the 1e-3 … 1 level (the smallest mutant in mlp_harness/teach/mutants.py moves a
quantity by 7e-6):

* float64: ε = 2.2e-16 → rtol = 1e4·ε ≈ 2.2e-12, atol = 1e4·ε ≈ 2.2e-12
* float32: ε = 1.2e-7  → rtol = 1e4·ε ≈ 1.2e-3, atol = 1e4·ε ≈ 1.2e-3

Measured (tests/test_twins.py): at most 8ε on random networks of depth 1–5
over 50 steps, 2ε over 1,000 lab steps; on 784-512-512-10 with a batch of
1,024 the largest absolute difference was ≈3,000ε in the loss, whose value is
≈1,000, i.e. a few ε relative.

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


#: finite differences against either twin (see manual_mlp/gradcheck.py): with h = ε^(1/3) the
#: central difference is off by ≈ ε·|J|/h ≈ 4e-11·|J| from rounding plus O(h²) from truncation;
#: measured ≤ 4e-10 absolute on random networks with every activation and loss. We allow
#: 1e-8·max(1, |J|) absolute plus 1e-6 relative: 25× the measurement, 1e5× below a real mistake.
GRADCHECK_RTOL = 1e-6
GRADCHECK_ATOL = 1e-8


def gradcheck_tolerance(twin_tolerance: Tolerance, loss_value: float) -> Tolerance:
    """Finite differences vs a twin: never tighter than the twins' own tolerance (float32 runs)."""
    return Tolerance(rtol=max(GRADCHECK_RTOL, twin_tolerance.rtol),
                     atol=max(GRADCHECK_ATOL * max(1.0, abs(loss_value)), twin_tolerance.atol))
