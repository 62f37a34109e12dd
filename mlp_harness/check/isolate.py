"""Running a submission in a separate process: one call at a time, each with a deadline, and a fresh process
after one that ended mid-call.

The protocol (one JSON line each way, over two pipes; see
:mod:`mlp_harness.check.worker`): the worker runs the submission's cells,
saying which it starts, then reports what they left; then this side sends one
request — one probe's inputs, or one step's X, Y, θ's and η — and waits for its
answer before sending the next, in :func:`~mlp_harness.check.execute.drive`'s
order. The comparison with autograd happens here, in the parent. What comes
back is data from the submission's process (its code can write to the pipe):
each request carries a random id and only an answer carrying it is read, and
every answer and report is rebuilt from the fields the verdicts read, each of
its type (:func:`answer_of`, :func:`sane_ready`) — a forgery can stand in at
most for the answer of the call being made, which is its own function's.

Integrity: the process that runs a student's code holds only the inputs of
the call it is making, and of the calls made before it — never the task, never
an autograd answer. The order makes that enough: each call after every call
whose autograd answer is one of its inputs (:func:`mlp_harness.check.plan.call_ranks`;
for the lab, every σ first, then δ⁽ᴸ⁾, then δ⁽ˡ⁾ from the top layer down,
then ∂J/∂θ, then the updates), over all cases at once, so an autograd answer (a δ⁽ᴸ⁾ that ``delta_l`` and
``gradient`` take as input) reaches the worker only after the call that must
compute it has answered. A ``delta_L`` that walks ``gc`` or the stack (or
reads the process's memory) finds its own inputs and earlier calls' inputs,
none of which is its answer. Steps are sent the case's X, Y, θ's and then the
θ's the student's own previous step returned. What this does not stop: a
hand-in that computes the answers itself with autograd.

Deadlines, and the verdicts already made: each message must come within the
per-call limit plus :data:`GRACE` (the first within :data:`STARTUP`); there is
no limit on the whole file, so a right hand-in whose every call takes 2 s is
judged in full. A worker that misses a deadline, ends, or sends what is no
answer is stopped (its whole process group), and the call in flight gets the
finding — a time-out, a resource limit (:mod:`mlp_harness.check.limits`), the
signal or exit code; the calls of that function (or that kind of step, or a
chained step that calls it) after it get the same finding without running (after
a time-out, :func:`~mlp_harness.check.execute.drive` marks them skipped); the
other functions go on in a fresh
worker (at most :data:`MAX_STARTS` per file). A worker that stops during its
cells is the file's finding, at that cell, as before.

This isolates crashes, hangs and resource use; :mod:`mlp_harness.check.sandbox`
(``--sandbox``) adds a read-only file system, no network and no view of other
hand-ins.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

from manual_mlp.messages import current_language

from . import sandbox
from .execute import ALL_FUNCTIONS, drive, trajectory_needs
from .limits import DEFAULT, Limits, in_cgroup, pids_cgroup, remove_cgroup

#: where the mlp_harness package lives, so the worker imports this same copy
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
#: the worker's start: ``python -c`` puts the current folder — the submission's — first on sys.path; it goes
#: before anything is imported, so no file beside the submission (json.py, numpy.py) stands in for a module
#: the worker uses (the worker puts that folder back once they are loaded, for the submission's own modules)
BOOT = ("import sys; sys.path[0] == '' and sys.path.pop(0); "
        "from mlp_harness.check.worker import main; main(sys.argv[1:])")
#: seconds the worker's first message may take: a fresh interpreter's start-up (import numpy) on a loaded machine
STARTUP = 15.0
#: seconds any later message may come after the per-call limit: the worker's own reading and writing around a
#: call or a cell, on a loaded machine
GRACE = 10.0
#: workers started for one file at most: the first, and one after each of that many that ended mid-call
MAX_STARTS = 4
#: a message longer than this is no answer (the longest, a step's θ's, is a few kB)
MAX_MESSAGE = 16 << 20


#: the variables that size the BLAS and OpenMP thread pools a worker's NumPy (or torch) starts
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def worker_env(threads: int | None = None) -> dict[str, str]:
    """This environment, with this package first on PYTHONPATH; the entries there made absolute, as the
    worker runs in the submission's folder (an empty or relative entry would name that folder). ``threads``:
    the BLAS pools' size where the environment does not set it (1 when several workers share the cores:
    pools that big on every worker fight over them, 10–35× slower on the lab's small products)."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
    for name in THREAD_VARIABLES if threads else ():
        env.setdefault(name, str(threads))
    entries = env["PYTHONPATH"].split(os.pathsep) if env.get("PYTHONPATH") else []
    env["PYTHONPATH"] = os.pathsep.join([PACKAGE_ROOT] + [os.path.abspath(entry or os.curdir) for entry in entries])
    return env


