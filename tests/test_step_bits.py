"""The NumPy twin's step gives the very bits of the lab's formulas written out plainly.

``MLP.train_step`` and mlp-train's loop are written to cost little on the lab's tiny network (the batch
checked once, nothing built twice); the tests below recompute a few steps with the plain formulas, one NumPy
operation each, in the order the step evaluates them, and require equal bits: ``np.array_equal``, no
tolerance. Both sides make the same operations on the same arrays with the same layouts, so they round
alike on any machine and with any BLAS; a formula applied in another order, to another layer, or with a
stale array shows as a differing bit. Every record is kept until all steps are done, so an array that a
later step writes into (a buffer shared between steps) shows too.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from manual_mlp import MLP, OptimizerSettings, lab, make_optimizer, random_parameters
from mlp_harness.train.training import train
from mlp_harness.verify.run import RunConfig
from test_optimizers import SETTINGS   # every optimizer and setting the twins know

STEPS = 4

SETTINGS_IDS = [f"{s.name}-{i}" for i, s in enumerate(SETTINGS)]

#: f(z) and f′(z) given z and a = f(z), as the lab writes them
F = {"sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: (1 - a) * a),
     "tanh": (np.tanh, lambda z, a: 1 - a * a)}


def problem(name: str):
    """θ, b, X, Y and the hidden and output activations: the lab's 2-3-1, or a random 3-4-5-2 with biases
    whose hidden layers use tanh (so that a layer given the other layer's f shows)."""
    if name == "lab":
        return lab.lab_thetas(), None, lab.X, lab.Y, "sigmoid", "sigmoid"
    thetas, biases = random_parameters([3, 4, 5, 2], seed=3, bias=True)
    rng = np.random.default_rng(4)
    return thetas, biases, rng.normal(size=(4, 3)), rng.uniform(size=(4, 2)), "tanh", "sigmoid"


def plain_gradients(thetas, biases, X, Y, hidden, output):
    """One forward and backward pass by the lab's formulas: (zs, activations, J, δs, ∂J/∂θs, ∂J/∂bs)."""
    L, zs, a = len(thetas), [], [X]
    for l in range(1, L + 1):
        z = a[l - 1] @ thetas[l - 1].T
        zs.append(z if biases is None else z + biases[l - 1])
        a.append(F[output if l == L else hidden][0](zs[-1]))
    r = Y - a[L]
    J = 0.5 * float(np.sum(r * r))
    deltas = [None] * L
    deltas[L - 1] = (a[L] - Y) * F[output][1](zs[L - 1], a[L])
    for l in range(L - 1, 0, -1):
        deltas[l - 1] = (deltas[l] @ thetas[l]) * F[hidden][1](zs[l - 1], a[l])
    nabla_thetas = [deltas[l - 1].T @ a[l - 1] for l in range(1, L + 1)]
    nabla_biases = None if biases is None else [np.sum(delta, axis=0) for delta in deltas]
    return zs, a, J, deltas, nabla_thetas, nabla_biases


def plain_sgd(s: OptimizerSettings, t: int, theta, g, state: dict):
    """torch.optim.SGD on one parameter: g + λθ, the momentum buffer (g itself at t = 1), θ − ηg."""
    if s.decay:
        g = g + s.decay * theta
    if s.momentum:
        state["momentum_buffer"] = g.copy() if t == 1 else s.momentum * state["momentum_buffer"] + g
        g = g + s.momentum * state["momentum_buffer"] if s.nesterov else state["momentum_buffer"]
    return theta - s.lr * g


def plain_adam(s: OptimizerSettings, t: int, theta, g, state: dict):
    """torch.optim.Adam / AdamW on one parameter, in torch's order of operations."""
    beta1, beta2 = s.betas
    if s.decay and s.name == "adamw":
        theta = theta * (1 - s.lr * s.decay)
    elif s.decay:
        g = g + s.decay * theta
    m, v = state.get("exp_avg", np.zeros_like(g)), state.get("exp_avg_sq", np.zeros_like(g))
    state["exp_avg"] = m = m + (1 - beta1) * (g - m)
    state["exp_avg_sq"] = v = v * beta2 + (1 - beta2) * (g * g)
    denominator = np.sqrt(v) / math.sqrt(1 - beta2 ** t) + s.eps
    return theta - (s.lr / (1 - beta1 ** t)) * (m / denominator)


def plain_steps(settings: OptimizerSettings, thetas, biases, batches, hidden, output) -> list[dict]:
    """One step per batch (X, Y) of ``batches``: per step a dict of every quantity a StepRecord holds."""
    update = plain_sgd if settings.name == "sgd" else plain_adam
    states = {("theta", l): {} for l in range(len(thetas))} | {("b", l): {} for l in range(len(biases or []))}
    out = []
    for t, (X, Y) in enumerate(batches, start=1):
        zs, a, J, deltas, nabla_thetas, nabla_biases = plain_gradients(thetas, biases, X, Y, hidden, output)
        thetas = [update(settings, t, theta, g, states["theta", l])
                  for l, (theta, g) in enumerate(zip(thetas, nabla_thetas))]
        if biases is not None:
            biases = [update(settings, t, b, g, states["b", l]) for l, (b, g) in enumerate(zip(biases, nabla_biases))]
        state = {}
        for (kind, l), per_parameter in states.items():
            for name, value in per_parameter.items():
                state.setdefault(name, {}).setdefault(kind, []).append(value)
        out.append({"zs": zs, "activations": a, "loss": J, "deltas": deltas, "nabla_thetas": nabla_thetas,
                    "nabla_biases": nabla_biases, "thetas": thetas, "biases": biases, "optimizer_state": state})
    return out


def assert_same_bits(got, want, where: str) -> None:
    """Equal values of equal dtype and shape, to the bit; lists and dicts entry by entry."""
    if isinstance(want, dict):
        assert got.keys() == want.keys(), where
        for key in want:
            assert_same_bits(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, list):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same_bits(g, w, f"{where}[{i}]")
    elif want is None or isinstance(want, float):
        assert type(got) is type(want) and (got == want), f"{where}: {got!r} != {want!r}"
    else:
        assert got.dtype == want.dtype and np.array_equal(got, want), f"{where}:\n{got!r}\n!=\n{want!r}"


@pytest.mark.parametrize("settings", SETTINGS, ids=SETTINGS_IDS)
@pytest.mark.parametrize("net", ["lab", "3-4-5-2"])
def test_train_step_gives_the_plain_formulas_bits(net, settings):
    thetas, biases, X, Y, hidden, output = problem(net)
    expected = plain_steps(settings, thetas, biases, [(X, Y)] * STEPS, hidden, output)
    model, optimizer = MLP(thetas, biases, hidden, output), make_optimizer(settings)
    records = [model.train_step(X, Y, optimizer, "half_sse", step) for step in range(1, STEPS + 1)]
    for step, (record, want) in enumerate(zip(records, expected), start=1):
        assert record.step == step
        for name, value in want.items():
            assert_same_bits(getattr(record, name), value, f"step {step} {name}")


@pytest.mark.parametrize("batch_size", [None, 1], ids=["full-batch", "one-sample-batches"])
@pytest.mark.parametrize("settings", [SETTINGS[0], SETTINGS[2], SETTINGS[5]], ids=["sgd", "nesterov", "adam"])
@pytest.mark.parametrize("net", ["lab", "3-4-5-2"])
def test_mlp_train_numpy_epochs_give_the_plain_formulas_bits(net, settings, batch_size):
    """mlp-train --impl numpy: each epoch's loss (the sum of its batches', half_sse) and the last weights."""
    thetas, biases, X, Y, hidden, output = problem(net)
    epochs, n = 3, X.shape[0]
    config = RunConfig(lr=settings.lr, steps=epochs, activation=hidden, output_activation=output,
                       optimizer=settings.name, momentum=settings.momentum, nesterov=settings.nesterov,
                       weight_decay=settings.weight_decay, betas=settings.betas, batch_size=batch_size)
    history = train(config, thetas, biases, X, Y, "numpy")
    rows = [slice(0, n)] if batch_size is None else [slice(i, i + 1) for i in range(n)]
    steps = plain_steps(settings, thetas, biases, [(X[r], Y[r]) for r in rows] * epochs, hidden, output)
    per_epoch = len(rows)
    losses = [float(sum(step["loss"] for step in steps[e * per_epoch:(e + 1) * per_epoch])) for e in range(epochs)]
    assert_same_bits(history.losses["numpy"], losses, "epoch losses")
    assert_same_bits(list(history.final_weights["numpy"]), [steps[-1]["thetas"], steps[-1]["biases"]], "last weights")
