"""Gradescope's ``run_autograder``, in Python: the hand-in found in the submission folder, checked by
mlp-check, its ``results.json`` written (``python -m mlp_harness.cli.autograder``, which the bundle's
``run_autograder`` runs).

Gradescope's layout (its autograder specification): the bundle unpacked in ``/autograder/source``, the
student's files in ``/autograder/submission``, the results read from ``/autograder/results/results.json``.
``AUTOGRADER_ROOT`` moves ``/autograder`` (a test runs the bundle outside a container). The hand-in is the one
``.py`` or ``.ipynb`` file in the submission folder, whatever its name, at any depth (hidden folders,
``__MACOSX`` and ``.ipynb_checkpoints`` left out). None, several, or one that is not a regular file (a folder
named ``lab.py``, a symbolic link) is a results.json with score 0 and a line that says so; so is a hand-in
that does not run or times out (mlp-check's own verdict). The results are written to a temporary file and
renamed into place, and something unexpected still leaves a valid results.json (score 0) behind.
"""
from __future__ import annotations

import argparse
import os
import stat
import sys
import traceback
from pathlib import Path

from ..check.api import DEFAULT_TIMEOUT, check_files
from ..check.assignment import load_assignment
from ..check.feedback import LEVELS
from ..check.report import VISIBILITIES, gradescope_json
from ..check.result import CheckResult
from ..check.rubric import load_rubric, rubric_for
from ..i18n import LANGS, language, tr
from ..verify.files import write_json

#: the fixed root of Gradescope's container, and the variable that moves it
ROOT, ROOT_VARIABLE = Path("/autograder"), "AUTOGRADER_ROOT"
#: what a hand-in is
SUFFIXES = (".py", ".ipynb")
#: folders never searched for the hand-in (besides hidden ones): an archive's and Jupyter's leftovers
SKIPPED = {"__MACOSX", ".ipynb_checkpoints", "__pycache__"}


def root(environ=None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get(ROOT_VARIABLE) or ROOT)


def candidates(folder: Path) -> list[Path]:
    """Every entry named like a hand-in under ``folder`` (sorted; links are listed, never followed)."""
    found = []
    for where, dirs, files in os.walk(folder):
        found += [Path(where, n) for n in files + dirs if not n.startswith(".") and Path(n).suffix in SUFFIXES]
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIPPED and Path(d).suffix not in SUFFIXES]
    return sorted(set(found))


def find_handin(folder: Path, lang: str) -> tuple[Path | None, str | None]:
    """(the hand-in, None), or (None, why there is none to check), in ``lang``."""
    if not folder.is_dir():
        return None, tr(lang, "There is no submission folder {folder}: nothing was handed in.", folder=folder)
    found = candidates(folder)
    shown = lambda paths: ", ".join(str(p.relative_to(folder)) for p in paths[:8])  # noqa: E731
    if not found:
        return None, tr(lang, "No file to check: hand in your {suffixes} file.", suffixes=" / ".join(SUFFIXES))
    if len(found) > 1:
        return None, tr(lang, "{n} files to check ({names}): hand in only one .py or .ipynb file.", n=len(found),
                        names=shown(found))
    mode = os.lstat(found[0]).st_mode
    if not stat.S_ISREG(mode):
        return None, tr(lang, "{name} is not a regular file (a folder or a link): hand in the file itself.",
                        name=shown(found))
    return found[0], None


def no_handin(message: str, args, assignment, rubric) -> dict:
    """results.json when nothing was checked: every function 0 points, ``message`` said."""
    result = CheckResult(None, {}, error=message, lang=args.lang, bad_input=True, rubric=rubric,
                         assignment=assignment, feedback=args.feedback)
    return gradescope_json(result, args.visibility)


def grade(args, base: Path) -> dict:
    """The results of the hand-in under ``base``/submission (InputError: the bundle itself is broken)."""
    assignment = load_assignment(args.assignment)
    rubric = load_rubric(args.rubric, assignment.names) if args.rubric else rubric_for(assignment.names)
    handin, why = find_handin(base / "submission", args.lang)
    if handin is None:
        return no_handin(why, args, assignment, rubric)
    result, = check_files([str(handin)], lang=args.lang, timeout=args.timeout, rubric=rubric,
                          assignment=assignment, feedback=args.feedback)
    print(result.text(100))   # the autograder's stdout: hidden from students (stdout_visibility)
    return gradescope_json(result, args.visibility)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="run_autograder")
    p.add_argument("--rubric")
    p.add_argument("--assignment")
    p.add_argument("--feedback", choices=LEVELS, default="full")
    p.add_argument("--lang", choices=LANGS, default="en")
    p.add_argument("--visibility", choices=VISIBILITIES, default=VISIBILITIES[0])
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    return p


def broken(args, exc: BaseException) -> dict:
    """results.json when the autograder itself failed: score 0, the reason, for the teacher to see."""
    reason = str(exc).splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
    message = tr(args.lang, "The autograder could not grade this submission ({reason}): tell your teacher.",
                 reason=reason)
    return {"score": 0, "output": message, "output_format": "text", "visibility": args.visibility,
            "stdout_visibility": "hidden", "tests": []}


def main(argv: list[str] | None = None, environ=None) -> int:
    """0 results.json written with the hand-in's grade (whatever it is); 1 written, but the bundle is broken."""
    args = build_parser().parse_args(argv)
    base = root(environ)
    try:
        with language(args.lang):   # a message of bad input is raised in the hand-in's language
            results, code = grade(args, base), 0
    except Exception as exc:   # whatever happens, Gradescope gets a valid results.json
        traceback.print_exc(file=sys.stdout)
        results, code = broken(args, exc), 1
    (base / "results").mkdir(parents=True, exist_ok=True)
    write_json(str(base / "results" / "results.json"), results)
    return code


if __name__ == "__main__":
    sys.exit(main())
