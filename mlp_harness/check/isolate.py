"""Running a submission in a separate process, with a time limit on the whole process.

The worker (:mod:`mlp_harness.check.worker`) limits each cell and each call to
``limit`` seconds itself; this side stops the whole process — its children too —
after ``hard_limit(limit)`` seconds whatever it is doing (a hang inside a C
routine cannot be interrupted from within). Whatever happens, the answer is
data: the worker's result, or what stopped it. This isolates crashes and hangs;
it is no security sandbox: run submissions you do not trust in a container.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

#: where the mlp_harness package lives, so the worker imports this same copy
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
#: the worker's start: ``python -c`` puts the current folder — the submission's — first on sys.path; it goes
#: before anything is imported, so no file beside the submission (json.py, numpy.py) stands in for a module
#: the worker uses (the worker puts that folder back once they are loaded, for the submission's own modules)
BOOT = ("import sys; sys.path[0] == '' and sys.path.pop(0); "
        "from mlp_harness.check.worker import main; main(sys.argv[1:])")


def hard_limit(limit: float) -> float:
    """The whole process's time: room for two limits (a hanging cell and a hanging call) and for start-up."""
    return 2 * limit + 15


def worker_env() -> dict[str, str]:
    """This environment, with this package first on PYTHONPATH; the entries there made absolute, as the
    worker runs in the submission's folder (an empty or relative entry would name that folder)."""
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
    entries = env["PYTHONPATH"].split(os.pathsep) if env.get("PYTHONPATH") else []
    env["PYTHONPATH"] = os.pathsep.join([PACKAGE_ROOT] + [os.path.abspath(entry or os.curdir) for entry in entries])
    return env


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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


def run_isolated(path: str | Path, task: dict, limit: float) -> dict:
    """The worker's result for ``path``, or {"timeout": seconds, "progress": …} or {"crashed": code, "stderr": …}."""
    path = Path(path).resolve()
    with tempfile.TemporaryDirectory(prefix="mlp-check-") as tmp:
        task_path, out_path, err_path = Path(tmp, "task.json"), Path(tmp, "out.json"), Path(tmp, "stderr.txt")
        task_path.write_text(json.dumps(task), encoding="utf-8")
        command = [sys.executable, "-c", BOOT, str(path), str(task_path), str(out_path)]
        with open(err_path, "wb") as err:
            proc = subprocess.Popen(command, cwd=path.parent, env=worker_env(), stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
            RUNNING.add(proc)
            if STOPPING.is_set():
                stop(proc)
            try:
                proc.wait(timeout=hard_limit(limit))
            except subprocess.TimeoutExpired:
                stop(proc)
                proc.wait()
                return {"timeout": hard_limit(limit), "progress": read_json(Path(str(out_path) + ".progress"))}
            finally:
                stop(proc)
                RUNNING.discard(proc)
        result = read_json(out_path)
        if result is None:
            tail = err_path.read_bytes()[-2000:].decode("utf-8", "replace").strip().splitlines()
            return {"crashed": proc.returncode, "stderr": tail[-1] if tail else "",
                    "progress": read_json(Path(str(out_path) + ".progress"))}
        return result
