"""Optimizers, written out with torch.optim's exact semantics.

Parameters and gradients travel as ``{"theta": [θ⁽¹⁾…θ⁽ᴸ⁾], "b": [b⁽¹⁾…b⁽ᴸ⁾]}``
(``"b"`` only when the network has biases). ``step`` returns *new* arrays and
leaves the given ones untouched, so a step record can keep the old values.
State (momentum buffers, Adam's moments) lives in ``optimizer.state`` in the
same layout, under torch's names (``momentum_buffer``, ``exp_avg``,
``exp_avg_sq``), so the harness compares it with torch's state directly.

Below, g is ∂J/∂θ and t counts steps from 1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .backprop import gradient_descent
from .validation import InputError
from .messages import _

Array = np.ndarray
Params = dict[str, list[Array]]

#: torch.optim's default weight decay per optimizer (AdamW decays by default)
DEFAULT_WEIGHT_DECAY = {"sgd": 0.0, "adam": 0.0, "adamw": 1e-2}


@dataclass(frozen=True)
class OptimizerSettings:
    """What ``--optimizer`` and its flags choose; ``weight_decay=None`` means torch's default."""

    name: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float | None = None
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8

    @property
    def decay(self) -> float:
        return DEFAULT_WEIGHT_DECAY.get(self.name, 0.0) if self.weight_decay is None else self.weight_decay

    def validate(self) -> None:
        if self.name not in OPTIMIZERS:
            raise InputError(_("unknown optimizer {name!r}; choose one of: {known}").format(
                name=self.name, known=', '.join(OPTIMIZERS)))
        if not (np.isfinite(self.lr) and self.lr > 0):
            raise InputError(_("the learning rate η (--lr) must be a finite number > 0, got {value!r}").format(
                value=self.lr))
        if not (0 <= self.momentum < np.inf) or (self.nesterov and self.momentum == 0):
            raise InputError(_("momentum (--momentum) must be a finite number ≥ 0 (and > 0 with --nesterov), got "
                               "{value}").format(value=self.momentum))
        if self.name != "sgd" and (self.momentum or self.nesterov):
            raise InputError(_(
                "--momentum and --nesterov belong to sgd, not {name} (Adam's momentum is --betas)").format(
                    name=self.name))
        if not 0 <= self.decay < np.inf:
            raise InputError(_("weight decay (--weight-decay) must be a finite number ≥ 0, got {value}").format(
                value=self.decay))
        if not all(0 <= beta < 1 for beta in self.betas) or len(self.betas) != 2:
            raise InputError(_("--betas takes two numbers in [0, 1), got {value}").format(value=self.betas))
        if not 0 < self.eps < np.inf:
            raise InputError(_("Adam's ε (--eps) must be a finite number > 0, got {value}").format(value=self.eps))


def _each(params: Params, grads: Params):
    """(kind, index, θ, g) for every parameter, θ⁽¹⁾…θ⁽ᴸ⁾ then b⁽¹⁾…b⁽ᴸ⁾."""
    for kind in params:
        for i, (theta, nabla) in enumerate(zip(params[kind], grads[kind])):
            yield kind, i, theta, nabla


@dataclass
class Optimizer:
    """Shared bookkeeping: per-parameter state in the ``{"theta": [...], "b": [...]}`` layout."""

    settings: OptimizerSettings
    state: dict[str, Params] = field(default_factory=dict)
    t: int = 0

    @property
    def eta(self) -> float:
        return self.settings.lr

    def buffers(self, name: str, kind: str) -> list[Array]:
        """State ``name`` of every parameter of ``kind`` (a list that grows on the first step)."""
        return self.state.setdefault(name, {}).setdefault(kind, [])


