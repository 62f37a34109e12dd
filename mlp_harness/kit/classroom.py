"""A starter repository for GitHub Classroom (``mlp-kit --classroom FOLDER``): the exercise notebook and the
package's wheel at its root (the notebook's first cell installs the wheel beside it), and the autograding.

``.github/classroom/autograding.json`` lists one test per function of the assignment worth points in the
rubric, each worth those points (GitHub Classroom's points are whole numbers): its ``run`` is
:mod:`mlp_harness.cli.function_test` on the notebook, passed on exit code 0 (no ``output`` to compare). The
first test's ``setup`` installs torch and NumPy from the index (``requirements.txt``, as in the Gradescope
bundle) and the wheel with ``--no-index --no-deps``. ``.github/workflows/classroom.yml`` is GitHub's
autograding workflow: on each push, ``education/autograding`` runs those tests on a GitHub-hosted runner,
one virtual machine per run.
"""
from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from manual_mlp.validation import InputError

from ..verify.files import atomic_write
from .gradescope import REQUIREMENTS, TORCH_CPU_INDEX, version
from .kit import check_folder
from .source import Checkout, find_checkout
from .wheel import build_wheel
from ..i18n import _

#: where the autograding lives in the repository
CLASSROOM = Path(".github") / "classroom"
WORKFLOW = Path(".github") / "workflows" / "classroom.yml"
#: minutes each test may take (Classroom's unit): the check's own limit is far below it
TEST_MINUTES = 10

WORKFLOW_TEXT = """\
# GitHub Classroom's autograding (written by mlp-kit): the tests of .github/classroom/autograding.json, one per
# function of the lab, run on each push.
name: Autograding
on: [push, workflow_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  autograding:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - uses: education/autograding@v1
"""


@dataclass
class Starter:
    folder: Path
    names: list[str]   # the files written, relative to the folder


def whole_points(points: dict[str, float]) -> dict[str, int]:
    """The rubric's points as Classroom's whole numbers (functions worth 0 have no test)."""
    for name, value in points.items():
        if float(value) != int(value):
            raise InputError(_(
                "GitHub Classroom's points are whole numbers: the rubric gives {name} {points:g}").format(
                    name=name, points=value))
    return {name: int(value) for name, value in points.items() if value > 0}


def tests(points: dict[str, int], notebook: str, wheel: str, words: str) -> list[dict]:
    """autograding.json's tests: one per function, the install in the first one's setup."""
    install = (f"python -m pip install -r {(CLASSROOM / 'requirements.txt').as_posix()} && "
               f"python -m pip install --no-index --no-deps --force-reinstall {wheel}")
    return [{"name": name, "setup": install if i == 0 else "",
             "run": f"python -m mlp_harness.cli.function_test {name} {notebook} {words}".rstrip(),
             "input": "", "output": "", "comparison": "included", "timeout": TEST_MINUTES, "points": value}
            for i, (name, value) in enumerate(points.items())]


def course_files(assignment: str | None, rubric: str | None, feedback: str, lang: str) -> tuple[str, dict]:
    """function_test's options and the course's files they name, copied into .github/classroom."""
    files, words = {}, [f"--feedback {feedback}", f"--lang {lang}"]
    if assignment is not None and Path(assignment).suffix == ".toml":
        files[CLASSROOM / "assignment.toml"] = Path(assignment).read_bytes()
        words.append(f"--assignment {(CLASSROOM / 'assignment.toml').as_posix()}")
    elif assignment is not None:
        words.append(f"--assignment {assignment}")
    if rubric is not None:
        files[CLASSROOM / "rubric.toml"] = Path(rubric).read_bytes()
        words.append(f"--rubric {(CLASSROOM / 'rubric.toml').as_posix()}")
    return " ".join(words), files


def write(folder: Path, name: Path, data: bytes, what: str) -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    atomic_write(str(folder / name), lambda f: f.write(data), what)


def make_classroom(folder: str | Path, points: dict[str, float], *, assignment: str | None = None,
                   rubric: str | None = None, feedback: str = "full", lang: str = "en",
                   checkout: Checkout | None = None) -> Starter:
    """Write the starter repository into ``folder`` (created when missing): a test for each function of
    ``points`` (the rubric's, checked by the caller: :func:`mlp_harness.cli.kit_cli.grading_points`)."""
    folder = Path(folder)
    check_folder(folder)
    points = whole_points(points)
    words, files = course_files(assignment, rubric, feedback, lang)
    checkout = checkout or find_checkout()
    exercise = checkout.exercise(assignment)   # refused, in one line, before the build
    with tempfile.TemporaryDirectory(prefix="mlp-kit-") as tmp:
        wheel = build_wheel(checkout.root, Path(tmp))
        files[Path(wheel.name)] = wheel.read_bytes()
    notebook = exercise.name
    files[Path(notebook)] = exercise.read_bytes()
    files[CLASSROOM / "requirements.txt"] = REQUIREMENTS.format(index=TORCH_CPU_INDEX, torch=version("torch"),
                                                                numpy=version("numpy")).encode()
    autograding = {"tests": tests(points, notebook, wheel.name, words)}
    files[CLASSROOM / "autograding.json"] = (json.dumps(autograding, indent=2, ensure_ascii=False) + "\n").encode()
    files[WORKFLOW] = WORKFLOW_TEXT.encode()
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        write(folder, name, data, str(name))
    return Starter(folder, [name.as_posix() for name in files])
