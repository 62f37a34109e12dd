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
from ..i18n import N_, _, tr
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

#: the columns' headings, in COLUMNS' order
HEADINGS = (N_("net"), N_("N"), N_("dtype"), N_("hidden"), N_("NumPy step"), N_("torch step"), N_("harness"), N_(
    "h/(np+pt)"), N_("fixed"), N_("train"), N_("1 thread"), N_("step/mm"), N_("epoch/mm"), N_("np/pt epoch"),
            N_("BLAS np/pt"), N_("peak MB"), N_("peak/arrays"), N_("noise"))


def headings(lang: str) -> list[str]:
    """The columns' headings in ``lang`` (HEADINGS, in COLUMNS' order)."""
    return [tr(lang, heading) for heading in HEADINGS]


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help`` and of the report."""
    p = ArgumentParser(prog="mlp-bench", lang=lang, description=tr(lang, "Time one training step of the NumPy twin "
                                                                         "and of the PyTorch twin alone, the "
                                                                         "harness's verified step (both in "
                                                                         "lockstep and compared), the same step's "
                                                                         "matmuls alone through each library, and "
                                                                         "training epochs as mlp-train runs them "
                                                                         "(medians of interleaved rounds); then "
                                                                         "each case's peak memory and the start-up "
                                                                         "of mlp-compare against a bare import "
                                                                         "torch."),
                       epilog=tr(lang, "Columns: 'harness' is a verified step, h/(np+pt) it over the NumPy step "
                                       "plus the torch step, each timed alone; 'fixed' the same ratio with the "
                                       "fixed tolerance rule (--rtol/--atol: no error bounds to compute); 'train' "
                                       "an epoch of mlp-train --impl both over --impl numpy plus --impl torch, "
                                       "each library with its own threads, and '1 thread' the same on one thread "
                                       "each; step/mm is the NumPy step over its matmuls alone (1.0 = nothing but "
                                       "BLAS); epoch/mm the same for an epoch of mlp-train --impl numpy (one step "
                                       "an epoch); np/pt epoch an epoch of --impl numpy over one of --impl torch; "
                                       "'BLAS np/pt' NumPy's matmuls over torch's same matmuls; 'peak MB' the peak "
                                       "of 10 verified steps above the imports, in a fresh interpreter, and "
                                       "peak/arrays it over the arrays that must exist (X, Y and one step's "
                                       "records of both twins; shown from 1 MB of them); 'noise' the largest "
                                       "interquartile range over median among the timings."))
    g = p.add_argument_group(tr(lang, "what to measure (default: every net, dtype and benchmarked activation)"))
    g.add_argument("--nets", nargs="+", choices=[net.name for net in NETS], metavar=tr(lang, "NET"),
                   help=tr(lang, "networks: {names}", names=", ".join(net.name for net in NETS)))
    g.add_argument("--dtypes", nargs="+", choices=("float64", "float32"), metavar="DTYPE", help="float64, float32")
    g.add_argument("--activations", nargs="+", type=activation_name, metavar=tr(lang, "NAME"),
                   help=tr(lang, "hidden activations (default: {names}); Portuguese names as for mlp-compare's "
                                 "--activation", names=", ".join(default_activations())))
    g = p.add_argument_group(tr(lang, "how long"))
    g.add_argument("--quick", action="store_true", help=tr(lang, "a few seconds in all: the three smaller nets, "
                                                                 "float64 and sigmoid, fewer and shorter rounds, "
                                                                 "no epochs, memory probes or start-up runs"))
    g.add_argument("--budget", type=float, metavar=tr(lang, "SECONDS"),
                   help=tr(lang, "seconds of timed rounds per case (default {default}, {quick} with --quick)",
                           default=Settings.budget_s, quick=QUICK["budget_s"]))
    g.add_argument("--threads", type=int, metavar="N", help=tr(lang, "threads for NumPy's BLAS and for torch alike "
                                                                     "(default: each library's own choice); 1 "
                                                                     "gives steadier numbers on a machine busy "
                                                                     "with other work"))
    add_device_options(p, lang)
    p.add_argument("--json", metavar=tr(lang, "PATH"), help=tr(lang, "also write every number as JSON"))
    add_lang_option(p, lang, N_("the report and this help"))
    return p


def settings_from(args) -> Settings:
    settings = replace(Settings(), **QUICK) if args.quick else Settings()
    activations = args.activations or settings.activations or default_activations()
    unknown = [name for name in activations if name not in available_activations()]
    if unknown:
        raise InputError(_("--activations: {names} not available in both twins; choose from {known}").format(
            names=', '.join(unknown), known=', '.join(available_activations())))
    if args.json:
        check_json_path(args.json)
    if args.budget is not None and not 0 < args.budget <= MAX_BUDGET_S:
        raise InputError(_("--budget must be > 0 and at most {limit:g} seconds per case, got {value}").format(
            limit=MAX_BUDGET_S, value=args.budget))
    if args.threads is not None and not 1 <= args.threads <= 4096:
        raise InputError(_("--threads must be between 1 and 4096, got {value}").format(value=args.threads))
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
             "–" if mem is None else f"{mem.peak_above_imports / 2 ** 20:.1f}",
             ratio(mem.ratio if mem and mem.arrays >= 2 ** 20 else None),
             f"{r.noise:.0%}")
    return row(cells, lang)


def row(cells, lang: str = "en") -> str:
    """A line of the table: each column as wide as its width or its heading in ``lang``, whichever is wider."""
    widths = [max(width, len(h)) for (_, width), h in zip(COLUMNS, headings(lang))]
    return "  ".join(cell.rjust(width) if i >= 4 else cell.ljust(width)
                     for i, (cell, width) in enumerate(zip(cells, widths))).rstrip()


def startup_line(s: StartupResult, lang: str = "en") -> str:
    return tr(lang, "Start-up over a bare import torch ({torch:.2f} s): mlp-compare (the lab, one step) "
                    "{compare:.2f} s, {compare_ratio:.2f}×; mlp-check (one function) {check:.2f} s, "
                    "{check_ratio:.2f}× (medians of {runs} fresh interpreters each, in turns)", torch=s.import_torch_s,
              compare=s.compare_s, compare_ratio=s.compare_ratio,
              check=s.check_s, check_ratio=s.check_ratio, runs=s.runs)


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    settings = settings_from(args)
    with thread_limit(args.threads):
        return run(settings, args)


def header(settings: Settings, machine: dict, load: float, threads: int | None, lang: str = "en") -> list[str]:
    """The machine, where the torch twin runs, and whether other work is running."""
    lines = machine_lines(machine, lang)
    tf32 = tr(lang, ", TF32 allowed" if settings.allow_tf32 else ", TF32 off") if settings.device != "cpu" else ""
    lines += [tr(lang, "torch twin on {device}{tf32}", device=settings.device, tf32=tf32),
              tr(lang, "load average before: {load:.2f}", load=load)]
    if load > BUSY_LOAD and threads != 1:
        lines.append(tr(lang, "note: other work is running; with more than one thread per library, timings will be "
                              "unsteady (--threads 1 gives steadier ones)"))
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
            print(tr(lang, "note: {case}: {mismatches} of {steps} verified steps found a mismatch, the first: "
                           "{first}", case=f"{case.net} {case.dtype} {case.activation}",
                     mismatches=t.mismatches, steps=t.steps, first=t.first_in.get(lang, t.first)))
    startup = measure_startup(settings.startup_runs) if settings.startup_runs else None
    print("\n" + (startup_line(startup, lang) if startup else tr(lang, "Start-up: not measured with --quick")))
    imports = measure_import(1 if args.quick else 7)
    print(tr(lang, "import manual_mlp: {manual_mlp:.3f} s in a fresh interpreter (NumPy alone {numpy:.3f} s); "
                   "torch imported: {torch}", manual_mlp=imports.manual_mlp_s, numpy=imports.numpy_s,
             torch=tr(lang, "yes" if imports.imports_torch else "no")))
    load_after = os.getloadavg()[0]
    print(tr(lang, "load average after: {load:.2f}", load=load_after))
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