#: the worker processes running now, so that Ctrl-C or SIGTERM can stop them all at once
RUNNING: set[subprocess.Popen] = set()
#: set once the run is being stopped: a worker started after stop_all() is stopped at once
STOPPING = threading.Event()


def stop(proc: subprocess.Popen) -> None:
    """End the worker's whole process group: what it left running (a fork, a thread's child) goes too."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def stop_all() -> None:
    STOPPING.set()
    for proc in list(RUNNING):
        stop(proc)


class Worker:
    """This side of one worker process: its pipes, its deadlines, and how it ended."""

    def __init__(self, path: Path, settings: dict, err_path: Path, wrap: Callable[[list[str]], list[str]] | None):
        request_in, self.requests = os.pipe()
        self.answers, answer_out = os.pipe()
        command = [sys.executable, "-c", BOOT, str(path), str(request_in), str(answer_out), json.dumps(settings)]
        command = wrap(command) if wrap else command
        self.cgroup = pids_cgroup(settings["limits"]["processes"]) if settings["limits"].get("processes") else None
        command = in_cgroup(command, self.cgroup)
        self.err_path, self.buffer, self.timed_out = err_path, b"", False
        with open(err_path, "wb") as err:
            self.proc = subprocess.Popen(command, cwd=path.parent, env=worker_env(settings.get("threads")),
                                     stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=err, start_new_session=True,
                                         pass_fds=(request_in, answer_out))
        os.close(request_in)
        os.close(answer_out)
        RUNNING.add(self.proc)
        if STOPPING.is_set():
            stop(self.proc)

    def send(self, message: dict) -> bool:
        data = (json.dumps(message) + "\n").encode("utf-8")
        try:
            while data:
                data = data[os.write(self.requests, data):]
        except OSError:   # it ended
            return False
        return True

    def receive(self, seconds: float) -> dict | None:
        """The next message, or None when none came within ``seconds`` (``timed_out``), the worker ended, or
        what came was no message."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                self.timed_out = True
                return None
            if select.select([self.answers], [], [], min(left, 0.5))[0]:
                chunk = os.read(self.answers, 1 << 16)
                if not chunk or len(self.buffer) + len(chunk) > MAX_MESSAGE:
                    return None
                self.buffer += chunk
            elif self.proc.poll() is not None:   # ended, with a fork of its still holding the pipe
                return None
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            message = json.loads(line)
        except ValueError:
            return None
        return message if isinstance(message, dict) else None

    def close(self) -> dict:
        """Stop it (its whole group) and say how it ended: {"timeout": True} when it missed a deadline, else
        {"code": exit code or −signal, "stderr": its last line}."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=0 if self.timed_out else 1)   # an ending of its own is let finish
        stop(self.proc)
        self.proc.wait()
        RUNNING.discard(self.proc)
        remove_cgroup(self.cgroup)
        for fd in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.timed_out:
            return {"timeout": True}
        tail = self.err_path.read_bytes()[-2000:].decode("utf-8", "replace").strip().splitlines()
        return {"code": self.proc.returncode, "stderr": tail[-1] if tail else ""}


def ended_error(ended: dict, limit: float, limits: Limits) -> dict:
    """A call's finding when its worker missed the deadline or ended during it (data, as execute.error_data's)."""
    if ended.get("timeout"):
        return {"type": "Timeout", "timeout": True, "message": f"{limit:g} s", "where": None, "limit": limit,
                "early": None}
    code = ended.get("code")
    resource = {"cpu_seconds": limits.cpu_seconds} if code == -getattr(signal, "SIGXCPU", 0) else None
    name = signal.Signals(-code).name if isinstance(code, int) and code < 0 and -code in signal.valid_signals() \
        else None
    return {"type": "ProcessEnded", "message": ended.get("stderr", ""), "where": None, "resource": resource,
            "ended": {"code": code, "signal": name}}


def numbers(value, shape=None) -> bool:
    """``value`` converts to a float array — of ``shape`` (a list of whole numbers), when one is given."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return False
    return shape is None or whole_numbers(shape) and array.size == math.prod(shape)


