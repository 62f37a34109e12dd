"""mlp-check and check_lab: someone's own backprop, function by function, against autograd.

Each file under tests/submissions/ is written the way a student writes the lab,
with one realistic mistake; the table below says which functions must fail,
and which mistake must be named. The submissions run through the worker's own
code (``run_submission``, in this process, with a 1 s limit per cell and call:
fast), and a few through the real thing (a separate process with a time limit,
the CLI, the graders' files, the pytest plugin).
"""
import csv
import functools
import json
import time
from pathlib import Path

import numpy as np
import pytest

from mlp_harness.check import check_lab
from mlp_harness.check import isolate
from mlp_harness.check.api import lab_plan, result_of_run
from mlp_harness.check.worker import run_submission
from mlp_harness.cli.check_cli import main

SUBMISSIONS = Path(__file__).parent / "submissions"
#: seconds per cell and per call: generous, as a cell interrupted while importing matplotlib leaves it half
#: imported; the endless loop (which imports only NumPy, already loaded here) gets a short one
LIMIT, LOOP_LIMIT = 10.0, 0.5

#: file -> (exit code, {function: (status, mistake named)}); functions not listed must be "missing"
EXPECTED = {
    "correct_loops.py": (0, {f: ("pass", None) for f in ("sigmoid", "delta_L", "delta_l", "gradient", "optimize",
                                                          "step")}),
    "correct_step.ipynb": (0, {f: ("pass", None) for f in ("sigmoid", "delta_L", "delta_l", "gradient",
                                                            "optimize", "step")}),
    "lab_as_is.ipynb": (1, {"sigmoid": ("pass", None)}),
    "lab_fix_lowercase_y.ipynb": (1, {"sigmoid": ("pass", None), "delta_L": ("error", "undefined_name")}),
    "lab_fix_sign.ipynb": (1, {"sigmoid": ("pass", None), "delta_L": ("fail", "residual_sign"),
                               "delta_l": ("pass", None), "gradient": ("pass", None), "optimize": ("pass", None),
                               "step": ("fail", None)}),
    "half_dropped.py": (1, {"sigmoid": ("pass", None), "delta_L": ("fail", "half_dropped"),
                            "delta_l": ("pass", None), "gradient": ("pass", None), "optimize": ("pass", None),
                            "step": ("fail", None)}),
    "transposed_gradient.py": (1, {"sigmoid": ("pass", None), "delta_L": ("pass", None), "delta_l": ("pass", None),
                                   "gradient": ("fail", "transposed_gradient"), "optimize": ("pass", None),
                                   "step": ("error", None)}),
    "mean_gradient.py": (1, {"sigmoid": ("pass", None), "delta_L": ("pass", None), "delta_l": ("pass", None),
                             "gradient": ("fail", "mean_instead_of_sum")}),
    "sign_flipped.py": (1, {"optimize": ("fail", "sign_flipped")}),
    "eta_fixed.py": (1, {"optimize": ("fail", "eta_fixed")}),
    "hidden_no_sigma_prime.py": (1, {"sigmoid": ("pass", None), "delta_L": ("pass", None),
                                     "delta_l": ("fail", "hidden_no_sigma_prime")}),
    "math_exp.py": (1, {"sigmoid": ("error", "math_on_array")}),
    "broadcast.py": (1, {"delta_L": ("fail", "broadcast")}),
    "single_precision.py": (1, {"sigmoid": ("fail", "single_precision")}),
    "global_y.py": (1, {"delta_L": ("fail", "global_variable")}),
    "elementwise_product.py": (1, {"delta_l": ("error", "elementwise_product")}),
    "returns_none.py": (1, {"delta_l": ("fail", "missing_return")}),
    "sigma_prime_of_z.py": (1, {"sigmoid": ("pass", None), "delta_L": ("pass", None), "delta_l": ("pass", None),
                                "step": ("fail", "sigma_prime_of_z")}),
    "theta_l_in_step.py": (1, {"sigmoid": ("pass", None), "step": ("error", "theta_l_in_hidden_delta")}),
    "step_only.py": (0, {"step": ("pass", None)}),
    # no catalogued mistake: σ′ = a(1 − a) written as a, vectorized and with loops (grouped in --summary)
    "one_minus_forgotten.py": (1, {"sigmoid": ("pass", None), "delta_L": ("fail", None), "delta_l": ("pass", None),
                                   "gradient": ("pass", None), "optimize": ("pass", None), "step": ("fail", None)}),
    "one_minus_forgotten_loops.ipynb": (1, {"sigmoid": ("pass", None), "delta_L": ("fail", None),
                                            "delta_l": ("pass", None), "gradient": ("pass", None),
                                            "optimize": ("pass", None), "step": ("fail", None)}),
    "delta_saida.py": (0, {f: ("pass", None) for f in ("sigmoid", "delta_l", "gradient", "optimize")}),   # no chain
    "broken/endless_loop.py": (1, {"sigmoid": ("pass", None), "delta_L": ("pass", None)}),
    "broken/syntax_error.py": (1, {}),
    "broken/nothing.py": (2, {}),
}


