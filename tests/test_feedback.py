"""mlp-check for a course, continued: how much the feedback reveals (--feedback full|hint|verdict, Gradescope's
Markdown and visibility).

The submissions run through the worker's own code in this process (fast), as in tests/test_grading.py; the
command line is run with that in place of its worker processes, so its options and files are what is tested.
"""
import contextlib
import dataclasses
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from handins import DELTA_L, DELTA_l, GRADIENT, HEADER, OPTIMIZE, SIGMOID
from language import foreign_lines
from mlp_harness.check import check_lab
from mlp_harness.check.api import check_names, lab_plan, result_of_run
from mlp_harness.check.feedback import LEVELS
from mlp_harness.check.report import batch_line, gradescope_json, md_escape
from mlp_harness.check.result import CheckResult
from mlp_harness.check.rubric import DEFAULT_RUBRIC
from mlp_harness.check.verdict import without_numbers
from mlp_harness.check.worker import run_submission
from mlp_harness.cli import check_cli
from mlp_harness.cli.check_cli import main

SUBMISSIONS = Path(__file__).parent / "submissions"
#: seconds per cell and per call (generous: see tests/test_check.py)
LIMIT = 10.0

RIGHT = HEADER + SIGMOID + DELTA_L + DELTA_l + GRADIENT + OPTIMIZE
#: a mistake no catalogue names — σ′ without its (1 − a) — written twice, vectorized and as a loop (the two
#: round differently: they must still be grouped), and another unnamed one
NO_ONE_MINUS = RIGHT.replace("(aL - Y) * aL * (1 - aL)", "aL * (aL - Y)")
NO_ONE_MINUS_LOOP = RIGHT.replace(
    "    return (aL - Y) * aL * (1 - aL)\n",
    "    out = np.zeros_like(aL)\n    for i in range(aL.shape[0]):\n        for j in range(aL.shape[1]):\n"
    "            out[i, j] = (aL[i, j] - Y[i, j]) * aL[i, j]\n    return out\n")
NO_A = RIGHT.replace("(aL - Y) * aL * (1 - aL)", "(aL - Y) * (1 - aL)")
SOURCES = {
    "right": RIGHT,
    "sign": RIGHT.replace("theta - eta * grad", "theta + eta * grad"),          # optimize: sign_flipped
    "no_one_minus": NO_ONE_MINUS, "no_one_minus_loop": NO_ONE_MINUS_LOOP, "no_a": NO_A,
    "no_gradient": RIGHT.replace(GRADIENT, ""),
    # delta_l prints what it was given — autograd's δ⁽ˡ⁺¹⁾ — in its error message
    "echo": RIGHT.replace("    return delta_next @ theta_next * al * (1 - al)\n",
                          "    raise ValueError(f'no: {delta_next}')\n"),
    # a step() of its own whose new θ⁽²⁾ is off: a step's values are autograd's too
    "step": HEADER + "def step(X, Y, thetas, eta):\n    t1, t2 = thetas\n    a1 = 1 / (1 + np.exp(-X @ t1.T))\n"
            "    a2 = 1 / (1 + np.exp(-a1 @ t2.T))\n    d2 = (a2 - Y) * a2 * (1 - a2)\n"
            "    d1 = d2 @ t2 * a1 * (1 - a1)\n    return [t1 - eta * d1.T @ X, t2 + eta * d2.T @ a1]\n",
    "nonfinite": RIGHT.replace("1 / (1 + np.exp(-z))", "np.log(z - 10)"),        # sigmoid: NaN
}


def write(folder: Path, name: str, source: str) -> str:
    path = folder / name
    path.write_text(source, encoding="utf-8")
    return str(path)


def check(path: str, lang: str = "en", feedback: str = "full") -> CheckResult:
    """What mlp-check decides for one file, the worker's code run in this process (what the file prints kept
    apart, as the worker keeps it: it is not the checker's output)."""
    plan = lab_plan()
    with contextlib.redirect_stdout(io.StringIO()):
        raw = run_submission(path, plan.task(check_names({}), LIMIT))
    result = result_of_run(Path(path).name, raw, plan, lang, LIMIT, DEFAULT_RUBRIC, {})
    result.feedback = feedback
    return result


@pytest.fixture
def in_process(monkeypatch):
    """mlp-check's command line with each file checked in this process (fast)."""
    def check_files(paths, *, lang="en", names=None, timeout=None, jobs=1, on_done=None, rubric=DEFAULT_RUBRIC,
                    assignment=None, feedback="full", limits=None, sandbox=False):
        assert assignment is None or assignment.name == "lab1"   # the lab's, as check() checks
        return [check(p, lang, feedback) for p in paths]
    monkeypatch.setattr(check_cli, "check_files", check_files)


# --- 7. how much the feedback reveals -----------------------------------------------------------------

