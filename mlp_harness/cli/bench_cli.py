"""``mlp-bench``: each twin's training step against its matmul floor, the harness's verified step against the
two steps alone, training epochs, peak memory and start-up.

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

from ..bench.bench import (NETS, CaseResult, Settings, StartupResult, available_activations, default_activations,
                           measure_case, measure_import, measure_startup)
from ..verify.files import check_json_path, write_json
from ..bench.machine import describe_machine, machine_lines, thread_limit
from ..i18n import tr
from .options import ArgumentParser, activation_name, add_device_options, add_lang_option, guarded, lang_of

#: ``--quick``: a few seconds in all, for a smoke test: the three smaller nets (``--nets`` adds the big one),
#: float64 and sigmoid only, short rounds, no epochs, memory probes or start-up runs; the ratios are rougher
QUICK = dict(nets=("lab", "digits-64-32-10", "784-128-10"), dtypes=("float64",), activations=("sigmoid",),
             budget_s=0.1, min_rounds=3, warm_up_calls=1, settle_s=0.11, epochs=False, memory_steps=0,
             startup_runs=0)

#: ``--budget`` above this (an hour per case; inf, NaN) would never end in practice
MAX_BUDGET_S = 3600.0

#: ``--budget`` above this (an hour per case; inf, NaN) would never end in practice
MAX_BUDGET_S = 3600.0

#: a load average above this before the run means the machine is busy with other work
BUSY_LOAD = 0.5

#: the table's columns, each as (its English heading, its width); :func:`headings` gives them in a language
COLUMNS = (("net", 15), ("N", 4), ("dtype", 7), ("hidden", 7), ("NumPy step", 10), ("torch step", 10),
           ("harness", 10), ("h/(np+pt)", 9), ("fixed", 5), ("train", 5), ("1 thread", 8), ("step/mm", 7),
           ("epoch/mm", 8), ("np/pt epoch", 11), ("BLAS np/pt", 10), ("peak MB", 9), ("peak/arrays", 11),
           ("noise", 5))


def headings(lang: str) -> list[str]:
    """The columns' headings in ``lang`` (keys bench_col_0… of mlp_harness.i18n.TEXTS, in COLUMNS' order)."""
    return [tr(lang, f"bench_col_{i}") for i in range(len(COLUMNS))]


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help`` and of the report."""
    p = ArgumentParser(prog="mlp-bench", lang=lang, description=tr(lang, "help_bench_description"),
                       epilog=tr(lang, "help_bench_epilog"))
    g = p.add_argument_group(tr(lang, "help_group_bench_what"))
    g.add_argument("--nets", nargs="+", choices=[net.name for net in NETS], metavar=tr(lang, "meta_net"),
                   help=tr(lang, "help_nets", names=", ".join(net.name for net in NETS)))
    g.add_argument("--dtypes", nargs="+", choices=("float64", "float32"), metavar="DTYPE", help="float64, float32")
    g.add_argument("--activations", nargs="+", type=activation_name, metavar=tr(lang, "meta_name"),
                   help=tr(lang, "help_activations", names=", ".join(default_activations())))
    g = p.add_argument_group(tr(lang, "help_group_bench_how_long"))
    g.add_argument("--quick", action="store_true", help=tr(lang, "help_quick"))
    g.add_argument("--budget", type=float, metavar=tr(lang, "meta_seconds"),
                   help=tr(lang, "help_budget", default=Settings.budget_s, quick=QUICK["budget_s"]))
    g.add_argument("--threads", type=int, metavar="N", help=tr(lang, "help_threads"))
    add_device_options(p, lang)
    p.add_argument("--json", metavar=tr(lang, "meta_path"), help=tr(lang, "help_bench_json"))
    add_lang_option(p, lang, "help_lang_bench")
    return p


def settings_from(args) -> Settings:
    settings = replace(Settings(), **QUICK) if args.quick else Settings()
    activations = args.activations or settings.activations or default_activations()
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
    return replace(settings, nets=tuple(args.nets or settings.nets), dtypes=tuple(args.dtypes or settings.dtypes),
                   activations=tuple(activations), budget_s=args.budget or settings.budget_s,
                   device=str(check_device(args.device)), allow_tf32=args.allow_tf32)


