"""What verification costs in mlp-train: a step of ``--impl both`` over a step of ``--impl numpy`` plus one of
``--impl torch``, on one BLAS and OpenMP thread and on each library's default threads.

    python scripts/train_ratio.py                          # the three nets of the goals, both thread settings
    python scripts/train_ratio.py --nets 784-128-10 --rounds 7 --threads 1

Each net is mlp-bench's (random data of one batch, so one step an epoch). A step's time comes from
differenced epoch counts: whole ``train`` runs (mlp-train's loop, set-up included) of E₁ and E₂ epochs, timed
in interleaved rounds (every implementation and count once per round, in an order rotated from round to
round, each after a pause for BLAS threads left spinning), and (median of E₂ − median of E₁) / (E₂ − E₁), so
that the set-up, the same in both, drops out. The ratio ``both / (numpy + torch)`` is taken from the medians
of one run: numbers from runs at different times of a shared machine are not comparable.
"""
import argparse
import dataclasses
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlp_harness.bench.bench import NETS, bench_config, problem  # noqa: E402
from mlp_harness.bench.machine import describe_machine, machine_lines, thread_limit  # noqa: E402
from mlp_harness.train.training import train  # noqa: E402

IMPLS = ("both", "numpy", "torch")
#: (E₁, E₂) per net: E₂ − E₁ epochs of about a second of the slowest implementation
EPOCHS = {"lab": (20, 420), "digits-64-32-10": (20, 320), "784-128-10": (10, 160), "784-512-512-10": (2, 6)}
GOAL_NETS = ("digits-64-32-10", "784-128-10", "784-512-512-10")
#: pause before each timed run, for OpenBLAS threads left spinning (about 0.1 s) by the previous one
SETTLE_S = 0.15


def run_once(net, impl: str, epochs: int, threads: int | None) -> float:
    """Seconds of one whole ``train`` run of ``epochs`` epochs (set-up included) with ``impl``."""
    thetas, biases, X, Y, eta = problem(net, "float64")
    config = dataclasses.replace(bench_config(net, "float64", "sigmoid", eta), steps=epochs)
    with thread_limit(threads) if threads else nullcontext():
        start = time.perf_counter()
        history = train(config, thetas, biases, X, Y, impl)
        seconds = time.perf_counter() - start
    assert history.ok, f"{net.name} {impl}: the twins disagreed"
    return seconds


def measure(net, threads: int | None, rounds: int) -> dict[str, float]:
    """Seconds per step of each implementation, from differenced epoch counts (see the module)."""
    counts = EPOCHS[net.name]
    jobs = [(impl, epochs) for impl in IMPLS for epochs in counts]
    samples: dict[tuple[str, int], list[float]] = {job: [] for job in jobs}
    for job in jobs:   # warm-up: imports, first allocations
        run_once(net, job[0], counts[0], threads)
    for r in range(rounds):
        shift = r % len(jobs)
        for job in jobs[shift:] + jobs[:shift]:
            time.sleep(SETTLE_S)
            samples[job].append(run_once(net, *job, threads))
    medians = {job: statistics.median(times) for job, times in samples.items()}
    return {impl: (medians[impl, counts[1]] - medians[impl, counts[0]]) / (counts[1] - counts[0]) for impl in IMPLS}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nets", nargs="+", default=list(GOAL_NETS), choices=[net.name for net in NETS])
    p.add_argument("--threads", nargs="+", default=["1", "default"], choices=["1", "default"])
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    print("\n".join(machine_lines(describe_machine())))
    print("float64, sigmoid hidden layers; ms per step; both/(np+pt) from the medians of this run\n")
    print(f"{'net':16} {'threads':8} {'both':>9} {'numpy':>9} {'torch':>9} {'both/(np+pt)':>13}")
    for name in args.nets:
        net = next(net for net in NETS if net.name == name)
        for threads in args.threads:
            t = measure(net, 1 if threads == "1" else None, args.rounds)
            print(f"{name:16} {threads:8} {t['both'] * 1e3:9.3f} {t['numpy'] * 1e3:9.3f} {t['torch'] * 1e3:9.3f} "
                  f"{t['both'] / (t['numpy'] + t['torch']):13.2f}", flush=True)


if __name__ == "__main__":
    main()
