"""mlp-check for a whole course: one --name for every file, one rubric and one total for every student,
a batch line and an exit code that tell the truth, JSON numbers that mean what they say, and a hint
toward --name when a function goes by another name.

Most checks run the worker's code in this process (fast); the batch's exit code and lines go through the
CLI, each file in its own process.
"""
import csv
import json
from pathlib import Path

import numpy as np
import pytest

from handins import DELTA_L, DELTA_l, GRADIENT, HEADER, OPTIMIZE, SIGMOID
from language import foreign_lines
from mlp_harness.check import tomlfile
from mlp_harness.check.api import check_names, lab_plan, result_of_run
from mlp_harness.check.report import batch_line, gradescope_json
from mlp_harness.check.rubric import DEFAULT_RUBRIC, Rubric
from mlp_harness.check.verdict import Finding, verdict_diff
from mlp_harness.check.worker import run_submission
from mlp_harness.cli import check_cli
from mlp_harness.cli.check_cli import main

SUBMISSIONS = Path(__file__).parent / "submissions"
#: seconds per cell and per call (generous: see tests/test_check.py)
LIMIT = 10.0

STEP = ("def step(X, Y, thetas, eta):\n    t1, t2 = thetas\n    a1 = 1 / (1 + np.exp(-X @ t1.T))\n"
        "    a2 = 1 / (1 + np.exp(-a1 @ t2.T))\n    d2 = (a2 - Y) * a2 * (1 - a2)\n    d1 = d2 @ t2 * a1 * (1 - a1)\n"
        "    return [t1 - eta * d1.T @ X, t2 - eta * d2.T @ a1]\n\n")
#: the lab's five functions, right; the same with optimize's sign flipped (θ + η∇); a right step() alone
RIGHT = HEADER + SIGMOID + DELTA_L + DELTA_l + GRADIENT + OPTIMIZE
M6 = RIGHT.replace("theta - eta * grad", "theta + eta * grad")
STEP_ONLY = HEADER + STEP
NO_GRADIENT = RIGHT.replace(GRADIENT, "")
#: what a course's rubric may say: other points (10 in all), and a step() that stands in for nothing
REQUIRED = Rubric({"sigmoid": 0.5, "delta_L": 2, "delta_l": 2, "gradient": 2, "optimize": 1, "step": 2.5}, False)


def write(folder: Path, name: str, source: str) -> str:
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return str(path)


def check(path: str, names: dict | None = None, rubric: Rubric = DEFAULT_RUBRIC, lang: str = "en"):
    """What mlp-check decides for one file, the worker's code run in this process."""
    plan = lab_plan()
    raw = run_submission(path, plan.task(check_names(names), LIMIT))
    return result_of_run(Path(path).name, raw, plan, lang, LIMIT, rubric, names)


@pytest.fixture
def in_process(monkeypatch):
    """mlp-check's command line with each file checked in this process (fast): its lines, codes and files."""
    def check_files(paths, *, lang="en", names=None, timeout=None, jobs=1, on_done=None, rubric=None,
                    assignment=None, feedback="full", limits=None, sandbox=False):
        assert assignment is None or assignment.name == "lab1"   # the lab's, as check() checks
        results = [check(p, names, rubric or DEFAULT_RUBRIC, lang) for p in paths]
        for result in results:
            result.feedback = feedback
        return results
    monkeypatch.setattr(check_cli, "check_files", check_files)


# --- 1. a mapping adds a name, it never hides the lab's ---------------------------------------------

@pytest.mark.parametrize("names", [{}, {"optimize": "atualiza_pesos"}, {"optimize": "otimizar", "delta_L": "x"}])
def test_a_mapping_never_hides_the_labs_own_name(tmp_path, names):
    optimize = check(write(tmp_path, "m6.py", M6), names).formulas["optimize"]
    assert (optimize.status, optimize.mistake) == ("fail", "sign_flipped")


def test_the_mapped_name_comes_first(tmp_path):
    """A file with both names: the mapped one is the one checked (here the right one)."""
    source = M6 + "def atualiza_pesos(theta, grad, eta):\n    return theta - eta * grad\n"
    assert check(write(tmp_path, "both.py", source), {"optimize": "atualiza_pesos"}).formulas["optimize"].ok


# --- 4. max_abs_diff: null when nothing was compared, never a 0.0 beside a failure --------------------

GLOBAL_X = "X = np.array([[0.5, 0.1], [0.2, 0.6]])\n"


