"""check_lab's calls in a child process: the student's functions live in the notebook's memory, so the
child is a fork of the notebook's process, and the notebook's own process runs none of their code.

The child makes the calls with the per-call limit (:func:`mlp_harness.check.execute.run_task`), under a
memory limit (:data:`MEMORY`), and tells this side, through a pipe, which function it is about to call,
then the data of every call. This side
only waits: a child that is still in the same function ``GRACE`` seconds after that function's limit (a
loop that catches the limit's exception, an ``__array__`` that never returns, a C routine) is ended with
its process group, and so is one that ends itself; that function is then that error's finding, and a
new child runs the task again without calling it. So a hang costs one limit and a little, whatever the
code does, wherever check_lab is called from (a thread too), and the caller's own signal handlers and
timers (pytest-timeout's SIGALRM, an outer check_lab) are never touched.

Where ``os.fork`` does not exist (Windows), or the child cannot even start, the calls run in this process
as before: each call is limited by SIGALRM where the process has it (the main thread of a Unix process),
a limit the student's code can defeat; elsewhere there is no limit.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import select
import signal
import sys
import time
import warnings

from . import limits
from .execute import isolated, run_task, timeout_error

#: seconds a child may stay in one function past that function's limit before it is ended from outside
GRACE = 2.0
#: seconds a child may take to begin its first call (forking a large notebook, importing nothing)
START = 10.0
#: whether a child starts a process group of its own, so that ending it ends whatever it started. Not in a
#: child (a check_lab called by a function being checked) nor in mlp-check's worker: there the group the
#: process is in is the one its parent ends, and a group of its own would escape that
OWN_GROUP = True
#: bytes of address space a child may take beyond what the notebook's process holds when it forks (the limit
#: of mlp-check's workers): past it an allocation fails, and the MemoryError is that call's finding — never
#: the machine's memory running out under the notebook
MEMORY = limits.DEFAULT.memory


def can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(os, "setpgid")


class Discard(io.TextIOBase):
    """Where a child's prints go: nowhere (the notebook's output channel is its parent's)."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)


def address_space() -> int | None:
    """This process's address space now, in bytes (Linux's /proc/self/status); None where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            sizes = [line.split()[1:2] for line in f if line.startswith("VmSize:")]
        return int(sizes[0][0]) * 1024
    except (OSError, ValueError, IndexError):
        return None


def limit_memory() -> None:
    """Hold the child to :data:`MEMORY` beyond what it holds now (where the system says how much that is)."""
    size = address_space()
    if size is not None and limits.resource is not None:
        with contextlib.suppress(ValueError, OSError):
            limits.lower(limits.resource.RLIMIT_AS, size + MEMORY)


def child(space: dict, task: dict, ended: dict, fd: int) -> None:
    """The child's whole life: the calls, their data down the pipe, then ``os._exit`` — never a return into
    the notebook's code, whatever happens."""
    global OWN_GROUP
    code = 1
    try:
        if OWN_GROUP:
            os.setpgid(0, 0)   # its own group: whatever it starts is ended with it
        OWN_GROUP = False
        isolated()
        limit_memory()
        sys.stdin = io.StringIO("")
        sys.stdout = sys.stderr = Discard()   # a notebook's output channel belongs to the parent
        with os.fdopen(fd, "w", encoding="utf-8") as pipe:
            def send(message: dict) -> None:
                pipe.write(json.dumps(message) + "\n")
                pipe.flush()
            result = run_task(space, task, lambda name: send({"calling": name}), ended)
            send({"result": result})
        code = 0
    finally:
        os._exit(code)


def exit_error(status: int) -> dict:
    """How a child that ended itself in a function ended, as that function's error."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        with contextlib.suppress(ValueError):
            return {"type": "ProcessExit", "message": signal.Signals(number).name, "where": None}
        return {"type": "ProcessExit", "message": f"{number}", "where": None}
    return {"type": "ProcessExit", "message": f"os._exit({os.WEXITSTATUS(status)})", "where": None}


def end(pid: int) -> int:
    """Kill the child's process group (its own forks too) and collect it; its wait status."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)   # in case it had no time to make its group
    with contextlib.suppress(ChildProcessError):
        return os.waitpid(pid, 0)[1]
    return 0


class Messages:
    """The child's JSON lines, read as they come."""

    def __init__(self, fd: int):
        self.fd, self.buffer = fd, b""

    def next(self, deadline: float | None) -> dict | None:
        """The next message; {} when ``deadline`` (a time.monotonic()) passes first; None at the pipe's end."""
        while b"\n" not in self.buffer:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                return {}
            if not select.select([self.fd], [], [], wait)[0]:
                continue
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)


def watch(pid: int, fd: int, limit: float | None) -> dict:
    """{"result": …} from a child that finished; else {"calling": the function it was in (None before the
    first), "error": what stopped it} — it is ended either way."""
    messages, calling = Messages(fd), None
    deadline = time.monotonic() + START
    try:
        while True:
            message = messages.next(deadline)
            if message is None:   # the pipe closed: the child ended before sending its result
                return {"calling": calling, "error": exit_error(end(pid))}
            if not message:
                return {"calling": calling, "error": timeout_error(limit) if calling else None}
            if "result" in message:
                return message
            calling = message["calling"]
            deadline = None if limit is None else time.monotonic() + limit + GRACE
    finally:
        end(pid)


def fork() -> int:
    """``os.fork()``, quietly: Python warns that a process with threads (a notebook's kernel has several)
    may deadlock in the child — the child here is watched, and ended if it does not answer in time."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def run_forked(space: dict, task: dict) -> dict | None:
    """``run_task(space, task)`` in forked children (see the module's text); None when no child could make
    a call at all, for the caller to run the task in its own process."""
    ended: dict[str, dict] = {}
    while True:
        read, write = os.pipe()
        pid = fork()
        if pid == 0:
            os.close(read)
            child(space, task, ended, write)
        os.close(write)
        try:
            outcome = watch(pid, read, task.get("limit"))
        finally:
            os.close(read)
        if "result" in outcome:
            return outcome["result"]
        if outcome["calling"] is None or outcome["calling"] in ended:   # not the student's doing
            return None
        ended[outcome["calling"]] = outcome["error"]
