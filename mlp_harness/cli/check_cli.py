"""``mlp-check``: someone's own backprop (the lab's functions, in a .py or a notebook) against autograd.

Each file runs in its own process with a time limit; each of the lab's
functions found there is called on autograd's inputs and held to autograd's
output, then chained into whole training steps, and scored by the rubric
(``--rubric``, :mod:`mlp_harness.check.rubric`). Exit codes for one file: 0
every function the file offers is right (missing ones are listed, not failed),
1 a function is wrong or the file did not run as written (a syntax error, a
time-out), 2 bad input (no such file, nothing to check). For a batch (several
files): 0 every file has full marks, 1 one has not (missing functions
included), 2 bad input.
"""
from __future__ import annotations

import os
import sys

from manual_mlp.validation import InputError

from ..check.api import DEFAULT_TIMEOUT, check_files
from ..check.report import batch_line, csv_text, gradescope_json
from ..check.result import EXIT_FAIL, EXIT_OK, CheckResult
from ..check.limits import DEFAULT as DEFAULT_LIMITS, GB, Limits
from ..check.rubric import DEFAULT_RUBRIC, load_rubric
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
    p.add_argument("files", nargs="+", metavar=tr(lang, "meta_file"), help=tr(lang, "help_files"))
    p.add_argument("--name", action="append", default=[], metavar=tr(lang, "meta_lab_theirs"),
                   help=tr(lang, "help_name"))
    p.add_argument("--rubric", metavar=path, help=tr(lang, "help_rubric"))
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
    outputs = {f"--{opt}": getattr(args, opt) for opt in ("json", "gradescope", "csv")}
    check_outputs({f"FILE {path}": path for path in args.files} | {"--rubric": args.rubric}, outputs)
    for flag, path in outputs.items():
        if path is not None:
            check_output_path(path, flag)
    return [(flag[2:], path) for flag, path in outputs.items() if path is not None]


def write_reports(outputs: list[tuple[str, str]], results: list[CheckResult]) -> None:
    """Every output asked for, each all or nothing (see :func:`~mlp_harness.verify.files.atomic_write`)."""
    for opt, path in outputs:
        if opt == "json":
            write_json(path, results[0].to_json() if len(results) == 1 else [r.to_json() for r in results])
        elif opt == "gradescope":
            write_json(path, gradescope_json(results[0]))
        else:
            text = csv_text(results)
            atomic_write(path, lambda f: f.write(text.encode("utf-8", "backslashreplace")), "the CSV file")


def limits_of(args) -> Limits:
    return Limits(memory=int(args.memory * GB), cpu_seconds=args.cpu_seconds)


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
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
    outputs = check_paths(args)
    if args.sandbox:
        require_sandbox()
    rubric = load_rubric(args.rubric) if args.rubric else DEFAULT_RUBRIC
    bar = ProgressBar(len(args.files), lang=args.lang) if len(args.files) > 1 else None
    if bar:
        bar.update(0)   # its clock starts with the run: the first file's time counts toward the ETA
    results = check_files(args.files, lang=args.lang, names=names, timeout=args.timeout, jobs=args.jobs,
                          on_done=bar.update if bar else None, rubric=rubric, limits=limits_of(args),
                          sandbox=args.sandbox)
    if bar:
        bar.clear()
    if len(results) == 1 and results[0].bad_input:   # nothing to check: bad input, one line on stderr
        write_reports(outputs, results)
        raise InputError(results[0].error)
    if len(results) == 1:   # one file: its verdict, as a student reads it
        print(results[0].text(args.width))
        write_reports(outputs, results)
        return results[0].exit_code
    for result in results:   # a batch: a line each (and the table too with --details), graded by the rubric
        print(f"{result.text(args.width)}\n{batch_line(result)}\n" if args.details else batch_line(result))
    write_reports(outputs, results)
    return EXIT_OK if all(r.full_marks for r in results) else EXIT_FAIL


main = guarded("mlp-check", _main)

if __name__ == "__main__":
    sys.exit(main())
