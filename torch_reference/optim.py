"""torch.optim's update, called through its functional API.

Constructing any ``torch.optim.Optimizer`` (and calling its ``step`` or
``zero_grad``) imports ``torch._dynamo``, the compiler stack: about 800 more
modules and as long again as ``import torch`` itself, for a twin that never
compiles anything. No flag avoids it (``foreach``, ``fused`` and
``differentiable`` are read later), and ``TORCH_COMPILE_DISABLE`` is read by
``torch._dynamo`` once imported.

``torch.optim.sgd.sgd``, ``torch.optim.adam.adam`` and
``torch.optim.adamw.adamw`` are the public functional forms of the same
algorithms: the functions ``Optimizer.step()`` itself calls once it has
gathered the parameters, gradients and state, with the same defaults
(``foreach``/``fused`` chosen by torch from the tensors' device). This class
gathers them the way ``SGD.step`` and ``Adam._init_group`` do and keeps the
state where ``Optimizer.state`` keeps it, under the same names, so every
number is torch.optim's; ``tests/test_twin_optim.py`` checks that to the bit
against the classes.
"""
from __future__ import annotations

import torch
from torch.optim.adam import adam
from torch.optim.adamw import adamw
from torch.optim.sgd import sgd

from manual_mlp.optimizers import OptimizerSettings


class FunctionalOptimizer:
    """SGD, Adam or AdamW with ``torch.optim``'s arithmetic and state layout, without its compiler imports."""

    def __init__(self, settings: OptimizerSettings, parameters):
        self.settings = settings
        self.params: list[torch.Tensor] = list(parameters)
        #: per parameter, as ``Optimizer.state``: momentum_buffer, or step, exp_avg, exp_avg_sq
        self.state: dict[torch.Tensor, dict[str, torch.Tensor]] = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self) -> None:
        params = [p for p in self.params if p.grad is not None]
        grads = [p.grad for p in params]
        if self.settings.name == "sgd":
            self._sgd(params, grads)
        else:
            self._adam(params, grads)

    def _sgd(self, params: list[torch.Tensor], grads: list[torch.Tensor]) -> None:
        s = self.settings
        buffers = [self.state.get(p, {}).get("momentum_buffer") for p in params]
        sgd(params, grads, buffers, weight_decay=s.decay, momentum=s.momentum, lr=s.lr, dampening=0.0,
            nesterov=s.nesterov, maximize=False)
        if s.momentum != 0:  # SGD.step keeps the buffers the functional call created
            for p, buffer in zip(params, buffers):
                self.state.setdefault(p, {})["momentum_buffer"] = buffer

    def _adam(self, params: list[torch.Tensor], grads: list[torch.Tensor]) -> None:
        s = self.settings
        for p in params:
            if p not in self.state:  # as Adam._init_group: a scalar step on the CPU, zero moments
                self.state[p] = {"step": torch.tensor(0.0, dtype=_scalar_dtype()),
                                 "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                                 "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format)}
        states = [self.state[p] for p in params]
        update = adamw if s.name == "adamw" else adam
        update(params, grads, [st["exp_avg"] for st in states], [st["exp_avg_sq"] for st in states], [],
               [st["step"] for st in states], amsgrad=False, beta1=s.betas[0], beta2=s.betas[1], lr=s.lr,
               weight_decay=s.decay, eps=s.eps, maximize=False)


def _scalar_dtype() -> torch.dtype:
    """The dtype torch.optim gives Adam's step counter: float64 if that is the default dtype, else float32."""
    return torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32
