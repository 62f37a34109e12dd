"""mlp-train: the lab's training loop run by both twins, checked against a plain PyTorch loop written here.

Tolerances: the CLI's losses are compared with the loop below at rtol = 1e-12.
Both are float64 and evaluate the same formulas, differing only in the order
of a few sums, so they agree to a few ε (≈ 1e-16) per step; over 1,000 lab
epochs the measured largest relative difference is 5e-15 (NumPy twin; the
PyTorch twin gives the very same bits), well inside 1e-12, while any real
difference in the training (a wrong η, a missing update, an off-by-one epoch)
moves the loss by far more than 1e-6.
"""
import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from matplotlib.collections import PathCollection
from torch import nn

import manual_mlp
from mlp_harness.train import plotting
from mlp_harness.cli import train_cli
from mlp_harness.train.datasets import DATASETS, NEEDS_EXTRA, get_dataset
from mlp_harness.train.plotting import plot_training
from mlp_harness.train.progress import ProgressBar
from mlp_harness.verify.run import RunConfig
from mlp_harness.train.training import TrainingHistory, train

REPO = Path(__file__).resolve().parent.parent
FLOAT64_TWINS = 1e-12   # see the module docstring


def plain_torch_losses(epochs: int, lr: float = 0.1) -> np.ndarray:
    """The lab's last cell in plain PyTorch: 2-3-1 sigmoid, J = ½Σ(y − a)², SGD; loss before each update."""
    model = nn.Sequential(nn.Linear(2, 3, bias=False), nn.Sigmoid(), nn.Linear(3, 1, bias=False), nn.Sigmoid())
    model = model.double()
    with torch.no_grad():   # the lab's θ⁽¹⁾ and θ⁽²⁾, copied from the notebook
        model[0].weight.copy_(torch.tensor([[0.5, 0.2], [0.6, -0.1], [-0.4, -0.3]], dtype=torch.float64))
        model[2].weight.copy_(torch.tensor([[0.7, -0.1, 0.2]], dtype=torch.float64))
    X = torch.tensor([[0.5, 0.1], [0.2, 0.6]], dtype=torch.float64)
    y = torch.tensor([[0.7], [0.8]], dtype=torch.float64)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = 0.5 * ((y - model(X)) ** 2).sum()
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    return np.array(losses)


def run_cli(argv: list[str], save: bool = False) -> tuple[int, str, str, list]:
    """mlp-train in-process: exit code, stdout, stderr and every figure it made (written to disk if ``save``)."""
    figures, out, err = [], io.StringIO(), io.StringIO()
    original = plotting.save_figure

    def keep(fig, path):
        figures.append(fig)
        if save:
            original(fig, path)
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        mp.setattr(plotting, "save_figure", keep)
        try:
            code = train_cli.main(argv)
        except SystemExit as exc:   # argparse's own usage errors exit rather than return
            code = exc.code
    return code, out.getvalue(), err.getvalue(), figures


def history_of(path: Path) -> dict:
    return json.loads(path.read_text())


def column(report: dict, key: str) -> np.ndarray:
    return np.array([row[key] for row in report["epochs"]], dtype=float)


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return plain_torch_losses(1000)


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """``mlp-train`` with no options but where to write (1,000 lab epochs, both twins, plot)."""
    tmp = tmp_path_factory.mktemp("default")
    code, out, err, figures = run_cli(["--plot", str(tmp / "loss.png"), "--json", str(tmp / "history.json")],
                                      save=True)
    return code, out, history_of(tmp / "history.json"), tmp / "loss.png", figures


@pytest.mark.parametrize("twin", ["numpy", "torch"])
def test_default_run_follows_a_plain_torch_loop_for_1000_epochs(default_run, reference, twin):
    code, _, report, _, _ = default_run
    assert code == 0 and report["ok"] and report["completed_epochs"] == 1000
    np.testing.assert_allclose(column(report, f"loss_{twin}"), reference, rtol=FLOAT64_TWINS, atol=0)


def test_default_run_final_loss_is_the_plain_loops(default_run, reference):
    _, _, report, _, _ = default_run
    assert report["epochs"][-1]["loss_numpy"] == pytest.approx(reference[-1], rel=FLOAT64_TWINS)
    assert reference[-1] < reference[0] / 5   # the lab's loop does train (measured: −89.5 %)


