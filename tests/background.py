"""Slow work that waits on other processes, started early so that it overlaps the rest of the suite.

A notebook test spends seconds starting a Jupyter kernel (another process) and waiting for its cells. Started
when its module is collected, that wait runs beside the other tests, on the machine's second core, instead of
adding to the suite's time; the test's fixture then collects the result (or the exception, re-raised there).
"""
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable

_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="notebook")
_STARTED: dict[str, Future] = {}


def start(key: str, run: Callable[[], object]) -> Future:
    """``run()`` on a worker thread, started at most once per key."""
    if key not in _STARTED:
        _STARTED[key] = _POOL.submit(run)
    return _STARTED[key]
