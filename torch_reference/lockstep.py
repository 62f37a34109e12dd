"""The two twins' steps in lockstep, without a fight over the cores.

NumPy's OpenBLAS and torch's OpenMP each keep a pool of threads. After a call
OpenBLAS's idle threads spin for about 0.1 s (``OPENBLAS_THREAD_TIMEOUT``,
read once when NumPy loads) and torch's spin for a few milliseconds before
they sleep. Taken one after the other, each twin's step therefore competes
with the other library's spinning threads, and a step that waits for a
descheduled thread at a barrier can take several times as long. Setting a
thread count does not stop threads that already spin.

So in lockstep the cores are *shared out*: NumPy's BLAS gets ⌈C/2⌉ of the C
usable cores (through ``threadpoolctl``) and torch the rest (at least one each,
never more than either library was already set to). With that split the
spinning threads of one library can never take a core the other needs, and a
step big enough to be worth it (``CONCURRENT_FLOPS``) runs *at the same time*
as the other twin's, torch's on a worker thread of its own: both libraries
release the GIL inside their kernels, so each twin works on its own cores.
Smaller steps are mostly Python, which the GIL runs one thread at a time, so
they run one after the other, still on their shares. The numbers behind this
choice are in ``docs/performance.md``.

Nothing here changes what either twin computes: each step is the same
sequence of operations on its own arrays; only the thread counts and the
thread that runs it change. A twin used alone keeps all of its threads.
Without ``threadpoolctl`` NumPy's pool cannot be resized at run time; the steps
then run one after the other and torch gets a single thread, so NumPy's
spinning threads still find a free core.
"""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable, Iterator, TypeVar

import torch
from manual_mlp.messages import _

from .heap import keep_freed_memory

A = TypeVar("A")
B = TypeVar("B")

#: matmul flops of a step from which the twins' steps run at the same time (the lab: 84; 64-32-10 with
#: N = 64: 0.9 million; 784-128-10 with N = 64: 39 million, about 10 % faster in turns; 784-512-512-10
#: with N = 1024: 3.3 billion, 1.7× faster at once: docs/performance.md)
CONCURRENT_FLOPS = 1e8


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@lru_cache(maxsize=1)
def numpy_blas_pools() -> tuple:
    """threadpoolctl's controllers of the BLAS libraries loaded in this process (NumPy's OpenBLAS); () if
    threadpoolctl is missing. torch's MKL is linked into torch and not among them."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return ()
    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


@contextmanager
def numpy_threads(n: int) -> Iterator[None]:
    """NumPy's BLAS limited to ``n`` threads within the block."""
    pools = numpy_blas_pools()
    saved = [pool.get_num_threads() for pool in pools]
    for pool, threads in zip(pools, saved):
        pool.set_num_threads(min(n, threads))
    try:
        yield
    finally:
        for pool, threads in zip(pools, saved):
            pool.set_num_threads(threads)


class Lockstep:
    """Runs one step of each twin, on shares of the cores; for :meth:`TorchTwin.train_step_beside`."""

    def __init__(self, device: torch.device):
        cores = usable_cores()
        resizable = bool(numpy_blas_pools())
        on_cpu = device.type == "cpu"
        #: NumPy's BLAS threads and torch's intra-op threads while in lockstep
        self.numpy_threads = max(1, -(-cores // 2)) if on_cpu and resizable else cores
        self.torch_threads = max(1, min(torch.get_num_threads(), cores - self.numpy_threads))
        self.concurrent = resizable
        self._worker: ThreadPoolExecutor | None = None

    def describe(self) -> str:
        at_once = _("at the same time when a step has ≥ 10^{n:.0f} matmul flops").format(n=math.log10(CONCURRENT_FLOPS))
        how = at_once if self.concurrent else _("one after the other")
        return _("threads: NumPy's BLAS {numpy}, torch {torch}; steps {how}").format(
            numpy=self.numpy_threads, torch=self.torch_threads, how=how)

    def run(self, numpy_step: Callable[[], A], torch_step: Callable[[], B], flops: float) -> tuple[A, B]:
        """``numpy_step()`` on this thread and ``torch_step()``, together when ``flops`` is large enough."""
        with numpy_threads(self.numpy_threads):
            if not (self.concurrent and flops >= CONCURRENT_FLOPS):
                keep_freed_memory()   # turns would hand each step fresh pages (torch_reference.heap)
                return numpy_step(), self._on_torch_share(torch_step)
            pending = self._torch_worker().submit(self._on_torch_share, torch_step)
            try:
                numpy_result = numpy_step()
            finally:
                torch_result = pending.result()  # torch's step ends before anything else happens, even on an error
            return numpy_result, torch_result

    def _on_torch_share(self, torch_step: Callable[[], B]) -> B:
        saved = torch.get_num_threads()  # OpenMP's thread count belongs to the calling thread: restored after
        torch.set_num_threads(self.torch_threads)
        try:
            return torch_step()
        finally:
            torch.set_num_threads(saved)

    def _torch_worker(self) -> ThreadPoolExecutor:
        """The thread that runs torch's steps while NumPy's run on the caller's."""
        if self._worker is None:
            self._worker = ThreadPoolExecutor(1, "torch-twin")
        return self._worker
