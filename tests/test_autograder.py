"""mlp-kit --gradescope: the autograder zip, unpacked into a folder laid out like Gradescope's /autograder, its
setup.sh run into the student's venv (student_env.py: torch and NumPy at this environment's versions, which
are the versions requirements.txt pins; pip offline, the wheel from the zip), and its run_autograder run on
four hand-ins as Gradescope runs it, one at a time: a right .py, a wrong one, a notebook with a syntax error
and an empty submission folder. Every results.json is held to Gradescope's documented schema.

Built and run once, on a background thread, beside the other tests (as test_kit.py's notebook): about 8 s on
a 2-core machine, most of it pip and torch imported by each run. The right hand-in and the empty folder run in
the venv (they prove the installed wheel grades offline); the wrong one and the syntax error are graded in
this process, in the same unpacked bundle with run_autograder's own options (IN_PROCESS): their verdicts are
made by the same code, without a torch import and a plan each. Likewise the starter repository's first test
(its setup installs the wheel) runs in the venv, the others in this process by the command autograding.json
gives. The hand-in search and the results written when there is nothing to check are tested in this process
too, without the venv.
"""
import atexit
import contextlib
import importlib.metadata
import inspect
import io
import json
import os
import shlex
import shutil
import stat
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

import background
import exercise_solution
from language import foreign_lines
from student_env import student_environ, student_python
from mlp_harness.check.assignment import load_assignment
from mlp_harness.check.report import VISIBILITIES, md_escape
from mlp_harness.check.rubric import load_rubric
from mlp_harness.cli import autograder, function_test, kit_cli
from mlp_harness.i18n import tr
from mlp_harness.kit import classroom as classroom_module
from mlp_harness.kit import gradescope as gradescope_module
from mlp_harness.kit.classroom import make_classroom
from mlp_harness.kit.gradescope import make_gradescope

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"
#: seconds setup.sh and each run_autograder may take (they take a few)
RUN_TIMEOUT = 240
#: a rubric whose points all differ, so that a score tells which functions earned theirs
RUBRIC = "[points]\nsigmoid = 1\ndelta_L = 2\ndelta_l = 2.5\ngradient = 3\noptimize = 0.25\nstep = 1.25\n"
TOTAL = 10
NOTEBOOK_WITH_SYNTAX_ERROR = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
    {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
     "source": "def sigmoid(z)\n    return 1 / (1 + np.exp(-z))\n"}]}
#: the hand-ins: the submission folder's files, by case
HANDINS = {"right": {"Lab1 - Ana (1).py": (SUBMISSIONS / "correct_loops.py").read_bytes()},
           "wrong": {"entrega/lab1.py": (SUBMISSIONS / "one_minus_forgotten.py").read_bytes()},
           "syntax": {"lab1-exercicio.ipynb": json.dumps(NOTEBOOK_WITH_SYNTAX_ERROR).encode()},
           "empty": {}}
#: the hand-ins graded in this process by the bundle's options (the others are graded in the student's venv)
IN_PROCESS = ("wrong", "syntax")


# --- Gradescope's results.json ------------------------------------------------------------------------------

