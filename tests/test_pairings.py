"""Every activation × loss pairing, every optimizer, with and without biases, full and mini-batch.

Each case trains both twins for 20 steps through the harness, which compares every
quantity of every step (z, a, J, δ, ∂J/∂θ, ∂J/∂b, θ, b, optimizer state) with the
dtype's tolerance (1e4·ε, see mlp_harness/verify/tolerance.py).
"""
import itertools

import numpy as np
import pytest

from manual_mlp import ACTIVATIONS, random_parameters
from mlp_harness import RunConfig, run_comparison

HIDDEN = [name for name, f in ACTIVATIONS.items() if not f.output_only]
#: (loss, output activation) pairs that make sense; cross_entropy reads the logits
OUTPUTS = ([("half_sse", out) for out in ("sigmoid", "tanh", "identity", "relu", "leaky_relu")]
           + [("mse", out) for out in ("sigmoid", "identity")] + [("bce", "sigmoid")]
           + [("cross_entropy", "softmax"), ("cross_entropy", "identity")])
OPTIMIZERS = [
    dict(optimizer="sgd"),
    dict(optimizer="sgd", momentum=0.9),
    dict(optimizer="sgd", momentum=0.8, nesterov=True, weight_decay=0.05),
    dict(optimizer="adam", lr=0.01),
    dict(optimizer="adam", lr=0.01, weight_decay=0.1, betas=(0.8, 0.99)),
    dict(optimizer="adamw", lr=0.01),
    dict(optimizer="adamw", lr=0.01, weight_decay=0.1, eps=1e-6),
]


def run(hidden, loss, output, optimizer, bias, batch_size, seed=0, steps=20):
    rng = np.random.default_rng(seed)
    sizes = [3, 5, 4, 3]
    thetas, biases = random_parameters(sizes, seed, bias)
    X = rng.normal(size=(10, sizes[0]))
    Y = rng.integers(0, 3, size=10) if loss == "cross_entropy" else rng.uniform(size=(10, 3))
    config = RunConfig(steps=steps, activation=hidden, output_activation=output, loss=loss, batch_size=batch_size,
                       shuffle_seed=seed if batch_size else None, **({"lr": 0.1} | optimizer))
    return run_comparison(config, thetas, biases, X, Y)


@pytest.mark.parametrize("hidden,loss_output", list(itertools.product(HIDDEN, OUTPUTS)))
def test_activation_loss_pairs(hidden, loss_output):
    i = HIDDEN.index(hidden) + OUTPUTS.index(loss_output)
    report = run(hidden, *loss_output, OPTIMIZERS[i % len(OPTIMIZERS)], bias=i % 2 == 0, batch_size=(None, 4)[i % 2])
    assert report.ok, report.first_mismatch.describe()
    assert len(report.steps) == 20


@pytest.mark.parametrize("batch_size", [None, 3], ids=["full-batch", "mini-batch"])
@pytest.mark.parametrize("bias", [False, True], ids=["no-bias", "bias"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()))
def test_optimizers_with_and_without_bias_and_batches(optimizer, bias, batch_size):
    report = run("tanh", "half_sse", "sigmoid", optimizer, bias, batch_size)
    assert report.ok, report.first_mismatch.describe()


@pytest.mark.parametrize("optimizer", OPTIMIZERS[1:], ids=lambda o: o["optimizer"])
def test_optimizer_state_is_compared(optimizer):
    report = run("tanh", "half_sse", "sigmoid", optimizer, bias=True, batch_size=None, steps=2)
    states = {d.quantity for d in report.last_diffs} - {"z", "a", "loss", "delta", "grad_theta", "grad_b", "theta", "b"}
    expected = {"momentum_buffer"} if optimizer["optimizer"] == "sgd" else {"exp_avg", "exp_avg_sq"}
    assert states == {f"{name}({kind})" for name in expected for kind in ("theta", "b")}


def test_float32_runs_stay_float32_and_agree():
    thetas, biases = random_parameters([3, 6, 2], 1, bias=True)
    rng = np.random.default_rng(1)
    config = RunConfig(steps=20, dtype="float32", optimizer="adam", lr=0.01, batch_size=5, shuffle_seed=3)
    report = run_comparison(config, thetas, biases, rng.normal(size=(10, 3)), rng.uniform(size=(10, 2)))
    assert report.ok, report.first_mismatch.describe()
    assert all(d.numpy_value.dtype == np.float32 for d in report.last_diffs if d.quantity != "loss")
    assert report.final_numpy["theta1"].dtype == np.float32
