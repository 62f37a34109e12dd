"""Where the NumPy twin's training step spends its time, stage by stage.

Each stage of one step is timed alone on the arrays a real step produces (the
benchmark's networks and data), in interleaved rounds, next to the whole
``train_step``: matmuls, bias additions, f(z), f′(z), the elementwise part of
δ, bias gradients, the loss, the update and the input checks. The stages add up
to about the whole step; what is left over is Python and the record.

    python scripts/profile_step.py                       # 784-512-512-10, float64 and float32
    python scripts/profile_step.py --net 784-128-10 --activation relu --threads 1
"""
import argparse

from manual_mlp import SGD, get_loss
from manual_mlp.backprop import bias_gradient, output_delta, weight_gradient
from manual_mlp.validation import check_batch
from mlp_harness.bench.bench import NETS, available_activations, problem
from mlp_harness.bench.machine import describe_machine, machine_lines, thread_limit
from mlp_harness.verify.run import RunConfig, build_twins
from mlp_harness.bench.timing import median_times


def stages(dtype: str, net_name: str, activation: str) -> dict:
    """{stage name: function doing that stage for every layer, as the step does it}."""
    net_spec = next(net for net in NETS if net.name == net_name)
    thetas, biases, X, Y, eta = problem(net_spec, dtype)
    net, optimizer, _ = build_twins(RunConfig(lr=eta, dtype=dtype, activation=activation), thetas, biases)
    loss = get_loss("half_sse")
    fwd = net.forward(X)
    grads = net.backward(fwd, Y, loss)
    L, zs, a, deltas, ths = net.depth, fwd.zs, fwd.activations, grads.deltas, net.thetas
    f = [None] + [net.activation_of(l) for l in range(1, L + 1)]
    fprimes = [None] + [f[l].grad(zs[l - 1], a[l]) for l in range(1, L + 1)]
    back = [None] * 2 + [deltas[l - 1] @ ths[l - 1] for l in range(2, L + 1)]  # δ⁽ˡ⁾θ⁽ˡ⁾, l ≥ 2
    params = net.parameters()
    grad_params = {"theta": grads.nabla_thetas} | ({} if grads.nabla_biases is None else {"b": grads.nabla_biases})
    return {
        "whole train_step": lambda: net.train_step(X, Y, optimizer),
        "matmuls z = a·θᵀ": lambda: [a[l - 1] @ ths[l - 1].T for l in range(1, L + 1)],
        "matmuls δ·θ (l ≥ 2)": lambda: [deltas[l - 1] @ ths[l - 1] for l in range(2, L + 1)],
        "matmuls δᵀ·a": lambda: [weight_gradient(deltas[l - 1], a[l - 1]) for l in range(1, L + 1)],
        "z + b": lambda: [zs[l - 1] + net.biases[l - 1] for l in range(1, L + 1)] if net.biases else None,
        "f(z)": lambda: [f[l].fn(zs[l - 1]) for l in range(1, L + 1)],
        "f′(z)": lambda: [f[l].grad(zs[l - 1], a[l]) for l in range(1, L + 1)],
        "δ: ∂J/∂a ⊙ f′, δθ ⊙ f′": lambda: ([output_delta(loss.grad(a[L], Y), fprimes[L])]
                                          + [back[l + 1] * fprimes[l] for l in range(1, L)]),
        "Σₙ δ (bias gradients)": lambda: [bias_gradient(d) for d in deltas] if net.biases else None,
        "J": lambda: loss.value(a[L], Y),
        "update θ − η∇": lambda: SGD(eta).step(params, grad_params),
        "checks of X, Y": lambda: check_batch(X, Y, net.sizes, net.dtype),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--net", default="784-512-512-10", choices=[net.name for net in NETS])
    p.add_argument("--activation", default="sigmoid", choices=available_activations())
    p.add_argument("--dtypes", nargs="+", default=["float64", "float32"])
    p.add_argument("--threads", type=int, help="threads for NumPy's BLAS (and torch)")
    p.add_argument("--budget", type=float, default=6.0, help="seconds of timed rounds per dtype")
    args = p.parse_args()
    with thread_limit(args.threads):
        print("\n".join(machine_lines(describe_machine())))
        for dtype in args.dtypes:
            times = median_times(stages(dtype, args.net, args.activation), args.budget)
            whole = times.pop("whole train_step").median
            print(f"\n{args.net}, {args.activation} hidden layers, {dtype}: whole step {whole * 1e3:.2f} ms")
            for name, t in times.items():
                print(f"  {name:<26} {t.median * 1e3:8.3f} ms  {t.median / whole:6.1%}  (±{t.spread / 2:.0%})")
            rest = whole - sum(t.median for t in times.values())
            print(f"  {'rest (Python, records)':<26} {rest * 1e3:8.3f} ms  {rest / whole:6.1%}")


if __name__ == "__main__":
    main()
