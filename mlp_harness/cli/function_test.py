"""One function of a hand-in as one pass/fail test, for GitHub Classroom's autograding
(``python -m mlp_harness.cli.function_test NAME FILE``, which the starter repository's
``.github/classroom/autograding.json`` runs once per function, each worth its points in the rubric).

The whole file is checked by mlp-check (in its own process, with its time limit) and the verdicts printed, as
the student reads them in the run's log; the exit code is 0 when ``NAME`` earns its points under the rubric
(a right step() standing in counts, as in the grade), 1 when it does not, whatever the reason — wrong,
missing, a file that does not run, no such file (said in one line). Classroom passes a test on exit code 0.
"""
from __future__ import annotations

import argparse
import sys

from manual_mlp.validation import InputError

from ..check.api import DEFAULT_TIMEOUT, check_files
from ..check.assignment import load_assignment
from ..check.feedback import LEVELS
from ..check.rubric import load_rubric, rubric_for
from ..i18n import LANGS, _, language, tr


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="function_test")
    p.add_argument("name")
    p.add_argument("file")
    p.add_argument("--rubric")
    p.add_argument("--assignment")
    p.add_argument("--feedback", choices=LEVELS, default="full")
    p.add_argument("--lang", choices=LANGS, default="en")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    return p


def earns(args) -> bool:
    """Whether the function ``args.name`` of ``args.file`` earns its points; the verdicts printed."""
    assignment = load_assignment(args.assignment)
    rubric = load_rubric(args.rubric, assignment.names) if args.rubric else rubric_for(assignment.names)
    if args.name not in rubric.points:
        raise InputError(_("{name!r} is not one of the assignment's functions ({names})").format(
            name=args.name, names=', '.join(rubric.points)))
    result, = check_files([args.file], lang=args.lang, timeout=args.timeout, rubric=rubric, assignment=assignment,
                          feedback=args.feedback)
    print(result.text(100))
    earned = result.points[args.name] == rubric.points[args.name]
    print(tr(args.lang, "{name}: {points:g} points earned" if earned else "{name}: 0 of its {points:g} points",
             name=args.name,
             points=rubric.points[args.name]))
    return earned


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with language(args.lang):   # a message of bad input is raised in the hand-in's language
            return 0 if earns(args) else 1
    except InputError as exc:   # a bundle or a hand-in that cannot be checked: the test fails, in one line
        print(f"mlp-check: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