@functools.lru_cache(maxsize=None)
def check_in_process(name: str, lang: str = "en"):
    """What mlp-check decides for a submission, with the worker's code run here instead of in a process."""
    plan, limit = lab_plan(), LOOP_LIMIT if name == "broken/endless_loop.py" else LIMIT
    path = str(SUBMISSIONS / name)
    return result_of_run(name, run_submission(path, plan.task({}, limit)), plan, lang, limit)


@pytest.mark.parametrize("name", EXPECTED)
def test_each_submission_is_judged_function_by_function(name):
    code, expected = EXPECTED[name]
    result = check_in_process(name)
    assert result.exit_code == code, result.text(120)
    for formula in ("sigmoid", "delta_L", "delta_l", "gradient", "optimize"):
        status, mistake = expected.get(formula, ("missing", None))
        got = result.formulas.get(formula)
        if got is None:   # the file could not run at all
            assert status == "missing" and result.error, result.text(120)
            continue
        assert (got.status, got.mistake) == (status, mistake), f"{formula}: {got.message} / {got.diagnosis}"
    if "step" in expected:
        assert result.formulas["step"].status == expected["step"][0], result.formulas["step"].message
        if expected["step"][1]:
            assert result.formulas["step"].mistake == expected["step"][1]
    else:
        assert "step" not in result.formulas


def test_the_labs_broken_cell_is_reported_with_cell_line_and_text():
    result = check_in_process("lab_as_is.ipynb")
    assert "SyntaxError" in result.error and "code cell 28" in result.error and "dj_daL = aL -" in result.error
    assert "code cell 28" in result.formulas["delta_L"].message   # "not found (perhaps in code cell 28 …)"


def test_a_cell_that_raises_is_reported_and_the_next_cells_run():
    """correct_step.ipynb has a %%bash cell (skipped) and cells after it that still run; lab_fix_lowercase_y's
    last cell raises NameError, which is reported without failing the file by itself."""
    ok = check_in_process("correct_step.ipynb")
    assert ok.ok and [c["status"] for c in ok.cells] == ["skipped"], ok.cells   # the cells' messages say why
    raised = check_in_process("lab_fix_lowercase_y.ipynb")
    assert [c["status"] for c in raised.cells] == ["error"] and raised.error is None
    assert "NameError" in raised.cells[0]["message"]


def test_a_wrong_entry_is_shown_with_autograds_value_and_the_formula_with_numbers():
    f = check_in_process("lab_fix_sign.ipynb").formulas["delta_L"]
    mismatch = f.first_mismatch
    assert mismatch["case"] == "lab" and mismatch["index"] == [0, 0]
    assert mismatch["got"] == pytest.approx(-mismatch["expected"], rel=1e-12)   # y − a: the sign, exactly
    # the explanation's own arithmetic gives autograd's number (its value is the last item of the line)
    assert f.explanation.startswith("BP1") and f.explanation.endswith("−0.02258058")