def test_default_run_twins_stay_within_tolerance_every_epoch(default_run):
    _, _, report, _, _ = default_run
    diffs = column(report, "max_abs_diff")
    assert len(diffs) == 1000 and np.all(np.isfinite(diffs))
    assert report["tolerance"]["rule"] == "error_bound" and 0 < report["tolerance"]["largest_ratio"] <= 1
    assert diffs.max() <= 1e4 * np.finfo(np.float64).eps   # within the fixed rule's atol too: lab quantities are O(1)


def test_default_run_prints_the_labs_lines(default_run, reference):
    _, out, _, png, _ = default_run
    assert f"Epoch 100: Loss = {reference[99]:.6f} (NumPy)  Loss = {reference[99]:.6f} (PyTorch)" in out
    assert sum(line.startswith("Epoch ") for line in out.splitlines()) == 10
    assert f"Initial loss: {reference[0]:.6f} (NumPy)" in out
    assert f"Final loss: {reference[-1]:.6f} (NumPy)" in out
    assert f"Loss reduction: {(reference[0] - reference[-1]) / reference[0] * 100:.2f}%" in out
    assert "Twins stayed equal for all 1000 epochs" in out
    assert f"Plot written to {png}" in out


def test_default_run_png_holds_both_curves(default_run, reference):
    _, _, _, png, figures = default_run
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    loss_ax, diff_ax = figures[0].axes
    curves = {line.get_label(): line.get_ydata() for line in loss_ax.lines}
    assert set(curves) == {"NumPy (by hand)", "PyTorch (autograd)"}
    for ydata in curves.values():
        np.testing.assert_allclose(ydata, reference, rtol=FLOAT64_TWINS, atol=0)
    assert diff_ax.get_yscale() == "log"


def test_json_has_the_settings(default_run):
    settings = default_run[2]["settings"]
    assert (settings["dataset"], settings["layers"], settings["epochs"]) == ("lab", [2, 3, 1], 1000)
    assert (settings["lr"], settings["impl"], settings["bias"]) == (0.1, "both", False)


def test_training_leaves_the_given_weights_alone():
    thetas = [np.array([[0.5, 0.2], [0.6, -0.1], [-0.4, -0.3]]), np.array([[0.7, -0.1, 0.2]])]
    before = [theta.copy() for theta in thetas]
    train(RunConfig(steps=3), thetas, None, np.array([[0.5, 0.1], [0.2, 0.6]]), np.array([[0.7], [0.8]]))
    for theta, kept in zip(thetas, before):
        np.testing.assert_array_equal(theta, kept)


@pytest.mark.parametrize("impl", ["numpy", "torch"])
def test_one_twin_alone_follows_the_plain_loop(tmp_path, impl):
    code, out, _, _ = run_cli(["--impl", impl, "--epochs", "50", "--no-plot", "--json", str(tmp_path / "h.json")])
    report = history_of(tmp_path / "h.json")
    assert code == 0 and set(report["epochs"][0]) == {"epoch", f"loss_{impl}"}
    np.testing.assert_allclose(column(report, f"loss_{impl}"), plain_torch_losses(50), rtol=FLOAT64_TWINS, atol=0)
    assert "Epoch 50: Loss = " in out and "(NumPy)" not in out   # the lab's own line, one twin


def test_script_with_impl_numpy_never_imports_torch(tmp_path):
    """scripts/train.py --impl numpy in a fresh interpreter that reports whether torch came in."""
    argv = ["train.py", "--impl", "numpy", "--epochs", "20", "--no-plot"]
    code = (f"import runpy, sys; sys.argv = {argv!r}\n"
            "try:\n    runpy.run_path('scripts/train.py', run_name='__main__')\n"
            "except SystemExit as exc:\n    rc = exc.code\n"
            "sys.exit(10 + rc if 'torch' in sys.modules else rc)")
    # PYTHONPATH: this checkout's packages, not an installed copy
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Initial loss:" in done.stdout


