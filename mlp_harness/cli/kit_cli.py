"""``mlp-kit FOLDER``: the folder a teacher hands out — the exercise notebook, the package's wheel built from
this checkout, and LEIAME.md for teachers (:mod:`mlp_harness.kit`); ``--gradescope ZIP``: Gradescope's autograder
bundle (:mod:`mlp_harness.kit.gradescope`); ``--classroom FOLDER``: a starter repository for GitHub Classroom
(:mod:`mlp_harness.kit.classroom`). Both grade with ``--rubric``, ``--assignment``, ``--feedback`` and ``--lang``.

Exit codes: 0 the kit is written, 2 bad input (a folder that cannot be written, no checkout to build from, a
build that failed).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from manual_mlp.validation import InputError

from ..i18n import N_, _, tr
from ..check.assignment import load_assignment
from ..check.feedback import LEVELS
from ..check.rubric import load_rubric, rubric_for
from ..kit import Kit, make_kit
from ..kit.classroom import Starter, make_classroom
from ..kit.source import EXERCISE, find_checkout
from ..kit.gradescope import Bundle, make_gradescope
from .options import ArgumentParser, add_lang_option, guarded, lang_of


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help``."""
    p = ArgumentParser(prog="mlp-kit", lang=lang, description=tr(lang, "Write the folder a teacher hands out for "
                                                                       "the lab: the exercise notebook (in "
                                                                       "Portuguese), this checkout's package as a "
                                                                       "wheel, which the notebook's first cell "
                                                                       "installs with no access to the repository, "
                                                                       "and LEIAME.md for the teacher."),
                       epilog=tr(lang, "The wheel is built offline from this checkout, with this Python's "
                                       "setuptools; NumPy, PyTorch and matplotlib are not in it (they come from "
                                       "the student's Python). Files of the same names already in the folder are "
                                       "replaced, and an older manual_mlp wheel is removed. Exit codes: 0 written, "
                                       "2 bad input or a build that failed."))
    path = tr(lang, "PATH")
    p.add_argument("folder", nargs="?", metavar=tr(lang, "FOLDER"),
                   help=tr(lang, "the kit's folder (created if missing; the folder it goes in must exist)"))
    p.add_argument("--gradescope", metavar=path, help=tr(lang, "also (or instead) write Gradescope's autograder, a "
                                                               ".zip to upload: setup.sh installs the wheel inside "
                                                               "it, run_autograder checks each hand-in with "
                                                               "mlp-check"))
    p.add_argument("--classroom", metavar=tr(lang, "FOLDER"),
                   help=tr(lang, "also (or instead) write a starter repository for GitHub Classroom: the notebook, "
                                 "the wheel, and the autograding, one test per function worth its points"))
    p.add_argument("--rubric", metavar=path, help=tr(lang, "the autograder's rubric, a TOML file (see mlp-check "
                                                           "--rubric; with --gradescope or --classroom)"))
    p.add_argument("--assignment", metavar=tr(lang, "NAME|FILE.toml"),
                   help=tr(lang, "the assignment: its exercise notebook goes in the kit's folder and the starter "
                                 "repository (lab1's by default); the autograder's, a built-in one's name or a TOML "
                                 "file"))
    p.add_argument("--feedback", choices=LEVELS, default="full", help=tr(lang, "how much the autograder's verdicts "
                                                                               "reveal (see mlp-check --feedback; "
                                                                               "with --gradescope or --classroom)"))
    add_lang_option(p, lang, N_("these lines, and the autograder's verdicts with --gradescope (the kit itself is in "
                                "Portuguese)"))
    return p


def kit_lines(kit: Kit, lang: str) -> list[str]:
    """What was written, a file a line, and the older wheels removed."""
    rows = [(kit.notebook.name, tr(lang, "the exercise (in Portuguese)")),
            (kit.wheel.name, tr(lang, "the package that the first cell installs, without torch and NumPy")),
            (kit.leiame.name, tr(lang, "for the teacher, in Portuguese: handing it out, Jupyter, Colab, grading"))]
    width = max(len(name) for name, _ in rows)
    lines = [tr(lang, "Course kit written to {folder}: hand the notebook and the wheel to the students, together",
                folder=kit.folder)]
    lines += [f"  {name:<{width}}  {what}" for name, what in rows]
    return lines + [tr(lang, "older wheel removed from the folder: {name}", name=name) for name in kit.removed]


def bundle_lines(bundle: Bundle, lang: str) -> list[str]:
    """The zip written, and the files in it."""
    return [tr(lang, "Gradescope autograder written to {path}: upload it as the assignment's autograder",
               path=bundle.path)] + [f"  {name}" for name in bundle.names]


def starter_lines(starter: Starter, lang: str) -> list[str]:
    """The starter repository written, and its files."""
    return [tr(lang, "GitHub Classroom starter repository written to {folder}: push it and make it the "
                     "assignment's template", folder=starter.folder)] + [f"  {name}" for name in starter.names]


def check_options(args) -> None:
    """Something to write, and the grading options only with an autograder that uses them (``--assignment`` also
    picks the notebook of the kit's folder)."""
    given = ["--rubric"] if args.rubric is not None else []
    given += ["--feedback"] if args.feedback != "full" else []
    if given and args.gradescope is None and args.classroom is None:
        raise InputError(_("{option} sets how the autograder grades: give --gradescope or --classroom too").format(
            option=given[0]))
    if args.folder is None and args.gradescope is None and args.classroom is None:
        raise InputError(_("give the kit's folder, --gradescope ZIP or --classroom FOLDER"))


def check_inputs_kept(args) -> None:
    """InputError (one line) when --rubric or --assignment's file is one mlp-kit writes: the autograder's zip, a
    file of the starter repository's folder, or the kit folder's LEIAME.md or notebook."""
    written = [("--gradescope", Path(args.gradescope))] if args.gradescope else []
    if args.folder is not None:
        notebook = Path(EXERCISE.format(assignment=args.assignment or "lab1")).name
        written += [("FOLDER", Path(args.folder) / name) for name in ("LEIAME.md", notebook)]
    for flag, given in (("--rubric", args.rubric), ("--assignment", args.assignment)):
        if not given or not os.path.isfile(given):
            continue
        path = Path(given).resolve()
        inside = args.classroom is not None and path.is_relative_to(Path(args.classroom).resolve())
        if inside or any(path == out.resolve() for _flag, out in written):
            raise InputError(_("{flag} {path!r} is a file mlp-kit writes: writing the kit would destroy it; keep it "
                               "outside the kit's folders").format(flag=flag, path=given))


def grading_points(args) -> dict[str, float]:
    """The points of each function the autograders grade: the assignment and the rubric read (and refused in
    one line) before anything is built."""
    assignment = load_assignment(args.assignment)
    rubric = load_rubric(args.rubric, assignment.names) if args.rubric else rubric_for(assignment.names)
    return rubric.points


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    check_options(args)
    check_inputs_kept(args)
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
