"""Every bad input gets one clear message and exit code 2 from the CLI, the same words from the Python API.

Each CLI case is (argv, files to create, a fragment the message must contain). Files are written into a
temporary folder that becomes the working directory, so argv can name them plainly.
"""
import os

import numpy as np
import pytest

from manual_mlp import MLP, SGD, OptimizerSettings, epoch_batches, lab, make_optimizer, random_parameters
from manual_mlp.backprop import gradient_descent, hidden_delta, output_delta, weight_gradient, weighted_input
from mlp_harness import RunConfig, run_comparison
from mlp_harness.cli.compare_cli import main
from mlp_harness.teach.mutants import MUTANTS

T1, T2 = lab.THETAS                        # (3, 2), (1, 3)
LAB_W = {"theta1": T1, "theta2": T2}
LAB_D = {"X": lab.X, "Y": lab.Y}           # X (2, 2), Y (2, 1)
DIR = object()                             # marker: make a folder, not a file


def with_(base: dict, **changes) -> dict:
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def write_files(files: dict) -> None:
    for name, content in files.items():
        if content is DIR:
            os.mkdir(name)
        elif isinstance(content, bytes):
            with open(name, "wb") as f:
                f.write(content)
        elif name.endswith(".npy"):
            np.save(name, content)
        else:
            np.savez(name, **content)


def weights(**arrays):
    return ["--weights", "w.npz"], {"w.npz": arrays}


def data(**arrays):
    return ["--data", "d.npz"], {"d.npz": arrays}


def npz_bytes(**arrays) -> bytes:
    import io
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


