"""Property-based: random depth, widths, batch size, activations, loss, optimizer and hyper-parameters.

For every drawn network the two twins agree on every quantity of every step (dtype
tolerance, 1e4·ε) and, where J is differentiable (no relu kink), finite differences agree with both (mlp_harness/verify/tolerance.py:
1e-6 relative plus 1e-8·max(1, |J|) absolute, 25× the error measured for h = ε^(1/3)).
"""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manual_mlp import ACTIVATIONS, random_parameters
from mlp_harness import RunConfig, run_comparison

HIDDEN = [name for name, f in ACTIVATIONS.items() if not f.output_only]
KINKED = ("relu", "leaky_relu")
LOSS_OUTPUTS = [("half_sse", "sigmoid"), ("half_sse", "tanh"), ("half_sse", "identity"), ("mse", "sigmoid"),
                ("mse", "leaky_relu"), ("bce", "sigmoid"), ("cross_entropy", "softmax"), ("cross_entropy", "identity")]


@st.composite
def cases(draw):
    depth = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 6), min_size=depth + 1, max_size=depth + 1))
    loss, output = draw(st.sampled_from(LOSS_OUTPUTS))
    if loss == "cross_entropy":
        sizes[-1] = max(sizes[-1], 2)
    n_samples = draw(st.integers(1, 8))
    optimizer = draw(st.sampled_from(["sgd", "adam", "adamw"]))
    activation = draw(st.sampled_from(HIDDEN))
    # finite differences are a witness only where J is differentiable: a step of h ≈ 6e-6 across relu's kink
    # measures neither one-sided slope (drawn: relu, 5-5-6-1 with biases, seed 7 — both twins right, the
    # difference off by half); the twins themselves are compared for every activation
    smooth = activation not in KINKED and output not in KINKED
    config = RunConfig(
        steps=3, gradcheck=smooth, loss=loss, output_activation=output, activation=activation,
        optimizer=optimizer, lr=draw(st.sampled_from([0.001, 0.01, 0.1])),
        momentum=draw(st.sampled_from([0.0, 0.9])) if optimizer == "sgd" else 0.0,
        weight_decay=draw(st.sampled_from([None, 0.0, 0.05])),
        batch_size=draw(st.integers(1, n_samples)), shuffle_seed=draw(st.one_of(st.none(), st.integers(0, 9))))
    seed = draw(st.integers(0, 2**16))
    return config, sizes, n_samples, seed, draw(st.booleans())


# the same 40 draws every run: a gate must not flip on a new draw
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_twins_and_finite_differences_agree(case):
    config, sizes, n_samples, seed, bias = case
    rng = np.random.default_rng(seed)
    thetas, biases = random_parameters(sizes, seed, bias)
    X = rng.normal(size=(n_samples, sizes[0]))
    Y = (rng.integers(0, sizes[-1], size=n_samples) if config.loss == "cross_entropy"
         else rng.uniform(size=(n_samples, sizes[-1])))
    report = run_comparison(config, thetas, biases, X, Y)
    assert report.ok, report.first_mismatch.describe()
    if config.gradcheck:
        assert all(d.fd_value is not None for d in report.last_diffs if d.quantity.startswith("grad"))
