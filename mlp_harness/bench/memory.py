"""Peak memory of a verified run, above what the imports take, measured in a fresh interpreter.

Linux keeps a process's peak resident size (``VmHWM`` in ``/proc/self/status``)
and resets it to the current size when ``5`` is written to
``/proc/self/clear_refs``. So the probe imports everything, notes the resident
size (the import baseline), resets the peak, runs the comparison and reads the
peak again. It runs in a fresh interpreter because a long-lived one reuses
memory it freed earlier, which would hide part of the run's peak. Elsewhere
than on Linux the numbers are reported as unavailable.

"The arrays that must exist" are X, Y and one step's records of both twins
(every z, a, δ, gradient, new θ and b and optimizer state, on each side): the
least a step-by-step comparison can hold at once.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass

MB = 2 ** 20


@dataclass
class MemoryResult:
    """Bytes: resident size after the imports, the run's peak above it, and the arrays that must exist."""

    steps: int
    imports: int
    peak_above_imports: int
    arrays: int

    @property
    def ratio(self) -> float:
        """The run's peak over the arrays that must exist: 1 would hold nothing else."""
        return self.peak_above_imports / self.arrays

    def to_json(self) -> dict:
        return asdict(self) | {"ratio": self.ratio}


def _status_bytes(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise OSError(f"no {field} in /proc/self/status")


def probe(net_name: str, dtype: str, activation: str, steps: int) -> dict:
    """In this (fresh) interpreter: the peak of ``steps`` verified steps above the imports."""
    from .bench import NETS, bench_config, problem
    from ..verify.run import run_comparison
    import torch  # noqa: F401 - part of the baseline, as in any run of the harness

    net = next(net for net in NETS if net.name == net_name)
    imports = _status_bytes("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    thetas, biases, X, Y, eta = problem(net, dtype)
    config = bench_config(net, dtype, activation, eta, steps=steps)
    report = run_comparison(config, thetas, biases, X, Y)
    peak = _status_bytes("VmHWM") - imports
    if not report.ok:  # stopped early: a relu kink in float32 (see verified_step); fewer steps' worth of arrays
        steps = len(report.steps)
    arrays = X.nbytes + Y.nbytes + sum(d.numpy_value.nbytes + d.torch_value.nbytes for d in report.last_diffs)
    return asdict(MemoryResult(steps, imports, peak, arrays))


def measure_memory(net_name: str, dtype: str, activation: str, steps: int) -> MemoryResult | None:
    """:func:`probe` in a fresh interpreter; None where the peak cannot be read (not Linux)."""
    if not os.path.exists("/proc/self/clear_refs"):
        return None
    code = (f"import json; from mlp_harness.bench.memory import probe; "
            f"print(json.dumps(probe({net_name!r}, {dtype!r}, {activation!r}, {steps})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return MemoryResult(**json.loads(out.strip().splitlines()[-1]))
