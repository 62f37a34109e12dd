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
  (``--sandbox`` runs each worker as its own user, where it does apply).

A limit the process already has lower is kept. This module imports nothing
but the standard library: it runs in the worker before the submission.
"""
from __future__ import annotations

import os
import signal
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