def test_lang_pt_prints_and_plots_in_portuguese(tmp_path):
    code, out, _, figures = run_cli(["--lang", "pt", "--epochs", "20", "--print-every", "10",
                                     "--plot", str(tmp_path / "p.png")])
    assert code == 0
    for text in ("Época 10: Loss = ", "Loss inicial: ", "Loss final: ", "Redução da loss: ", "Gráfico salvo em"):
        assert text in out
    loss_ax, diff_ax = figures[0].axes
    assert loss_ax.get_title() == "Loss x Época de Treinamento"
    assert diff_ax.get_xlabel() == "Época"


def test_xor_with_sigmoid_learns(tmp_path):
    # J < 0.02 means every |y − a| < 0.2: all four points on the right side of 0.5 (J starts near 0.5)
    code, _, _, _ = run_cli(["--dataset", "xor", "--bias", "--lr", "1", "--epochs", "1000", "--impl", "numpy",
                             "--no-plot", "--json", str(tmp_path / "h.json")])
    assert code == 0
    assert history_of(tmp_path / "h.json")["epochs"][-1]["loss_numpy"] < 0.02


@pytest.mark.skipif("tanh" not in manual_mlp.ACTIVATIONS, reason="tanh is not an activation yet")
def test_xor_with_tanh_hidden_layers_learns_and_twins_agree(tmp_path):
    # the same bound as the sigmoid test; both twins, so they must also stay equal (exit code 0)
    code, _, _, _ = run_cli(["--dataset", "xor", "--bias", "--activation", "tanh", "--lr", "0.5", "--epochs", "1000",
                             "--no-plot", "--json", str(tmp_path / "h.json")])
    report = history_of(tmp_path / "h.json")
    assert code == 0 and report["ok"]
    assert report["epochs"][-1]["loss_numpy"] < 0.02 and report["epochs"][-1]["loss_torch"] < 0.02


def test_plot_boundary_draws_the_data_and_the_output(tmp_path):
    code, _, _, figures = run_cli(["--dataset", "moons", "--epochs", "30", "--plot-boundary", "--impl", "numpy",
                                   "--plot", str(tmp_path / "p.png")])
    assert code == 0
    boundary_ax = next(ax for ax in figures[0].axes if ax.get_xlabel() == "x₁")
    points = np.concatenate([c.get_offsets() for c in boundary_ax.collections if isinstance(c, PathCollection)])
    X = get_dataset("moons", 0).X
    assert sorted(map(tuple, points)) == sorted(map(tuple, X))


def test_steps_from_a_common_state_do_not_drift(tmp_path):
    # η = 2 on moons is unstable, but each step starts both twins from the NumPy twin's state: no drift.
    code, _, _, _ = run_cli(["--dataset", "moons", "--lr", "2", "--epochs", "60", "--no-plot",
                             "--json", str(tmp_path / "h.json")])
    report = history_of(tmp_path / "h.json")
    assert code == 0 and report["ok"] and max(e["max_abs_diff"] for e in report["epochs"]) < 1e-13


def test_drift_is_told_apart_from_a_different_step(tmp_path):
    # η = 2 on moons is unstable: free-running, ε-sized rounding differences grow until they pass the tolerance.
    code, out, _, _ = run_cli(["--dataset", "moons", "--lr", "2", "--epochs", "60", "--no-plot", "--free-running",
                               "--json", str(tmp_path / "h.json")])
    report = history_of(tmp_path / "h.json")
    assert code == 1 and not report["ok"]
    assert report["first_mismatch"]["step"] > 1 and report["same_start_step"]["ok"]
    assert "Twins differed: mismatch at step" in out and "from identical weights agrees" in out


@pytest.mark.parametrize("impl", ["both", "numpy"])
def test_divergence_exits_1(tmp_path, impl):
    data = tmp_path / "huge.npz"
    np.savez(data, X=np.array([[1.0, -1.0], [2.0, 0.5]]), Y=np.array([[1e200], [-1e200]]))
    code, out, _, _ = run_cli(["--data", str(data), "--lr", "1e10", "--epochs", "10", "--no-plot", "--impl", impl])
    assert code == 1
    assert "diverged" in out