FLAG_CASES = [
    (["--layers", "2"], "--layers needs at least two sizes"),
    (["--layers", "2,0,1"], "every layer needs at least 1 unit"),
    (["--layers", "2,-3,1"], "every layer needs at least 1 unit"),
    (["--layers", "2,x,1"], "comma-separated whole numbers"),
    (["--lr", "0"], "learning rate η (--lr) must be a finite number > 0, got 0.0"),
    (["--lr", "-0.1"], "must be a finite number > 0, got -0.1"),
    (["--lr", "nan"], "must be a finite number > 0, got nan"),
    (["--lr", "inf"], "must be a finite number > 0, got inf"),
    (["--lr", "fast"], "argument --lr: invalid float value: 'fast'"),
    (["--steps", "0"], "number of steps must be at least 1, got 0"),
    (["--steps", "-3"], "number of steps must be at least 1, got -3"),
    (["--steps", "1.5"], "argument --steps: invalid int value"),
    (["--rtol=-1e-9"], "rtol (--rtol) must be a finite number ≥ 0"),
    (["--atol", "-1"], "atol (--atol) must be a finite number ≥ 0"),
    (["--rtol", "nan"], "rtol (--rtol) must be a finite number ≥ 0, got nan"),
    (["--atol", "inf"], "atol (--atol) must be a finite number ≥ 0, got inf"),
    (["--dtype", "float16"], "argument --dtype: invalid choice"),
    (["--init-seed", "-1"], "a seed must be ≥ 0"),
    (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    (["--bias"], "use it with --layers"),
    (["--inject-bug", "nope"], "unknown mistake 'nope' for --inject-bug"),
    (["--inject-bug", "bias_grad_first_sample"], "the network needs biases"),
    (["--inject-bug", "theta_l_in_hidden_delta"], "every layer needs the same size"),
    (["--inject-bug", "mean_instead_of_sum", "--layers", "2,3,1", "--data", "d.npz"],
     "with one sample a sum and a mean are the same"),
    (["--json", "no/such/folder/r.json"], "the folder 'no/such/folder' does not exist"),
    (["--json", "."], "it is a directory"),
]
FLAG_FILES = {"d.npz": {"X": np.ones((1, 2)), "Y": np.ones((1, 1))}}

FILE_CASES = {
    # the file itself
    "weights-missing": (["--weights", "nowhere.npz"], {}, "weights file 'nowhere.npz' does not exist"),
    "weights-directory": (["--weights", "w.npz"], {"w.npz": DIR}, "is a directory, not an .npz file"),
    "weights-npy": (["--weights", "w.npy"], {"w.npy": T1}, "holds a single array (numpy.save)"),
    "weights-text": (["--weights", "w.npz"], {"w.npz": b"theta1 = [[0.5, 0.2]]\n"}, "is not an .npz archive"),
    "weights-empty-file": (["--weights", "w.npz"], {"w.npz": b""}, "is not an .npz archive"),
    "weights-truncated": (["--weights", "w.npz"], {"w.npz": npz_bytes(**LAB_W)[:200]}, "is not an .npz archive"),
    "data-missing": (["--data", "nowhere.npz"], {}, "data file 'nowhere.npz' does not exist"),
    "data-text": (["--data", "d.npz"], {"d.npz": b"1,2\n3,4\n"}, "data file 'd.npz' is not an .npz archive"),
    "weights-and-layers": (["--layers", "2,3,1", "--weights", "w.npz"], {"w.npz": LAB_W}, "not both"),
    # the arrays of a weights file
    "gap": (*weights(theta1=T1, theta3=T2), "has theta3 but is missing ['theta2']"),
    "extra-array": (*weights(**LAB_W, gamma=T2), "unexpected arrays ['gamma']"),
    "theta0": (*weights(theta0=T1, theta1=T2), "unexpected arrays ['theta0']"),
    "no-theta": (*weights(b1=np.zeros(3)), "has no theta1"),
    "some-biases": (*weights(**LAB_W, b1=np.zeros(3)),
                    "has theta1…theta2 and biases ['b1']: give all of b1…b2 or none"),
    "bias-beyond-L": (*weights(**LAB_W, b1=np.zeros(3), b2=np.zeros(1), b3=np.zeros(1)), "give all of b1…b2 or none"),
    "bias-length": (*weights(**LAB_W, b1=np.zeros(2), b2=np.zeros(1)),
                    "b⁽¹⁾ has shape (2,) but θ⁽¹⁾ has shape (3, 2): z⁽¹⁾ = Xθ⁽¹⁾ᵀ + b⁽¹⁾ needs b⁽¹⁾ of shape (3,)"),
    "chain": (*weights(theta1=T1, theta2=np.ones((1, 4))),
              "θ⁽²⁾ has shape (1, 4) but a⁽¹⁾ has 3 columns (θ⁽¹⁾ has shape (3, 2)): z⁽²⁾ = a⁽¹⁾θ⁽²⁾ᵀ "
              "needs θ⁽²⁾ of shape (n₂, 3)"),
    "theta-rank-1": (*weights(theta1=np.ones(2)), "θ⁽¹⁾ must be a matrix of shape (n₁, n₀), got a 1-D array"),
    "theta-rank-3": (*weights(theta1=np.ones((1, 3, 2))), "got a 3-D array of shape (1, 3, 2)"),
    "theta-empty": (*weights(theta1=np.ones((0, 2))), "every layer needs at least one unit"),
    "theta-nan": (*weights(theta1=np.where(T1 > 0.55, np.nan, T1), theta2=T2),
                  "theta1 in weights file 'w.npz' contains a non-finite value (nan) at index (1, 0)"),
    "bias-inf": (*weights(**LAB_W, b1=np.array([0, np.inf, 0]), b2=np.zeros(1)),
                 "b1 in weights file 'w.npz' contains a non-finite value (inf) at index (1,)"),
    "theta-strings": (*weights(theta1=np.array([["a", "b"]])), "must hold real numbers (int or float), got an array"),
    "theta-complex": (*weights(theta1=T1 + 1j), "dtype complex128"),
    "theta-objects": (*weights(theta1=np.array([[1, None]], dtype=object)), "holds Python objects, not numbers"),
    # the arrays of a data file, against the lab's 2-3-1 network
    "X-columns": (*data(X=np.ones((2, 3)), Y=lab.Y),
                  "X has shape (2, 3) but θ⁽¹⁾ has 2 columns (inputs): z⁽¹⁾ = Xθ⁽¹⁾ᵀ needs X of shape (N, 2)"),
    "rows-differ": (*data(X=lab.X, Y=np.ones((3, 1))), "X has 2 rows but Y has 3"),
    "Y-columns": (*data(X=lab.X, Y=np.ones((2, 2))), "Y has shape (2, 2) but the output layer has n_L = 1"),
    "X-rank-1": (*data(X=np.ones(2), Y=lab.Y),
                 "X must be a matrix of shape (N, 2) (one row per sample), got shape (2,)"),
    "Y-rank-1": (*data(X=lab.X, Y=np.ones(2)), "use Y.reshape(-1, 1)"),
    "X-rank-3": (*data(X=np.ones((2, 2, 1)), Y=lab.Y), "got shape (2, 2, 1)"),
    "X-nan": (*data(X=np.array([[0.5, np.nan], [0.2, 0.6]]), Y=lab.Y),
              "X in 'd.npz' contains a non-finite value (nan) at index (0, 1)"),
    "Y-inf": (*data(X=lab.X, Y=np.array([[0.7], [-np.inf]])), "Y in 'd.npz' contains a non-finite value (-inf)"),
    "empty-batch": (*data(X=np.ones((0, 2)), Y=np.ones((0, 1))), "a batch needs at least one sample"),
    "X-strings": (*data(X=np.array([["0.5", "0.1"]]), Y=lab.Y), "X in 'd.npz' must hold real numbers"),
    "data-no-Y": (*data(X=lab.X), "data file 'd.npz' is missing ['Y']"),
    "data-extra": (*data(**LAB_D, Z=lab.X), "unexpected arrays ['Z']"),
}


def run_cli(argv, files, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_files(files)
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code, out, err, fragment):
    assert code == 2, f"exit code {code}, stderr: {err!r}"
    assert fragment in err, f"{fragment!r} not in {err!r}"
    assert err.startswith("mlp-compare: error: ") and len(err.strip().splitlines()) <= 2, err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("argv,fragment", FLAG_CASES, ids=[" ".join(a) for a, _ in FLAG_CASES])
def test_bad_flag(argv, fragment, tmp_path, monkeypatch, capsys):
    assert_refused(*run_cli(argv, FLAG_FILES, tmp_path, monkeypatch, capsys), fragment)


@pytest.mark.parametrize("argv,files,fragment", FILE_CASES.values(), ids=FILE_CASES.keys())
def test_bad_file(argv, files, fragment, tmp_path, monkeypatch, capsys):
    assert_refused(*run_cli(argv, files, tmp_path, monkeypatch, capsys), fragment)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    np.savez("w.npz", **LAB_W)
    os.chmod("w.npz", 0)
    assert_refused(*run_cli(["--weights", "w.npz"], {}, tmp_path, monkeypatch, capsys), "permission denied")


def test_good_files_are_accepted(tmp_path, monkeypatch, capsys):
    """The same helpers with valid contents run, so the cases above fail for their one defect."""
    code, out, err = run_cli(["--weights", "w.npz", "--data", "d.npz"], {"w.npz": LAB_W, "d.npz": LAB_D},
                             tmp_path, monkeypatch, capsys)
    assert (code, err) == (0, "") and out.rstrip().splitlines()[-1].startswith("OK")


def test_unwritable_json_after_a_good_run_is_exit_2(tmp_path, monkeypatch, capsys):
    """A JSON path that fails only when written (here: a folder appears in its place) is still exit 2."""
    import mlp_harness.cli.compare_cli as cli
    monkeypatch.setattr(cli, "check_json_path", lambda path: None)
    code, out, err = run_cli(["--json", "r.json"], {"r.json": DIR}, tmp_path, monkeypatch, capsys)
    assert code == 2 and "cannot write the JSON report to 'r.json'" in err and "Traceback" not in err


def test_help_is_exit_0(capsys):
    assert main(["--help"]) == 0
    assert "--inject-bug" in capsys.readouterr().out


# --- the Python API: the same words, as ValueError / TypeError ----------------------------------------

def lab_net():
    return MLP(lab.lab_thetas())


B_LAB = [np.zeros(3), np.zeros(1)]
API_CASES = {
    "thetas-array": (lambda: MLP(np.ones((3, 2))), TypeError, "thetas must be a non-empty list"),
    "thetas-empty": (lambda: MLP([]), TypeError, "thetas must be a non-empty list"),
    "chain": (lambda: MLP([T1, np.ones((1, 4))]), ValueError,
              "θ⁽²⁾ has shape (1, 4) but a⁽¹⁾ has 3 columns (θ⁽¹⁾ has shape (3, 2)): z⁽²⁾ = a⁽¹⁾θ⁽²⁾ᵀ needs θ⁽²⁾ "
              "of shape (n₂, 3)"),
    "ragged": (lambda: MLP([[[1, 2], [3]]]), TypeError, "θ⁽¹⁾ is not a rectangular numeric array"),
    "strings": (lambda: MLP([[["a", "b"]]]), TypeError, "θ⁽¹⁾ must hold real numbers"),
    "theta-inf": (lambda: MLP([T1, T2 * np.inf]), ValueError, "θ⁽²⁾ contains a non-finite value (inf) at index (0, 0)"),
    "too-few-biases": (lambda: MLP(lab.lab_thetas(), [np.zeros(3)]), ValueError,
                       "biases has length 1 but thetas has length 2 (θ⁽¹⁾…θ⁽²⁾)"),
    "bias-none": (lambda: MLP(lab.lab_thetas(), [np.zeros(3), None]), TypeError, "b⁽²⁾ is missing (got None"),
    "bias-shape": (lambda: MLP(lab.lab_thetas(), [np.zeros(3), np.zeros(2)]), ValueError,
                   "b⁽²⁾ has shape (2,) but θ⁽²⁾ has shape (1, 3)"),
    "forward-columns": (lambda: lab_net().forward(np.ones((2, 3))), ValueError,
                        "X has shape (2, 3) but θ⁽¹⁾ has 2 columns"),
    "forward-one-sample": (lambda: lab_net().forward(np.ones(2)), ValueError, "use X.reshape(1, 2)"),
    "train-rows": (lambda: lab_net().train_step(lab.X, np.ones((3, 1)), SGD(0.1)), ValueError,
                   "X has 2 rows but Y has 3"),
    "train-Y-nan": (lambda: lab_net().train_step(lab.X, lab.Y * np.nan, SGD(0.1)), ValueError,
                    "Y contains a non-finite value (nan)"),
    "train-empty": (lambda: lab_net().train_step(np.ones((0, 2)), np.ones((0, 1)), SGD(0.1)), ValueError,
                    "a batch needs at least one sample"),
    "lr-zero": (lambda: run_comparison(RunConfig(lr=0), lab.lab_thetas(), None, lab.X, lab.Y), ValueError,
                "the learning rate η (--lr) must be a finite number > 0, got 0"),
    "lr-string": (lambda: RunConfig(lr="0.1").validate(), TypeError, "must be a number, got '0.1'"),
    "steps-float": (lambda: RunConfig(steps=2.0).validate(), TypeError, "must be a whole number, got 2.0"),
    "steps-zero": (lambda: RunConfig(steps=0).validate(), ValueError, "must be at least 1, got 0"),
    "rtol-negative": (lambda: RunConfig(rtol=-1.0).validate(), ValueError, "rtol (--rtol) must be a finite number ≥ 0"),
    "sizes-short": (lambda: random_parameters([2]), ValueError, "at least two entries"),
    "sizes-zero": (lambda: random_parameters([2, 0, 1]), ValueError, "at least 1"),
    "mutant-shapes": (lambda: MUTANTS["theta_l_in_hidden_delta"].network(RunConfig(), lab.lab_thetas(), None, 2),
                      ValueError, "every layer needs the same size"),
    # the lab's building blocks, called one by one as in the notebook
    "block-z": (lambda: weighted_input(np.ones((2, 3)), np.ones((1, 4))), ValueError,
                "θ⁽ˡ⁾ has shape (1, 4) but a⁽ˡ⁻¹⁾ has 3 columns: z⁽ˡ⁾ = a⁽ˡ⁻¹⁾θ⁽ˡ⁾ᵀ needs θ⁽ˡ⁾ of shape (nₗ, 3)"),
    "block-z-bias": (lambda: weighted_input(lab.X, T1, np.zeros(2)), ValueError, "needs b⁽ˡ⁾ of shape (3,)"),
    "block-output-delta": (lambda: output_delta(np.ones((2, 1)), np.ones(2)), ValueError,
                           "∂J/∂a⁽ᴸ⁾ has shape (2, 1) but f′(z⁽ᴸ⁾) has shape (2,)"),
    "block-hidden-delta": (lambda: hidden_delta(np.ones((2, 1)), T1, np.ones((2, 3))), ValueError,
                           "δ⁽ˡ⁺¹⁾ has shape (2, 1) but θ⁽ˡ⁺¹⁾ has shape (3, 2)"),
    "block-hidden-fprime": (lambda: hidden_delta(np.ones((2, 1)), T2, np.ones((2, 2))), ValueError,
                            "δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ has shape (2, 3) but f′(z⁽ˡ⁾) has shape (2, 2)"),
    "block-gradient": (lambda: weight_gradient(np.ones((2, 3)), np.ones((3, 2))), ValueError,
                       "δ⁽ˡ⁾ has shape (2, 3) and a⁽ˡ⁻¹⁾ has shape (3, 2)"),
    "block-update": (lambda: gradient_descent(T1, T1.T, 0.1), ValueError,
                     "θ has shape (3, 2) but ∂J/∂θ has shape (2, 3)"),
}


@pytest.mark.parametrize("call,error,fragment", API_CASES.values(), ids=API_CASES.keys())
def test_bad_python_input(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_cli_and_api_use_the_same_words(tmp_path, monkeypatch, capsys):
    with pytest.raises(ValueError) as info:
        MLP([T1, np.ones((1, 4))])
    _, _, err = run_cli(*weights(theta1=T1, theta2=np.ones((1, 4))), tmp_path, monkeypatch, capsys)
    assert err.rstrip().endswith(str(info.value))


@pytest.mark.parametrize("argv,fragment", [
    (["--shuffle-seed", "-1"], "a seed must be ≥ 0"),
    (["--optimizer", "adam", "--eps", "inf"], "Adam's ε (--eps) must be a finite number > 0"),
    (["--momentum", "inf"], "momentum (--momentum) must be a finite number ≥ 0"),
    (["--weight-decay", "nan"], "weight decay (--weight-decay) must be a finite number ≥ 0"),
    (["--optimizer", "adam", "--betas", "0.9,1.0"], "--betas takes two numbers in [0, 1)"),
    (["--nesterov"], "> 0 with --nesterov"),
    (["--batch-size", "0"], "batch size must be between 1 and the number of samples N = 2"),
    (["--batch-size", "3"], "batch size must be between 1 and the number of samples N = 2"),
    (["--layers", "2,2", "--loss", "cross_entropy", "--output-activation", "sigmoid"], "use --output-activation softmax"),
    (["--layers", "2,3", "--output-activation", "softmax", "--loss", "mse"], "a softmax output goes with --loss cross_entropy"),
])
def test_bad_breadth_flag(capsys, argv, fragment):
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and fragment in err and "Traceback" not in err, err


@pytest.mark.parametrize("Y,fragment", [
    (np.array([[0.5], [1.5]]), "bce needs targets Y in [0, 1]"),
])
def test_bce_targets_outside_0_1(capsys, tmp_path, Y, fragment):
    path = tmp_path / "d.npz"
    np.savez(path, X=lab.X, Y=Y)
    code = main(["--loss", "bce", "--data", str(path)])
    assert code == 2 and fragment in capsys.readouterr().err


@pytest.mark.parametrize("Y,fragment", [
    (np.array([0, 3]), "class label 3 is out of range: the output layer has 3 units, so labels must be 0…2"),
    (np.array([0, -1]), "class label -1 is out of range"),
    (np.array([0, 1, 2]), "X has 2 rows but Y has 3 labels"),
    (np.array([[0.5, 0.5, 0.5], [2.0, 0.0, 0.0]]), "cross_entropy needs targets Y in [0, 1]"),
])
def test_cross_entropy_targets(capsys, tmp_path, Y, fragment):
    path = tmp_path / "d.npz"
    np.savez(path, X=lab.X, Y=Y)
    code = main(["--layers", "2,3", "--loss", "cross_entropy", "--output-activation", "softmax", "--data", str(path)])
    assert code == 2 and fragment in capsys.readouterr().err


@pytest.mark.parametrize("call,fragment", [
    (lambda: MLP(lab.lab_thetas(), activation="swish"), "unknown activation 'swish'; choose one of: sigmoid"),
    (lambda: MLP(lab.lab_thetas()).train_step(lab.X, lab.Y, SGD(0.1), loss="hinge"), "unknown loss 'hinge'"),
    (lambda: make_optimizer(OptimizerSettings("rmsprop")), "unknown optimizer 'rmsprop'"),
    (lambda: MLP([np.ones((3, 2)), np.ones((1, 3))], activation="softmax"), "can only be the output activation"),
    (lambda: epoch_batches(4, 5), "batch size must be between 1 and the number of samples N = 4, got 5"),
])
def test_bad_names_in_the_python_api(call, fragment):
    with pytest.raises(ValueError) as info:
        call()
    assert fragment in str(info.value)
