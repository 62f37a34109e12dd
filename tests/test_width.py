"""Tables fit the terminal: COLUMNS (honoured when piped), --width N, 100 columns when unknown.

Line widths are counted in characters (each symbol here is one terminal column). Verdict and message
lines are prose, left whole for the terminal to wrap: the checks cover every table line.
"""
import contextlib
import io

import pytest

from mlp_harness.cli import compare_cli, train_cli
from mlp_harness.verify.width import DEFAULT_WIDTH, fit_formula, output_width

PROSE = ("OK ", "FAIL", "OK (", "Injected", "Erro injetado", "FALHA", "Twins", "It went")


def run(main, argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    return code, out.getvalue().splitlines()


def table_lines(lines):
    return [line for line in lines if not line.startswith(PROSE)]


@pytest.mark.parametrize("argv", [
    ["--explain", "--inject-bug", "hidden_no_sigma_prime", "--lang", "pt"],
    ["--layers", "3,4,4,2", "--bias", "--gradcheck"],
    ["--layers", "2,2,1", "--optimizer", "adam", "--steps", "2", "--explain"],
])
def test_no_table_line_is_wider_than_the_width(argv, width=80):
    code, lines = run(compare_cli.main, ["--width", str(width), *argv])
    assert code in (0, 1)
    too_wide = [line for line in table_lines(lines) if len(line) > width]
    assert not too_wide, too_wide[:3]


def test_columns_is_honoured_without_a_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert output_width() == 80
    _, lines = run(compare_cli.main, [])
    assert max(len(line) for line in table_lines(lines)) <= 80
    monkeypatch.delenv("COLUMNS")   # no COLUMNS and no terminal (the test's output is captured): 100
    assert output_width() in (DEFAULT_WIDTH, __import__("shutil").get_terminal_size().columns)


def test_values_that_do_not_fit_are_stacked_numpy_above_pytorch():
    _, wide = run(compare_cli.main, ["--width", "200"])
    _, narrow = run(compare_cli.main, ["--width", "80"])
    row = next(line for line in wide if line.startswith("J "))
    assert row.count("0.02359348") == 2                                   # side by side
    at = next(i for i, line in enumerate(narrow) if line.startswith("J "))
    assert narrow[at].count("0.02359348") == 1 and narrow[at + 1].strip().endswith("0.02359348")   # stacked
    numpy_row = next(i for i, line in enumerate(narrow) if line.startswith("δ⁽¹⁾"))
    assert "-0.00388045" in narrow[numpy_row] and "-0.00808518" in narrow[numpy_row + 3]   # NumPy's, then PyTorch's


def test_the_first_mismatch_is_still_marked_when_stacked():
    code, lines = run(compare_cli.main, ["--width", "80", "--inject-bug", "hidden_no_sigma_prime"])
    at = next(i for i, line in enumerate(lines) if line.startswith("δ⁽¹⁾"))
    assert code == 1 and "✗" in lines[at] and any(line.startswith("◀ first mismatch") for line in lines[at:at + 3])


def test_long_formulas_break_before_an_equals_sign():
    text = "  ↳ loss: J = " + " + ".join(["0.123456789"] * 12) + " = 1.48148148"
    lines = fit_formula(text, 60)
    assert all(len(line) <= 60 for line in lines) and lines[-1].strip().startswith(("=", "+"))
    assert " ".join(line.strip() for line in lines) == text.strip()   # nothing lost or reordered


def test_a_too_narrow_width_is_refused():
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert compare_cli.main(["--width", "10"]) == 2
    assert "--width must be at least" in err.getvalue()


def test_training_lines_fit_the_width():
    _, lines = run(train_cli.main, ["--dataset", "moons", "--epochs", "10", "--no-plot", "--width", "80"])
    epochs = [line for line in lines if line.startswith(("Epoch", "    "))]
    assert epochs and all(len(line) <= 80 for line in epochs)
    assert any(line.startswith("    accuracy = ") for line in lines)   # what did not fit goes on below
