"""Stable numerics, divergence reported (never compared, never warned about), bit-identical reports.

The whole suite runs with RuntimeWarnings as errors (pyproject.toml), so every test here also checks that
NumPy stays silent.
"""
import contextlib
import io
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from manual_mlp import MLP, SGD, lab, random_parameters
from manual_mlp.activations import sigmoid
from mlp_harness import RunConfig, Tolerance, compare_records, run_comparison
from mlp_harness.cli.compare_cli import main
from torch_reference import TorchTwin

def test_numpy_warnings_are_errors_in_this_suite():
    with pytest.raises(RuntimeWarning):
        np.float64(1e308) * 10


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_silent_and_equals_torch_up_to_1e4(dtype):
    z = np.concatenate([np.linspace(-1e4, 1e4, 20001), np.linspace(-120, 120, 24001)]).astype(dtype)
    # Underflow to 0 is the right answer for σ(−1e4) (torch gives 0 too), so only it is allowed.
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = sigmoid(z)
    expected = torch.sigmoid(torch.from_numpy(z)).numpy()
    assert a.dtype == dtype
    # torch computes 1/(1+e⁻ᶻ), we split at 0 to keep exponents ≤ 0: each is a correctly rounded exp plus two
    # roundings, measured ≤ 2.2 ε apart; 4 ε relative allows that. Below the smallest normal number subnormals
    # carry fewer bits, so there the difference is bounded by that number (tiny) instead.
    eps, tiny = np.finfo(dtype).eps, np.finfo(dtype).tiny
    assert np.all(np.abs(a - expected) <= 4 * eps * np.abs(expected) + tiny)
    assert a[0] == 0 and a[20000] == 1          # σ(−1e4) and σ(1e4) saturate exactly, as in torch


# --- divergence ---------------------------------------------------------------------------------------
# With σ outputs the loss is bounded by the targets, so a run can only blow up near float64's limit
# (1.8e308). A single layer θ = [[0, 0]], X = 2·ones(2, 2), Y = 1e100 gives z = 0, a = ½, σ′ = ¼, so
# δ = (½ − 1e100)·¼ ≈ −2.5e99 per sample and ∂J/∂θ = δᵀX = 2 · 2 · (−2.5e99) = −1e100 per entry. With
# η = 1e208 step 1 sets θ = [[1e308, 1e308]] (still finite, J = 1e200); step 2 computes
# z = 2·1e308 + 2·1e308 = 4e308, which overflows in both twins: "diverged at step 2" in z⁽¹⁾.
DIVERGING = {"theta1": np.zeros((1, 2))}, {"X": 2 * np.ones((2, 2)), "Y": 1e100 * np.ones((2, 1))}


def test_divergence_is_reported_at_the_step_and_quantity_that_overflows():
    (w, d) = DIVERGING
    report = run_comparison(RunConfig(lr=1e208, steps=5), [w["theta1"]], None, d["X"], d["Y"])
    m = report.first_mismatch
    assert (m.step, m.quantity, m.layer, m.diverged) == (2, "z", 1, "both")
    assert m.describe().startswith("diverged at step 2: both twins produced a non-finite value in z⁽¹⁾")
    assert len(report.steps) == 2   # the run stops at the divergence


@pytest.mark.parametrize("side,twin", [("numpy", "the NumPy twin"), ("torch", "the PyTorch twin"),
                                       ("both", "both twins")])
def test_which_twin_went_non_finite(side, twin):
    rec_np = MLP(lab.lab_thetas()).train_step(lab.X, lab.Y, SGD(0.1))
    rec_pt = TorchTwin(lab.lab_thetas(), optimizer=0.1).train_step(lab.X, lab.Y)
    for rec in {"numpy": [rec_np], "torch": [rec_pt], "both": [rec_np, rec_pt]}[side]:
        rec.deltas[0][1, 2] = np.nan
    _, m = compare_records(rec_np, rec_pt, Tolerance.for_dtype("float64"))
    assert (m.quantity, m.layer, m.index, m.diverged) == ("delta", 1, (1, 2), side)
    assert f"diverged at step 1: {twin} produced a non-finite value in δ⁽¹⁾[1, 2]" in m.describe()


def test_equal_infinities_are_never_a_match():
    rec_np = MLP(lab.lab_thetas()).train_step(lab.X, lab.Y, SGD(0.1))
    rec_pt = TorchTwin(lab.lab_thetas(), optimizer=0.1).train_step(lab.X, lab.Y)
    rec_np.thetas[1][0, 0] = rec_pt.thetas[1][0, 0] = np.inf
    _, m = compare_records(rec_np, rec_pt, Tolerance.for_dtype("float64"))
    assert (m.quantity, m.layer, m.diverged) == ("theta", 2, "both")


def write_diverging_files(folder: Path) -> list[str]:
    w, d = DIVERGING
    np.savez(folder / "w.npz", **w)
    np.savez(folder / "d.npz", **d)
    return ["--weights", str(folder / "w.npz"), "--data", str(folder / "d.npz"), "--lr", "1e208", "--steps", "5"]


