"""What a benchmark ran on: processor, BLAS libraries, the kernels they run, their thread counts.

NumPy's BLAS is read from ``numpy.show_config``; its thread count and the
kernel it chose for this CPU (OpenBLAS's ``architecture``, e.g. SkylakeX or
Haswell) from ``threadpoolctl`` when that package is installed (without it the
report says OpenBLAS's default, one thread per available core). PyTorch's BLAS
comes from ``torch.__config__.show()``, the instruction set of its own kernels
from ``torch.backends.cpu.get_cpu_capability()`` and its threads from
``torch.get_num_threads()``. Environment variables that force a kernel or a
thread behaviour are listed as found: a forced kernel alone can move the
matmul rate by a factor of 1.6–1.9 on an AVX-512 CPU, and the tools never set
such variables themselves. Anything that cannot be read is reported as such,
never guessed silently.
"""
from __future__ import annotations

import os
import platform
import re
from contextlib import contextmanager
from typing import Iterator

import numpy as np
import torch

from manual_mlp.validation import InputError
from torch_reference.lockstep import Lockstep, usable_cores

from ..i18n import _, tr, tr_n

#: variables that choose a library's kernel (instruction set, cache sizes) instead of letting it detect the CPU
KERNEL_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR",
                    "ATEN_CPU_CAPABILITY", "NPY_DISABLE_CPU_FEATURES")
#: variables that set thread counts or how idle threads wait
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_THREAD_TIMEOUT",
                    "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME")


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def numpy_blas() -> dict:
    """NumPy's BLAS: name, version and threads (with where the thread count comes from)."""
    info = {"version": np.__version__, "blas": "unknown", "blas_version": "unknown"}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info.update(blas=str(blas.get("name", "unknown")), blas_version=str(blas.get("version", "unknown")))
    except Exception:  # noqa: BLE001 - older NumPy: no dict mode; the report says "unknown"
        pass
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        env = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
        info["threads"] = int(env) if env and env.isdigit() else usable_cores()
        info["threads_source"] = ("environment variable" if env else
                                  "OpenBLAS's default of one per usable core; threadpoolctl would read it")
        return info
    # NumPy's own OpenBLAS: the one loaded from NumPy's wheel (torch's MKL is linked in statically and not listed)
    blas_pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    pools = [p for p in blas_pools if "numpy" in p.get("filepath", "")] or blas_pools
    if pools:
        info["threads"] = pools[0].get("num_threads")
        info["threads_source"] = f"threadpoolctl ({pools[0].get('internal_api')})"
        info["kernel"] = f"{pools[0].get('internal_api')} {pools[0].get('architecture') or '(not reported)'}"
    return info


def torch_blas() -> dict:
    """PyTorch's BLAS (from its build configuration) and its thread counts."""
    config = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=(\w+)", config)
    library = next((re.sub(r"-Product.*| for .*", "", line.strip(" -")) for line in config.splitlines()
                    if "Math Kernel Library" in line or "OpenBLAS" in line), "")
    return {"version": torch.__version__, "blas": blas.group(1) if blas else "unknown", "blas_library": library,
            "kernel": f"{(blas.group(1) if blas else 'BLAS').lower()}, ATen {torch.backends.cpu.get_cpu_capability()}",
            "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads()}


def environment(names: tuple[str, ...]) -> dict[str, str]:
    """The variables among ``names`` that are set, with their values."""
    return {name: os.environ[name] for name in names if name in os.environ}


def cuda_info(device: str) -> dict | None:
    """The GPU, when the torch twin runs on CUDA."""
    if not device.startswith("cuda"):
        return None
    return {"name": torch.cuda.get_device_name(torch.device(device)), "cuda": torch.version.cuda}


def describe_machine(device: str = "cpu") -> dict:
    return {"cpu": cpu_name(), "cores": usable_cores(), "python": platform.python_version(),
            "numpy": numpy_blas(), "torch": torch_blas(), "cuda": cuda_info(device),
            "kernel_variables": environment(KERNEL_VARIABLES), "thread_variables": environment(THREAD_VARIABLES),
            "lockstep": Lockstep(torch.device(device)).describe()}


def threads(n: int | None, lang: str = "en") -> str:
    return "? threads" if n is None else tr_n(lang, "{n} thread", "{n} threads", n, n=n)


def machine_lines(info: dict, lang: str = "en") -> list[str]:
    """The machine, in a few lines for the top of the benchmark's table (in ``lang``)."""
    npb, ptb = info["numpy"], info["torch"]
    lines = [tr(lang, "CPU: {cpu}, {cores} usable cores; Python {python}", cpu=info["cpu"], cores=info["cores"],
                python=info["python"]),
             tr(lang, "NumPy {version}: BLAS {blas} {blas_version}, kernel {kernel}, {threads} ({source})",
                version=npb["version"], blas=npb["blas"], blas_version=npb["blas_version"],
                kernel=npb.get("kernel", tr(lang, "not reported (needs threadpoolctl)")),
                threads=threads(npb.get("threads"), lang),
                source=npb.get("threads_source", tr(lang, "not reported")))]
    lines.append(tr(lang, "PyTorch {version}: BLAS {blas} ({library}), kernel {kernel}, {threads}, {interop} "
                          "inter-op", version=ptb["version"], blas=ptb["blas"],
                    library=ptb["blas_library"] or tr(lang, "no details"), kernel=ptb["kernel"],
                    threads=threads(ptb["threads"], lang), interop=ptb["interop_threads"]))
    lines.append(tr(lang, "In lockstep: {how}", how=info["lockstep"]))
    forced = ", ".join(f"{k}={v}" for k, v in info["kernel_variables"].items())
    lines.append(tr(lang, "Kernels forced by the environment: {forced}", forced=forced) if forced else
                 tr(lang, "Kernels: each library's own choice for this CPU (no variable forces one)"))
    if info["thread_variables"]:
        lines.append(tr(lang, "Thread settings from the environment: {variables}",
                        variables=", ".join(f"{k}={v}" for k, v in info["thread_variables"].items())))
    if info.get("cuda"):
        c = info["cuda"]
        lines.append(f"GPU: {c['name']} (CUDA {c['cuda']})")
    return lines


@contextmanager
def thread_limit(threads: int | None) -> Iterator[None]:
    """Within the block, NumPy's BLAS and torch use ``threads`` threads each (``None``: leave them be).

    On a machine shared with other work, BLAS threads that spin while waiting
    for a busy core can make a matmul ten times slower; one thread each gives
    numbers that survive such load. Torch is set with ``torch.set_num_threads``,
    NumPy's BLAS through threadpoolctl, or else through OPENBLAS_NUM_THREADS,
    which must then be set before Python starts.
    """
    if threads is None:
        yield
        return
    if threads < 1:
        raise InputError(_("--threads must be at least 1, got {value}").format(value=threads))
    saved = torch.get_num_threads()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        if os.environ.get("OPENBLAS_NUM_THREADS") != str(threads):
            raise InputError(_("--threads {n} needs threadpoolctl to set NumPy's BLAS threads (pip install "
                               "threadpoolctl), or start with OPENBLAS_NUM_THREADS={n}").format(n=threads)) from None
        limiter = None
    else:
        limiter = threadpool_limits(limits=threads, user_api="blas")
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(saved)
        if limiter is not None:
            limiter.restore_original_limits()
