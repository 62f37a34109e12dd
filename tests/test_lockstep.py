"""In lockstep the twins share the cores out and give them back; numbers are never the lockstep's business."""
import threading

import pytest
import torch

from torch_reference import lockstep
from torch_reference.lockstep import CONCURRENT_FLOPS, Lockstep, numpy_blas_pools, usable_cores

pytestmark = pytest.mark.skipif(not numpy_blas_pools(), reason="needs threadpoolctl and NumPy's BLAS pool")


def blas_threads() -> int:
    return numpy_blas_pools()[0].get_num_threads()


def observe() -> tuple:
    """What each side sees: its library's thread count, and the thread it runs on."""
    return (lambda: (blas_threads(), threading.get_ident())), (lambda: (torch.get_num_threads(), threading.get_ident()))


@pytest.mark.parametrize("flops", [0, CONCURRENT_FLOPS])
def test_each_twin_runs_on_its_share_and_the_counts_come_back(flops):
    before = blas_threads(), torch.get_num_threads()
    share = Lockstep(torch.device("cpu"))
    (numpy_threads, numpy_thread), (torch_threads, torch_thread) = share.run(*observe(), flops)
    cores = usable_cores()
    assert numpy_threads == min(before[0], -(-cores // 2)) == share.numpy_threads
    assert torch_threads == share.torch_threads <= max(1, cores - share.numpy_threads)
    assert (numpy_thread == threading.get_ident()) and ((torch_thread != numpy_thread) == (flops > 0))
    assert (blas_threads(), torch.get_num_threads()) == before


def test_an_error_on_the_numpy_side_waits_for_torch_and_restores_the_pool():
    before, finished = blas_threads(), []

    def numpy_fails():
        raise ValueError("numpy side")
    with pytest.raises(ValueError, match="numpy side"):
        Lockstep(torch.device("cpu")).run(numpy_fails, lambda: finished.append(True), CONCURRENT_FLOPS)
    assert finished == [True] and blas_threads() == before


def test_without_threadpoolctl_steps_run_in_turn_with_torch_on_one_thread(monkeypatch):
    monkeypatch.setattr(lockstep, "numpy_blas_pools", lambda: ())
    share = Lockstep(torch.device("cpu"))
    (_, numpy_thread), (torch_threads, torch_thread) = share.run(*observe(), CONCURRENT_FLOPS)
    assert torch_thread == numpy_thread and torch_threads == 1 and not share.concurrent
