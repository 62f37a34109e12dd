"""The process a submission runs in: its cells in order, then the calls a task asks for; data out, to a file.

``python -m mlp_harness.check.worker SUBMISSION TASK.json OUT.json`` — started
by :mod:`mlp_harness.check.isolate`, which owns the time limit of the whole
process. Here each cell has the per-call limit too, so one hanging cell is
interrupted and the cells after it still run, as Jupyter would after an
interrupt. The student's prints are kept (the first 20,000 characters) rather
than shown, plots go to matplotlib's non-interactive backend, ``input()`` reads
an empty line, ``get_ipython()`` (a notebook exported as a script) does
nothing, and nothing the student's code does (an exception, ``sys.exit()``)
stops the worker before it writes its result. This isolates crashes and hangs; it is not a security
sandbox.
"""
from __future__ import annotations

import inspect
import io
import json
import os
import sys
import types
import warnings

from manual_mlp.validation import InputError

from .execute import error_data, run_task, time_limit
from .submission import Cell, read_submission

OUTPUT_LIMIT = 20_000
#: the submission's own functions reported at most (for the hint toward --name)
DEFINED_LIMIT = 200


class CappedOutput(io.StringIO):
    """A stdout that keeps only the first ``OUTPUT_LIMIT`` characters."""

    def write(self, text: str) -> int:
        room = OUTPUT_LIMIT - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)


def run_cell(cell: Cell, namespace: dict, limit: float | None) -> dict:
    """Compile and run one cell; what happened, as data."""
    out = {"number": cell.number, "first_line": cell.first_line, "status": "ok",
           "file": None if cell.filename.startswith("<cell ") else cell.filename}
    if cell.skipped:
        return out | {"status": "skipped"}
    try:
        code = compile(cell.source, cell.filename, "exec")
    except SyntaxError as exc:
        where = {"cell": cell.number if cell.filename.startswith("<cell ") else None,
                 "file": None if cell.filename.startswith("<cell ") else cell.filename, "line": exc.lineno,
                 "function": None}
        return out | {"status": "syntax_error", "error": {"type": type(exc).__name__, "message": exc.msg,
                                                          "where": where, "text": (exc.text or "").strip()[:80]}}
    try:
        with time_limit(limit):
            exec(code, namespace)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:   # a cell that raises is reported, and the next cells still run
        error = error_data(exc, limit)
        out |= {"status": "timeout" if error["type"] == "Timeout" else "error", "error": error}
    return out


def progress(path: str | None, **where) -> None:
    """Where the worker is — {"cell": 12} or {"function": "delta_L"} — for the parent to name if it must stop it."""
    if path:
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(where))


class Shell:
    """What ``get_ipython()`` returns in a notebook exported as a script: its magics and shell calls do nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def notebook_namespace(path: str) -> dict:
    """A fresh ``__main__`` with the names a notebook may use without importing them."""
    return {"__name__": "__main__", "__file__": path, "display": lambda *a, **k: None,
            "get_ipython": Shell, "input": lambda prompt="": ""}


def defined_functions(namespace: dict, filenames: set[str]) -> dict[str, list]:
    """The submission's own top-level functions (defined in its cells, under the name they hold there), as
    {name: [fewest, most positional arguments]} — most is None with *args; a function that needs a keyword
    argument is left out. Data for the parent's hint toward ``--name``: nothing here is called."""
    defined = {}
    for name, obj in list(namespace.items()):
        if type(obj) is not types.FunctionType or not isinstance(name, str) or name.startswith("__"):
            continue
        code = obj.__code__
        if code.co_filename not in filenames or code.co_kwonlyargcount > len(obj.__kwdefaults__ or {}):
            continue
        most = None if code.co_flags & inspect.CO_VARARGS else code.co_argcount
        defined[name] = [code.co_argcount - len(obj.__defaults__ or ()), most]
        if len(defined) == DEFINED_LIMIT:
            break
    return defined


def run_submission(path: str, task: dict, progress_path: str | None = None) -> dict:
    """Every cell in order, then the task's calls: {"cells", "task", "defined"} (see :func:`defined_functions`)."""
    cells = read_submission(path)
    namespace = notebook_namespace(path)
    reports = []
    for cell in cells:
        progress(progress_path, cell=None if cell.filename.endswith(".py") else cell.number)
        reports.append(run_cell(cell, namespace, task.get("limit")))
    defined = defined_functions(namespace, {cell.filename for cell in cells})
    calling = lambda name: progress(progress_path, function=name)  # noqa: E731
    return {"cells": reports, "task": run_task(namespace, task, calling), "defined": defined}


def main(argv: list[str]) -> int:
    submission, task_path, out_path = argv
    with open(task_path, encoding="utf-8") as f:
        task = json.load(f)
    os.environ.setdefault("MPLBACKEND", "Agg")
    warnings.simplefilter("ignore")
    sys.stdin = io.StringIO("")
    sys.argv = [submission]   # as `python submission.py` would see it
    captured = CappedOutput()
    real_stdout, sys.stdout, sys.stderr = sys.stdout, captured, captured
    try:
        result = run_submission(submission, task, out_path + ".progress")
    except InputError as exc:   # the file went away or changed since the parent read it
        result = {"worker_error": str(exc)}
    except Exception as exc:   # noqa: BLE001 — reported to the parent as the worker's own failure
        result = {"worker_error": f"{type(exc).__name__}: {exc}"}
    result["output"] = captured.getvalue()
    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(out_path + ".tmp", out_path)
    real_stdout.flush()
    os._exit(0)   # the student's threads, atexit hooks or open figures must not keep the process alive


if __name__ == "__main__":
    main(sys.argv[1:])
