"""``mlp-check``: someone's own backprop (the lab's functions, in a .py or a notebook) against autograd.

Each file runs in its own process with a time limit; each of the lab's
functions found there is called on autograd's inputs and held to autograd's
output, then chained into whole training steps, and scored by the rubric
(``--rubric``, :mod:`mlp_harness.check.rubric`). Exit codes for one file: 0
every function the file offers is right (missing ones are listed, not failed),
1 a function is wrong or the file did not run as written (a syntax error, a
time-out), 2 bad input (no such file, nothing to check). For a batch (several
files): 0 every file has full marks, 1 one has not (missing functions
included), 2 bad input. ``--assignment`` checks another assignment's functions
(:mod:`mlp_harness.check.assignment`); ``--assignment list`` and
``--assignment NAME --describe`` print what there is, and check no file.
included), 2 bad input. ``--feedback`` sets how much the verdicts reveal
(:mod:`mlp_harness.check.feedback`), ``--summary`` writes a class report of
the batch (:mod:`mlp_harness.check.summary`).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from manual_mlp.validation import InputError

from ..check.api import DEFAULT_TIMEOUT, check_files
from ..check.assignment import describe, listing, load_assignment
from ..check.feedback import LEVELS
from ..check.report import VISIBILITIES, batch_line, csv_text, gradescope_json
from ..check.result import EXIT_FAIL, EXIT_OK, CheckResult
from ..check.limits import DEFAULT as DEFAULT_LIMITS, GB, Limits
from ..check.rubric import load_rubric
from ..check.summary import summarize
from ..check.summary_page import summary_text
from ..check.sandbox import require as require_sandbox
from ..verify.files import atomic_write, check_output_path, check_outputs, write_json
from ..i18n import tr
from ..train.progress import ProgressBar
from .options import ArgumentParser, add_lang_option, guarded, lang_of


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help``."""
    p = ArgumentParser(prog="mlp-check", lang=lang, description=tr(lang, "help_check_description"),
                       epilog=tr(lang, "help_check_epilog"))
    path, seconds = tr(lang, "meta_path"), tr(lang, "meta_seconds")
    p.add_argument("files", nargs="*", metavar=tr(lang, "meta_file"), help=tr(lang, "help_files"))
    p.add_argument("--name", action="append", default=[], metavar=tr(lang, "meta_lab_theirs"),
                   help=tr(lang, "help_name"))
    p.add_argument("--rubric", metavar=path, help=tr(lang, "help_rubric"))
    p.add_argument("--assignment", metavar=tr(lang, "meta_assignment"), default=None, help=tr(lang, "help_assignment"))
    p.add_argument("--describe", action="store_true", help=tr(lang, "help_describe"))
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar=seconds,
                   help=tr(lang, "help_timeout", default=f"{DEFAULT_TIMEOUT:g}", seconds=seconds))
    p.add_argument("--memory", type=float, default=DEFAULT_LIMITS.memory / GB, metavar="GB",
                   help=tr(lang, "help_memory", default=f"{DEFAULT_LIMITS.memory / GB:g}"))
    p.add_argument("--cpu-seconds", type=int, default=DEFAULT_LIMITS.cpu_seconds, metavar=seconds,
                   help=tr(lang, "help_cpu_seconds", default=DEFAULT_LIMITS.cpu_seconds))
    p.add_argument("--sandbox", action="store_true", help=tr(lang, "help_sandbox"))
    p.add_argument("--json", metavar=path, help=tr(lang, "help_check_json"))
    p.add_argument("--gradescope", metavar=path, help=tr(lang, "help_gradescope"))
    p.add_argument("--csv", metavar=path, help=tr(lang, "help_csv"))
    p.add_argument("--summary", metavar=path, help=tr(lang, "help_summary"))
    p.add_argument("--feedback", choices=LEVELS, default="full", help=tr(lang, "help_feedback"))
    p.add_argument("--gradescope-visibility", choices=VISIBILITIES, default=None,
                   help=tr(lang, "help_gradescope_visibility"))
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help=tr(lang, "help_jobs"))
    p.add_argument("--details", action="store_true", help=tr(lang, "help_details"))
    p.add_argument("--width", type=int, default=None, metavar="N", help=tr(lang, "help_width_check"))
    add_lang_option(p, lang, "help_lang_check")
    return p


def parse_names(pairs: list[str]) -> dict[str, str]:
    names = {}
    for pair in pairs:
        lab_name, sep, theirs = pair.partition("=")
        if not sep or not lab_name or not theirs.isidentifier():
            raise InputError(f"--name expects LAB=THEIRS with a Python name on the right, got {pair!r}")
        names[lab_name] = theirs
    return names


