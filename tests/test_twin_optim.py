"""The torch twin's optimizer is torch.optim's, to the bit, and loading the twin never imports the compiler stack.

The twin calls torch.optim's functional API (``torch_reference/optim.py``) rather than constructing a
``torch.optim.Optimizer``, whose construction imports ``torch._dynamo``. Both run the same kernels in the
same order, so θ and every state tensor must be *equal* after each step, not merely close.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from manual_mlp import OptimizerSettings
from torch_reference.optim import FunctionalOptimizer

ROOT = Path(__file__).resolve().parent.parent
SHAPES = [(3, 2), (3,)]
SETTINGS = [
    OptimizerSettings("sgd", 0.1),
    OptimizerSettings("sgd", 0.1, momentum=0.9),
    OptimizerSettings("sgd", 0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
    OptimizerSettings("adam", 0.01, weight_decay=0.1, betas=(0.5, 0.9)),
    OptimizerSettings("adamw", 0.01),
]


def torch_optim(settings: OptimizerSettings, params):
    """The torch.optim class itself, for the same settings."""
    if settings.name == "sgd":
        return torch.optim.SGD(params, lr=settings.lr, momentum=settings.momentum, nesterov=settings.nesterov,
                               weight_decay=settings.decay)
    cls = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[settings.name]
    return cls(params, lr=settings.lr, betas=settings.betas, eps=settings.eps, weight_decay=settings.decay)


def differences(settings: OptimizerSettings, dtype: torch.dtype, steps: int = 4) -> list[str]:
    rng = np.random.default_rng(3)
    start = [rng.normal(size=s) for s in SHAPES]
    ours = [torch.tensor(v, dtype=dtype, requires_grad=True) for v in start]
    theirs = [torch.tensor(v, dtype=dtype, requires_grad=True) for v in start]
    mine, reference = FunctionalOptimizer(settings, ours), torch_optim(settings, theirs)
    found = []
    for step in range(1, steps + 1):
        for a, b in zip(ours, theirs):
            a.grad = torch.tensor(rng.normal(size=a.shape), dtype=dtype)
            b.grad = a.grad.clone()
        mine.step()
        reference.step()
        for i, (a, b) in enumerate(zip(ours, theirs)):
            pairs = [("θ", a, b)] + [(name, value, reference.state[b][name]) for name, value in mine.state.get(a, {}).items()]
            found += [f"step {step}, parameter {i}: {name}" for name, x, y in pairs if not torch.equal(x, y)]
            if set(mine.state.get(a, {})) != set(reference.state[b]):
                found.append(f"step {step}: state {sorted(mine.state.get(a, {}))} vs {sorted(reference.state[b])}")
    return found


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=str)
@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s.name}-μ{s.momentum}-λ{s.weight_decay}")
def test_functional_optimizer_equals_torch_optim_to_the_bit(settings, dtype):
    assert differences(settings, dtype) == []


def test_the_comparison_can_fail():
    """Adam's update given to AdamW's settings (coupled instead of decoupled decay) is caught."""
    original = FunctionalOptimizer.__init__
    try:
        FunctionalOptimizer.__init__ = lambda self, s, p: original(self, OptimizerSettings("adam", s.lr,
                                                                                           weight_decay=s.decay), p)
        assert differences(OptimizerSettings("adamw", 0.01), torch.float64)
    finally:
        FunctionalOptimizer.__init__ = original


PROBE = """
import json, sys
from mlp_harness.cli.compare_cli import main
codes = [main([]), main(["--optimizer", "adam", "--steps", "2"])]
print(json.dumps({"codes": codes, "dynamo": "torch._dynamo" in sys.modules, "torch": "torch" in sys.modules}))
"""


def test_mlp_compare_never_imports_the_compiler_stack():
    """One step with SGD, two with Adam (its state tensors), in a fresh interpreter: torch, never torch._dynamo."""
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT,
                         check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result == {"codes": [0, 0], "dynamo": False, "torch": True}