def autograd_strings(results: list[CheckResult]) -> set[str]:
    """Every value autograd computed that a failing hand-in's outputs could show, as the tools print numbers
    (8 decimals, or Python's repr in JSON), without its sign: every probe's answer (the answers that are
    another call's inputs too — δ, a, ∂J/∂θ — among them) and each failed row's own expected values (a
    step's θ after a step from the submission's θ). Only values of six significant digits or more: no
    shape, index, η or max |Δ| of a passing row matches one by chance."""
    values = [p.expected for p in lab_plan().probes]
    values += [np.atleast_1d(f.expected) for r in results for f in r.formulas.values() if f.expected is not None]
    values += [np.array([f.first_mismatch["expected"]]) for r in results for f in r.formulas.values()
               if f.first_mismatch and "expected" in f.first_mismatch]
    strings = set()
    for x in np.abs(np.concatenate([np.ravel(v) for v in values])):
        if 1e-4 <= x < 1e4:
            strings |= {f"{x:.8f}".rstrip("0"), f"{x:.8f}", repr(float(x))}
    return {s for s in strings if len(s.replace("0.", "").lstrip("0").replace(".", "")) >= 6}


def everything_written(results: list[CheckResult], monkeypatch, capsys, level: str) -> str:
    """The terminal, the JSON, Gradescope's results.json, the batch lines and check_lab's HTML table, at
    ``level`` — every place a student can read a verdict (the command line given these results as its own)."""
    by_path = {r.file: r for r in results}
    monkeypatch.setattr(check_cli, "check_files", lambda paths, feedback="full", **kwargs: [
        dataclasses.replace(by_path[p], feedback=feedback) for p in paths])
    folder = Path(results[0].file).parent
    out_json, out_gs = folder / f"{level}.json", folder / f"{level}_gs.json"
    main([results[0].file, "--feedback", level, "--json", str(out_json), "--gradescope", str(out_gs)])
    main(list(by_path) + ["--feedback", level, "--details"])
    texts = [capsys.readouterr().out, out_json.read_text(encoding="utf-8"), out_gs.read_text(encoding="utf-8")]
    for r in results:
        r = dataclasses.replace(r, feedback=level)
        texts += [r.text(100), r._repr_html_(), json.dumps(r.to_json(), ensure_ascii=False), batch_line(r),
                  json.dumps(gradescope_json(r), ensure_ascii=False)]
    return "\n".join(texts)


def test_hint_and_verdict_show_no_number_autograd_computed(tmp_path, monkeypatch, capsys):
    names = ["sign", "echo", "step", "nonfinite", "no_one_minus"]
    results = [check(write(tmp_path, f"{n}.py", SOURCES[n])) for n in names]
    results.append(check(str(SUBMISSIONS / "lab_fix_sign.ipynb")))
    for r, path in zip(results, [tmp_path / f"{n}.py" for n in names] + [SUBMISSIONS / "lab_fix_sign.ipynb"]):
        r.file = str(path)
    assert all(not r.ok for r in results)
    secrets = autograd_strings(results)
    full = everything_written(results, monkeypatch, capsys, "full")
    shown = {s for s in secrets if s in full}
    assert len(shown) >= 10, shown         # the check can fail: at full, autograd's values are all there
    assert "no: [[" in full                # (the echoed δ too)
    for level in ("hint", "verdict"):
        text = everything_written(results, monkeypatch, capsys, level)
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, (level, leaked)


def test_hint_keeps_where_and_why_verdict_keeps_the_marks(tmp_path):
    path = str(SUBMISSIONS / "lab_fix_sign.ipynb")
    hint, verdict = check(path, feedback="hint"), check(path, feedback="verdict")
    assert hint.text(100).splitlines()[2:5] == [
        "✗ delta_L   BP1  δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)",
        "    case lab (N = 2, η = 0.1): δ⁽²⁾[0, 0] differs from autograd's",
        "    probably: residual_sign: the residual is taken the other way round (computes (y − a⁽ᴸ⁾) ⊙ a⁽ᴸ⁾(1"]
    assert "right:" not in hint.text(100) and "autograd δ⁽²⁾" not in hint.text(100)   # no formula, no matrix
    assert hint.to_json()["formulas"]["delta_L"]["first_mismatch"] == {
        "case": "lab", "call": "delta_L(a⁽²⁾ (2, 1), Y (2, 1))", "target": "δ⁽²⁾", "index": [0, 0]}
    assert verdict.text(100).splitlines()[1:] == [
        "✓ sigmoid", "✗ delta_L   differs from autograd", "✓ delta_l", "✓ gradient", "✓ optimize",
        "✗ step      differs from autograd", "FAIL: delta_L, step differ from autograd"]
    formulas = verdict.to_json()["formulas"]
    assert (formulas["delta_L"]["diagnosis"], formulas["delta_L"]["first_mismatch"]) == (None, None)
    assert verdict.to_json()["feedback"] == "verdict"