@pytest.mark.parametrize("source,names", [
    (RIGHT.replace("delta.T @ a_prev", "delta.T @ X") + GLOBAL_X, ("gradient", "step")),   # the lab's X: a
    #   right answer on the lab's cases, a ValueError on the others
    (RIGHT.replace("return theta - eta * grad", "theta - eta * grad"), ("optimize", "step")),   # returns None
    (RIGHT.replace("return theta - eta * grad", "return (theta - eta * grad)[:, :2]"), ("optimize", "step")),
    #   θ⁽¹⁾ of the lab (3, 2) comes back right, θ⁽²⁾ (1, 3) cut to the wrong shape
], ids=["global", "none", "shape"])
def test_a_failure_that_compared_nothing_has_no_max_abs_diff(tmp_path, source, names):
    result = check(write(tmp_path, "entrega.py", source))
    formulas = json.loads(json.dumps(result.to_json()))["formulas"]
    assert all(formulas[n]["status"] in ("fail", "error") for n in names), formulas
    assert [formulas[n]["max_abs_diff"] for n in names] == [None] * len(names)


def test_a_wrong_value_reports_the_difference_it_found():
    """half_dropped.py: the max |Δ| of the failed delta_L is at least the |Δ| of its first differing entry."""
    f = check(str(SUBMISSIONS / "half_dropped.py")).formulas["delta_L"]
    assert f.status == "fail" and f.max_abs_diff >= abs(f.first_mismatch["got"] - f.first_mismatch["expected"]) > 0


@pytest.mark.parametrize("diffs,expected", [
    ([("pass", 1e-16), ("fail", 0.5)], 0.5),
    ([("pass", 1e-16), ("error", None)], None),          # an exception compared nothing
    ([("pass", 1e-16), ("fail", float("nan"))], "nan"),   # not a number: NaN (null in JSON), in either order
    ([("fail", float("nan")), ("pass", 1e-16)], "nan"),
    ([("pass", 1e-16), ("pass", 2e-16)], 2e-16),
])
def test_the_verdicts_max_abs_diff(diffs, expected):
    got = verdict_diff([Finding(status, diff) for status, diff in diffs])
    assert (np.isnan(got) if expected == "nan" else got == expected), got


