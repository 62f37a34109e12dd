"""Everything mlp-check offers works for every assignment, not only the lab's: --json, --csv, --summary, the
rubric, --feedback, --gradescope, check_lab(..., assignment=...) and the pytest plugin, on lab2 and lab3.

One CLI run over a batch of lab3 hand-ins serves the batch outputs (one worker per file); the verdicts are
the checker's decisions (pass / fail, the mistake's name), never a last bit.
"""
import csv
import json
import shutil
from pathlib import Path

import pytest

from handins import lab3_source
from language import foreign_lines
from mlp_harness.check import check_lab
from mlp_harness.cli.check_cli import main

SUBMISSIONS = Path(__file__).parent / "submissions"
OTHER = (SUBMISSIONS / "lab3_momentum_other.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lab3_batch(tmp_path_factory):
    """lab3 on a right hand-in and one with momentum in the other convention, with every batch output, a rubric
    of lab3's functions and --feedback hint, in Portuguese."""
    tmp = tmp_path_factory.mktemp("lab3")
    (tmp / "certo.py").write_text(lab3_source(), encoding="utf-8")
    (tmp / "outra.py").write_text(OTHER, encoding="utf-8")
    (tmp / "rubrica.toml").write_text("[points]\nmomentum_update = 2\nadam_update = 3\n", encoding="utf-8")
    out = {k: tmp / f"saida.{k}" for k in ("json", "csv", "md")}
    code = main([str(tmp / "certo.py"), str(tmp / "outra.py"), "--assignment", "lab3", "--rubric",
                 str(tmp / "rubrica.toml"), "--feedback", "hint", "--lang", "pt", "--jobs", "2", "--json",
                 str(out["json"]), "--csv", str(out["csv"]), "--summary", str(out["md"])])
    return code, out


def test_lab3_batch_json_csv_rubric_and_feedback(lab3_batch):
    code, out = lab3_batch
    assert code == 1   # one file has not full marks
    right, other = json.loads(out["json"].read_text(encoding="utf-8"))
    assert right["ok"] and right["score"] == right["max_score"] == 5   # the rubric's 2 + 3 points
    assert other["score"] == 3 and other["formulas"]["adam_update"]["status"] == "pass"
    momentum = other["formulas"]["momentum_update"]
    assert momentum["status"] == "fail" and momentum["mistake"] == "momentum_other_convention"
    # --feedback hint: where it differs and the probable mistake, no number autograd computed
    assert "v(θ⁽¹⁾)" in momentum["message"] and "−0.0677" not in momentum["message"]
    assert momentum["first_mismatch"] is None or "expected" not in momentum["first_mismatch"]
    rows = list(csv.DictReader(out["csv"].open(encoding="utf-8")))
    assert [(r["momentum_update"], r["adam_update"]) for r in rows] == [("pass", "pass"), ("fail", "pass")]
    assert "momentum_other_convention" in rows[1]["diagnoses"]


def test_lab3_class_summary_names_the_mistake_with_its_file(lab3_batch):
    _, out = lab3_batch
    report = out["md"].read_text(encoding="utf-8")
    assert "momentum_update" in report and "adam_update" in report and "outra.py" in report
    assert "outra convenção" in report and not foreign_lines(report, "pt"), foreign_lines(report, "pt")


def test_lab2_gradescope_and_check_lab(tmp_path):
    source = (SUBMISSIONS / "lab2_bias_mean.py").read_text(encoding="utf-8")
    (tmp_path / "entrega.py").write_text(source, encoding="utf-8")
    out = tmp_path / "results.json"
    assert main([str(tmp_path / "entrega.py"), "--assignment", "lab2", "--gradescope", str(out)]) == 1
    tests = {t["name"].split(":")[0]: t for t in json.loads(out.read_text(encoding="utf-8"))["tests"]}
    assert set(tests) == {"tanh", "softmax", "tanh_prime", "delta_L", "delta_l", "gradient", "bias_gradient",
                          "optimize", "step"}
    assert tests["bias_gradient"]["score"] == 0 and "bias_mean_instead_of_sum" in tests["bias_gradient"]["output"]
    # the step: its functions chained, wrong where bias_gradient is (said so), so 0 too
    assert tests["step"]["score"] == 0 and "bias_gradient" in tests["step"]["output"]
    assert all(t["score"] == 1 for n, t in tests.items() if n not in ("bias_gradient", "step"))
    space: dict = {}
    exec(source, space)   # noqa: S102 — the same hand-in, in a notebook's namespace
    result = check_lab(space, assignment="lab2", feedback="verdict")
    assert [n for n, f in result.formulas.items() if not f.ok] == ["bias_gradient", "step"]
    shown = result.to_json()["formulas"]["bias_gradient"]   # feedback="verdict": ✓/✗ and two words, no name
    assert shown["status"] == "fail" and shown["mistake"] is None and "0.229" not in shown["message"]


@pytest.mark.parametrize("assignment, passed, failed", [("lab3", 2, 1), ("lab2", 8, 2)])
def test_the_pytest_plugin_runs_one_test_per_function_of_the_assignment(assignment, passed, failed, pytester):
    """runs_as_written, then each of the assignment's functions: lab3's two (momentum fails), lab2's eight and
    its step (bias_gradient fails, and the step its functions are chained into)."""
    name = {"lab3": "lab3_momentum_other.py", "lab2": "lab2_bias_mean.py"}[assignment]
    shutil.copy(SUBMISSIONS / name, pytester.path / name)
    result = pytester.runpytest_inprocess("--check-backprop", name, "--check-backprop-assignment", assignment,
                                          "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=passed, failed=failed)
    result.stdout.fnmatch_lines([f"*{name}::{'momentum_update' if assignment == 'lab3' else 'bias_gradient'}*"])


def test_the_pytest_plugin_refuses_an_unknown_assignment_in_one_line(pytester):
    shutil.copy(SUBMISSIONS / "lab2_bias_mean.py", pytester.path / "h.py")
    result = pytester.runpytest_inprocess("--check-backprop", "h.py", "--check-backprop-assignment", "lab9",
                                          "-p", "no:cacheprovider")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*unknown assignment 'lab9'*"])


def test_the_formulas_line_up_whatever_the_length_of_the_names(tmp_path):
    """lab2's names run to 13 characters (bias_gradient): every row's formula starts in the same column, at
    every feedback level's table, as lab1's do with names of at most 8."""
    source = (SUBMISSIONS / "lab2_bias_mean.py").read_text(encoding="utf-8")
    space: dict = {}
    exec(source, space)   # noqa: S102 — a hand-in of the suite's own
    result = check_lab(space, assignment="lab2")
    rows = [line for line in result.text(200).splitlines() if line[:2] in ("✓ ", "✗ ", "– ")]
    assert len(rows) == len(result.formulas) == 9
    starts = {len(line) - len(line[2:].split(" ", 1)[1].lstrip()) for line in rows}
    assert len(starts) == 1, rows