BAD = {
    "zero-epochs": (["--epochs", "0"], "--epochs must be at least 1"),
    "zero-print-every": (["--print-every", "0"], "--print-every must be at least 1"),
    "unknown-dataset": (["--dataset", "mnist"], "invalid choice: 'mnist'"),
    "layers-wrong-inputs": (["--dataset", "xor", "--layers", "3,4,1"], "xor has n₀ = 2 and n_L = 1"),
    "layers-wrong-outputs": (["--dataset", "moons", "--layers", "2,4,2"], "has n₀ = 2 and n_L = 2: use --layers 2,…,1"),
    "data-and-dataset": (["--dataset", "xor", "--data", "x.npz"], "either --data FILE.npz or --dataset"),
    "boundary-without-plot": (["--plot-boundary", "--no-plot"], "cannot be used with --no-plot"),
    "zero-lr": (["--lr", "0"], "η (--lr) must be a finite number > 0"),
    "unknown-impl": (["--impl", "jax"], "invalid choice: 'jax'"),
    "unknown-lang": (["--lang", "fr"], "invalid choice: 'fr'"),
    "unwritable-plot": (["--plot", "no/such/folder/p.png"], "folder 'no/such/folder' does not exist"),
    "bad-plot-format": (["--plot", "p.xyz"], "cannot write a '.xyz' file"),
    "plot-without-extension": (["--plot", "loss"], "has no extension"),
}