def whole_numbers(shape) -> bool:
    return isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)


def number_or_none(value) -> float | None:
    return float(value) if type(value) in (int, float) else None


def clean_error(error: dict) -> dict:
    """A call's error as the worker reported it, rebuilt from the fields the verdicts read, each of its type
    (it is data from the submission's process: what is not of its type is left out)."""
    if error.get("timeout") is True:
        return {"type": "Timeout", "timeout": True, "message": "", "where": None,
                "limit": number_or_none(error.get("limit")) or 0.0, "early": number_or_none(error.get("early"))}
    where = error.get("where") if isinstance(error.get("where"), dict) else None
    where = where and {"cell": where["cell"] if type(where.get("cell")) is int else None,
                       "file": str(where["file"]) if isinstance(where.get("file"), str) else None,
                       "line": where["line"] if type(where.get("line")) is int else None,
                       "function": where["function"] if isinstance(where.get("function"), str) else None}
    text = lambda key: error[key] if isinstance(error.get(key), str) else None  # noqa: E731
    return {"type": text("type") or "?", "message": text("message") or "", "text": text("text") or "",
            "unreadable_message": error.get("unreadable_message") is True, "where": where, "name": text("name"),
            "resource": error["resource"] if isinstance(error.get("resource"), dict) else None}


def clean_cell(cell: dict) -> dict:
    """A cell's report rebuilt as :func:`clean_error` rebuilds an error (a syntax error always says where)."""
    out = {"number": cell["number"], "first_line": cell["first_line"], "status": cell["status"],
           "file": cell["file"] if isinstance(cell.get("file"), str) else None}
    if cell["status"] in ("ok", "skipped"):
        return out
    error = clean_error(cell["error"])
    if cell["status"] == "syntax_error" and error["where"] is None:
        error["where"] = {"cell": None, "file": None, "line": None, "function": None}
    return out | {"error": error}


def changed_of(result: dict, request: dict) -> dict:
    """{"changed": …} as the worker reported it — a probe's [{"index", "name"}, …], a step's {"function",
    "argument", "index"} — rebuilt from fields of their types, or {} (see :func:`mlp_harness.check.execute.changes`)."""
    changed = result.get("changed")
    if request["call"] == "step":
        fields = {"function": str, "argument": str, "index": int}
        ok = isinstance(changed, dict) and all(type(changed.get(k)) is t for k, t in fields.items())
        return {"changed": {k: changed[k] for k in fields}} if ok else {}
    items = [{"index": c["index"], "name": c["name"]} for c in changed if isinstance(c, dict)
             and type(c.get("index")) is int and isinstance(c.get("name"), str)] if isinstance(changed, list) else []
    return {"changed": items} if items else {}


