"""What a verified step of mlp-train costs, part by part, on one BLAS and OpenMP thread.

In one process, in interleaved rounds (medians of ms a step, wall time) and with the minor page faults of
each: the NumPy twin's step alone, the torch twin's alone, both in lockstep with nothing compared, and
both in lockstep with every quantity compared as mlp-train compares them, by the fixed rule (no bounds)
and by the default rule (each entry's rounding-error bound). Each compared run continues from the common
state as mlp-train's loop does.

    python scripts/verified_step_parts.py
    python scripts/verified_step_parts.py --nets 784-128-10 --rounds 20
"""
import argparse
import resource
import statistics
import time

import numpy as np

from mlp_harness.bench.bench import NETS, bench_config, problem
from mlp_harness.bench.machine import describe_machine, machine_lines, thread_limit
from mlp_harness.train.training import batch_start, make_twins
from mlp_harness.verify.compare import compare_records
from mlp_harness.verify.tolerance import Tolerance


def verified(config, thetas, biases, X, Y, rule):
    """One verified step a call, continuing from the common state as mlp-train does."""
    twins = make_twins(config, thetas, biases, "both")
    state = {"start": (thetas, biases), "optimizer": {}, "step": 1}

    def step():
        records = twins.step(X, Y, state["step"])
        start = batch_start(state["start"], state["optimizer"], Y, records["torch"])
        diffs, mismatch = compare_records(records["numpy"], records["torch"], rule, start)
        if mismatch is not None:
            raise SystemExit(f"step {state['step']}: the twins differ ({mismatch.quantity}): nothing to time")
        state.update(start=(records["numpy"].thetas, records["numpy"].biases),
                     optimizer=records["numpy"].optimizer_state, step=state["step"] + 1)
        if any(d.max_abs_diff != 0 for d in diffs):
            twins.continue_from(records["numpy"])
    return step


def parts(net_name: str) -> dict:
    """{part: a function taking one step of it}."""
    net = next(n for n in NETS if n.name == net_name)
    thetas, biases, X, Y, eta = problem(net, "float64")
    config = bench_config(net, "float64", "sigmoid", eta)
    alone = {impl: make_twins(config, thetas, biases, impl) for impl in ("numpy", "torch")}
    lockstep = make_twins(config, thetas, biases, "both")
    return {"numpy": lambda: alone["numpy"].step(X, Y, 1), "torch": lambda: alone["torch"].step(X, Y, 1),
            "lockstep": lambda: lockstep.step(X, Y, 1),
            "fixed": verified(config, thetas, biases, X, Y, Tolerance.for_dtype(np.float64)),
            "bounds": verified(config, thetas, biases, X, Y, config.tolerance)}


def measure(steps: dict, rounds: int, repeat: int = 20) -> dict:
    """{part: (median ms a step, minor page faults a step)} over interleaved rounds."""
    times, faults = {name: [] for name in steps}, {name: 0 for name in steps}
    for name, step in steps.items():   # warm-up: first allocations, the heap grown to a step's size
        for _ in range(10):
            step()
    for _ in range(rounds):
        for name, step in steps.items():
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            start = time.perf_counter()
            for _ in range(repeat):
                step()
            times[name].append((time.perf_counter() - start) / repeat * 1e3)
            faults[name] += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    return {name: (statistics.median(times[name]), faults[name] / (rounds * repeat)) for name in steps}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [net.name for net in NETS if net.name != "lab"]
    p.add_argument("--nets", nargs="+", default=names, choices=names)
    p.add_argument("--rounds", type=int, default=10)
    args = p.parse_args()
    print("\n".join(machine_lines(describe_machine())))
    print("one thread per library, float64, sigmoid hidden layers; ms a step (minor page faults a step)")
    with thread_limit(1):
        for net_name in args.nets:
            m = measure(parts(net_name), args.rounds)
            alone = m["numpy"][0] + m["torch"][0]
            print(f"{net_name}: " + "  ".join(f"{name} {ms:.3f} ({pf:.1f})" for name, (ms, pf) in m.items()))
            print(" " * len(net_name) + "  ÷ (numpy + torch): " + "  ".join(
                f"{name} {m[name][0] / alone:.2f}" for name in ("lockstep", "fixed", "bounds")))


if __name__ == "__main__":
    main()
