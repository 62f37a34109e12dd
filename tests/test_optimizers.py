"""The NumPy optimizers against torch.optim on the same parameter and gradient sequences.

Each test feeds both the same random gradients for 6 steps and compares θ and the
optimizer state after every step (float64, 1e-12 relative: the same arithmetic in
the same order). The mutants below are the classic ways to get an optimizer wrong;
the same check must catch each of them, so the check is known to be able to fail.
"""
import dataclasses

import numpy as np
import pytest
import torch

from manual_mlp import Adam, OptimizerSettings, SGD, make_optimizer
from torch_reference.twin import make_torch_optimizer

RTOL, ATOL = 1e-12, 1e-15
SHAPES = [(3, 2), (3,), (1, 3)]

SETTINGS = [
    OptimizerSettings("sgd", 0.1),
    OptimizerSettings("sgd", 0.1, momentum=0.9),
    OptimizerSettings("sgd", 0.1, momentum=0.9, nesterov=True),
    OptimizerSettings("sgd", 0.1, momentum=0.5, weight_decay=0.1),
    OptimizerSettings("adam", 0.01),
    OptimizerSettings("adam", 0.01, weight_decay=0.1, betas=(0.5, 0.9)),
    OptimizerSettings("adamw", 0.01),
    OptimizerSettings("adamw", 0.01, weight_decay=0.3, eps=1e-3),
]


def diverging_steps(optimizer, settings: OptimizerSettings, steps: int = 6) -> str | None:
    """Run ``optimizer`` and torch.optim side by side; the first difference, described, or None."""
    rng = np.random.default_rng(42)
    params = {"theta": [rng.normal(size=s) for s in SHAPES]}
    tensors = [torch.tensor(p, requires_grad=True) for p in params["theta"]]
    reference = make_torch_optimizer(settings, tensors)
    for step in range(1, steps + 1):
        grads = {"theta": [rng.normal(size=s) for s in SHAPES]}
        params = optimizer.step(params, grads)
        for t, g in zip(tensors, grads["theta"]):
            t.grad = torch.tensor(g)
        reference.step()
        for i, t in enumerate(tensors):
            pairs = [("θ", params["theta"][i], t.detach().numpy())]
            pairs += [(name, optimizer.state[name]["theta"][i], reference.state[t][name].numpy())
                      for name in optimizer.state]
            for name, mine, theirs in pairs:
                if not np.allclose(mine, theirs, rtol=RTOL, atol=ATOL):
                    return f"step {step}, parameter {i}: {name} differs by {np.max(np.abs(mine - theirs)):.2e}"
    return None


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: f"{s.name}-μ{s.momentum}-λ{s.weight_decay}-n{s.nesterov}")
def test_matches_torch_optim(settings):
    assert diverging_steps(make_optimizer(settings), settings) is None


def test_adamw_decays_by_default_like_torch():
    assert OptimizerSettings("adamw").decay == torch.optim.AdamW([torch.zeros(1)]).defaults["weight_decay"]
    assert OptimizerSettings("adam").decay == torch.optim.Adam([torch.zeros(1)]).defaults["weight_decay"]


class AdamWithoutBiasCorrection(Adam):
    def step(self, params, grads):
        self.t = 0  # 1 − β^t stays at 1 − β: the moments are never corrected past step 1
        return super().step(params, grads)


def running_as(base, label: str, **changes):
    """``base`` whose step silently applies other settings (the mistake) while torch gets the stated ones."""
    class Mutant(base):
        def step(self, params, grads):
            stated, self.settings = self.settings, dataclasses.replace(self.settings, **changes)
            try:
                return super().step(params, grads)
            finally:
                self.settings = stated
    Mutant.__name__ = label
    return Mutant


AdamDecayingTheAdamWWay = running_as(Adam, "AdamDecayingTheAdamWWay", name="adamw")
AdamWDecayingTheAdamWay = running_as(Adam, "AdamWDecayingTheAdamWay", name="adam")
NesterovWithoutLookahead = running_as(SGD, "NesterovWithoutLookahead", nesterov=False)


class MomentumBufferStartingAsAnAverage(SGD):
    def step(self, params, grads):
        if self.t == 0:  # buf₁ = (1 − μ)g, as an exponential average would start, instead of torch's buf₁ = g
            grads = {k: [(1 - self.settings.momentum) * g for g in v] for k, v in grads.items()}
        return super().step(params, grads)


MUTANTS = [
    (AdamWithoutBiasCorrection, OptimizerSettings("adam", 0.01)),
    (AdamDecayingTheAdamWWay, OptimizerSettings("adam", 0.01, weight_decay=0.1)),
    (AdamWDecayingTheAdamWay, OptimizerSettings("adamw", 0.01, weight_decay=0.1)),
    (MomentumBufferStartingAsAnAverage, OptimizerSettings("sgd", 0.1, momentum=0.9)),
    (NesterovWithoutLookahead, OptimizerSettings("sgd", 0.1, momentum=0.9, nesterov=True)),
]


@pytest.mark.parametrize("mutant,settings", MUTANTS, ids=lambda m: getattr(m, "__name__", ""))
def test_classic_optimizer_mistakes_are_caught(mutant, settings):
    assert diverging_steps(mutant(settings), settings) is not None


@pytest.mark.parametrize("settings", [SETTINGS[2], SETTINGS[5]], ids=["sgd-nesterov", "adam"])
def test_a_step_record_keeps_its_optimizer_state_through_later_steps(settings):
    """The record shares the optimizer's state arrays: the next steps must replace them, not write into them."""
    from manual_mlp import MLP, lab
    net, optimizer = MLP(lab.lab_thetas()), make_optimizer(settings)
    record = net.train_step(lab.X, lab.Y, optimizer)
    kept = {name: [v.copy() for v in per_kind["theta"]] for name, per_kind in record.optimizer_state.items()}
    for _ in range(2):
        net.train_step(lab.X, lab.Y, optimizer)
    for name, values in kept.items():
        for before, now in zip(values, record.optimizer_state[name]["theta"], strict=True):
            np.testing.assert_array_equal(now, before, err_msg=name)