def test_a_batch_with_one_mapping_fails_the_wrong_unmapped_file(tmp_path, capsys):
    """Each file in its own process, as a course is checked."""
    files = [write(tmp_path, "m6_sinal_optimize.py", M6), str(SUBMISSIONS / "renamed.py")]
    names = ["sigmoid=sigmoide", "delta_L=erro_saida", "delta_l=erro_oculta", "gradient=gradiente",
             "optimize=otimizar"]
    assert main(files + [f"--name={n}" for n in names] + ["--jobs", "2"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"✗ 4/6 {files[0]}  optimize: sign_flipped", f"✓ 6/6 {files[1]}"]


# --- 2. one rubric, one total for every student -----------------------------------------------------

SOURCES = {"right": RIGHT, "m6": M6, "step_only": STEP_ONLY, "no_gradient": NO_GRADIENT,
           "no_gradient_step": NO_GRADIENT + STEP, "no_sigmoid": RIGHT.replace(SIGMOID, ""),
           "step_wrong_delta": STEP_ONLY + DELTA_L.replace("(aL - Y)", "(Y - aL)"),
           "blank": RIGHT.replace("return (aL - Y) * aL * (1 - aL)", "raise NotImplementedError")}


@pytest.mark.parametrize("source,rubric,line", [
    ("right", DEFAULT_RUBRIC, "✓ 6/6 f.py"),
    ("m6", DEFAULT_RUBRIC, "✗ 4/6 f.py  optimize: sign_flipped"),            # the chained step: optimize's fault
    ("step_only", DEFAULT_RUBRIC, "✓ 6/6 f.py"),                             # a right step() stands in …
    ("step_only", REQUIRED, "– 2.5/10 f.py  sigmoid, delta_L, delta_l, gradient, optimize: not found"),  # … or not
    ("step_wrong_delta", DEFAULT_RUBRIC, "✗ 5/6 f.py  delta_L: residual_sign"),   # never for a wrong one
    ("no_sigmoid", DEFAULT_RUBRIC, "– 5/6 f.py  sigmoid: not found"),       # the chain is no step() of theirs
    ("no_gradient", DEFAULT_RUBRIC, "– 4/6 f.py  gradient, step: not found"),   # no chain: still out of 6
    ("no_gradient_step", REQUIRED, "– 8/10 f.py  gradient: not found"),
    ("blank", DEFAULT_RUBRIC, "– 4/6 f.py  delta_L: not implemented yet; step: not found"),   # no chain either
])
def test_the_batch_line_gives_the_score_and_what_cost_points(tmp_path, source, rubric, line):
    result = check(write(tmp_path, "f.py", SOURCES[source]), rubric=rubric)
    assert (batch_line(result), result.max_score) == (line, rubric.total)


def test_a_file_never_read_is_a_cross_one_with_nothing_to_check_a_dash(tmp_path):
    """In a batch a file that is not a notebook is a ✗, as one that did not run; one that ran and defines
    none of the functions is a –, as functions not there."""
    from mlp_harness.check.api import unreadable
    from mlp_harness.check.rubric import DEFAULT_RUBRIC
    (tmp_path / "f.ipynb").write_text("{not json", encoding="utf-8")
    line = batch_line(unreadable(str(tmp_path / "f.ipynb"), "en", DEFAULT_RUBRIC))
    assert line.startswith(f"✗ 0/6 {tmp_path / 'f.ipynb'}  not a Jupyter notebook"), line
    assert batch_line(check(write(tmp_path, "g.py", "x = 1\n"))).startswith("– 0/6 ")


@pytest.mark.parametrize("sources,code", [
    (["right", "step_only"], 0),        # full marks, each its own way
    (["right", "no_gradient"], 1),      # a function missing is below full marks in a batch …
    (["no_gradient"], 0),               # … but one file alone keeps its verdict: missing is listed, not failed
    (["right", "blank"], 1),
])
def test_a_batch_exits_1_when_a_file_is_below_full_marks(tmp_path, in_process, capsys, sources, code):
    assert main([write(tmp_path, f"{i}_{s}.py", SOURCES[s]) for i, s in enumerate(sources)]) == code


RUBRIC_FILE = """[points]
sigmoid = 0.5
delta_L = 2
delta_l = 2
gradient = 2
optimize = 1
step = 2.5

[policy]
step = "required"
"""


def test_every_graders_file_has_the_rubrics_total(tmp_path, in_process, capsys):
    rubric = write(tmp_path, "rubrica.toml", RUBRIC_FILE)
    files = [write(tmp_path, f"{s}.py", SOURCES[s]) for s in ("right", "step_only", "no_gradient")]
    out_csv, out_json, out_gs = (str(tmp_path / n) for n in ("notas.csv", "v.json", "results.json"))
    assert main(files + ["--rubric", rubric, "--csv", out_csv, "--json", out_json]) == 1
    rows = list(csv.DictReader(open(out_csv, encoding="utf-8")))
    assert [(r["ok"], r["score"], r["max_score"]) for r in rows] == [("1", "10", "10"), ("0", "2.5", "10"),
                                                                     ("0", "5.5", "10")]
    verdicts = json.loads(Path(out_json).read_text())
    assert [(v["ok"], v["score"], v["max_score"]) for v in verdicts] == [(True, 10, 10), (False, 2.5, 10),
                                                                         (False, 5.5, 10)]
    assert verdicts[2]["formulas"]["gradient"] == verdicts[2]["formulas"]["gradient"] | {"status": "missing",
                                                                                         "points": 0}
    assert main([files[1], "--rubric", rubric, "--gradescope", out_gs]) == 0   # one file: its own verdict
    results = json.loads(Path(out_gs).read_text())
    tests = {t["name"].split(":")[0]: (t["score"], t["max_score"]) for t in results["tests"]}
    assert tests == {"sigmoid": (0, 0.5), "delta_L": (0, 2), "delta_l": (0, 2), "gradient": (0, 2), "optimize": (0, 1),
                     "step": (2.5, 2.5)}
    assert (results["score"], results["max_score"]) == (2.5, 10)


def test_a_right_step_earns_the_points_of_the_functions_it_stands_in_for(tmp_path, in_process, capsys):
    out = str(tmp_path / "results.json")
    assert main([write(tmp_path, "f.py", STEP_ONLY), "--gradescope", out]) == 0
    results = json.loads(Path(out).read_text())
    assert (results["score"], results["max_score"]) == (6, 6)
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] == 1 for t in results["tests"])
    assert "agrees with autograd, which earns its points" in results["tests"][0]["output"]


