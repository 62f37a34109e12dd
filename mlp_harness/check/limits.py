"""The resources a worker process may use: memory, CPU seconds, the size of a file it writes, processes.

Every worker runs under them (``mlp-check --memory``, ``--cpu-seconds``; the
defaults in :data:`DEFAULT`), set by the worker itself once its own modules
are loaded and before the submission's first cell:

* memory: the address space (``RLIMIT_AS``) — an allocation past it fails, and
  NumPy's MemoryError is the finding of the call or cell that made it;
* CPU seconds (``RLIMIT_CPU``), all its threads together: past it the kernel
  ends the process with SIGXCPU, and the call that was running has the finding;
* file size (``RLIMIT_FSIZE``): a write past it fails with EFBIG (SIGXFSZ is
  ignored, so the write raises instead of ending the process);
* processes (``RLIMIT_NPROC``): the user's tasks counted when the worker starts,
  plus ``processes`` — a fork past it fails with EAGAIN. The kernel counts every
  process of the same user, and does not apply this limit to root at all
  (root: see below).

Where this process may make a pids cgroup (root on cgroup v1's ``pids``, or a
delegated cgroup v2), each worker gets one too, allowing as many processes:
that binds root as well, and when the worker ends, every process left in it
(one that left the worker's process group) is ended with it.

A limit the process already has lower is kept. This module imports nothing
but the standard library: it runs in the worker before the submission.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from dataclasses import dataclass

try:   # imported here, with the worker's own modules, before the submission's folder is on sys.path
    import resource
except ImportError:   # no resource limits on this system
    resource = None

GB, MB = 1 << 30, 1 << 20


@dataclass(frozen=True)
class Limits:
    memory: int = 4 * GB           # bytes of address space
    cpu_seconds: int = 600         # CPU seconds of the whole worker (each restart has its own)
    file_size: int = 64 * MB       # bytes of any one file it writes
    processes: int = 256           # processes and threads beyond the user's own when it starts

    def settings(self) -> dict:
        """As the worker's settings carry them."""
        return {"memory": self.memory, "cpu_seconds": self.cpu_seconds, "file_size": self.file_size,
                "processes": self.processes}


DEFAULT = Limits()


def user_tasks() -> int:
    """The processes and threads of this process's real user now (what RLIMIT_NPROC counts)."""
    uid, count = str(os.getuid()), 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
            except OSError:   # gone meanwhile
                continue
            if fields.get("Uid", "").split()[:1] == [uid]:
                count += int(fields.get("Threads", "1").strip() or 1)
    return count


def lower(kind: int, soft: int, hard: int | None = None) -> None:
    """Set a limit, keeping one the process already has lower."""
    _, old_hard = resource.getrlimit(kind)
    cap = lambda n: n if old_hard == resource.RLIM_INFINITY else min(n, old_hard)  # noqa: E731
    resource.setrlimit(kind, (cap(soft), cap(soft if hard is None else hard)))


def apply(settings: dict) -> dict[str, int]:
    """Put this process under ``settings`` (see :meth:`Limits.settings`); which limits now hold, for the
    messages of what hits them: {"memory": bytes, "file_size": bytes, "processes": n}."""
    if resource is None:
        return {}
    held = {}
    if settings.get("memory"):
        lower(resource.RLIMIT_AS, settings["memory"])
        held["memory"] = settings["memory"]
    if settings.get("cpu_seconds"):   # SIGXCPU at the soft limit; SIGKILL 5 s later, if that is caught
        lower(resource.RLIMIT_CPU, settings["cpu_seconds"], settings["cpu_seconds"] + 5)
    if settings.get("file_size"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        lower(resource.RLIMIT_FSIZE, settings["file_size"])
        held["file_size"] = settings["file_size"]
    if settings.get("processes"):
        lower(resource.RLIMIT_NPROC, user_tasks() + settings["processes"])
        held["processes"] = settings["processes"]
    return held


#: where a pids cgroup may be made for a worker: cgroup v1's pids hierarchy, or a cgroup v2 whose pids
#: controller this process may use
PIDS_ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")
_NUMBERS = itertools.count()


def pids_cgroup(processes: int) -> str | None:
    """A fresh pids cgroup allowing ``processes`` beyond a worker's own threads, where this process may make
    one (root, or a delegated cgroup): its folder, for :func:`in_cgroup` and then :func:`remove_cgroup`;
    None where none can be made. This binds where RLIMIT_NPROC does not: root."""
    allowed = processes + (os.cpu_count() or 1) + 8   # its own threads (BLAS's pool) and bwrap's
    for root in PIDS_ROOTS:
        if not os.path.isfile(os.path.join(root, "cgroup.procs")) or not os.access(root, os.W_OK):
            continue
        folder = os.path.join(root, f"mlp-check-{os.getpid()}-{next(_NUMBERS)}")
        try:
            os.mkdir(folder)
            with open(os.path.join(folder, "pids.max"), "w") as f:
                f.write(str(allowed))
            return folder
        except OSError:   # no pids controller there, or no right to use it
            remove_cgroup(folder)
    return None


def in_cgroup(command: list[str], folder: str | None) -> list[str]:
    """``command``, started inside the cgroup (a shell joins it, then becomes the command: whatever the
    command starts is in it from its first instruction)."""
    if folder is None:
        return command
    return ["/bin/sh", "-c", 'echo $$ > "$0" 2>/dev/null; exec "$@"', os.path.join(folder, "cgroup.procs")] + command


def remove_cgroup(folder: str | None) -> None:
    """End every process still in a worker's pids cgroup (one that left its process group too), then remove
    the cgroup (it cannot go while a process is in it)."""
    if not folder or not os.path.isdir(folder):
        return
    for _ in range(50):
        try:
            with open(os.path.join(folder, "cgroup.procs")) as f:
                for pid in f.read().split():
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(int(pid), signal.SIGKILL)
            os.rmdir(folder)
            return
        except OSError:   # its last processes are still being reaped
            time.sleep(0.02)