def test_an_endless_loop_is_interrupted_and_the_functions_before_it_still_checked():
    result = check_in_process("broken/endless_loop.py")
    assert "interrupted" in result.error and result.formulas["sigmoid"].ok


def test_portuguese_verdicts():
    text = check_in_process("lab_fix_sign.ipynb", lang="pt").text(100)
    assert "o resíduo é tomado ao contrário" in text and "FALHA" in text and "autograd" in text


# --- check_lab in a notebook -------------------------------------------------------------------------

def lab_functions():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def delta_L(aL, Y):
        return (aL - Y) * aL * (1 - aL)

    def delta_l(delta_next, theta_next, al):
        return delta_next @ theta_next * al * (1 - al)

    def gradient(delta, a_prev):
        return delta.T @ a_prev

    def optimize(theta, grad, eta):
        return theta - eta * grad
    return dict(sigmoid=sigmoid, delta_L=delta_L, delta_l=delta_l, gradient=gradient, optimize=optimize)


def test_check_lab_accepts_a_namespace_or_keywords():
    fns = lab_functions()
    result = check_lab(fns)
    assert result.ok and result.exit_code == 0 and set(result.to_json()["formulas"]) == set(fns) | {"step"}
    only = check_lab(delta_L=fns["delta_L"])   # given by name: a row for that function alone
    assert only.ok and list(only.formulas) == ["delta_L"] and "gradient" not in str(only)
    chained = check_lab(**{n: fns[n] for n in ("delta_L", "delta_l", "gradient", "optimize")})
    assert chained.ok and list(chained.formulas) == ["delta_L", "delta_l", "gradient", "optimize", "step"]
    assert "<table>" in result._repr_html_() and "✓" in str(result)


def test_check_lab_names_the_mistake_and_maps_other_names():
    def meu_delta(aL, Y):
        return (Y - aL) * aL * (1 - aL)
    result = check_lab({"meu_delta": meu_delta}, names={"delta_L": "meu_delta"}, lang="pt")
    assert not result.ok and result.formulas["delta_L"].mistake == "residual_sign"
    assert "resíduo" in result.formulas["delta_L"].diagnosis


def test_check_lab_with_nothing_to_check_says_so():
    result = check_lab({})
    assert result.exit_code == 2 and "nothing to check" in result.error


def test_a_function_that_changes_its_inputs_in_place_does_not_change_the_reference():
    def optimize(theta, grad, eta):
        theta -= eta * grad        # in place, and returned: a right answer
        return theta
    before = [p.expected.copy() for p in lab_plan().probes]
    assert check_lab(optimize=optimize).ok
    assert all(np.array_equal(b, p.expected) for b, p in zip(before, lab_plan().probes))


# --- the real thing: separate processes, the CLI, graders' files --------------------------------------

def test_cli_on_several_files_in_parallel_with_graders_outputs(tmp_path, capsys):
    files = [str(SUBMISSIONS / n) for n in ("correct_loops.py", "lab_as_is.ipynb", "half_dropped.py",
                                           "broken/syntax_error.py")]
    out_json, out_csv = tmp_path / "verdicts.json", tmp_path / "notas.csv"
    start = time.monotonic()
    code = main(files + ["--jobs", "2", "--json", str(out_json), "--csv", str(out_csv)])
    assert time.monotonic() - start < 30
    assert code == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✓") and all(line.startswith("✗") for line in lines[1:]) and len(lines) == 4
    verdicts = json.loads(out_json.read_text())
    assert [v["ok"] for v in verdicts] == [True, False, False, False]
    half = verdicts[2]["formulas"]["delta_L"]
    assert set(half) >= {"status", "max_abs_diff", "first_mismatch", "diagnosis", "message"}
    assert half["status"] == "fail" and half["diagnosis"].startswith("half_dropped")
    rows = list(csv.DictReader(out_csv.open()))
    assert [r["delta_L"] for r in rows] == ["pass", "missing", "fail", "missing"]
    assert rows[3]["error"] and "SyntaxError" in rows[3]["error"]


