"""Timing for the benchmark: medians of interleaved rounds, sized to a time budget.

Each function is timed in *samples*: ``calls`` calls in a row, long enough
(``SAMPLE_S``) that the clock's resolution and one stray interrupt do not
matter. One *round* takes one sample of every function, in an order rotated
from round to round, so a slow spell of the machine (another process, a
thermal dip) hits all functions alike instead of one of them. The result is
the median time per call over the rounds, with its quartiles as the spread.

``settle_s`` is a pause before each sample: BLAS threads left spinning by
one function's sample (OpenBLAS's spin for about 0.1 s after a call) would
otherwise take a core from the next function's, which would then not be
timed alone. After the pause one call is made untimed: on this kind of
machine (a virtual one) the first call after an idle spell runs several
times slower while the cores and the thread pools wake up (measured on
784-128-10: a NumPy step of 0.74 ms takes 3.3 ms right after 0.12 s of
sleep), a cost of the pause, not of the function.
"""
from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from typing import Callable, Mapping

#: a sample (consecutive calls of one function) lasts at least this long
SAMPLE_S = 0.02


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median over rounds and its quartiles."""

    median: float
    q1: float
    q3: float
    rounds: int
    calls_per_round: int

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median: 0.05 means ±2.5 %."""
        return (self.q3 - self.q1) / self.median if self.median > 0 else 0.0


def time_calls(fn: Callable[[], object], calls: int) -> float:
    """Seconds per call of ``calls`` consecutive calls."""
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def warm_up(fn: Callable[[], object], min_calls: int, max_s: float) -> float:
    """Call ``fn`` at least ``min_calls`` times, and more while under ``max_s``; the last call's seconds.

    The first calls pay for allocations, caches and thread start-up; the last
    one estimates the steady state the rounds are sized from.
    """
    start, calls, last = time.perf_counter(), 0, 0.0
    while calls < min_calls or time.perf_counter() - start + last < max_s:
        last = time_calls(fn, 1)
        calls += 1
    return max(last, 1e-9)


def median_times(fns: Mapping[str, Callable[[], object]], budget_s: float, min_rounds: int = 5,
                 max_rounds: int = 200, warm_up_calls: int = 2, settle_s: float = 0.0) -> dict[str, Timing]:
    """Time every function of ``fns`` in interleaved rounds, about ``budget_s`` seconds of rounds in all,
    pauses of ``settle_s`` before each sample included."""
    names = list(fns)
    per_call = {name: warm_up(fns[name], warm_up_calls, 0.1 * budget_s / len(names)) for name in names}
    calls = {name: max(1, math.ceil(SAMPLE_S / per_call[name])) for name in names}
    round_s = sum((calls[name] + 1) * per_call[name] + settle_s for name in names)
    rounds = max(min_rounds, min(max_rounds, int(budget_s / round_s)))
    samples: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            time.sleep(settle_s)
            fns[name]()   # untimed: wakes the cores and threads after the pause
            samples[name].append(time_calls(fns[name], calls[name]))
    return {name: _summary(samples[name], calls[name]) for name in names}


def _summary(samples: list[float], calls: int) -> Timing:
    if len(samples) >= 2:
        q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    else:
        q1 = q3 = samples[0]
    return Timing(statistics.median(samples), q1, q3, len(samples), calls)