def answer_of(message: dict | None, request: dict) -> dict | None:
    """The worker's answer to ``request``, rebuilt from what the verdicts read, or None when the message is
    none (it is data from the submission's process: a probe's value must be numbers of its shape, a step's
    θ's numbers, an error a dict); the arguments the call changed in place kept (:func:`changed_of`)."""
    result = message.get("result") if message else None
    if not isinstance(result, dict):
        return None
    answer = plain_answer(result, request)
    return None if answer is None else answer | changed_of(result, request)


def plain_answer(result: dict, request: dict) -> dict | None:
    """:func:`answer_of` without what was changed in place."""
    seconds = {"seconds": number_or_none(result.get("seconds")) or 0.0} if request["call"] == "probe" else {}
    if isinstance(result.get("error"), dict):
        return {"error": clean_error(result["error"])} | seconds
    if isinstance(result.get("returned"), str):
        return {"returned": result["returned"]} | seconds
    if request["call"] == "step":
        thetas, shapes = result.get("thetas"), result.get("shapes")
        if isinstance(thetas, list) and all(numbers(theta) for theta in thetas):
            if "biases" not in request:
                return {"thetas": thetas}
            biases = result.get("biases")   # a step on a network with biases
            ok = isinstance(biases, list) and all(numbers(b) for b in biases)
            return {"thetas": thetas, "biases": biases} if ok else None
        return {"shapes": shapes} if isinstance(shapes, list) and all(whole_numbers(s) for s in shapes) else None
    if "value" in result:
        return {"value": result["value"], "shape": result.get("shape")} | seconds \
            if whole_numbers(result.get("shape")) and numbers(result["value"], result["shape"]) else None
    return {"shape": result["shape"]} | seconds if whole_numbers(result.get("shape")) else None


def sane_ready(ready: dict, names: list[str]) -> bool:
    """What the cells left has the layout the verdicts read (it is data from the submission's process): every
    asked-for function's (``names``) "found" a text, every cell report a status, a number and a first line."""
    found, cells = ready.get("found"), ready.get("cells")
    return (isinstance(found, dict) and all(isinstance(found.get(name), str) for name in names)
            and isinstance(cells, list) and all(
                isinstance(c, dict) and c.get("status") in CELL_STATUSES and isinstance(c.get("number"), int)
                and isinstance(c.get("first_line"), str) and isinstance(c.get("error", {}), dict)
                and (c.get("status") in ("ok", "skipped") or isinstance(c.get("error"), dict)) for c in cells))


#: what a cell's report may say
CELL_STATUSES = ("ok", "skipped", "syntax_error", "error", "timeout")