#: the keys Gradescope's specification documents, at the top level and in a test
TOP_KEYS = {"score", "max_score", "execution_time", "output", "output_format", "test_output_format",
            "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format", "tags",
             "visibility", "extra_data"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def schema_errors(results) -> list[str]:
    """What in ``results`` Gradescope's specification does not allow (empty when it is valid)."""
    if not isinstance(results, dict):
        return ["not an object"]
    errors = [f"unknown key {k!r}" for k in set(results) - TOP_KEYS]
    errors += [] if number(results.get("score")) or "tests" in results else ["no score and no tests"]
    errors += [f"{k} is not a number" for k in ("score", "max_score") if k in results and not number(results[k])]
    errors += [f"{k} is not text" for k in ("output",) if k in results and not isinstance(results[k], str)]
    errors += [f"{k} {results[k]!r}" for k in ("output_format", "test_output_format") if k in results
               and results[k] not in FORMATS]
    errors += [f"{k} {results[k]!r}" for k in ("visibility", "stdout_visibility") if k in results
               and results[k] not in VISIBILITIES]
    if not isinstance(results.get("tests", []), list):
        return errors + ["tests is not a list"]
    for i, test in enumerate(results.get("tests", [])):
        errors += [f"tests[{i}]: {e}" for e in entry_errors(test)]
    return errors


def entry_errors(test) -> list[str]:
    if not isinstance(test, dict):
        return ["not an object"]
    errors = [f"unknown key {k!r}" for k in set(test) - TEST_KEYS]
    errors += [f"{k} is not a number" for k in ("score", "max_score") if k in test and not number(test[k])]
    errors += [f"{k} is not text" for k in ("name", "output") if k in test and not isinstance(test[k], str)]
    if test.get("status", "passed") not in ("passed", "failed"):
        errors.append(f"status {test['status']!r}")
    if test.get("output_format", "md") not in FORMATS:
        errors.append(f"output_format {test['output_format']!r}")
    if test.get("visibility", "visible") not in VISIBILITIES:
        errors.append(f"visibility {test['visibility']!r}")
    return errors


def test_the_schema_check_finds_what_gradescope_would_refuse():
    good = {"score": 1, "output": "", "visibility": "visible", "tests": [{"name": "a", "score": 1, "max_score": 1}]}
    assert schema_errors(good) == []
    assert schema_errors({**good, "score": "1"}) == ["score is not a number"]
    assert schema_errors({**good, "visibility": "everyone"}) == ["visibility 'everyone'"]
    assert schema_errors({**good, "grade": 1}) == ["unknown key 'grade'"]
    assert schema_errors({**good, "tests": [{"name": "a", "score": True}]}) == ["tests[0]: score is not a number"]
    assert schema_errors({**good, "tests": [{"name": "a", "status": "ok"}]}) == ["tests[0]: status 'ok'"]


# --- the bundle, set up and run as Gradescope runs it --------------------------------------------------------

def unpack(bundle: Path, base: Path) -> None:
    """The zip in base/source, its files' modes kept (as unzip keeps them), run_autograder copied to base."""
    source = base / "source"
    with zipfile.ZipFile(bundle) as archive:
        for info in archive.infolist():
            target = Path(archive.extract(info, source))
            target.chmod(stat.S_IMODE(info.external_attr >> 16))
    shutil.copy2(source / "run_autograder", base / "run_autograder")


def run(command: list, base: Path, python: Path) -> subprocess.CompletedProcess:
    env = student_environ() | {"AUTOGRADER_ROOT": str(base), "AUTOGRADER_PYTHON": str(python)}
    return subprocess.run(command, env=env, cwd=base, capture_output=True, text=True, timeout=RUN_TIMEOUT)


def hand_in(base: Path, files: dict[str, bytes]) -> None:
    """A fresh submission folder holding ``files``, and an empty results folder."""
    for folder in ("submission", "results"):
        shutil.rmtree(base / folder, ignore_errors=True)
        (base / folder).mkdir()
    for name, data in files.items():
        (base / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (base / "submission" / name).write_bytes(data)


def grade(base: Path, python: Path, files: dict[str, bytes]) -> dict:
    """run_autograder on a fresh submission folder holding ``files``: its exit code and results.json."""
    hand_in(base, files)
    done = run([str(base / "run_autograder")], base, python)
    results = base / "results" / "results.json"
    return {"code": done.returncode, "stderr": done.stderr,
            "results": json.loads(results.read_text(encoding="utf-8")) if results.exists() else None}


def execute(tmp: Path) -> dict:
    (tmp / "rubrica.toml").write_text(RUBRIC)
    bundle = make_gradescope(tmp / "autograder.zip", rubric=str(tmp / "rubrica.toml"), lang="pt")
    base = tmp / "autograder"
    unpack(bundle.path, base)
    python = student_python(tmp)
    setup = run(["bash", str(base / "source" / "setup.sh")], base, python)
    where = run([str(python), "-I", "-c", "import mlp_harness; print(mlp_harness.__file__)"], base, python)
    found = {"names": bundle.names, "setup": (setup.returncode, setup.stdout + setup.stderr), "venv": python.parents[1],
             "package": Path(where.stdout.strip()).resolve() if where.returncode == 0 else None, "base": base}
    found |= {case: grade(base, python, files) for case, files in HANDINS.items() if case not in IN_PROCESS}
    found["classroom"] = classroom(tmp / "classroom", python.parents[1])
    return found


def run_line_options(base: Path) -> list[str]:
    """The options the bundle's run_autograder gives ``python -m mlp_harness.cli.autograder``, as bash
    expands them there ($SOURCE: the unpacked bundle's source folder)."""
    line = (base / "run_autograder").read_text(encoding="utf-8").splitlines()[-1]
    head, _, options = line.partition(" -m mlp_harness.cli.autograder ")
    assert options, line
    return shlex.split(options.replace("$SOURCE", str(base / "source")))


def grade_in_process(base: Path, files: dict[str, bytes]) -> dict:
    """As :func:`grade`, but run_autograder's Python part run in this process, with the bundle's options."""
    hand_in(base, files)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code, results = results_of(base, run_line_options(base))
    return {"code": code, "stderr": out.getvalue(), "results": results}


#: the course's rubric for GitHub Classroom (whole points; optimize worth none, so it has no test)
CLASSROOM_RUBRIC = "[points]\nsigmoid = 1\ndelta_L = 2\ndelta_l = 3\ngradient = 4\noptimize = 0\nstep = 5\n"
#: the tests run in the starter repository (the first installs the wheel; the others are the same command)
CLASSROOM_RUN = ("sigmoid", "delta_L", "gradient")
#: of those, the ones run in this process (``python -m mlp_harness.cli.function_test …`` through its main, the
#: exit code it returns is the process's): sigmoid's, with the setup that installs the wheel, proves the venv's run
CLASSROOM_IN_PROCESS = ("delta_L", "gradient")


def notebook_with(**replace: str) -> bytes:
    """A hand-in notebook: the lab's solution, a cell per function, some replaced by wrong versions."""
    sources = ["import numpy as np\n"] + [replace.get(n) or inspect.getsource(getattr(exercise_solution, n))
                                          for n in ("sigmoid", "delta_L", "delta_l", "gradient", "optimize", "step")]
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}
             for source in sources]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode()


