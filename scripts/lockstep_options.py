"""The ways to run the twins in lockstep, timed side by side: python scripts/lockstep_options.py [--quick].

For each benchmark net (float64, sigmoid hidden layers) one verified step (both twins' steps, every
quantity compared with the fixed tolerance rule, a common state) is timed five ways, in interleaved
rounds with a pause before each sample so that no library's spinning threads leak from one sample into
the next:

* untamed: one step after the other, each library with its own thread count (what the harness did);
* NumPy owns the cores: in turn, NumPy's BLAS with its threads, torch with one;
* torch owns the cores: in turn, NumPy's BLAS with one thread, torch with its threads;
* one thread each: in turn;
* shared (the harness): what the harness does (torch_reference/lockstep.py): the cores shared out, the
  steps at once from 10⁸ matmul flops, in turns below.

Each is printed over the NumPy step alone plus the torch step alone, both with their own threads.
OPENBLAS_THREAD_TIMEOUT, the other option, can only be set before NumPy loads: run this script again
with it set (e.g. OPENBLAS_THREAD_TIMEOUT=4) to see its effect on the same rows.
"""
import argparse
import dataclasses
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from manual_mlp.record import carried_over  # noqa: E402
from mlp_harness.bench.bench import NETS, bench_config, problem  # noqa: E402
from mlp_harness.bench.timing import median_times  # noqa: E402
from mlp_harness.verify.compare import compare_records  # noqa: E402
from mlp_harness.verify.run import build_twins, compare_step  # noqa: E402
from torch_reference.lockstep import numpy_threads  # noqa: E402

WAYS = ("untamed", "NumPy owns the cores", "torch owns the cores", "one thread each", "shared (the harness)")


def in_turn(config, weights, X, Y, numpy_share: int | None, torch_share: int | None):
    """A verified step with the twins one after the other, on the given thread counts (None: their own)."""
    net, optimizer, twin = build_twins(config, *weights)
    own = torch.get_num_threads()

    def step():
        with numpy_threads(numpy_share or 4096):
            rec_np = net.train_step(X, Y, optimizer, config.loss)
        torch.set_num_threads(torch_share or own)
        rec_pt = twin.train_step(X, Y)
        torch.set_num_threads(own)
        diffs, _ = compare_records(rec_np, rec_pt, config.tolerance)
        if any(d.max_abs_diff != 0 for d in diffs if carried_over(d.quantity)):
            twin.load_state(rec_np.thetas, rec_np.biases, rec_np.optimizer_state)
    return step


def ways(net, settle_s: float, budget_s: float) -> dict[str, float]:
    thetas, biases, X, Y, eta = problem(net, "float64")
    config, w = bench_config(net, "float64", "sigmoid", eta), (thetas, biases)
    fixed = config.fixed_tolerance  # the rule does not depend on the threads: the fixed one, which has no bounds
    config = dataclasses.replace(config, rtol=fixed.rtol, atol=fixed.atol)
    alone_np, optimizer, alone_pt = build_twins(config, thetas, biases)
    shared = build_twins(config, thetas, biases)
    fns = {"numpy alone": lambda: alone_np.train_step(X, Y, optimizer, config.loss),
           "torch alone": lambda: alone_pt.train_step(X, Y),
           WAYS[0]: in_turn(config, w, X, Y, None, None), WAYS[1]: in_turn(config, w, X, Y, None, 1),
           WAYS[2]: in_turn(config, w, X, Y, 1, None), WAYS[3]: in_turn(config, w, X, Y, 1, 1),
           WAYS[4]: lambda: compare_step(config, *shared, X, Y, 1, config.tolerance)}
    t = median_times(fns, budget_s, 5, settle_s=settle_s)
    alone = t["numpy alone"].median + t["torch alone"].median
    return {"alone": alone} | {way: t[way].median / alone for way in WAYS}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="shorter rounds: rougher numbers")
    args = p.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; OPENBLAS_THREAD_TIMEOUT="
          f"{os.environ.get('OPENBLAS_THREAD_TIMEOUT', '(not set)')}")
    print(f"{'net':16} {'alone':>9}  " + "  ".join(f"{way:>20}" for way in WAYS))
    for net in NETS:
        r = ways(net, 0.12, 1.0 if args.quick else 4.0)
        print(f"{net.name:16} {r['alone'] * 1e3:7.2f}ms  " + "  ".join(f"{r[way]:20.2f}" for way in WAYS),
              flush=True)


if __name__ == "__main__":
    main()
