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

from ..check.api import DEFAULT_TIMEOUT, check_files, parse_names
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
from ..i18n import N_, _, tr
from ..train.progress import ProgressBar
from .options import ArgumentParser, add_lang_option, guarded, lang_of


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help``."""
    p = ArgumentParser(prog="mlp-check", lang=lang, description=tr(lang, "Check the lab's backprop functions "
                                                                         "written by a student — sigmoid, delta_L "
                                                                         "(BP1), delta_l (BP2), gradient (BP4; "
                                                                         "BP3, the bias gradient, has no function: "
                                                                         "the lab's network has no biases), "
                                                                         "optimize and a step(X, Y, thetas, eta) — "
                                                                         "against PyTorch autograd, formula by "
                                                                         "formula: which is wrong, at which entry, "
                                                                         "and the mistake it probably is; max |Δ| "
                                                                         "is the largest |yours − autograd|."),
                       epilog=tr(lang, "Exit codes for one file: 0 every function found is right, 1 a function is "
                                       "wrong or the file did not run as written, 2 bad input. For several files: "
                                       "0 every file has full marks, 1 one has not (a function missing counts), 2 "
                                       "bad input. Each file runs in a separate process with a time limit: this "
                                       "isolates crashes and hangs, but it is no security sandbox (run untrusted "
                                       "code in a container)."))
    path, seconds = tr(lang, "PATH"), tr(lang, "SECONDS")
    p.add_argument("files", nargs="*", metavar=tr(lang, "FILE"), help=tr(lang, ".py files or .ipynb notebooks"))
    p.add_argument("--name", action="append", default=[], metavar=tr(lang, "LAB=THEIRS"),
                   help=tr(lang, "the submission's name for one of the lab's functions, e.g. --name "
                                 "delta_L=meu_delta (repeatable)"))
    p.add_argument("--rubric", metavar=path, help=tr(lang, "TOML file of the points each function is worth, and "
                                                           "whether a right step() stands in for the formula "
                                                           "functions not written (default: 1 point each, it "
                                                           "stands in); see docs/checking.md"))
    p.add_argument("--assignment", metavar=tr(lang, "NAME|FILE.toml"), default=None,
                   help=tr(lang, "the assignment to check: lab1 (the lab's, the default), lab2, lab3, a teacher's "
                                 "TOML file, or list to name them and the catalogue of formulas"))
    p.add_argument("--describe", action="store_true", help=tr(lang, "print each of the assignment's functions "
                                                                    "(signature, shapes, formula) and check nothing"))
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar=seconds,
                   help=tr(lang, "how long one cell or one call may run before it is interrupted (default "
                                 "{default}); a call that runs {seconds} + 10 is stopped from outside, and the "
                                 "file's other functions go on", default=f"{DEFAULT_TIMEOUT:g}", seconds=seconds))
    p.add_argument("--memory", type=float, default=DEFAULT_LIMITS.memory / GB, metavar="GB",
                   help=tr(lang, "memory each worker process may use, in GB (default {default}); more is a finding",
                           default=f"{DEFAULT_LIMITS.memory / GB:g}"))
    p.add_argument("--cpu-seconds", type=int, default=DEFAULT_LIMITS.cpu_seconds, metavar=seconds,
                   help=tr(lang, "CPU seconds each worker process may use (default {default}); more is a finding",
                           default=DEFAULT_LIMITS.cpu_seconds))
    p.add_argument("--sandbox", action="store_true", help=tr(lang, "run each file under bubblewrap (bwrap): no "
                                                                   "network, a read-only file system, no view of "
                                                                   "other hand-ins; refused where bwrap cannot run"))
    p.add_argument("--json", metavar=path, help=tr(lang, "write the verdicts as JSON (a list when several files)"))
    p.add_argument("--gradescope", metavar=path, help=tr(lang, "write Gradescope's results.json (one file only)"))
    p.add_argument("--csv", metavar=path, help=tr(lang, "write one row per file, one column per function"))
    p.add_argument("--summary", metavar=path, help=tr(lang, "write a class report of the batch (.md or .html): per "
                                                            "function, how many files passed, failed or lack it, "
                                                            "each diagnosis with its files, the failures with no "
                                                            "name grouped by identical outputs, the files that did "
                                                            "not run"))
    p.add_argument("--feedback", choices=LEVELS, default="full", help=tr(lang, "how much the verdicts reveal "
                                                                               "(terminal, --json, --gradescope): "
                                                                               "full (default), hint (no number "
                                                                               "autograd computed: where it differs "
                                                                               "and the probable mistake), verdict "
                                                                               "(✓/✗ per function)"))
    p.add_argument("--gradescope-visibility", choices=VISIBILITIES, default=None,
                   help=tr(lang, "when students see the --gradescope results (default: visible)"))
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help=tr(lang, "files checked at once, each in its own process (default: the number of CPUs)"))
    p.add_argument("--details", action="store_true", help=tr(lang, "with several files, print every table, not one "
                                                                   "line each"))
    p.add_argument("--width", type=int, default=None, metavar="N", help=tr(lang,
                                                                           "line width (default: the terminal's)"))
    add_lang_option(p, lang, N_("the verdicts"))
    return p


def check_paths(args) -> list[tuple[str, str]]:
    """(option, path) of every output, each writable and none an input or another output (refused up front)."""
    outputs = {f"--{opt}": getattr(args, opt) for opt in ("json", "gradescope", "csv", "summary")}
    assignment = args.assignment if args.assignment and os.path.exists(args.assignment) else None   # a file
    check_outputs({f"FILE {path}": path for path in args.files} | {"--rubric": args.rubric,
                                                                    "--assignment": assignment}, outputs)
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
        raise InputError(_("--summary {path!r}: a class report is a .md or .html file").format(path=path))
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
            what = _("the CSV file") if opt == "csv" else _("the class report")
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
        raise InputError(_("give a .py file or a .ipynb notebook to check (or --assignment list, or --describe)"))
    return None


def limits_of(args) -> Limits:
    return Limits(memory=int(args.memory * GB), cpu_seconds=args.cpu_seconds)


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    done = describe_only(args)
    if done is not None:
        return done
    assignment = load_assignment(args.assignment)
    names = parse_names(args.name)
    if not 0.01 <= args.timeout <= 3600:
        raise InputError(_("--timeout must be a number of seconds from 0.01 to 3600, got {value:g}").format(
            value=args.timeout))
    if args.width is not None and args.width < 40:
        raise InputError(_("--width must be at least {n} columns, got {value}").format(n="40", value=args.width))
    if not 0.25 <= args.memory <= 4096:
        raise InputError(_("--memory must be a number of GB from 0.25 to 4096, got {value:g}").format(
            value=args.memory))
    if not 1 <= args.cpu_seconds <= 86400:
        raise InputError(_("--cpu-seconds must be a whole number of seconds from 1 to 86400, got {value}").format(
            value=args.cpu_seconds))
    if args.jobs < 1:
        raise InputError(_("--jobs must be at least 1, got {value}").format(value=args.jobs))
    if args.gradescope and len(args.files) > 1:
        raise InputError(_("--gradescope writes one submission's results.json: give one file"))
    if args.gradescope_visibility and not args.gradescope:
        raise InputError(_("--gradescope-visibility sets who sees --gradescope's results: give --gradescope too"))
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