def check_paths(args) -> list[tuple[str, str]]:
    """(option, path) of every output, each writable and none an input or another output (refused up front)."""
    outputs = {f"--{opt}": getattr(args, opt) for opt in ("json", "gradescope", "csv", "summary")}
    check_outputs({f"FILE {path}": path for path in args.files} | {"--rubric": args.rubric}, outputs)
    for flag, path in outputs.items():
        if path is not None:
            check_output_path(path, flag)
    return [(flag[2:], path) for flag, path in outputs.items() if path is not None]


#: the kinds of class report --summary writes, by the file's suffix
SUMMARY_KINDS = {".md": "md", ".html": "html", ".htm": "html"}


def summary_kind(path: str) -> str:
    """"md" or "html", from the --summary file's name; anything else is bad input."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUMMARY_KINDS:
        raise InputError(f"--summary {path!r}: a class report is a .md or .html file")
    return SUMMARY_KINDS[suffix]


def write_reports(outputs: list[tuple[str, str]], results: list[CheckResult], args) -> None:
    """Every output asked for, each all or nothing (see :func:`~mlp_harness.verify.files.atomic_write`)."""
    for opt, path in outputs:
        if opt == "json":
            write_json(path, results[0].to_json() if len(results) == 1 else [r.to_json() for r in results])
        elif opt == "gradescope":
            write_json(path, gradescope_json(results[0], args.gradescope_visibility or VISIBILITIES[0]))
        else:
            text = (csv_text(results) if opt == "csv" else
                    summary_text(summarize(results), args.lang, args.feedback, summary_kind(path)))
            what = "the CSV file" if opt == "csv" else "the class report"
            atomic_write(path, lambda f: f.write(text.encode("utf-8", "backslashreplace")), what)


def describe_only(args) -> int | None:
    """``--assignment list`` and ``--describe``: what there is to check, printed; None when files are to be checked."""
    if args.assignment == "list":
        print(listing(args.lang))
        return EXIT_OK
    if args.describe:
        print(describe(load_assignment(args.assignment), args.lang))
        return EXIT_OK
    if not args.files:
        raise InputError("give a .py file or a .ipynb notebook to check (or --assignment list, or --describe)")
    return None


def limits_of(args) -> Limits:
    return Limits(memory=int(args.memory * GB), cpu_seconds=args.cpu_seconds)


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    done = describe_only(args)
    if done is not None:
        return done
    assignment = load_assignment(args.assignment)
    assignment.check_supported()
    names = parse_names(args.name)
    if not 0.01 <= args.timeout <= 3600:
        raise InputError(f"--timeout must be a number of seconds from 0.01 to 3600, got {args.timeout:g}")
    if args.width is not None and args.width < 40:
        raise InputError(f"--width must be at least 40 columns, got {args.width}")
    if not 0.25 <= args.memory <= 4096:
        raise InputError(f"--memory must be a number of GB from 0.25 to 4096, got {args.memory:g}")
    if not 1 <= args.cpu_seconds <= 86400:
        raise InputError(f"--cpu-seconds must be a whole number of seconds from 1 to 86400, got {args.cpu_seconds}")
    if args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {args.jobs}")
    if args.gradescope and len(args.files) > 1:
        raise InputError("--gradescope writes one submission's results.json: give one file")
    if args.gradescope_visibility and not args.gradescope:
        raise InputError("--gradescope-visibility sets who sees --gradescope's results: give --gradescope too")
    if args.summary:
        summary_kind(args.summary)
    outputs = check_paths(args)
    if args.sandbox:
        require_sandbox()
    rubric = load_rubric(args.rubric, assignment.names) if args.rubric else None
    bar = ProgressBar(len(args.files), lang=args.lang) if len(args.files) > 1 else None
    if bar:
        bar.update(0)   # its clock starts with the run: the first file's time counts toward the ETA
    results = check_files(args.files, lang=args.lang, names=names, timeout=args.timeout, jobs=args.jobs,
                          on_done=bar.update if bar else None, rubric=rubric, assignment=assignment,
                          feedback=args.feedback, limits=limits_of(args),
                          sandbox=args.sandbox)
    if bar:
        bar.clear()
    if len(results) == 1 and results[0].bad_input:   # nothing to check: bad input, one line on stderr
        write_reports(outputs, results, args)
        raise InputError(results[0].error)
    if len(results) == 1:   # one file: its verdict, as a student reads it
        print(results[0].text(args.width))
        write_reports(outputs, results, args)
        return results[0].exit_code
    for result in results:   # a batch: a line each (and the table too with --details), graded by the rubric
        print(f"{result.text(args.width)}\n{batch_line(result)}\n" if args.details else batch_line(result))
    write_reports(outputs, results, args)
    return EXIT_OK if all(r.full_marks for r in results) else EXIT_FAIL


main = guarded("mlp-check", _main)

if __name__ == "__main__":
    sys.exit(main())
