"""How many entries early acceptance settles (mlp_harness/verify/early.py), on mlp-bench's nets and on digits.

    python scripts/early_acceptance.py                    # every net, float64, sigmoid (digits: its recipe)
    python scripts/early_acceptance.py --steps 20 --activation relu --dtype float32

For each net, the steps of a verified run with every layer's ∂J/∂θ⁽ˡ⁾ and update bounded entry by entry
(whatever their size; by default only layers of at least ``early.DEFER_MIN_PRODUCT`` multiply-adds are):
per layer, the share of the entries of ∂J/∂θ⁽ˡ⁾ and of the new θ⁽ˡ⁾ (and its optimizer state) that are
not accepted early (their threshold does not pass them), over all the steps. (Where more than 1/200 of a
layer's entries remain, 1/100 with two products, the comparison bounds the layer whole instead.) "digits" is scikit-learn's data set with
mlp-train's recipe for it (64-32-10, tanh, softmax, cross-entropy, Adam, η = 0.01), in batches of 64.
"""
import argparse
import collections
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from manual_mlp import random_parameters  # noqa: E402
from manual_mlp.batches import step_slice  # noqa: E402
from mlp_harness.bench.bench import NETS, bench_config, problem  # noqa: E402
from mlp_harness.train.datasets import get_dataset  # noqa: E402
from mlp_harness.verify import early  # noqa: E402
from mlp_harness.verify.run import RunConfig, build_twins, compare_step  # noqa: E402


def bench_net(name: str, dtype: str, activation: str):
    net = next(net for net in NETS if net.name == name)
    thetas, biases, X, Y, eta = problem(net, dtype)
    return bench_config(net, dtype, activation, eta), thetas, biases, X, Y, None


def digits(dtype: str):
    data = get_dataset("digits")
    r = data.recipe
    config = RunConfig(lr=r.lr, dtype=dtype, loss=r.loss, activation=r.activation,
                       output_activation=r.output_activation, optimizer=r.optimizer, batch_size=64)
    thetas, biases = random_parameters(r.layers, seed=0, bias=r.bias, dtype=np.dtype(dtype))
    return config, thetas, biases, data.X.astype(dtype), data.Y, 64


def remaining(config, thetas, biases, X, Y, batch, steps: int) -> dict:
    """{(layer, quantity): [entries not accepted early, entries]} over ``steps`` verified steps."""
    counts = collections.defaultdict(lambda: [0, 0])
    original, defer_from, whole_below = early.LayerCheck.__init__, early.DEFER_MIN_PRODUCT, early.WHOLE_BELOW

    def counting(check, weights, pairs, floor):
        original(check, weights, pairs, floor)
        for name, passed in check.passed.items():
            counts[weights.layer, name][0] += passed.size - int(np.count_nonzero(passed))
            counts[weights.layer, name][1] += passed.size
    # every layer through early acceptance, every threshold evaluated (no layer made whole for its count)
    early.LayerCheck.__init__, early.DEFER_MIN_PRODUCT, early.WHOLE_BELOW = counting, 0, 1
    try:
        net, optimizer, twin = build_twins(config, thetas, biases)
        for step in range(1, steps + 1):
            rows = step_slice(step, X.shape[0], batch, None)
            mismatch = compare_step(config, net, optimizer, twin, X[rows], Y[rows], step, config.tolerance)[1]
            assert mismatch is None, mismatch.describe()
    finally:
        early.LayerCheck.__init__, early.DEFER_MIN_PRODUCT, early.WHOLE_BELOW = original, defer_from, whole_below
    return counts


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--nets", nargs="+", default=[net.name for net in NETS[1:]] + ["digits"])
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    p.add_argument("--activation", default="sigmoid")
    args = p.parse_args()
    print(f"{args.dtype}, {args.steps} steps; share of the entries that their threshold does not pass")
    for name in args.nets:
        case = digits(args.dtype) if name == "digits" else bench_net(name, args.dtype, args.activation)
        N = case[3].shape[0] if case[5] is None else case[5]
        for (layer, quantity), (left, total) in sorted(remaining(*case, args.steps).items()):
            default = N * case[1][layer - 1].size >= early.DEFER_MIN_PRODUCT
            print(f"{name:16} layer {layer} {quantity:24} {left / total:8.3%} of {total // args.steps:>8,} "
                  f"a step{'  (early by default)' if default else ''}")


if __name__ == "__main__":
    main()
