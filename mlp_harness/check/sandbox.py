"""``mlp-check --sandbox``: each worker under bubblewrap (``bwrap``, Debian's ``bubblewrap``).

What the worker sees: the system's programs and libraries, Python and its
packages, this package — all read-only; a private, empty ``/tmp``; its own
``/dev`` and ``/proc``; and its submission's folder, read-only — or, when
other files of the same run sit in that folder (a batch collected into one
folder), the submission alone. What it cannot do: reach the network (a fresh
network namespace with no interface), write anywhere but its private ``/tmp``,
see other hand-ins, the outputs or the rest of the file system, or signal a
process outside (a fresh PID namespace, which ends with it); in its own user
namespace the process limit (:mod:`mlp_harness.check.limits`) counts its own
processes only and binds root too. What it still can do: use CPU and memory up
to its limits, read the system's own files (``/etc``, ``/usr``), and compute the
answers itself with autograd (flagged with "uses").

Where ``bwrap`` is missing or cannot make its namespaces (user namespaces
disabled, a container that forbids them), ``--sandbox`` is refused with one
line and exit 2 — never a silent run without it.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from manual_mlp.validation import InputError
from ..i18n import _

#: the system's folders a Python process may need (those that exist are bound read-only)
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc")
#: the namespaces and settings of every sandboxed worker
BASE = ["--unshare-all", "--die-with-parent", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]


@functools.lru_cache(maxsize=1)
def unusable() -> str | None:
    """Why bwrap cannot sandbox a worker here — "missing", or what it said — or None when it can (a real
    trial, once per process)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "missing"
    trial = [bwrap] + BASE + [arg for folder in read_only() for arg in ("--ro-bind", folder, folder)] + \
        ["--", sys.executable, "-c", "pass"]
    try:
        done = subprocess.run(trial, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode:
        return (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
    return None


def require() -> None:
    """--sandbox where it cannot run: one clear line (InputError), never a run without it."""
    reason = unusable()
    if reason == "missing":
        raise InputError(_("--sandbox needs bwrap (the bubblewrap package), which this machine does not have"))
    if reason:
        raise InputError(_("--sandbox: bwrap cannot run here: {value}").format(value=reason))


def read_only() -> list[str]:
    """The folders bound read-only: the system's, Python's, and every folder on this process's sys.path and
    PYTHONPATH (where this package and its dependencies live), parents first."""
    from .isolate import PACKAGE_ROOT
    folders = [f for f in SYSTEM if os.path.isdir(f)]
    folders += [sys.base_prefix, sys.prefix, sys.exec_prefix, PACKAGE_ROOT]
    folders += [p for p in sys.path + os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.isdir(p)]
    real = {os.path.realpath(f) for f in folders} | {os.path.abspath(f) for f in folders}
    return sorted(real, key=lambda f: (f.count(os.sep), f))


def command(worker: list[str], path: Path, alone: bool) -> list[str]:
    """``worker``'s command under bwrap; ``path``'s folder read-only, or ``path`` alone when ``alone`` (other
    files of the run sit in its folder)."""
    args = [shutil.which("bwrap") or "bwrap"] + BASE
    for folder in read_only():
        args += ["--ro-bind", folder, folder]
    seen = ["--tmpfs", str(path.parent), "--ro-bind", str(path), str(path)] if alone else \
        ["--ro-bind", str(path.parent), str(path.parent)]
    return args + seen + ["--chdir", str(path.parent), "--"] + worker