class SGD(Optimizer):
    """``torch.optim.SGD``: g ← g + λθ; buf ← g (t = 1) or μ·buf + g; g ← g + μ·buf (nesterov) or buf; θ ← θ − ηg.

    With no momentum and no decay this is the lab's θ ← θ − η ∂J/∂θ.
    """

    update_formula = "θ − η ∂J/∂θ"

    def __init__(self, eta: float | OptimizerSettings = 0.1):
        super().__init__(eta if isinstance(eta, OptimizerSettings) else OptimizerSettings("sgd", eta))

    def step(self, params: Params, grads: Params) -> Params:
        s, new = self.settings, {kind: [] for kind in params}
        decay, momentum = s.decay, s.momentum   # λ and μ, read once a step (the settings are frozen)
        self.t += 1
        for kind, i, theta, g in _each(params, grads):
            if decay:
                g = g + decay * theta
            if momentum:
                buf = self.buffers("momentum_buffer", kind)
                if i == len(buf):  # first step: torch starts the buffer at g itself, not at μ·0 + g
                    buf.append(g.copy())
                else:
                    buf[i] = momentum * buf[i] + g
                g = g + momentum * buf[i] if s.nesterov else buf[i]
            new[kind].append(gradient_descent(theta, g, s.lr))
        return new


class Adam(Optimizer):
    """``torch.optim.Adam`` (``decoupled=False``) and ``AdamW`` (``decoupled=True``).

    Adam:  g ← g + λθ (the decay is coupled: it goes through the moments).
    AdamW: θ ← θ(1 − ηλ) first (decoupled: the decay never touches the moments).
    Then m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ),
    θ ← θ − η m̂ / (√v̂ + ε) — torch divides √v by √(1 − β₂ᵗ) before adding ε, as here.
    """

    update_formula = "θ − η m̂/(√v̂ + ε)"

    def step(self, params: Params, grads: Params) -> Params:
        s, new = self.settings, {kind: [] for kind in params}
        beta1, beta2 = s.betas
        self.t += 1
        correction1, correction2 = 1 - beta1 ** self.t, 1 - beta2 ** self.t
        decoupled = s.name == "adamw"
        for kind, i, theta, g in _each(params, grads):
            if s.decay and decoupled:
                theta = theta * (1 - s.lr * s.decay)
            elif s.decay:
                g = g + s.decay * theta
            m, v = self.buffers("exp_avg", kind), self.buffers("exp_avg_sq", kind)
            if i == len(m):  # moments start at zero; the bias corrections undo that start
                m.append(np.zeros_like(g))
                v.append(np.zeros_like(g))
            # Written in torch's order of operations, so both twins round alike: m + (1 − β₁)(g − m)
            # is β₁m + (1 − β₁)g, and θ − (η/(1 − β₁ᵗ))·(m/denominator) is θ − η m̂/(√v̂ + ε).
            m[i] = m[i] + (1 - beta1) * (g - m[i])
            v[i] = v[i] * beta2 + (1 - beta2) * (g * g)
            # math.sqrt keeps a Python float, so float32 stays float32 (a NumPy float64 scalar would promote)
            denominator = np.sqrt(v[i]) / math.sqrt(correction2) + s.eps
            new[kind].append(theta - (s.lr / correction1) * (m[i] / denominator))
        return new


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": Adam}


def make_optimizer(settings: OptimizerSettings) -> Optimizer:
    settings.validate()
    return OPTIMIZERS[settings.name](settings)


def update_formula(settings: OptimizerSettings) -> str:
    """The update of θ in the lab's notation, for the table (g = ∂J/∂θ, + λθ when decay is coupled)."""
    g = "(∂J/∂θ + λθ)" if settings.decay and settings.name == "sgd" else "∂J/∂θ"
    if settings.name == "sgd":
        if settings.nesterov:
            return f"θ − η({g} + μ·buf)"
        return "θ − η·buf" if settings.momentum else f"θ − η {g}"
    if settings.name == "adamw" and settings.decay:
        return "θ(1 − ηλ) − η m̂/(√v̂ + ε)"
    return "θ − η m̂/(√v̂ + ε)"


#: symbol and update rule of each optimizer state, for the table
STATE_FORMULAS = {
    "momentum_buffer": ("buf", "μ·buf + g"),
    "exp_avg": ("m", "β₁m + (1 − β₁)g"),
    "exp_avg_sq": ("v", "β₂v + (1 − β₂)g²"),
}
