"""``mlp-bench``: how fast each twin's training step is, against its matmul floor, and how fast the harness is.

Ratios are measured in one run on one machine; the timings themselves depend on
the machine and on what else runs on it (the load average is printed too).
Exit codes: 0 done, 2 bad input (an unknown activation, CUDA asked for but absent).
"""
from __future__ import annotations

import os
import sys
from dataclasses import asdict, replace

from manual_mlp.validation import InputError
from torch_reference.device import check_device

from ..bench.bench import (NETS, CaseResult, HarnessResult, Settings, available_activations, default_activations,
                    measure_case, measure_harness, measure_import)
from ..verify.files import check_json_path, write_json
from ..bench.machine import describe_machine, machine_lines, thread_limit
from .options import ArgumentParser, add_device_options, guarded

#: ``--quick``: a few seconds in all, for a smoke test; the ratios are rougher
QUICK = dict(budget_s=0.15, min_rounds=3, warm_up_calls=1, harness_steps=20)

#: ``--budget`` above this (an hour per case; inf, NaN) would never end in practice
MAX_BUDGET_S = 3600.0

#: a load average above this before the run means the machine is busy with other work
BUSY_LOAD = 0.5

COLUMNS = (("net", 15), ("N", 5), ("dtype", 7), ("hidden", 7), ("NumPy step", 10), ("torch step", 10),
           ("NumPy/torch", 11), ("GFLOP/s", 7), ("matmuls", 10), ("step/mm", 7), ("BLAS np/pt", 10), ("noise", 5))


def build_parser() -> ArgumentParser:
    p = ArgumentParser(
        prog="mlp-bench",
        description="Time one training step of the NumPy twin and of the PyTorch twin (median of interleaved "
                    "rounds), the same step's matmuls alone through each library, and the harness's verified "
                    "steps per second on the lab net.",
        epilog="Columns: GFLOP/s counts only the matmuls a step must do (2·m·n·k each) over the NumPy step's "
               "time; 'matmuls' is those matmuls alone through NumPy; step/mm is the NumPy step over them "
               "(1.0 = nothing but BLAS); 'BLAS np/pt' is NumPy's matmuls over torch's same matmuls; 'noise' is "
               "the largest interquartile range over median of the four timings.")
    g = p.add_argument_group("what to measure (default: every net, dtype and benchmarked activation)")
    g.add_argument("--nets", nargs="+", choices=[net.name for net in NETS], metavar="NET",
                   help=f"networks: {', '.join(net.name for net in NETS)}")
    g.add_argument("--dtypes", nargs="+", choices=("float64", "float32"), metavar="DTYPE", help="float64, float32")
    g.add_argument("--activations", nargs="+", metavar="NAME",
                   help=f"hidden activations (default: {', '.join(default_activations())})")
    g.add_argument("--no-harness", action="store_true", help="skip the harness's steps-per-second measurement")
    g = p.add_argument_group("how long")
    g.add_argument("--quick", action="store_true", help="a few seconds in all: fewer, shorter rounds")
    g.add_argument("--budget", type=float, metavar="SECONDS",
                   help=f"seconds of timed rounds per case (default {Settings.budget_s}, {QUICK['budget_s']} "
                        "with --quick)")
    g.add_argument("--threads", type=int, metavar="N",
                   help="threads for NumPy's BLAS and for torch alike (default: each library's own choice); "
                        "1 gives steadier numbers on a machine busy with other work")
    add_device_options(p)
    p.add_argument("--json", metavar="PATH", help="also write every number as JSON")
    return p