class Session:
    """One file's check through workers: the first runs the cells and answers until it ends; a fresh one,
    after its cells, answers the calls left (see the module's docstring)."""

    def __init__(self, path: Path, task: dict, limit: float, limits: Limits, tmp: Path,
                 wrap: Callable[[list[str]], list[str]] | None = None, threads: int | None = None):
        self.path, self.task, self.limit, self.limits, self.tmp, self.wrap = path, task, limit, limits, tmp, wrap
        self.settings = {"functions": task.get("functions", {}), "names": task.get("names", list(ALL_FUNCTIONS)),
                         "limit": limit, "limits": limits.settings(),
                         "threads": threads, "lang": current_language()}
        self.worker: Worker | None = None
        self.starts = 0
        self.ended: dict[str, dict] = {}   # group -> the finding of the call its worker ended in

    def start(self) -> tuple[dict | None, dict | None]:
        """A fresh worker, through its cells: (what they left, None) or (None, what stopped it there)."""
        self.starts += 1
        self.worker = Worker(self.path, self.settings, self.tmp / f"stderr{self.starts}.txt", self.wrap)
        at, wait = None, STARTUP
        while (message := self.worker.receive(wait)) is not None:
            wait = self.limit + GRACE
            if isinstance(message.get("at"), dict):
                at = message["at"]
            elif isinstance(message.get("ready"), dict) and sane_ready(message["ready"], self.settings["names"]):
                return message["ready"] | {"cells": [clean_cell(c) for c in message["ready"]["cells"]]}, None
            elif "ready" in message:   # no layout the verdicts can read: the file's code wrote it
                self.close()
                return None, {"forged": True, "progress": at}
            elif "worker_error" in message:
                self.close()
                return None, {"worker_error": str(message["worker_error"])}
        ended = self.close()
        stopped = {"timeout": wait} if ended.get("timeout") else {"crashed": ended["code"], "stderr": ended["stderr"]}
        return None, stopped | {"progress": at}

    def close(self) -> dict:
        ended, self.worker = self.worker.close(), None
        return ended

    def ask(self, request: dict, group: str) -> dict:
        """One call's answer; a finding of its own when the worker ended or missed the deadline during it."""
        names = [group] + (trajectory_needs(request) if request["call"] == "step" else [])
        ended = next((self.ended[name] for name in names if name in self.ended), None)
        if ended is not None:   # it, or a function a chained step calls, already ended a worker
            return {"error": ended}
        if self.worker is None:
            if self.starts >= MAX_STARTS or STOPPING.is_set() or self.start()[0] is None:
                self.ended[group] = ended_error({"code": None, "stderr": ""}, self.limit, self.limits)
                return {"error": self.ended[group]}
        request = request | {"id": secrets.token_hex(8)}   # unguessable: no answer can be forged ahead of its call
        answer = self.answer(request) if self.worker.send(request) else None
        if answer is not None:
            return answer
        self.ended[group] = ended_error(self.close(), self.limit, self.limits)
        return {"error": self.ended[group]}

    def answer(self, request: dict) -> dict | None:
        """The answer to ``request`` within the deadline; a message that does not carry its id is skipped (the
        file's code may write to the pipe, and may find the id of the call it is making: it can forge at most
        that call's answer, which is its own function's finding)."""
        deadline = time.monotonic() + self.limit + GRACE
        while (message := self.worker.receive(deadline - time.monotonic())) is not None:
            if message.get("id") == request["id"]:
                return answer_of(message, request)
        return None

    def run(self) -> dict:
        """The raw result :func:`mlp_harness.check.api.result_of_run` judges."""
        ready, stopped = self.start()
        if ready is None:
            return stopped
        calls = drive(self.task, ready["found"], self.ask)
        if self.worker is not None:
            self.worker.send({"call": "done"})
            self.close()
        reads = ready.get("reads") if isinstance(ready.get("reads"), dict) else {}
        reads = {name: [r for r in names if isinstance(r, str)] for name, names in reads.items()
                 if isinstance(names, list)}
        return {"cells": ready["cells"], "defined": ready["defined"] if isinstance(ready.get("defined"), dict) else {},
                "uses": ready.get("uses", []), "task": {"found": ready["found"], "reads": reads} | calls}


def run_isolated(path: str | Path, task: dict, limit: float, limits: Limits = DEFAULT,
                 sandboxed: str | None = None, threads: int | None = None) -> dict:
    """The worker's result for ``path`` — {"cells", "defined", "task"} — or what stopped it during its cells:
    {"timeout": seconds, "progress": …}, {"crashed": code, "stderr": …, "progress": …}, {"forged": True,
    "progress": …} (what came was not the worker's) or {"worker_error": …}.
    ``sandboxed``: None, or under bwrap with its "folder" or the file "alone" (see :mod:`.sandbox`);
    ``threads``: its BLAS threads (see :func:`worker_env`)."""
    path = Path(path).resolve()
    wrap = (lambda command: sandbox.command(command, path, sandboxed == "alone")) if sandboxed else None  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="mlp-check-") as tmp:
        session = Session(path, task, limit, limits, Path(tmp), wrap, threads)
        try:
            return session.run()
        finally:
            if session.worker is not None:
                session.close()