def run_in_process(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    return code, out.getvalue()


def test_cli_reports_divergence_with_exit_1_and_null_in_json(tmp_path):
    code, out = run_in_process(write_diverging_files(tmp_path) + ["--json", str(tmp_path / "r.json")])
    assert code == 1
    assert out.rstrip().splitlines()[-1].startswith("FAIL: diverged at step 2: both twins")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["ok"] is False
    first = report["first_mismatch"]
    assert (first["step"], first["quantity"], first["layer"], first["diverged"]) == (2, "z", 1, "both")
    assert first["numpy"] is None and first["torch"] is None        # inf in both twins: JSON has no inf
    assert report["steps"][1]["max_abs_diff"] is None               # inf − inf
    assert report["steps"][0]["loss_numpy"] == pytest.approx(1e200, rel=1e-12)  # ½·2·(1e100 − ½)², finite


def test_diverging_run_with_every_warning_an_error_is_silent(tmp_path):
    """What ``python -W error -m mlp_harness.cli.compare_cli ...`` does, without paying for a second interpreter."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, out = run_in_process(write_diverging_files(tmp_path))
    assert code == 1 and "diverged at step 2" in out


# --- determinism --------------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [[], ["--layers", "3,4,4,2", "--bias", "--steps", "30", "--init-seed", "5"],
                                  ["--layers", "3,5,2", "--dtype", "float32", "--steps", "30"],
                                  ["--inject-bug", "missing_transpose"]],
                         ids=["lab", "random-bias", "float32", "mutant"])
def test_same_inputs_give_bit_identical_reports(argv, tmp_path):
    runs = []
    for name in ("first.json", "second.json"):
        code, out = run_in_process(argv + ["--json", str(tmp_path / name)])
        runs.append((code, out, (tmp_path / name).read_bytes()))
    assert runs[0] == runs[1]


# Extreme inputs, where the naive formulas overflow or take log(0): the manual side must stay silent
# (NumPy set to raise) and equal torch, which computes these stably too. Same 1e-12 relative tolerance
# as for ordinary inputs: a stable formula loses nothing at the extremes.
def _torch_loss(name, inputs, y):
    from torch_reference.twin import LOSS_MODULES
    module, _ = LOSS_MODULES[name]
    t = torch.tensor(inputs, requires_grad=True)
    J = module()(t, torch.tensor(y))
    J.backward()
    return J.item(), t.grad.numpy()


@pytest.mark.parametrize("scale", [1e2, 1e4])
def test_cross_entropy_on_huge_logits_is_stable_and_equals_torch(scale):
    from manual_mlp import LOSSES
    z = np.array([[1.0, -2.0, 0.5], [-3.0, 4.0, 0.0]]) * scale
    labels = np.array([1, 2])
    J_pt, grad_pt = _torch_loss("cross_entropy", z, labels)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow of e^(z − max) to 0 is exact enough
        y = np.eye(3)[labels]
        J, grad = LOSSES["cross_entropy"].value(z, y), LOSSES["cross_entropy"].grad(z, y)
    np.testing.assert_allclose(J, J_pt, rtol=1e-12)
    np.testing.assert_allclose(grad, grad_pt, rtol=1e-12, atol=1e-300)


def test_bce_at_saturated_outputs_is_clamped_like_torch():
    from manual_mlp import LOSSES
    a = np.array([[0.0, 1.0, 1e-320, 1 - 1e-16]])
    y = np.array([[1.0, 0.0, 1.0, 0.0]])
    J_pt, grad_pt = _torch_loss("bce", a, y)
    with np.errstate(over="raise", invalid="raise"):  # log(0) is expected and clamped; nothing may overflow
        J, grad = LOSSES["bce"].value(a, y), LOSSES["bce"].grad(a, y)
    np.testing.assert_allclose(J, J_pt, rtol=1e-12)
    np.testing.assert_allclose(grad, grad_pt, rtol=1e-12)


def test_identity_output_with_mse_and_a_huge_step_diverges_cleanly():
    """A linear network with η far too large: the loss grows until it overflows; no warning, no crash."""
    thetas, _ = random_parameters([2, 4, 1], 3)
    X, Y = np.array([[1.0, 2.0], [-1.0, 3.0]]), np.array([[1.0], [-1.0]])
    config = RunConfig(lr=50.0, steps=200, activation="identity", output_activation="identity", loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = run_comparison(config, thetas, None, X, Y)
    m = report.first_mismatch
    assert m is not None and m.diverged is not None, "a loss growing without bound must end in a divergence"
    assert report.steps[-1].step == m.step > 3   # it took some steps to blow up, and the run stopped there
    assert m.describe().startswith(f"diverged at step {m.step}:")


@pytest.mark.parametrize("hidden,loss,output", [("relu", "bce", "sigmoid"), ("tanh", "cross_entropy", "softmax"),
                                                ("leaky_relu", "mse", "identity")])
def test_gradcheck_runs_are_silent_under_warnings_as_errors(hidden, loss, output):
    thetas, biases = random_parameters([3, 5, 2], 4, bias=True)
    rng = np.random.default_rng(4)
    Y = rng.integers(0, 2, size=6) if loss == "cross_entropy" else rng.uniform(size=(6, 2))
    config = RunConfig(steps=3, gradcheck=True, activation=hidden, loss=loss, output_activation=output,
                       optimizer="adamw", lr=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = run_comparison(config, thetas, biases, rng.normal(size=(6, 3)), Y)
    assert report.ok, report.first_mismatch.describe()