def classroom(tmp: Path, venv: Path) -> dict:
    """The starter repository, its notebook replaced by a hand-in with delta_L wrong, and the tests of
    CLASSROOM_RUN run in it as education/autograding runs them: setup, then run, in a shell, in the
    repository, with the student's venv first on PATH (as actions/setup-python puts its Python)."""
    (tmp.parent / "classroom-rubric.toml").write_text(CLASSROOM_RUBRIC)
    rubric = str(tmp.parent / "classroom-rubric.toml")
    starter = make_classroom(tmp, load_rubric(rubric).points, rubric=rubric, lang="pt")
    (tmp / "lab1-exercicio.ipynb").write_bytes(notebook_with(delta_L=exercise_solution.MISTAKES["delta_L"][0]))
    config = json.loads((tmp / ".github" / "classroom" / "autograding.json").read_text(encoding="utf-8"))
    env = student_environ() | {"PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    codes = {}
    for test in (t for t in config["tests"] if t["name"] in CLASSROOM_RUN and t["name"] not in CLASSROOM_IN_PROCESS):
        command = f"{test['setup']} && {test['run']}" if test["setup"] else test["run"]
        done = subprocess.run(["bash", "-c", command], cwd=tmp, env=env, capture_output=True, text=True,
                              timeout=RUN_TIMEOUT)
        codes[test["name"]] = (done.returncode, done.stdout + done.stderr)
    return {"names": starter.names, "config": config, "codes": codes, "folder": tmp,
            "workflow": (tmp / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8")}


def _execute() -> dict:
    """execute() in a scratch folder, removed when the module's tests are done (or, if they never ask, at exit)."""
    tmp = Path(tempfile.mkdtemp(prefix="mlp-autograder-test-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    return {**execute(tmp), "tmp": tmp}


EXECUTION = background.start("mlp-kit --gradescope", _execute)


def classroom_in_process(found: dict) -> dict:
    """The CLASSROOM_IN_PROCESS tests' commands (``python -m mlp_harness.cli.function_test ARGS``, after the
    setup the venv ran), run in the starter repository through function_test's main: (exit code, output)."""
    codes = {}
    for test in (t for t in found["config"]["tests"] if t["name"] in CLASSROOM_IN_PROCESS):
        words = shlex.split(test["run"])   # its setup (installing the wheel) is the first test's, run in the venv
        assert words[:3] == ["python", "-m", "mlp_harness.cli.function_test"] and not test["setup"], test
        out, cwd = io.StringIO(), os.getcwd()
        os.chdir(found["folder"])
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                codes[test["name"]] = (function_test.main(words[3:]), out.getvalue())
        finally:
            os.chdir(cwd)
    return codes


@pytest.fixture(scope="module")
def runs():
    found = EXECUTION.result()
    try:
        assert found["setup"][0] == 0, found["setup"][1]
        found |= {case: grade_in_process(found["base"], HANDINS[case]) for case in IN_PROCESS}
        found["classroom"]["codes"] |= classroom_in_process(found["classroom"])
        yield found
    finally:
        shutil.rmtree(found["tmp"], ignore_errors=True)


def scores(results: dict) -> dict[str, float]:
    return {t["name"].split(":")[0]: t["score"] for t in results["tests"]}


def test_the_zip_has_gradescope_layout_and_setup_installs_the_wheel_offline(runs):
    assert runs["names"][:3] == ["setup.sh", "run_autograder", "requirements.txt"]
    assert runs["names"][3].startswith("manual_mlp-") and runs["names"][4:] == ["rubric.toml"]
    assert runs["package"] is not None and runs["package"].is_relative_to(runs["venv"].resolve())
    assert not runs["package"].is_relative_to(ROOT)


@pytest.mark.parametrize("case", list(HANDINS))
def test_every_results_json_is_valid(runs, case):
    assert runs[case]["code"] == 0, runs[case]["stderr"]
    assert schema_errors(runs[case]["results"]) == []
    assert [t["max_score"] for t in runs[case]["results"]["tests"]] == [1, 2, 2.5, 3, 0.25, 1.25]   # the rubric


def test_a_right_hand_in_earns_every_point(runs):
    results = runs["right"]["results"]
    assert results["score"] == TOTAL and all(t["status"] == "passed" for t in results["tests"])


def test_a_wrong_hand_in_loses_the_wrong_functions_points(runs):
    results = runs["wrong"]["results"]   # one_minus_forgotten.py: delta_L wrong, and the step() made with it
    assert scores(results) == {"sigmoid": 1, "delta_L": 0, "delta_l": 2.5, "gradient": 3, "optimize": 0.25, "step": 0}
    assert results["score"] == TOTAL - 2 - 1.25
    assert [t["status"] for t in results["tests"]] == ["passed", "failed", "passed", "passed", "passed", "failed"]


def test_a_notebook_with_a_syntax_error_scores_0_and_says_so_in_portuguese(runs):
    results = runs["syntax"]["results"]
    assert results["score"] == 0 and set(scores(results).values()) == {0}
    said = results["output"]   # Python's own words (SyntaxError: expected ':') are quoted as Python says them
    assert "SyntaxError" in said and "linha 1" in said and "def sigmoid(z)" in said, said


def test_an_empty_submission_scores_0_and_says_what_to_hand_in(runs):
    results = runs["empty"]["results"]
    assert results["score"] == 0 and set(scores(results).values()) == {0}
    assert results["output"] == md_escape(tr("pt", "No file to check: hand in your {suffixes} file.",
                                             suffixes=".py / .ipynb"))


# --- the hand-in, and results.json when there is nothing to check (in this process) --------------------------

@pytest.mark.parametrize("lang", ["en", "pt"])
def test_the_hand_in_is_the_one_py_or_ipynb_file_at_any_depth_whatever_its_name(tmp_path, lang):
    folder = tmp_path / "submission"
    (folder / "__MACOSX" / "Lab 1").mkdir(parents=True)
    (folder / "__MACOSX" / "Lab 1" / "._x.ipynb").write_text("macOS's leftovers")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_text("{}")
    (folder / "Lab 1").mkdir()
    (folder / "Lab 1" / "leia.txt").write_text("not a hand-in")
    (folder / "Lab 1" / "Ana (2).ipynb").write_text("{}")
    assert autograder.find_handin(folder, lang) == (folder / "Lab 1" / "Ana (2).ipynb", None)


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_no_hand_in_several_or_one_that_is_not_a_file_is_said_in_one_line(tmp_path, lang):
    folder = tmp_path / "submission"
    assert autograder.find_handin(folder, lang) == (None, tr(lang, "There is no submission folder {folder}: "
                                                                   "nothing was handed in.", folder=folder))
    folder.write_text("a file where the folder should be")
    assert autograder.find_handin(folder, lang) == (None, tr(lang, "There is no submission folder {folder}: "
                                                                   "nothing was handed in.", folder=folder))
    folder.unlink()
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    found, why = autograder.find_handin(folder, lang)
    assert found is None and why == tr(lang, "No file to check: hand in your {suffixes} file.", suffixes=".py / .ipynb")
    (folder / "lab.py").mkdir()   # a folder named like a hand-in
    found, why = autograder.find_handin(folder, lang)
    assert found is None and why == tr(lang, "{name} is not a regular file (a folder or a link): hand in the file "
                                             "itself.", name="lab.py")
    (folder / "lab.py").rmdir()
    (folder / "lab.py").symlink_to(SUBMISSIONS / "correct_loops.py")   # a link, never followed
    assert autograder.find_handin(folder, lang) == (None, tr(lang, "{name} is not a regular file (a folder or a "
                                                                   "link): hand in the file itself.", name="lab.py"))
    (folder / "b.ipynb").write_text("{}")
    found, why = autograder.find_handin(folder, lang)
    assert found is None and why == tr(lang, "{n} files to check ({names}): hand in only one .py or .ipynb file.", n=2,
                                       names="b.ipynb, lab.py")
    assert not foreign_lines(why, lang)


def results_of(base: Path, argv: list[str]) -> tuple[int, dict]:
    code = autograder.main(argv, environ={"AUTOGRADER_ROOT": str(base)})
    return code, json.loads((base / "results" / "results.json").read_text(encoding="utf-8"))


def test_a_hand_in_that_times_out_scores_0_with_a_valid_results_json(tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "lab.py").write_text("while True:\n    pass\n")   # before any function: nothing
    code, results = results_of(tmp_path, ["--timeout", "0.5", "--lang", "pt"])     # earns (0.5 s: it never ends)
    assert code == 0 and schema_errors(results) == [] and results["score"] == 0
    assert results["output"] == md_escape("lab.py: ainda rodando após 0.5 s, interrompida"), results["output"]
    assert set(scores(results).values()) == {0} and len(results["tests"]) == 6


def test_a_broken_bundle_still_leaves_a_valid_results_json_for_the_teacher(tmp_path, capsys):
    (tmp_path / "submission").mkdir()
    code, results = results_of(tmp_path, ["--rubric", str(tmp_path / "missing.toml"), "--lang", "pt"])
    assert code == 1 and schema_errors(results) == [] and results["score"] == 0
    assert results["output"].startswith("O corretor automático não conseguiu corrigir esta entrega (--rubric ")
    assert "não existe" in results["output"] or "no such file" not in results["output"], results["output"]
    assert "Traceback" in capsys.readouterr().out   # the autograder's stdout, which students do not see


# --- mlp-kit --gradescope on the command line ---------------------------------------------------------------

def no_build(*args):
    raise AssertionError("the wheel was built")


@pytest.mark.parametrize("argv, said", [
    (["--rubric", "r.toml"],
     "mlp-kit: error: --rubric sets how the autograder grades: give --gradescope or --classroom too"),
    ([], "mlp-kit: error: give the kit's folder, --gradescope ZIP or --classroom FOLDER"),
    (["--gradescope", "a.tar"], "mlp-kit: error: --gradescope 'a.tar': Gradescope's autograder is a .zip file"),
    (["--gradescope", "a.zip", "--rubric", "r.toml"], "mlp-kit: error: --rubric r.toml: no such file"),
    (["--gradescope", "a.zip", "--assignment", "lab9"], "mlp-kit: error: unknown assignment 'lab9'"),
])
def test_bad_options_are_one_line_before_anything_is_built(argv, said, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(gradescope_module, "build_wheel", no_build)
    monkeypatch.chdir(tmp_path)
    assert kit_cli.main(argv + ["--lang", "en"]) == 2
    out, err = capsys.readouterr()
    assert not out and len(err.splitlines()) == 1 and err.startswith(said), err
    assert list(tmp_path.iterdir()) == []


def test_the_bundle_carries_the_course_files_and_its_options(tmp_path, capsys, wheel_built_once):
    (tmp_path / "rubrica.toml").write_text(RUBRIC)
    lab = tmp_path / "lab4.toml"
    shutil.copy(ROOT / "mlp_harness" / "check" / "assignments" / "lab2.toml", lab)
    names = load_assignment(str(lab)).names   # lab2's functions, not lab1's: its rubric names them
    (tmp_path / "rubrica.toml").write_text("[points]\n" + "".join(f"{n} = 1\n" for n in names))
    argv = ["--gradescope", str(tmp_path / "ag.zip"), "--rubric", str(tmp_path / "rubrica.toml"),
            "--assignment", str(lab), "--feedback", "hint", "--lang", "pt"]
    assert kit_cli.main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Corretor automático do Gradescope gravado em {tmp_path / 'ag.zip'}")
    assert not foreign_lines(out, "pt"), out
    with zipfile.ZipFile(tmp_path / "ag.zip") as archive:
        assert archive.read("assignment.toml") == lab.read_bytes()
        assert archive.read("rubric.toml") == (tmp_path / "rubrica.toml").read_bytes()
        run_line = archive.read("run_autograder").decode().splitlines()[-1]
        requirements = archive.read("requirements.txt").decode().splitlines()
    assert run_line.endswith('--feedback hint --lang pt --assignment "$SOURCE/assignment.toml" '
                             '--rubric "$SOURCE/rubric.toml"')
    torch, numpy = (importlib.metadata.version(p).split("+")[0] for p in ("torch", "numpy"))
    assert [r for r in requirements if "==" in r] == [f"torch=={torch}", f"numpy=={numpy}"]


# --- mlp-kit --classroom: GitHub Classroom's starter repository -----------------------------------------------

#: the keys of a test in GitHub Classroom's autograding.json
CLASSROOM_KEYS = {"name", "setup", "run", "input", "output", "comparison", "timeout", "points"}


def test_the_starter_repository_has_one_test_per_function_with_its_points(runs):
    found = runs["classroom"]
    assert sorted(found["names"]) == sorted([".github/classroom/autograding.json", ".github/classroom/requirements.txt",
                                             ".github/classroom/rubric.toml", ".github/workflows/classroom.yml",
                                             "lab1-exercicio.ipynb", runs["names"][3]])   # the same wheel
    tests = found["config"]["tests"]
    assert [(t["name"], t["points"]) for t in tests] == [("sigmoid", 1), ("delta_L", 2), ("delta_l", 3),
                                                         ("gradient", 4), ("step", 5)]   # optimize: 0, no test
    assert all(set(t) == CLASSROOM_KEYS and t["comparison"] == "included" and t["output"] == "" for t in tests)
    assert all(isinstance(t["timeout"], int) and 0 < t["timeout"] <= 360 for t in tests)   # minutes, at most 6 h
    assert "uses: education/autograding@v1" in found["workflow"]


def test_each_classroom_test_passes_when_its_function_earns_its_points(runs):
    codes = runs["classroom"]["codes"]
    assert {name: code for name, (code, _) in codes.items()} == {"sigmoid": 0, "delta_L": 1, "gradient": 0}, codes
    log = codes["delta_L"][1]
    assert "delta_L: 0 dos seus 2 pontos" in log and not foreign_lines(log.splitlines()[-1], "pt"), log


def test_a_lab2_starter_repository_carries_lab2s_notebook_and_tests_it_as_lab2(tmp_path, monkeypatch):
    def fake_wheel(root, out):   # the real build is tested in the starter repository above
        (out / "manual_mlp-0.1.0-py3-none-any.whl").write_bytes(b"a wheel")
        return out / "manual_mlp-0.1.0-py3-none-any.whl"
    monkeypatch.setattr(classroom_module, "build_wheel", fake_wheel)
    names = load_assignment("lab2").names
    assert kit_cli.main(["--classroom", str(tmp_path / "repo"), "--assignment", "lab2", "--lang", "pt"]) == 0
    notebook = tmp_path / "repo" / "lab2-exercicio.ipynb"
    assert notebook.read_bytes() == (ROOT / "notebooks" / "lab2-exercicio.ipynb").read_bytes()
    assert not (tmp_path / "repo" / "lab1-exercicio.ipynb").exists()
    tests = json.loads((tmp_path / "repo" / ".github" / "classroom" / "autograding.json").read_text())["tests"]
    assert [t["name"] for t in tests] == list(names)
    assert all(t["run"] == f"python -m mlp_harness.cli.function_test {t['name']} lab2-exercicio.ipynb --feedback full "
                          "--lang pt --assignment lab2" for t in tests)


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_classroom_points_are_whole_numbers(tmp_path, capsys, monkeypatch, lang):
    monkeypatch.setattr(gradescope_module, "build_wheel", no_build)
    monkeypatch.setattr(classroom_module, "build_wheel", no_build)
    (tmp_path / "r.toml").write_text(RUBRIC)
    assert kit_cli.main(["--classroom", str(tmp_path / "repo"), "--rubric", str(tmp_path / "r.toml"),
                         "--lang", lang]) == 2
    err = capsys.readouterr().err
    said = {"en": "GitHub Classroom's points are whole numbers: the rubric gives delta_l 2.5",
            "pt": "os pontos do GitHub Classroom são números inteiros: a rubrica dá 2.5 a delta_l"}[lang]
    assert said in err and len(err.splitlines()) == 1 and not (tmp_path / "repo").exists()