@pytest.mark.parametrize("text,words", [
    ("[points]\nsigmoid = = 1\n", "not TOML at line 2, column 11"),
    (RUBRIC_FILE.replace("delta_L", "delta_1"), "unknown key 'delta_1' in [points]"),
    (RUBRIC_FILE.replace("gradient = 2\n", ""), "[points] has no 'gradient'"),
    (RUBRIC_FILE.replace("optimize = 1", "optimize = -1"), "[points] optimize = -1"),
    (RUBRIC_FILE.replace("optimize = 1", "optimize = true"), "[points] optimize = True"),
    (RUBRIC_FILE.replace("optimize = 1", "optimize = \"1\""), "[points] optimize = '1'"),
    (RUBRIC_FILE.replace("optimize = 1", "optimize = nan"), "[points] optimize = nan"),
    (RUBRIC_FILE.replace('"required"', '"sometimes"'), "[policy] step = 'sometimes'"),
    (RUBRIC_FILE.replace("[policy]", "[policy]\nchain = 1"), "unknown key 'chain' in [policy]"),
    (RUBRIC_FILE.replace("[points]", "[pontos]"), "unknown key 'pontos'"),
    ("[policy]\nstep = 'required'\n", "no [points] table"),
    ("[points]\n" + "".join(f"{name} = 0\n" for name in DEFAULT_RUBRIC.points), "[points] are all 0"),
])
def test_a_bad_rubric_is_one_line_naming_the_key_and_exit_2(tmp_path, capsys, text, words):
    rubric = write(tmp_path, "rubrica.toml", text)
    assert main([write(tmp_path, "f.py", RIGHT), "--rubric", rubric]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and "Traceback" not in err, err


# --- 5. a hint toward --name ------------------------------------------------------------------------

@pytest.mark.parametrize("source,defined", [
    ("def f(a, b=1):\n    pass\n", {"f": [1, 2]}),
    ("def f(*args):\n    pass\n", {"f": [0, None]}),
    ("def f(a, *, key):\n    pass\n", {}),                        # needs a keyword: no positional call fits
    ("def f(a, *, key=1):\n    pass\n", {"f": [1, 1]}),
    ("s = lambda z: z\n", {"s": [1, 1]}),                          # under the name it holds
    ("from os.path import join\nimport math\nclass C:\n    def m(self, x):\n        pass\n", {}),   # not its own
    ("def f(a):\n    pass\ng = f\ndel f\n", {"g": [1, 1]}),
])
def test_the_worker_reports_the_submissions_own_functions_and_arities(tmp_path, source, defined):
    raw = run_submission(write(tmp_path, "f.py", source), lab_plan().task({}, LIMIT))
    assert raw["defined"] == defined


H4 = RIGHT.replace("def delta_L(aL, Y)", "def delta_saida(aL, Y)")


@pytest.mark.parametrize("source,names,function,hint", [
    (H4, {}, "delta_L", "not found (same arity: delta_saida — try --name delta_L=delta_saida)"),
    (H4.replace("def delta_saida(aL, Y)", "def delta_saida(aL, Y, extra)"), {}, "delta_L", "not found"),
    (H4.replace("def gradient(", "def grad("), {"gradient": "grad"}, "delta_L",   # a mapped name is taken …
     "not found (same arity: delta_saida — try --name delta_L=delta_saida)"),
    (RIGHT.replace("def sigmoid(z)", "def sig(z)").replace("def gradient(", "def grad("), {}, "sigmoid",
     "not found (same arity: sig — try --name sigmoid=sig)"),          # … and so is a lab name
])
def test_a_function_not_found_names_those_of_its_arity(tmp_path, source, names, function, hint):
    assert check(write(tmp_path, "h4.py", source), names).formulas[function].message == hint


def test_the_hint_reaches_the_batch_line_and_the_json(tmp_path):
    result = check(write(tmp_path, "h4.py", H4))
    assert batch_line(result) == ("– 4/6 h4.py  delta_L: not found (same arity: delta_saida — try --name "
                                  "delta_L=delta_saida); step: not found")
    assert result.to_json()["formulas"]["delta_L"]["same_arity"] == ["delta_saida"]
    assert "same_arity" not in result.to_json()["formulas"]["sigmoid"]


@pytest.mark.parametrize("source", ["m6", "no_gradient", "blank", "step_only", "h4"])
def test_the_graders_texts_speak_portuguese(tmp_path, source):
    result = check(write(tmp_path, "f.py", {**SOURCES, "h4": H4}[source]), lang="pt")
    report = gradescope_json(result)
    texts = [batch_line(result), report["output"]] + [t[k] for t in report["tests"] for k in ("name", "output")]
    assert not foreign_lines("\n".join(texts), "pt"), foreign_lines("\n".join(texts), "pt")


def test_without_a_toml_parser_the_rubric_says_so_in_one_line(tmp_path, capsys, monkeypatch):
    """Python 3.10 has no tomllib: without the tomli package, --rubric is one line, exit 2 (no traceback)."""
    monkeypatch.setattr(tomlfile, "tomllib", None)
    assert main([write(tmp_path, "f.py", RIGHT), "--rubric", write(tmp_path, "r.toml", RUBRIC_FILE)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Python 3.11 or newer, or the tomli package" in err, err
