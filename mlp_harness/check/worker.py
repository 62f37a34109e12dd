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

The submission runs as ``python submission.py`` would run it: in a real
``__main__`` module (pickle and multiprocessing find its functions and classes
there), with its folder first on ``sys.path`` (its own helper modules import) —
but only once every module the worker needs is loaded, so a ``json.py`` or
``numpy.py`` beside it never stands in for one of them. What it does to the
process is survived: ``sys.stdout.close()``, a KeyboardInterrupt, a SIGALRM of
its own between calls, an ``os.fork()`` (only the process that started as the
worker writes the result).
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

from . import forked
from .execute import error_data, is_timeout, isolated, run_task, stops_the_check, time_limit
from .submission import Cell, read_submission

OUTPUT_LIMIT = 20_000
#: the submission's own functions reported at most (for the hint toward --name)
DEFINED_LIMIT = 200


#: the process that started as the worker: only it writes progress and the result (not a fork of the submission's)
WORKER_PID: int | None = None


class CappedOutput(io.StringIO):
    """A stdout that keeps only the first ``OUTPUT_LIMIT`` characters, and keeps them when the submission closes it."""

    kept = ""

    def write(self, text: str) -> int:
        room = OUTPUT_LIMIT - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)

    def close(self) -> None:
        if not self.closed:
            self.kept = self.getvalue()
        super().close()

    def text(self) -> str:
        return self.kept if self.closed else self.getvalue()


def run_cell(cell: Cell, namespace: dict, limit: float | None) -> dict:
    """Compile and run one cell; what happened, as data."""
    out = {"number": cell.number, "first_line": cell.first_line, "status": "ok",
           "file": None if cell.filename.startswith("<cell ") else cell.filename}
    if cell.skipped:
        return out | {"status": "skipped"}
    try:
        code = compile(cell.source, cell.filename, "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:   # a NUL byte; too deep or too big
        where = {"cell": cell.number if cell.filename.startswith("<cell ") else None,
                 "file": None if cell.filename.startswith("<cell ") else cell.filename,
                 "line": getattr(exc, "lineno", None), "function": None}
        message = exc.msg if isinstance(exc, SyntaxError) else str(exc) or type(exc).__name__
        text = (getattr(exc, "text", None) or "").strip()[:80]
        return out | {"status": "syntax_error", "error": {"type": type(exc).__name__, "message": message,
                                                          "where": where, "text": text}}
    try:
        with time_limit(limit):
            exec(code, namespace)
    except BaseException as exc:   # a cell that raises is reported, and the next cells still run
        if stops_the_check(exc):
            raise
        error = error_data(exc, limit)
        out |= {"status": "timeout" if is_timeout(error) else "error", "error": error}
    return out


def progress(path: str | None, **where) -> None:
    """Where the worker is — {"cell": 12} or {"function": "delta_L"} — for the parent to name if it must stop it."""
    if path and os.getpid() == WORKER_PID:
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


def main_module(path: str) -> types.ModuleType:
    """A real ``__main__`` module for the submission, as ``python submission.py`` makes one: pickle and
    multiprocessing look its functions and classes up there by name."""
    module = types.ModuleType("__main__")
    module.__dict__.update(notebook_namespace(path))
    sys.modules["__main__"] = module
    return module


def run_submission(path: str, task: dict, progress_path: str | None = None, namespace: dict | None = None) -> dict:
    """Every cell in order, then the task's calls, in ``namespace`` (default: a fresh one, this process's
    ``__main__`` untouched): {"cells", "task", "defined"} (see :func:`defined_functions`)."""
    cells = read_submission(path)
    namespace = notebook_namespace(path) if namespace is None else namespace
    reports = []
    for cell in cells:
        progress(progress_path, cell=None if cell.filename.endswith(".py") else cell.number)
        reports.append(run_cell(cell, namespace, task.get("limit")))
    defined = defined_functions(namespace, {cell.filename for cell in cells})
    calling = lambda name: progress(progress_path, function=name)  # noqa: E731
    return {"cells": reports, "task": run_task(namespace, task, calling), "defined": defined}


def settle(submission: str) -> CappedOutput:
    """The process as the submission finds it; its prints go to the CappedOutput returned. Its folder goes
    first on sys.path last of all: every module the worker uses is loaded by then."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    warnings.simplefilter("ignore")
    isolated()
    forked.OWN_GROUP = False   # a check_lab in the submission: its children stay in the group isolate ends
    sys.stdin = io.StringIO("")
    sys.argv = [submission]   # as `python submission.py` would see it
    captured = CappedOutput()
    sys.stdout, sys.stderr = captured, captured
    sys.path.insert(0, os.path.dirname(os.path.abspath(submission)))
    return captured


def write_result(out_path: str, result: dict) -> None:
    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(result, f)
    os.replace(out_path + ".tmp", out_path)


def main(argv: list[str]) -> int:
    global WORKER_PID
    submission, task_path, out_path = argv
    WORKER_PID = os.getpid()
    with open(task_path, encoding="utf-8") as f:
        task = json.load(f)
    captured = settle(submission)
    try:
        result = run_submission(submission, task, out_path + ".progress", main_module(submission).__dict__)
    except InputError as exc:   # the file went away or changed since the parent read it
        result = {"worker_error": str(exc)}
    except BaseException as exc:   # noqa: BLE001 — reported to the parent as the worker's own failure
        error = error_data(exc, task.get("limit"))
        result = {"worker_error": f"{error['type']}: {error['message']}"}
    result["output"] = captured.text()
    if os.getpid() == WORKER_PID:   # a fork of the submission's ends here, silently
        write_result(out_path, result)
    os._exit(0)   # the student's threads, atexit hooks or open figures must not keep the process alive


if __name__ == "__main__":
    main(sys.argv[1:])
