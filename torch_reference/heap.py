"""The C heap of a process whose twins take turns: memory freed by one step kept for the next.

glibc's malloc gives memory back to the system when the free space at the top of its heap passes its
*trim threshold*, and serves each block above its *mmap threshold* with a mapping of its own, unmapped
when freed; both thresholds follow the sizes the process frees. How they settle depends on what the
process allocated before. A fresh ``mlp-train --impl both`` settles them within a few steps, but after
other work — each twin's steps alone, the twins taking turns by hand — NumPy and torch taking turns kept
moving them: the memory of one step went back to the system and the next step's arrays came back as fresh
pages, each zeroed by the kernel on its first touch. Measured on machine B of docs/performance.md, one
thread per library, 784-128-10: 550 minor page faults a verified step in one such process (4.1 ms a step,
3.1 ms without them), bursts of 200-900 every few steps in another (``tests/test_heap.py``).

:func:`keep_freed_memory` fixes both thresholds, once per process, when the twins first take turns
(:class:`~torch_reference.lockstep.Lockstep`, steps below ``CONCURRENT_FLOPS``): the process keeps up to
:data:`TRIM_THRESHOLD` of freed heap for its next allocations, and only blocks of :data:`MMAP_THRESHOLD`
or more (a data set, say) get mappings of their own. What this costs: the freed memory (at most what the
process once held) stays with it until it ends instead of going back to the system. Steps large enough to
run at once are left alone: there, on 784-512-512-10, the same settings raised the peak of 10 verified
steps from 237-242 MB to 260-268 MB and saved no measurable time. Nothing a twin computes changes: only
where its arrays' memory comes from.

Nothing is done where the C library is not glibc, or where the user already chose malloc's settings
(``GLIBC_TUNABLES`` naming ``glibc.malloc``, or a ``MALLOC_…`` variable such as ``MALLOC_ARENA_MAX``):
their choice stands.
"""
from __future__ import annotations

import ctypes
import os
import sys
from functools import lru_cache

#: mallopt's parameters (glibc's malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: freed heap memory the process keeps for later allocations, at most
TRIM_THRESHOLD = 256 * 2 ** 20
#: blocks from this size up get mappings of their own, given back when freed (glibc's largest allowed
#: value on a 64-bit system)
MMAP_THRESHOLD = 32 * 2 ** 20

def users_own_malloc_settings(environ=os.environ) -> bool:
    """Whether the environment already sets malloc's behaviour (then it is left as the user chose)."""
    return "glibc.malloc" in environ.get("GLIBC_TUNABLES", "") or any(name.startswith("MALLOC_") for name in environ)


@lru_cache(maxsize=1)
def keep_freed_memory() -> bool:
    """Fix glibc malloc's trim and mmap thresholds for twins that take turns (see the module's docstring),
    once per process; True where they are set (now or before), False where nothing was done."""
    if not sys.platform.startswith("linux") or users_own_malloc_settings():
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version   # glibc only: musl's mallopt does nothing
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
