"""``mlp-check``: someone's own backprop (the lab's functions, in a .py or a notebook) against autograd.

Each file runs in its own process with a time limit; each of the lab's
functions found there is called on autograd's inputs and held to autograd's
output, then chained into whole training steps. Exit codes: 0 every function
the file offers is right (missing ones are listed, not failed), 1 a function
is wrong or the file did not run as written (a syntax error, a time-out), 2
bad input (no such file, nothing to check).
"""
from __future__ import annotations

import json
import os
import sys

from manual_mlp.validation import InputError

from ..check.api import DEFAULT_TIMEOUT, check_files
from ..check.report import csv_text, gradescope_json
from ..check.result import CheckResult
from ..verify.files import atomic_write, check_output_path, check_outputs
from ..i18n import tr
from ..train.progress import ProgressBar
from .options import ArgumentParser, add_lang_option, guarded


def build_parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="mlp-check",
        description="Check the lab's backprop functions written by someone else — sigmoid, delta_L, delta_l, "
                    "gradient, optimize and a step(X, Y, thetas, eta) — against PyTorch autograd, formula by "
                    "formula: which is wrong, at which entry, and the mistake it probably is.",
        epilog="Exit codes: 0 every function found is right, 1 a function is wrong or the file did not run as "
               "written, 2 bad input. Each file runs in a separate process with a time limit: this isolates "
               "crashes and hangs, but it is no security sandbox (run untrusted code in a container).")
    p.add_argument("files", nargs="+", metavar="FILE", help=".py files or .ipynb notebooks")
    p.add_argument("--name", action="append", default=[], metavar="LAB=THEIRS",
                   help="the submission's name for one of the lab's functions, e.g. --name delta_L=meu_delta "
                        "(repeatable)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"how long one cell or one call may run before it is interrupted (default "
                        f"{DEFAULT_TIMEOUT:g}); a whole file is stopped after 2·SECONDS + 15")
    p.add_argument("--json", metavar="PATH", help="write the verdicts as JSON (a list when several files)")
    p.add_argument("--gradescope", metavar="PATH", help="write Gradescope's results.json (one file only)")
    p.add_argument("--csv", metavar="PATH", help="write one row per file, one column per function")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="files checked at once, each in its own process (default: the number of CPUs)")
    p.add_argument("--details", action="store_true", help="with several files, print every table, not one line each")
    p.add_argument("--width", type=int, default=None, metavar="N", help="line width (default: the terminal's)")
    add_lang_option(p, "the verdicts")
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
    check_outputs({f"FILE {path}": path for path in args.files}, outputs)
    for flag, path in outputs.items():
        if path is not None:
            check_output_path(path, flag)
    return [(flag[2:], path) for flag, path in outputs.items() if path is not None]


def write_text(path: str, text: str, what: str) -> None:
    atomic_write(path, lambda f: f.write(text.encode("utf-8")), what)


def one_line(result: CheckResult) -> str:
    lang = result.lang
    wrong = [f"{n} ({f.mistake})" if f.mistake else n for n, f in result.formulas.items()
             if f.status in ("fail", "error")]
    mark = "✓" if result.ok else "✗"
    key = "check_verdict_wrong" if len(wrong) > 1 else "check_verdict_wrong_one"
    detail = result.error or (tr(lang, key, names=", ".join(wrong)) if wrong else "")
    return f"{mark} {result.file}" + (f": {detail}" if detail else "")


def write_reports(outputs: list[tuple[str, str]], results: list[CheckResult]) -> None:
    for opt, path in outputs:
        if opt == "json":
            payload = results[0].to_json() if len(results) == 1 else [r.to_json() for r in results]
            write_text(path, json.dumps(payload, indent=1, ensure_ascii=False, allow_nan=False) + "\n", "the JSON report")
        elif opt == "gradescope":
            write_text(path, json.dumps(gradescope_json(results[0]), indent=1, ensure_ascii=False) + "\n",
                       "Gradescope's results.json")
        else:
            write_text(path, csv_text(results), "the CSV file")


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = parse_names(args.name)
    if not args.timeout > 0 or args.timeout > 3600:
        raise InputError(f"--timeout must be a number of seconds in (0, 3600], got {args.timeout:g}")
    if args.jobs < 1:
        raise InputError(f"--jobs must be at least 1, got {args.jobs}")
    if args.gradescope and len(args.files) > 1:
        raise InputError("--gradescope writes one submission's results.json: give one file")
    outputs = check_paths(args)
    bar = ProgressBar(len(args.files), lang=args.lang) if len(args.files) > 1 else None
    results = check_files(args.files, lang=args.lang, names=names, timeout=args.timeout, jobs=args.jobs,
                          on_done=bar.update if bar else None)
    if bar:
        bar.clear()
    for result in results:
        print(result.text(args.width) if len(results) == 1 or args.details else one_line(result))
    write_reports(outputs, results)
    return max(r.exit_code for r in results)


main = guarded("mlp-check", _main)

if __name__ == "__main__":
    sys.exit(main())
