"""Will it fit? The memory a network and a run need, estimated from the shapes, against what the machine has.

Checked before anything is allocated, so that an impossible request (``--layers 2,100000000,1``, a
file whose header claims terabytes) is one line with the estimate instead of minutes of swapping and a
MemoryError.
"""
from __future__ import annotations

import os

from manual_mlp.validation import InputError
from ..i18n import _

#: copies of the parameters a compared run holds: the starting θ, each twin's θ and ∂J/∂θ, the new θ in
#: both records, torch's weight and grad tensors, their error bounds, up to two optimizer moments per twin
PARAMETER_COPIES = 16
#: numbers per sample and unit: z, a, δ of both twins, their error bounds, and float64 temporaries
UNIT_COPIES = 16


def available_memory() -> int:
    """Bytes the machine can still give (MemAvailable; else free physical pages; else unlimited)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 2 ** 63


def gigabytes(n_bytes: float) -> str:
    if n_bytes >= 1e15:
        return f"{n_bytes / 1e9:.1e} GB"
    return f"{n_bytes / 1e9:,.1f} GB" if n_bytes >= 1e8 else f"{n_bytes / 1e6:,.1f} MB"


def check_fits(n_bytes: float, what: str) -> None:
    """Refuse ``what`` when it needs more memory than is available, saying both."""
    have = available_memory()
    if n_bytes > have:
        raise InputError(_("{what} needs about {size} of memory, but this machine has {have} available").format(
            what=what, size=gigabytes(n_bytes), have=gigabytes(have)))


def network_bytes(sizes: list[int], itemsize: int = 8) -> int:
    """A network's parameters (θ and b of every layer) times the copies a compared run keeps."""
    count = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    return PARAMETER_COPIES * count * itemsize


def run_bytes(sizes: list[int], samples: int, itemsize: int = 8) -> int:
    """The parameters plus every per-sample quantity of one compared step on ``samples`` samples."""
    return network_bytes(sizes, itemsize) + UNIT_COPIES * samples * sum(sizes) * max(itemsize, 8)


def check_network(sizes: list[int], itemsize: int = 8, samples: int = 0) -> None:
    """Refuse a network (and batch) that cannot fit, before any of it is allocated."""
    shape = "-".join(str(n) for n in sizes)
    what = (_("the network {sizes} on {n:,} samples").format(sizes=shape[:60], n=samples) if samples
            else _("the network {sizes}").format(sizes=shape[:60]))
    check_fits(run_bytes(sizes, samples, itemsize) if samples else network_bytes(sizes, itemsize), what)