def settings_from(args) -> Settings:
    activations = args.activations or default_activations()
    unknown = [name for name in activations if name not in available_activations()]
    if unknown:
        raise InputError(f"--activations: {', '.join(unknown)} not available in both twins; "
                         f"choose from {', '.join(available_activations())}")
    if args.json:
        check_json_path(args.json)
    if args.budget is not None and not 0 < args.budget <= MAX_BUDGET_S:
        raise InputError(f"--budget must be > 0 and at most {MAX_BUDGET_S:g} seconds per case, got {args.budget}")
    if args.threads is not None and not 1 <= args.threads <= 4096:
        raise InputError(f"--threads must be between 1 and 4096, got {args.threads}")
    settings = replace(Settings(), **QUICK) if args.quick else Settings()
    return replace(settings, nets=tuple(args.nets or settings.nets), dtypes=tuple(args.dtypes or settings.dtypes),
                   activations=tuple(activations), budget_s=args.budget or settings.budget_s,
                   device=str(check_device(args.device)), allow_tf32=args.allow_tf32)


def duration(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def case_row(r: CaseResult) -> str:
    noise = max(t.spread for t in (r.numpy_step, r.torch_step, r.numpy_matmuls, r.torch_matmuls))
    cells = (r.net, str(r.batch), r.dtype, r.activation, duration(r.numpy_step.median),
             duration(r.torch_step.median), f"{r.numpy_over_torch:.2f}", f"{r.numpy_gflops:.1f}",
             duration(r.numpy_matmuls.median), f"{r.step_over_matmuls:.2f}", f"{r.blas_ratio:.2f}", f"{noise:.0%}")
    return row(cells)


def row(cells) -> str:
    return "  ".join(cell.rjust(width) if i >= 4 else cell.ljust(width)
                     for i, (cell, (_, width)) in enumerate(zip(cells, COLUMNS))).rstrip()


def harness_line(h: HarnessResult, device: str) -> str:
    per_step = h.harness.median / h.steps
    alone = h.twins_alone.median / h.steps
    return (f"Harness (lab net, float64, torch on {device}): {h.steps_per_s:,.0f} verified steps/s "
            f"({duration(per_step)} a step); the two twins alone: {duration(alone)} a step, so the comparison "
            f"adds {h.overhead:+.0%}")


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = settings_from(args)
    with thread_limit(args.threads):
        return run(settings, args)


def header(settings: Settings, machine: dict, load: float, threads: int | None) -> list[str]:
    """The machine, where the torch twin runs, and whether other work is running."""
    lines = machine_lines(machine)
    tf32 = f", TF32 {'allowed' if settings.allow_tf32 else 'off'}" if settings.device != "cpu" else ""
    lines += [f"torch twin on {settings.device}{tf32}", f"load average before: {load:.2f}"]
    if load > BUSY_LOAD and threads != 1:
        lines.append("note: other work is running; with more than one thread per library, timings will be "
                     "unsteady (--threads 1 gives steadier ones)")
    return lines


def run(settings: Settings, args) -> int:
    machine, load_before = describe_machine(settings.device), os.getloadavg()[0]
    print("\n".join(header(settings, machine, load_before, args.threads)) + "\n")
    print(row([name for name, _ in COLUMNS]))
    cases = []
    for net in [net for net in NETS if net.name in settings.nets]:
        for dtype in settings.dtypes:
            for activation in settings.activations:
                cases.append(measure_case(net, dtype, activation, settings))
                print(case_row(cases[-1]), flush=True)
    harness = None if args.no_harness else measure_harness(settings)
    if harness:
        print("\n" + harness_line(harness, settings.device))
    imports = measure_import(3 if args.quick else 7)
    print(f"import manual_mlp: {imports.manual_mlp_s:.3f} s in a fresh interpreter (NumPy alone "
          f"{imports.numpy_s:.3f} s); torch imported: {'yes' if imports.imports_torch else 'no'}")
    load_after = os.getloadavg()[0]
    print(f"load average after: {load_after:.2f}")
    if args.json:
        write_json(args.json, {"machine": machine, "settings": asdict(settings),
                               "load_average": {"before": load_before, "after": load_after},
                               "cases": [case.to_json() for case in cases],
                               "harness": harness.to_json() if harness else None,
                               "import": imports.to_json()})
    return 0


main = guarded("mlp-bench", _main)

if __name__ == "__main__":
    sys.exit(main())
