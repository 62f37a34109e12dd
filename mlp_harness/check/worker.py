"""The process a submission runs in: its cells in order, then one call per request from the parent.

``python -c BOOT SUBMISSION FD_IN FD_OUT SETTINGS`` — started by
:mod:`mlp_harness.check.isolate`, which owns the protocol and the deadlines:
the worker says which cell it starts ({"at": {"cell": n}}), then what the
cells left ({"ready": {"cells", "found", "defined", "reads"}}), then answers
each request ({"call": "probe" | "step", "id": ..., ...}) with {"result": ..., "id": ...} until
{"call": "done"} or the end of its input. It is never given the task, only one
call's inputs at a time (see :mod:`mlp_harness.check.isolate` for why that
keeps autograd's answers out of it), and it runs under resource limits
(:mod:`mlp_harness.check.limits`). Each cell has the per-call limit too, so one hanging cell is
interrupted and the cells after it still run, as Jupyter would after an
interrupt. The student's prints are kept (the first 20,000 characters) rather
than shown, plots go to matplotlib's non-interactive backend, ``input()`` reads
an empty line, ``get_ipython()`` (a notebook exported as a script) does
nothing, and nothing the student's code does (an exception, ``sys.exit()``)
stops the worker before it answers.

The submission runs as ``python submission.py`` would run it: in a real
``__main__`` module (pickle and multiprocessing find its functions and classes
there), with its folder first on ``sys.path`` (its own helper modules import) —
but only once every module the worker needs is loaded, so a ``json.py`` or
``numpy.py`` beside it never stands in for one of them. What it does to the
process is survived: ``sys.stdout.close()``, a KeyboardInterrupt, a SIGALRM of
its own between calls, an ``os.fork()`` (only the process that started as the
worker answers).
"""
from __future__ import annotations

import inspect
import io
import json
import os
import sys
import types
import warnings

from manual_mlp.messages import set_language
from manual_mlp.validation import InputError

from . import forked
from .execute import (ALL_FUNCTIONS, LIMITS, error_data, find_functions, is_timeout, isolated, reads_of,
                      run_task, serve, stops_the_check, time_limit)
from .limits import apply as apply_limits
from .submission import Cell, read_submission, uses_of

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
    return {"cells": reports, "task": run_task(namespace, task, calling), "defined": defined, "uses": uses_of(cells)}


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


class Channel:
    """The worker's side of the pipes to the parent: a request in, a message out, one JSON line each. Only the
    process that started as the worker sends (a fork of the submission's is silent)."""

    def __init__(self, fd_in: int, fd_out: int):
        self.requests = os.fdopen(fd_in, "rb")
        self.fd_out = fd_out

    def send(self, message: dict) -> None:
        if os.getpid() != WORKER_PID:
            return
        data = (json.dumps(message) + "\n").encode("utf-8")
        while data:
            data = data[os.write(self.fd_out, data):]

    def request(self) -> dict | None:
        line = self.requests.readline()
        return json.loads(line) if line else None


def wanted(settings: dict) -> tuple[str, ...]:
    """The assignment's functions the parent asks for (the lab's by default)."""
    return tuple(settings.get("names") or ALL_FUNCTIONS)


def ready_data(namespace: dict, cells: list[Cell], reports: list[dict], settings: dict, limit) -> dict:
    """What the parent needs once the cells ran: their reports, the lab's functions found, the submission's
    own functions (for the hint toward --name) and the notebook arrays each lab function reads."""
    fns, found = find_functions(namespace, settings.get("functions", {}), wanted(settings))
    return {"cells": reports, "found": found, "defined": defined_functions(namespace, {c.filename for c in cells}),
            "reads": reads_of(fns, limit), "uses": uses_of(cells)}


def serve_requests(channel: Channel, submission: str, namespace: dict, settings: dict) -> None:
    """The cells in order (the parent told which is running), then one call per request, until the parent
    says it is done."""
    limit = settings.get("limit")
    cells, reports = read_submission(submission), []
    for cell in cells:
        channel.send({"at": {"cell": None if cell.filename.endswith(".py") else cell.number}})
        reports.append(run_cell(cell, namespace, limit))
    if os.getpid() != WORKER_PID:   # a fork of the submission's ends here: it answers nothing
        os._exit(0)
    channel.send({"ready": ready_data(namespace, cells, reports, settings, limit)})
    fns, _ = find_functions(namespace, settings.get("functions", {}), wanted(settings))
    while (request := channel.request()) is not None and request.get("call") != "done":
        channel.send({"result": serve(fns, request, limit), "id": request.get("id")})
        del request   # this call's inputs go before the next call's arrive


def main(argv: list[str]) -> int:
    """``SUBMISSION FD_IN FD_OUT SETTINGS``: SETTINGS is JSON {"functions", "limit", "limits", "threads", "lang"}
    (see :func:`mlp_harness.check.limits.apply`; the threads are the parent's, in the environment; "lang" is the
    language the parent raises its messages in, and so does the worker)."""
    global WORKER_PID
    submission, fd_in, fd_out, settings = argv
    WORKER_PID = os.getpid()
    settings = json.loads(settings)
    set_language(settings.get("lang") or "en")
    channel = Channel(int(fd_in), int(fd_out))
    settle(submission)
    try:
        LIMITS.update(apply_limits(settings.get("limits") or {}))
        serve_requests(channel, submission, main_module(submission).__dict__, settings)
    except InputError as exc:   # the file went away or changed since the parent read it
        channel.send({"worker_error": str(exc)})
    except BaseException as exc:   # noqa: BLE001 — reported to the parent as the worker's own failure
        error = error_data(exc, settings.get("limit"))
        channel.send({"worker_error": f"{error['type']}: {error['message']}"})
    os._exit(0)   # the student's threads, atexit hooks or open figures must not keep the process alive


if __name__ == "__main__":
    main(sys.argv[1:])
