"""mlp-compare as a user runs it: the lab's table, the flags, the JSON report, the exit codes."""
import json
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

from manual_mlp import lab
from mlp_harness.cli.compare_cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_no_arguments_prints_the_lab_step_with_its_printed_values(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    for printed in ["0.02359348", "-0.02258058", "-0.04676233", "-0.03874806 -0.03699839 -0.03035622",
                    "0.50035573  0.20052392", "0.70387481 -0.09630016  0.20303562"]:
        assert out.count(printed) == 2, printed  # once in the NumPy column, once in the PyTorch column
    assert "δ⁽²⁾θ⁽²⁾ ⊙ σ′(z⁽¹⁾)" in out and out.rstrip().splitlines()[-1].startswith("OK")


def test_script_prints_what_the_command_prints(capsys, monkeypatch):
    """scripts/compare.py, run as a script (in this process: a fresh interpreter would spend seconds importing
    torch again), prints what mlp-compare prints and exits with its code."""
    monkeypatch.setattr(sys, "argv", ["scripts/compare.py"])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(Path(__file__).resolve().parents[1] / "scripts" / "compare.py"), run_name="__main__")
    script_out = capsys.readouterr().out
    code, out, _ = run(capsys)
    assert (exit_info.value.code, script_out) == (code, out) == (0, out)


def test_json_report_has_the_documented_keys(capsys, tmp_path):
    path = tmp_path / "r.json"
    code, _, _ = run(capsys, "--steps", "3", "--json", str(path))
    report = json.loads(path.read_text())
    assert code == 0 and report["ok"] is True and report["first_mismatch"] is None
    assert [s["step"] for s in report["steps"]] == [1, 2, 3]
    assert set(report["steps"][0]) == {"step", "loss_numpy", "loss_torch", "max_abs_diff", "max_ratio"}
    assert set(report["final"]["numpy"]) == {"theta1", "theta2"} == set(report["final"]["torch"])
    assert report["config"]["optimizer"] == "sgd" and report["config"]["lr"] == 0.1


def test_json_final_weights_carry_biases_and_equal_the_twins(capsys, tmp_path):
    path = tmp_path / "r.json"
    run(capsys, "--layers", "3,4,2", "--bias", "--steps", "4", "--json", str(path))
    final = json.loads(path.read_text())["final"]
    assert set(final["numpy"]) == {"theta1", "theta2", "b1", "b2"}
    # float64 twins: the final weights agree to the harness tolerance (2.2e-12)
    np.testing.assert_allclose(final["numpy"]["theta2"], final["torch"]["theta2"], rtol=2.2e-12, atol=2.2e-12)


def test_weights_and_data_files_reproduce_the_lab(capsys, tmp_path):
    weights, data = tmp_path / "w.npz", tmp_path / "d.npz"
    np.savez(weights, theta1=lab.THETAS[0], theta2=lab.THETAS[1])
    np.savez(data, X=lab.X, Y=lab.Y_V2)
    code, out, _ = run(capsys, "--weights", str(weights), "--data", str(data))
    assert code == 0 and out.count("0.01914063") == 2


def test_many_steps_show_first_last_and_a_summary(capsys):
    code, out, _ = run(capsys, "--steps", "50")
    assert code == 0
    assert "Step 1 of 50" in out and "Step 50" in out and "Per-step summary (20 of 50 steps shown" in out


def test_float32_run_uses_float32_error_bounds(capsys):
    code, out, _ = run(capsys, "--dtype", "float32", "--steps", "5")
    assert code == 0 and "rounding-error bound, u = 6.0e-08 (float32)" in out   # u = 2⁻²⁴


def test_rtol_and_atol_override_the_error_bounds(capsys):
    code, out, _ = run(capsys, "--dtype", "float32", "--rtol", "1e-3")
    assert code == 0 and "within rtol=1.0e-03, atol=1.2e-03 (float32)" in out   # atol: 10⁴·ε of float32


def test_breadth_example_exits_0_with_three_witnesses(capsys, tmp_path):
    rng = np.random.default_rng(0)
    data = tmp_path / "d.npz"
    np.savez(data, X=rng.normal(size=(48, 4)), Y=rng.integers(0, 3, size=48))
    code, out, _ = run(capsys, "--layers", "4,8,8,3", "--bias", "--activation", "tanh", "--output-activation",
                       "softmax", "--loss", "cross_entropy", "--optimizer", "adam", "--batch-size", "16",
                       "--steps", "12", "--data", str(data), "--gradcheck")
    assert code == 0
    assert "finite differences" in out and "OK (formula = autograd = finite differences)" in out


@pytest.mark.parametrize("argv,message", [
    (["--lr", "0"], "learning rate"),
    (["--steps", "0"], "steps must be at least 1"),
    (["--layers", "3"], "at least two sizes"),
    (["--layers", "2,0,1"], "at least 1 unit"),
    (["--weights", "missing.npz"], "does not exist"),
    (["--activation", "softmax"], "invalid choice"),
    (["--output-activation", "softmax"], "goes with --loss cross_entropy"),
    (["--loss", "cross_entropy"], "use --output-activation softmax"),
    (["--loss", "cross_entropy", "--output-activation", "softmax"], "at least 2 classes"),
    (["--batch-size", "3"], "batch size must be between 1 and"),
    (["--optimizer", "adam", "--momentum", "0.9"], "belong to sgd"),
    (["--betas", "0.9"], "--betas takes two numbers"),
])
def test_bad_input_is_exit_2_with_one_clear_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err
    assert 1 <= len(err.strip().splitlines()) <= 2