def test_cli_single_file_gradescope(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert main([str(SUBMISSIONS / "mean_gradient.py"), "--gradescope", str(out)]) == 1
    results = json.loads(out.read_text())
    tests = {t["name"].split(":")[0]: t for t in results["tests"]}
    assert tests["gradient"]["score"] == 0 and tests["sigmoid"]["score"] == 1 and tests["optimize"]["score"] == 0
    assert results["score"] == sum(t["score"] for t in results["tests"]) == 3
    assert all(t["max_score"] == 1 for t in results["tests"]) and "mean_instead_of_sum" in tests["gradient"]["output"]
    assert "✗ gradient" in capsys.readouterr().out


def test_a_process_that_ends_itself_is_a_finding(capsys):
    assert main([str(SUBMISSIONS / "broken/exits.py")]) == 1
    assert "exit code 3" in capsys.readouterr().out


def test_a_hang_the_worker_cannot_interrupt_is_stopped_from_outside(tmp_path, monkeypatch):
    stubborn = tmp_path / "stubborn.py"
    stubborn.write_text("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n")
    monkeypatch.setattr(isolate, "GRACE", 0.5)   # a cell's limit (0.5 s) and this: no message for 1 s stops it
    start = time.monotonic()
    raw = isolate.run_isolated(stubborn, lab_plan().task({}, 0.5), 0.5)
    assert raw["timeout"] == 1.0 and raw["progress"] == {"cell": None} and time.monotonic() - start < 20


@pytest.mark.parametrize("argv,words", [
    (["no_such_file.py"], "no such file"),
    (["README.md"], "expected a .py file or a .ipynb notebook"),
    ([str(SUBMISSIONS / "half_dropped.py"), str(SUBMISSIONS / "sign_flipped.py"), "--gradescope", "r.json"],
     "one file"),
    ([str(SUBMISSIONS / "half_dropped.py"), "--json", str(SUBMISSIONS / "half_dropped.py")], "would destroy the input"),
    ([str(SUBMISSIONS / "half_dropped.py"), "--json", "a.out", "--csv", "a.out"], "same file"),
    ([str(SUBMISSIONS / "half_dropped.py"), "--name", "delta_L"], "LAB=THEIRS"),
    ([str(SUBMISSIONS / "half_dropped.py"), "--name", "backward=minha"], "unknown function 'backward'"),
    ([str(SUBMISSIONS / "half_dropped.py"), "--timeout", "0"], "--timeout"),
])
def test_bad_input_is_one_line_and_exit_2(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)
    before = (SUBMISSIONS / "half_dropped.py").read_bytes()
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and "Traceback" not in err
    assert (SUBMISSIONS / "half_dropped.py").read_bytes() == before


def test_a_notebook_that_is_not_json_is_bad_input(tmp_path, capsys):
    broken = tmp_path / "entrega.ipynb"
    broken.write_text("{not json")
    assert main([str(broken)]) == 2
    assert "not a Jupyter notebook" in capsys.readouterr().err


def test_a_malformed_file_in_a_batch_is_its_own_row(tmp_path, capsys):
    """One notebook that is not JSON and one file gone do not abort the batch: each is its row, the others
    are checked, and the CSV is written."""
    broken, gone = tmp_path / "quebrado.ipynb", tmp_path / "sumiu.py"
    broken.write_text('{"cells": [')
    good = str(SUBMISSIONS / "correct_loops.py")
    out_csv = tmp_path / "notas.csv"
    assert main([str(broken), good, str(gone), "--csv", str(out_csv)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[1].startswith("✓") and "not a Jupyter notebook" in lines[0]
    assert "no such file" in lines[2] and not lines[0].startswith("✓") and not lines[2].startswith("✓")
    rows = list(csv.DictReader(out_csv.open()))
    assert [r["ok"] for r in rows] == ["0", "1", "0"] and [r["delta_L"] for r in rows] == ["", "pass", ""]
    assert "not a Jupyter notebook" in rows[0]["error"] and "no such file" in rows[2]["error"]


def test_pytest_plugin_runs_one_test_per_function(pytester):
    result = pytester.runpytest_inprocess("--check-backprop", str(SUBMISSIONS / "half_dropped.py"), "-q",
                                          "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, failed=2)   # runs_as_written, sigmoid, delta_l, gradient, optimize pass
    result.stdout.fnmatch_lines(["*half_dropped.py::delta_L*", "*half_dropped*"])


def test_pytest_plugin_checks_a_function_under_the_name_it_is_given(pytester):
    """--check-backprop-name is mlp-check's --name: delta_saida.py's delta_L is its delta_saida (without the
    name, delta_L is skipped as not found and the step chained from it is not offered)."""
    result = pytester.runpytest_inprocess("--check-backprop", str(SUBMISSIONS / "delta_saida.py"),
                                          "--check-backprop-name", "delta_L=delta_saida", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines(["*delta_saida*::delta_L PASSED*"])


@pytest.mark.parametrize("level, shown", [("hint", "*δ⁽²⁾[[]0, 0[]] differs from autograd's*"),
                                          ("verdict", "✗ delta_L * differs from autograd")])
def test_pytest_plugin_reveals_what_its_feedback_level_lets_through(pytester, level, shown):
    """--check-backprop-feedback is mlp-check's --feedback: below full, a failure shows no value of autograd's
    and none of the submission's ("yours" heads both, in the message and above the matrices)."""
    result = pytester.runpytest_inprocess("--check-backprop", str(SUBMISSIONS / "half_dropped.py"),
                                          "--check-backprop-feedback", level, "-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5, failed=2)
    result.stdout.fnmatch_lines([shown])
    assert "yours" not in result.stdout.str() and ("probably:" in result.stdout.str()) == (level == "hint")


@pytest.mark.parametrize("pair, words", [("delta_L", "--check-backprop-name expects LAB=THEIRS*got 'delta_L'"),
                                         ("foo=bar", "unknown function 'foo' in --check-backprop-name; *")])
def test_pytest_plugin_refuses_a_bad_name_in_one_line(pytester, pair, words):
    result = pytester.runpytest_inprocess("--check-backprop", str(SUBMISSIONS / "half_dropped.py"),
                                          "--check-backprop-name", pair, "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if line.strip()]
    assert "Traceback" not in "\n".join(result.outlines + errors) and len(errors) <= 2, errors
    result.stderr.fnmatch_lines([f"*{words}"])


def test_pytest_plugin_offers_the_feedback_levels_of_mlp_check(pytester):
    result = pytester.runpytest_inprocess("--check-backprop", str(SUBMISSIONS / "half_dropped.py"),
                                          "--check-backprop-feedback", "loud", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR   # pytest's own line for an option's choices
    result.stderr.fnmatch_lines(["*--check-backprop-feedback: invalid choice: 'loud' (choose from 'full', 'hint', "
                                 "'verdict')"])


# --- what hostile or unusual files do ---------------------------------------------------------------

def check_source(tmp_path, source: str, name: str = "entrega.py", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(source.encode(encoding))
    plan = lab_plan()
    return result_of_run(name, run_submission(str(path), plan.task({}, LIMIT)), plan, "en", LIMIT)


SIGMOID = "import numpy as np\n\n\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"


@pytest.mark.parametrize("source,encoding", [
    (SIGMOID + "\nif (\n    1\n    != 2\n):\n    pass\n", "utf-8"),        # a line that starts with != is Python
    (SIGMOID + "\nx = (7\n     % 3)\n", "utf-8"),                          # … and one that starts with %
    (SIGMOID, "utf-8-sig"),                                                 # a byte-order mark, as Notepad saves
    (SIGMOID + "\nfor step in range(3):\n    pass\n", "utf-8"),              # a variable named like the lab's step
    (SIGMOID + "\nname = input('nome: ')\nget_ipython().run_line_magic('matplotlib', 'inline')\n", "utf-8"),
])
def test_valid_python_runs_as_python(tmp_path, source, encoding):
    result = check_source(tmp_path, source, encoding=encoding)
    assert result.ok and result.formulas["sigmoid"].ok and "step" not in result.formulas, result.text(120)


@pytest.mark.parametrize("body,returned", [
    ("return 1 / (1 + np.exp(-z)) + 1j", "complex"),
    ("return Weird()", "Weird"),
])
def test_a_return_value_that_is_no_real_array_fails_that_function_only(tmp_path, body, returned):
    source = ("import numpy as np\n\nclass Weird:\n    def __array__(self, *a, **k):\n        raise RuntimeError('no')\n\n"
              f"def sigmoid(z):\n    {body}\n\ndef delta_L(aL, Y):\n    return (aL - Y) * aL * (1 - aL)\n")
    result = check_source(tmp_path, source)
    assert result.formulas["sigmoid"].status == "fail" and returned in result.formulas["sigmoid"].message
    assert result.formulas["delta_L"].ok and result.exit_code == 1


def test_a_file_that_stops_before_defining_anything_says_why(tmp_path):
    result = check_source(tmp_path, "import numpy as np\nimport no_such_module_here\n" + SIGMOID)
    assert result.exit_code == 1 and "ModuleNotFoundError" in result.error and not result.bad_input


def test_a_step_that_several_mistakes_explain_names_them_all(tmp_path):
    source = ("import numpy as np\n\ndef s(z):\n    return 1 / (1 + np.exp(-z))\n\n"
              "def step(X, Y, thetas, eta):\n    t1, t2 = thetas\n    a1 = s(X @ t1.T)\n    a2 = s(a1 @ t2.T)\n"
              "    d2 = (a2 - Y) * a2 * (1 - a2)\n    d1 = d2 @ t2 * a1 * (1 - a1)\n"
              "    return [t1 + eta * d1.T @ X, t2 + eta * d2.T @ a1]\n")
    step = check_source(tmp_path, source).formulas["step"]
    assert set(step.mistake.split(" / ")) == {"residual_sign", "sign_flipped"}


def test_what_a_submission_leaves_running_is_stopped(tmp_path):
    marker = tmp_path / "still-running"
    child = tmp_path / "child.py"
    child.write_text(f"import time\ntime.sleep(1.5)\nopen({str(marker)!r}, 'w').close()\n")
    (tmp_path / "entrega.py").write_text(
        SIGMOID + f"\nimport subprocess, sys\nsubprocess.Popen([sys.executable, {str(child)!r}])\n")
    assert main([str(tmp_path / "entrega.py")]) == 0   # returns well within the child's 1.5 s, even on a busy machine
    time.sleep(2.0)
    assert not marker.exists()


def test_other_names_map_to_the_labs():
    names = {"sigmoid": "sigmoide", "delta_L": "erro_saida", "delta_l": "erro_oculta", "gradient": "gradiente",
             "optimize": "otimizar"}
    plan = lab_plan()
    raw = run_submission(str(SUBMISSIONS / "renamed.py"), plan.task(names, LIMIT))
    result = result_of_run("renamed.py", raw, plan, "en", LIMIT)
    assert result.ok and all(f.ok for f in result.formulas.values()) and set(result.formulas) >= set(names)
    unmapped = result_of_run("renamed.py", run_submission(str(SUBMISSIONS / "renamed.py"), plan.task({}, LIMIT)),
                             plan, "en", LIMIT)
    assert unmapped.exit_code == 2


def test_the_call_that_ran_out_of_time_is_the_verdict_not_a_call_it_skipped():
    """The calls are made in their answers' order (δ⁽ˡ⁾ from the top layer down), not the plan's: when a call
    later in the plan timed out and skipped one earlier in it, the verdict says the time-out."""
    from mlp_harness.check.execute import timeout_error
    from mlp_harness.check.verdict import judge_formula

    probes = [p for p in lab_plan().probes if p.formula == "delta_l"]
    outcomes = {str(p.id): {"skipped": "delta_l"} for p in probes}
    outcomes[str(probes[1].id)] = {"error": timeout_error(1.0), "seconds": 1.0}
    f = judge_formula("delta_l", probes, outcomes, "function", "en")
    assert f.status == "error" and "did not return within 1 s" in f.message, f.message
