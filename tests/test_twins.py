"""The NumPy twin equals the PyTorch twin: long runs, random architectures, every quantity.

Tolerances are the harness's own, derived from the dtype (mlp_harness/verify/tolerance.py):
1e4·ε, i.e. 2.2e-12 in float64. Measured differences are a few ε.
"""
import numpy as np
import pytest

from manual_mlp import MLP, SGD, lab, random_parameters
from mlp_harness import RunConfig, Tolerance, run_comparison
from torch_reference import TorchTwin

from conftest import assert_same


@pytest.mark.parametrize("free_running", [False, True], ids=["common-state", "free-running"])
def test_lab_twins_agree_for_1000_steps(free_running):
    """Plain SGD on the lab does not amplify rounding: even free-running twins stay within 1e4·ε."""
    report = run_comparison(RunConfig(steps=1000, free_running=free_running), lab.lab_thetas(), None, lab.X, lab.Y)
    assert report.ok, report.first_mismatch.describe()
    assert len(report.steps) == 1000
    assert report.steps[-1].loss_numpy < report.steps[0].loss_numpy  # it actually trained


def random_case(seed: int, bias: bool):
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(1, 6))
    sizes = [int(n) for n in rng.integers(1, 17, size=depth + 1)]
    thetas, biases = random_parameters(sizes, seed, bias)
    N = int(rng.integers(1, 10))
    return thetas, biases, rng.normal(size=(N, sizes[0])), rng.uniform(size=(N, sizes[-1]))


@pytest.mark.parametrize("bias", [False, True], ids=["no-bias", "bias"])
@pytest.mark.parametrize("seed", range(12))
def test_random_architectures_agree(seed, bias):
    thetas, biases, X, Y = random_case(seed, bias)
    report = run_comparison(RunConfig(steps=20), thetas, biases, X, Y)
    assert report.ok, report.first_mismatch.describe()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_every_quantity_has_the_twins_shape_and_dtype(dtype):
    thetas, biases, X, Y = random_case(3, bias=True)
    thetas = [t.astype(dtype) for t in thetas]
    biases = [b.astype(dtype) for b in biases]
    tol = Tolerance.for_dtype(dtype)
    rec_np = MLP(thetas, biases).train_step(X, Y, SGD(0.1))
    rec_pt = TorchTwin(thetas, biases, optimizer=0.1).train_step(X, Y)
    for (name, layer, v_np), (_, _, v_pt) in zip(rec_np.quantities(), rec_pt.quantities(), strict=True):
        assert np.asarray(v_np).dtype == np.dtype(dtype) or name == "loss"
        assert_same(f"{name} layer {layer}", v_np, v_pt, tol.rtol, tol.atol)


def test_depth_one_network_is_a_single_layer():
    thetas, _ = random_parameters([4, 3], seed=1)
    X, Y = np.ones((2, 4)), np.zeros((2, 3))
    report = run_comparison(RunConfig(steps=5), thetas, None, X, Y)
    assert report.ok
    assert [d.label for d in report.first_diffs] == ["z⁽¹⁾", "a⁽¹⁾", "J", "δ⁽¹⁾", "∂J/∂θ⁽¹⁾", "θ⁽¹⁾"]


def test_manual_mlp_never_imports_torch():
    import subprocess
    import sys
    code = "import sys, manual_mlp; from manual_mlp import lab; " \
           "manual_mlp.MLP(lab.lab_thetas()).train_step(lab.X, lab.Y, manual_mlp.SGD(0.1)); " \
           "sys.exit('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_weights_given_are_not_modified():
    thetas = lab.lab_thetas()
    before = [t.copy() for t in thetas]
    run_comparison(RunConfig(steps=3), thetas, None, lab.X, lab.Y)
    for t, b in zip(thetas, before):
        np.testing.assert_array_equal(t, b)


def test_steps_from_a_common_state_keep_adam_within_the_dtype_tolerance():
    """Adam at η = 0.1 amplifies ε-sized differences step after step: free-running twins part (a false
    alarm at the dtype's tolerance), while each step started from the NumPy twin's state agrees."""
    thetas, biases = random_parameters([4, 8, 8, 3], 0, bias=True)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(64, 4)), rng.integers(0, 3, size=64)
    settings = dict(steps=150, activation="tanh", output_activation="softmax", loss="cross_entropy",
                    optimizer="adam", lr=0.1, batch_size=16)
    common = run_comparison(RunConfig(**settings), thetas, biases, X, Y)
    free = run_comparison(RunConfig(**settings, free_running=True), thetas, biases, X, Y)
    assert common.ok, common.first_mismatch.describe()
    assert not free.ok and free.first_mismatch.diverged is None and free.first_mismatch.step > 10


def test_weights_of_another_float_type_are_cast_as_torch_would():
    """TorchMLP built from float32 θ and float64 biases (NumPy's default) holds the biases in float32,
    rounded as torch's copy_ rounds them."""
    from torch_reference import TorchMLP
    thetas = [np.ones((3, 2), np.float32), np.ones((1, 3), np.float32)]
    biases = [np.array([0.1, 0.2, 0.3]), np.array([1 / 3])]
    model = TorchMLP(thetas, biases)
    for linear, b in zip(model.linears, biases):
        assert linear.bias.dtype == linear.weight.dtype
        np.testing.assert_array_equal(linear.bias.detach().numpy(), b.astype(np.float32))


def test_continuing_from_a_state_writes_every_tensor_torch_uses():
    """load_state writes θ, b and the optimizer's state through NumPy views made once per tensor (twin.py:
    _view); a state tensor that replaces another, and a parameter whose memory moved, must get the values, not
    a view of memory torch no longer reads."""
    import torch
    from manual_mlp.optimizers import OptimizerSettings
    thetas, biases = random_parameters([3, 4, 2], seed=5, bias=True)
    X, Y = np.random.default_rng(5).uniform(size=(6, 3)), np.eye(2)[[0, 1, 1, 0, 1, 0]]
    twin = TorchTwin(thetas, biases, optimizer=OptimizerSettings("sgd", 0.1, momentum=0.9))
    record = twin.train_step(X, Y, 1)
    later = {name: {kind: [v + 1 for v in values] for kind, values in per_kind.items()}
             for name, per_kind in record.optimizer_state.items()}
    for change in ("none", "a new state tensor", "a parameter's memory moved"):
        weight = twin.model.linears[0].weight
        if change == "a new state tensor":   # as torch.optim may do: a new tensor in the state's place
            twin.optimizer.state[weight]["momentum_buffer"] = torch.zeros_like(weight)
        elif change == "a parameter's memory moved":
            with torch.no_grad():
                weight.data = weight.data.clone()
        twin.load_state([t + 1 for t in record.thetas], [b + 1 for b in record.biases], later)
        for got, want in zip(twin.thetas, record.thetas, strict=True):
            np.testing.assert_array_equal(got, want + 1)
        np.testing.assert_array_equal(twin.biases[0], record.biases[0] + 1)
        for kind in ("theta", "b"):   # exact: a copy, no arithmetic
            for got, want in zip(twin.optimizer_state()["momentum_buffer"][kind], later["momentum_buffer"][kind],
                                 strict=True):
                np.testing.assert_array_equal(got, want)
        record = twin.train_step(X, Y, 2)   # the step after reads what was loaded
        later = {name: {kind: [v + 1 for v in values] for kind, values in per_kind.items()}
                 for name, per_kind in record.optimizer_state.items()}
