"""``mlp-kit FOLDER``: the folder a teacher hands out — the exercise notebook, the package's wheel built from
this checkout, and LEIAME.md for teachers (:mod:`mlp_harness.kit`); ``--gradescope ZIP``: Gradescope's autograder
bundle (:mod:`mlp_harness.kit.gradescope`); ``--classroom FOLDER``: a starter repository for GitHub Classroom
(:mod:`mlp_harness.kit.classroom`). Both grade with ``--rubric``, ``--assignment``, ``--feedback`` and ``--lang``.

Exit codes: 0 the kit is written, 2 bad input (a folder that cannot be written, no checkout to build from, a
build that failed).
"""
from __future__ import annotations

import sys

from manual_mlp.validation import InputError

from ..i18n import tr
from ..check.assignment import load_assignment
from ..check.feedback import LEVELS
from ..check.rubric import load_rubric, rubric_for
from ..kit import Kit, make_kit
from ..kit.classroom import Starter, make_classroom
from ..kit.source import find_checkout
from ..kit.gradescope import Bundle, make_gradescope
from .options import ArgumentParser, add_lang_option, guarded, lang_of


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help``."""
    p = ArgumentParser(prog="mlp-kit", lang=lang, description=tr(lang, "help_kit_description"),
                       epilog=tr(lang, "help_kit_epilog"))
    path = tr(lang, "meta_path")
    p.add_argument("folder", nargs="?", metavar=tr(lang, "meta_folder"), help=tr(lang, "help_kit_folder"))
    p.add_argument("--gradescope", metavar=path, help=tr(lang, "help_kit_gradescope"))
    p.add_argument("--classroom", metavar=tr(lang, "meta_folder"), help=tr(lang, "help_kit_classroom"))
    p.add_argument("--rubric", metavar=path, help=tr(lang, "help_kit_rubric"))
    p.add_argument("--assignment", metavar=tr(lang, "meta_assignment"), help=tr(lang, "help_kit_assignment"))
    p.add_argument("--feedback", choices=LEVELS, default="full", help=tr(lang, "help_kit_feedback"))
    add_lang_option(p, lang, "help_lang_kit")
    return p


def kit_lines(kit: Kit, lang: str) -> list[str]:
    """What was written, a file a line, and the older wheels removed."""
    rows = [(kit.notebook.name, tr(lang, "kit_notebook")), (kit.wheel.name, tr(lang, "kit_wheel")),
            (kit.leiame.name, tr(lang, "kit_leiame"))]
    width = max(len(name) for name, _ in rows)
    lines = [tr(lang, "kit_written", folder=kit.folder)]
    lines += [f"  {name:<{width}}  {what}" for name, what in rows]
    return lines + [tr(lang, "kit_removed", name=name) for name in kit.removed]


def bundle_lines(bundle: Bundle, lang: str) -> list[str]:
    """The zip written, and the files in it."""
    return [tr(lang, "kit_gradescope_written", path=bundle.path)] + [f"  {name}" for name in bundle.names]


def starter_lines(starter: Starter, lang: str) -> list[str]:
    """The starter repository written, and its files."""
    return [tr(lang, "kit_classroom_written", folder=starter.folder)] + [f"  {name}" for name in starter.names]


def check_options(args) -> None:
    """Something to write, and the grading options only with an autograder that uses them (``--assignment`` also
    picks the notebook of the kit's folder)."""
    given = ["--rubric"] if args.rubric is not None else []
    given += ["--feedback"] if args.feedback != "full" else []
    if given and args.gradescope is None and args.classroom is None:
        raise InputError(f"{given[0]} sets how the autograder grades: give --gradescope or --classroom too")
    if args.folder is None and args.gradescope is None and args.classroom is None:
        raise InputError("give the kit's folder, --gradescope ZIP or --classroom FOLDER")


def grading_points(args) -> dict[str, float]:
    """The points of each function the autograders grade: the assignment and the rubric read (and refused in
    one line) before anything is built."""
    assignment = load_assignment(args.assignment)
    assignment.check_supported()
    rubric = load_rubric(args.rubric, assignment.names) if args.rubric else rubric_for(assignment.names)
    return rubric.points


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    check_options(args)
    points = grading_points(args) if args.gradescope or args.classroom else None
    if args.folder is not None or args.classroom is not None:   # the notebook they carry, before anything is written
        find_checkout().exercise(load_assignment(args.assignment).name)
    lines = []
    if args.gradescope is not None:
        bundle = make_gradescope(args.gradescope, assignment=args.assignment, rubric=args.rubric,
                                 feedback=args.feedback, lang=args.lang)
        lines += bundle_lines(bundle, args.lang)
    if args.classroom is not None:
        starter = make_classroom(args.classroom, points, assignment=args.assignment, rubric=args.rubric,
                                 feedback=args.feedback, lang=args.lang)
        lines += starter_lines(starter, args.lang)
    if args.folder is not None:
        lines += kit_lines(make_kit(args.folder, assignment=args.assignment), args.lang)
    print("\n".join(lines))
    return 0


main = guarded("mlp-kit", _main)

if __name__ == "__main__":
    sys.exit(main())
