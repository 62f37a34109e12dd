"""What verification costs in mlp-train: a step of ``--impl both`` over a step of ``--impl numpy`` plus one of
``--impl torch``, on one BLAS and OpenMP thread and on each library's default threads.

    python scripts/train_ratio.py                          # the three nets of the goals, both thread settings
    python scripts/train_ratio.py --nets 784-128-10 --rounds 7 --threads 1
    python scripts/train_ratio.py --trees . ../other-checkout   # two versions of the code, side by side

Each net is mlp-bench's (float64, sigmoid hidden layers, random data of one batch: one step an epoch). A
step's time comes from differenced epoch counts: whole ``train`` runs (mlp-train's loop, set-up included) of
E₁ and E₂ epochs, and (median of E₂'s − median of E₁'s) / (E₂ − E₁), so that the set-up, the same in
both, drops out. Every run is timed in a worker process of its checkout (one per ``--trees`` entry, started
once), in interleaved rounds: each round runs every checkout, implementation and epoch count once, in an
order rotated from round to round, each after a pause for BLAS threads left spinning by the run before.
So a slow spell of a shared machine hits every number alike; ratios are taken within one run. With
``--quiet F`` (Linux) a run during which the machine's other processes used more than F of a core, on
average (from /proc/stat, less the worker's own CPU time), is discarded and run again after a pause, up to
``RETRIES`` times: on a machine shared with other work, wall times are then those of a quiet machine.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

IMPLS = ("both", "numpy", "torch")
#: (E₁, E₂) per net: E₂ − E₁ epochs of about a second of the slowest implementation
EPOCHS = {"lab": (20, 420), "digits-64-32-10": (20, 320), "784-128-10": (10, 160), "784-512-512-10": (2, 6)}
GOAL_NETS = ("digits-64-32-10", "784-128-10", "784-512-512-10")
#: pause before each timed run, for OpenBLAS threads left spinning (about 0.1 s) by the previous one
SETTLE_S = 0.15
#: with --quiet: how many times a run is repeated while other work disturbs it, and the pause between tries
RETRIES, RETRY_PAUSE_S = 30, 2.0

#: a worker: reads one job a line ({"net", "impl", "epochs", "threads"}), answers the run's seconds
WORKER = """
import dataclasses, json, sys, time
from contextlib import nullcontext
from mlp_harness.bench.bench import NETS, bench_config, problem
from mlp_harness.bench.machine import thread_limit
from mlp_harness.train.training import train
for line in sys.stdin:
    job = json.loads(line)
    net = next(net for net in NETS if net.name == job["net"])
    thetas, biases, X, Y, eta = problem(net, "float64")
    config = dataclasses.replace(bench_config(net, "float64", "sigmoid", eta), steps=job["epochs"])
    with thread_limit(job["threads"]) if job["threads"] else nullcontext():
        start, cpu = time.perf_counter(), time.process_time()
        ok = train(config, thetas, biases, X, Y, job["impl"]).ok
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "ok": ok}), flush=True)
"""


class Worker:
    """A Python process running :data:`WORKER` on the checkout at ``tree``."""

    def __init__(self, tree: Path):
        env = os.environ | {"PYTHONPATH": str(tree)}
        self.process = subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=env, cwd=tree)

    def run(self, quiet: float | None = None, **job) -> tuple[float, float]:
        """(wall seconds, CPU seconds of the worker's every thread) of one run; with ``quiet``, of the first run
        during which other processes used at most that share of a core (see the module)."""
        for _ in range(RETRIES):
            busy = busy_seconds()
            self.process.stdin.write(json.dumps(job) + "\n")
            self.process.stdin.flush()
            answer = json.loads(self.process.stdout.readline())
            assert answer["ok"], f"{job}: the twins disagreed"
            others = busy_seconds() - busy - answer["cpu"]
            if quiet is None or others <= quiet * answer["seconds"]:
                break
            time.sleep(RETRY_PAUSE_S)
        return answer["seconds"], answer["cpu"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def busy_seconds() -> float:
    """CPU seconds every process of the machine has used since it started (Linux's /proc/stat; 0 elsewhere)."""
    try:
        ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")   # less idle and iowait


def measure(workers: dict[str, Worker], net: str, threads: int | None, rounds: int,
            quiet: float | None = None) -> dict:
    """{tree: {impl: (wall seconds, CPU seconds) per step}} from differenced epoch counts (see the module)."""
    counts = EPOCHS[net]
    jobs = [(tree, impl, epochs) for tree in workers for impl in IMPLS for epochs in counts]
    samples: dict[tuple, list[float]] = {job: [] for job in jobs}
    for tree, impl, epochs in jobs:   # warm-up: imports, first allocations
        workers[tree].run(net=net, impl=impl, epochs=counts[0], threads=threads)
    for r in range(rounds):
        shift = r % len(jobs)
        for tree, impl, epochs in jobs[shift:] + jobs[:shift]:
            time.sleep(SETTLE_S)
            samples[tree, impl, epochs].append(workers[tree].run(quiet, net=net, impl=impl, epochs=epochs,
                                                                 threads=threads))
    per_step = lambda tree, impl, which: (  # noqa: E731
        statistics.median(s[which] for s in samples[tree, impl, counts[1]])
        - statistics.median(s[which] for s in samples[tree, impl, counts[0]])) / (counts[1] - counts[0])
    return {tree: {impl: (per_step(tree, impl, 0), per_step(tree, impl, 1)) for impl in IMPLS} for tree in workers}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nets", nargs="+", default=list(GOAL_NETS), choices=list(EPOCHS))
    p.add_argument("--threads", nargs="+", default=["1", "default"], choices=["1", "default"])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--quiet", type=float, metavar="F",
                   help="run again any run during which other processes used more than F of a core (e.g. 0.15)")
    p.add_argument("--trees", nargs="+", type=Path, default=[Path(__file__).resolve().parent.parent],
                   help="checkouts to time side by side (default: this one)")
    args = p.parse_args()
    sys.path.insert(0, str(args.trees[0]))
    from mlp_harness.bench.machine import describe_machine, machine_lines
    print("\n".join(machine_lines(describe_machine())))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    print("float64, sigmoid hidden layers; ms per step of wall time (CPU time of all the process's threads);"
          "\nboth/(np+pt) from the medians of this run\n")
    print(f"{'net':16} {'threads':8} {'tree':12} {'both':>17} {'numpy':>17} {'torch':>17} {'both/(np+pt)':>13}")
    workers = {str(i): Worker(tree.resolve()) for i, tree in enumerate(args.trees)}
    try:
        for net in args.nets:
            for threads in args.threads:
                result = measure(workers, net, 1 if threads == "1" else None, args.rounds, args.quiet)
                for i, t in result.items():
                    cells = [f"{wall * 1e3:8.3f} ({cpu * 1e3:6.3f})" for wall, cpu in (t[impl] for impl in IMPLS)]
                    ratios = [t["both"][w] / (t["numpy"][w] + t["torch"][w]) for w in (0, 1)]
                    print(f"{net:16} {threads:8} {args.trees[int(i)].name or '.':12} {' '.join(cells)} "
                          f"{ratios[0]:6.2f} ({ratios[1]:4.2f})", flush=True)
    finally:
        for worker in workers.values():
            worker.close()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