@pytest.mark.parametrize("name", ["right", "sign", "no_gradient", "echo", "step"])
def test_the_level_changes_what_is_said_never_the_verdict(tmp_path, name):
    path = write(tmp_path, "f.py", SOURCES[name])
    seen = {level: check(path, feedback=level) for level in LEVELS}
    decided = {level: (r.ok, r.score, r.full_marks, r.exit_code, {n: f["status"] for n, f in
                                                                   r.to_json()["formulas"].items()})
               for level, r in seen.items()}
    assert decided["hint"] == decided["full"] == decided["verdict"]


@pytest.mark.parametrize("level", ["hint", "verdict"])
def test_every_level_speaks_one_language(tmp_path, level):
    for lang in ("pt", "en"):
        results = [check(write(tmp_path, f"{n}.py", SOURCES[n]), lang, level) for n in ("sign", "echo", "step")]
        texts = [t for r in results for t in (r.text(100), r._repr_html_(), batch_line(r))]
        texts += [test[key] for r in results for test in gradescope_json(r)["tests"] for key in ("name", "output")]
        assert not foreign_lines("\n".join(texts), lang), foreign_lines("\n".join(texts), lang)


def test_an_error_message_keeps_its_shapes_but_not_its_numbers():
    assert without_numbers("shapes (5,2) and (2,5) not aligned: 2 (dim 1) != 5") == \
        "shapes (5,2) and (2,5) not aligned: 2 (dim 1) != 5"
    assert without_numbers("no: [[-0.02258058]\n [ 0.04676233]] 1e-3 −2.5E+04 .5") == "no: [[…]\n [ …]] … … …"


def test_check_lab_takes_the_level_and_refuses_another():
    def delta_L(aL, Y):
        return (Y - aL) * aL * (1 - aL)
    result = check_lab(delta_L=delta_L, feedback="hint")
    assert result.formulas["delta_L"].status == "fail"
    assert "autograd −" not in result.text(100) and "right:" not in result._repr_html_()
    assert check_lab(delta_L=delta_L, feedback="verdict").text(100).splitlines()[0] == \
        "✗ delta_L   differs from autograd"
    with pytest.raises(ValueError, match="feedback must be one of full, hint, verdict"):
        check_lab(delta_L=delta_L, feedback="some")


@pytest.mark.parametrize("visibility", ["visible", "hidden", "after_due_date", "after_published"])
def test_gradescope_results_are_markdown_with_the_visibility_asked_for(tmp_path, in_process, capsys, visibility):
    out = tmp_path / "results.json"
    path = str(SUBMISSIONS / "lab_fix_sign.ipynb")
    assert main([path, "--gradescope", str(out), "--gradescope-visibility", visibility]) == 1
    results = json.loads(out.read_text(encoding="utf-8"))
    assert (results["output_format"], results["test_output_format"], results["visibility"],
            results["stdout_visibility"]) == ("md", "md", visibility, "hidden")
    assert {(t["output_format"], t["visibility"]) for t in results["tests"]} == {("md", visibility)}
    delta_L = results["tests"][1]["output"].split("\n\n")
    assert delta_L[0] == ("case lab (N = 2, η = 0.1): δ⁽²⁾\\[0, 0\\] — autograd −0.02258058, yours 0.02258058 "
                          "(|Δ| = 4.52e-02)")
    assert delta_L[2].startswith("**probably:** residual_sign: the residual")
    assert delta_L[3].startswith("```text\nautograd δ⁽²⁾ │ yours\n") and delta_L[3].endswith("\n```")


def test_gradescope_visibility_alone_is_bad_input(tmp_path, capsys):
    assert main([str(SUBMISSIONS / "half_dropped.py"), "--gradescope-visibility", "hidden"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "give --gradescope too" in err
    assert main([str(SUBMISSIONS / "half_dropped.py"), "--gradescope", str(tmp_path / "r.json"),
                 "--gradescope-visibility", "soon"]) == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["case lab: δ⁽²⁾[0, 0] — a * b", "delta_L: mean_instead_of_sum", "__init__ <b>",
                                  "# not a heading", "- not a list", "12. nor this", "a|b `c` ~d~ &amp; \\n"])
def test_markdown_shows_the_text_as_written(text):
    escaped, cell = md_escape(text), md_escape(text, cell=True)
    assert re.sub(r"\\(.)", r"\1", escaped) == re.sub(r"\\(.)", r"\1", cell) == text   # only backslashes added …
    assert not re.search(r"(?<!\\)[*`<>~&\[\]]", escaped)                 # … before every markup character
    assert not re.search(r"(?<!\\)\|", cell)                               # (a bar ends a table's cell)
    assert not re.match(r"\s*(?:[#>+=-]|\d+[.)])", escaped)               # … and what would start a block
    assert ("mean_instead_of_sum" in escaped) == ("mean_instead_of_sum" in text)   # a word's _ stays