@pytest.mark.parametrize("argv,message", BAD.values(), ids=BAD.keys())
def test_bad_input_exits_2_with_one_clear_line(tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, _, err, _ = run_cli(argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_plot_boundary_needs_two_inputs(tmp_path):
    data = tmp_path / "three.npz"
    np.savez(data, X=np.ones((4, 3)), Y=np.zeros((4, 1)))
    code, _, err, _ = run_cli(["--data", str(data), "--layers", "3,2,1", "--plot-boundary", "--plot",
                               str(tmp_path / "p.png")])
    assert code == 2 and "--plot-boundary draws the plane of 2 inputs" in err


def diff_history(diffs: list[float]) -> TrainingHistory:
    config = RunConfig(steps=len(diffs))
    losses = list(np.linspace(1.0, 0.5, len(diffs)))
    return TrainingHistory(config, "both", config.tolerance, {"numpy": losses, "torch": losses}, diffs)


def test_exact_zero_differences_are_marked_not_dropped():
    fig = plot_training(diff_history([0.0, 1e-16, 0.0, 2e-16, 0.0]))
    diff_ax = fig.axes[1]
    line, zeros = diff_ax.lines[0], diff_ax.lines[1]
    np.testing.assert_array_equal(line.get_xdata(), [2, 4])          # only positive values on the log axis
    np.testing.assert_array_equal(zeros.get_xdata(), [1, 3, 5])      # zeros marked at their epochs
    assert "= 0 exactly (3 epochs" in zeros.get_label()
    assert diff_ax.get_ylim()[0] > 0


def test_all_zero_differences_still_plot():
    diff_ax = plot_training(diff_history([0.0] * 4)).axes[1]
    assert [line.get_label() for line in diff_ax.lines][0].startswith("|Δ| = 0 exactly (4 epochs")


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("stream,drawn", [(FakeTerminal(), True), (io.StringIO(), False)], ids=["tty", "pipe"])
def test_progress_bar_only_on_a_terminal(stream, drawn):
    bar = ProgressBar(10, stream, delay=0.0)
    bar.update(10)
    assert ("[" + "#" * 30 + "] 10/10" in stream.getvalue()) == drawn
    bar.clear()
    assert stream.getvalue().endswith("\r") == drawn


@pytest.mark.parametrize("name", [name for name in DATASETS if name not in NEEDS_EXTRA])
def test_datasets_are_small_finite_and_seeded(name):
    data = get_dataset(name, 0)
    assert data.X.ndim == data.Y.ndim == 2 and len(data.X) == len(data.Y) <= 200
    assert np.all(np.isfinite(data.X)) and np.all(np.isfinite(data.Y))
    np.testing.assert_array_equal(get_dataset(name, 0).X, data.X)


@pytest.mark.parametrize("name", ["moons", "spirals"])
def test_generated_datasets_depend_on_the_seed_and_have_two_balanced_classes(name):
    assert not np.array_equal(get_dataset(name, 0).X, get_dataset(name, 1).X)
    Y = get_dataset(name, 0).Y
    assert sorted(np.unique(Y)) == [0.0, 1.0] and Y.mean() == 0.5


def test_lab_datasets_are_the_notebooks():
    np.testing.assert_array_equal(get_dataset("lab").Y, [[0.7], [0.8]])
    np.testing.assert_array_equal(get_dataset("lab-v2").Y, [[0.6], [0.8]])
    np.testing.assert_array_equal(get_dataset("lab").X, [[0.5, 0.1], [0.2, 0.6]])


@pytest.fixture
def labels_file(tmp_path):
    """30 samples of 2 inputs with integer class labels 0…2, for cross_entropy."""
    rng = np.random.default_rng(1)
    path = tmp_path / "labels.npz"
    np.savez(path, X=rng.normal(size=(30, 2)), Y=rng.integers(0, 3, size=30))
    return path


def test_class_labels_train_with_mini_batches_and_a_mean_loss(labels_file, tmp_path):
    code, _, _, _ = run_cli(["--data", str(labels_file), "--layers", "2,6,3", "--bias", "--activation", "relu",
                             "--output-activation", "softmax", "--loss", "cross_entropy", "--optimizer", "adamw",
                             "--lr", "0.01", "--batch-size", "8", "--shuffle-seed", "2", "--epochs", "20",
                             "--no-plot", "--json", str(tmp_path / "h.json")])
    report = history_of(tmp_path / "h.json")
    assert code == 0 and report["ok"] and report["completed_epochs"] == 20
    # cross_entropy averages over samples, so an epoch's loss (batches of 8, 8, 8, 6) is their weighted mean:
    # it stays on the scale of one batch's J (≈ ln 3 at the start), not four times it
    assert 0.5 < column(report, "loss_numpy")[0] < 2.0


@pytest.mark.parametrize("layers,message", [
    ("3,6,3", "has n₀ = 2 (X (30, 2)), but --layers 3,6,3 has n₀ = 3"),
    ("2,6,2", "class label 2 is out of range: the output layer has 2 units"),
])
def test_class_labels_that_do_not_fit_the_network_exit_2(labels_file, layers, message):
    code, _, err, _ = run_cli(["--data", str(labels_file), "--layers", layers, "--output-activation", "softmax",
                               "--loss", "cross_entropy", "--no-plot"])
    assert code == 2 and message in err and "Traceback" not in err


def test_plot_boundary_with_class_labels_colours_each_class(labels_file):
    code, _, _, figures = run_cli(["--data", str(labels_file), "--layers", "2,6,3", "--output-activation", "softmax",
                                   "--loss", "cross_entropy", "--epochs", "5", "--plot-boundary"])
    assert code == 0
    boundary_axes = [ax for ax in figures[0].axes if ax.collections and ax.get_xlabel() == "x₁"]
    assert len(boundary_axes) == 1
    labels = {h.get_label() for h in boundary_axes[0].collections if h.get_label().startswith("class")}
    assert labels == {"class 0", "class 1", "class 2"}


def test_the_accuracy_beside_a_torch_twin_keeps_numpy_blas_on_one_thread():
    """Threads woken by the accuracy's matmuls would spin into the torch twin's next steps."""
    from threadpoolctl import threadpool_info
    from mlp_harness.train.training import numpy_blas_beside_torch

    def blas_threads():   # NumPy's own OpenBLAS (numpy.libs/, numpy/.dylibs/): another library's (SciPy's, loaded
        # meanwhile by a test running in the background) is not what NumPy's matmuls use
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"
                and pool["internal_api"] == "openblas" and "numpy" in Path(pool["filepath"]).parent.as_posix()]
    before = blas_threads()
    for impl in ("torch", "both"):
        with numpy_blas_beside_torch(impl):
            assert blas_threads() and set(blas_threads()) == {1}
    with numpy_blas_beside_torch("numpy"):
        assert blas_threads() == before
    assert blas_threads() == before