def duration(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def ratio(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def case_row(r: CaseResult, lang: str = "en") -> str:
    mem = r.memory
    cells = (r.net, str(r.batch), r.dtype, r.activation, duration(r.numpy_step.median),
             duration(r.torch_step.median), duration(r.harness_step.median), ratio(r.harness_ratio),
             ratio(r.harness_fixed_ratio), ratio(r.train_ratio), ratio(r.train_ratio_1t),
             ratio(r.step_over_matmuls), ratio(r.epoch_over_matmuls), ratio(r.epoch_ratio), ratio(r.blas_ratio),
             "–" if mem is None else f"{mem.peak_above_imports / 2 ** 20:.1f}", ratio(mem.ratio if mem and mem.arrays >= 2 ** 20 else None),
             f"{r.noise:.0%}")
    return row(cells, lang)


def row(cells, lang: str = "en") -> str:
    """A line of the table: each column as wide as its width or its heading in ``lang``, whichever is wider."""
    widths = [max(width, len(h)) for (_, width), h in zip(COLUMNS, headings(lang))]
    return "  ".join(cell.rjust(width) if i >= 4 else cell.ljust(width)
                     for i, (cell, width) in enumerate(zip(cells, widths))).rstrip()


def startup_line(s: StartupResult, lang: str = "en") -> str:
    return tr(lang, "bench_startup", torch=s.import_torch_s, compare=s.compare_s, compare_ratio=s.compare_ratio,
              check=s.check_s, check_ratio=s.check_ratio, runs=s.runs)


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    settings = settings_from(args)
    with thread_limit(args.threads):
        return run(settings, args)


def header(settings: Settings, machine: dict, load: float, threads: int | None, lang: str = "en") -> list[str]:
    """The machine, where the torch twin runs, and whether other work is running."""
    lines = machine_lines(machine, lang)
    tf32 = tr(lang, "bench_tf32_on" if settings.allow_tf32 else "bench_tf32_off") if settings.device != "cpu" else ""
    lines += [tr(lang, "bench_torch_on", device=settings.device, tf32=tf32), tr(lang, "bench_load_before", load=load)]
    if load > BUSY_LOAD and threads != 1:
        lines.append(tr(lang, "bench_busy"))
    return lines


def run(settings: Settings, args) -> int:
    machine, load_before = describe_machine(settings.device), os.getloadavg()[0]
    lang = args.lang
    print("\n".join(header(settings, machine, load_before, args.threads, lang)) + "\n")
    print(row(headings(lang), lang))
    cases = []
    for net in [net for net in NETS if net.name in settings.nets]:
        for dtype in settings.dtypes:
            for activation in settings.activations:
                cases.append(measure_case(net, dtype, activation, settings))
                print(case_row(cases[-1], lang), flush=True)
    for case in cases:
        if case.harness_tally.mismatches:
            t = case.harness_tally
            print(tr(lang, "bench_mismatch_note", case=f"{case.net} {case.dtype} {case.activation}",
                     mismatches=t.mismatches, steps=t.steps, first=t.first if lang == "en" else t.first_pt))
    startup = measure_startup(settings.startup_runs) if settings.startup_runs else None
    print("\n" + (startup_line(startup, lang) if startup else tr(lang, "bench_startup_quick")))
    imports = measure_import(1 if args.quick else 7)
    print(tr(lang, "bench_import", manual_mlp=imports.manual_mlp_s, numpy=imports.numpy_s,
             torch=tr(lang, "bench_yes" if imports.imports_torch else "bench_no")))
    load_after = os.getloadavg()[0]
    print(tr(lang, "bench_load_after", load=load_after))
    if args.json:
        write_json(args.json, {"machine": machine, "settings": asdict(settings),
                               "load_average": {"before": load_before, "after": load_after},
                               "cases": [case.to_json() for case in cases],
                               "startup": startup.to_json() if startup else None,
                               "import": imports.to_json()})
    return 0


main = guarded("mlp-bench", _main)

if __name__ == "__main__":
    sys.exit(main())
