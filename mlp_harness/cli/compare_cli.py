"""``mlp-compare``: the lab's step, by hand and by autograd, side by side.

``--explain`` prints under each row its formula for entry [0, 0] with the
NumPy twin's numbers in place (:mod:`mlp_harness.teach.explain`); ``--lang pt`` prints
the table and the verdict in Portuguese.

Exit codes: 0 every quantity matched, 1 a mismatch or a divergence, 2 bad input.
"""
from __future__ import annotations

import sys
import textwrap

from ..teach.explain import StepRecorder, explanation_notes
from ..verify.files import check_json_path, check_outputs, json_array, json_number, write_json
from ..i18n import N_, tr
from ..teach.mutants import catalogue_text, get_mutant
from .options import (ArgumentParser, add_lang_option, add_model_options, add_optimizer_options, add_run_options,
                      guarded, lang_of, resolve_data, resolve_weights, run_config)
from ..verify.run import Report, build_numpy_twin, run_comparison
from ..verify.table import render_report
from ..verify.width import output_width


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help``."""
    p = ArgumentParser(prog="mlp-compare", lang=lang, description=tr(lang, "Run a network's training step by the "
                                                                           "formulas (NumPy) and by autograd "
                                                                           "(PyTorch) from the same weights, and "
                                                                           "print every quantity side by side, "
                                                                           "with max |Δ|, the largest |NumPy − "
                                                                           "PyTorch| among its entries. With no "
                                                                           "options: the lab's 2-3-1 network, one "
                                                                           "step with η = 0.1."),
                       epilog=tr(lang, "Exit codes: 0 all quantities match, 1 mismatch or divergence, 2 bad input."))
    add_model_options(p, lang)
    add_optimizer_options(p, lang)
    add_run_options(p, lang)
    p.add_argument("--gradcheck", action="store_true", help=tr(lang, "also check every gradient against central "
                                                                     "finite differences in float64 (a third "
                                                                     "witness)"))
    p.add_argument("--inject-bug", metavar=tr(lang, "NAME"), help=tr(lang, "run a NumPy network with a classic "
                                                                                "backprop mistake, to see how the "
                                                                                "comparison catches it ('--inject-bug "
                                                                                "list' describes them)"))
    p.add_argument("--explain", action="store_true", help=tr(lang, "under each row, its formula for entry [0, 0] "
                                                                   "with the NumPy twin's numbers in place, tagged "
                                                                   "with the backprop equation it comes from "
                                                                   "(networks whose matrices have ≤ 64 entries)"))
    add_lang_option(p, lang, N_("the table and the verdict"))
    p.add_argument("--width", type=int, metavar="N", help=tr(lang, "columns the table may use (default: the "
                                                                   "terminal's, COLUMNS, or 100); values that do "
                                                                   "not fit side by side are stacked, NumPy above "
                                                                   "PyTorch"))
    return p


def report_json(report: Report) -> dict:
    """The ``--json`` payload; non-finite numbers are written as null."""
    return {
        "ok": report.ok,
        "config": report.config.to_json(),
        "steps": [{"step": s.step, "loss_numpy": json_number(s.loss_numpy), "loss_torch": json_number(s.loss_torch),
                   "max_abs_diff": json_number(s.max_abs_diff), "max_ratio": json_number(s.max_ratio)}
                  for s in report.steps],
        "first_mismatch": None if report.ok else report.first_mismatch.to_json(),
        "tolerance": report.tolerance.to_json() | {
            "largest_ratio": json_number(max(s.max_ratio for s in report.steps)),
            "unbounded_entries": sum(s.unbounded for s in report.steps),
            "accepted_early_entries": sum(s.accepted_early for s in report.steps)},
        "final": {"numpy": {k: json_array(v) for k, v in report.final_numpy.items()},
                  "torch": {k: json_array(v) for k, v in report.final_torch.items()}},
    }


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    width = output_width(args.width)
    if args.inject_bug == "list":
        print(catalogue_text(args.lang))
        return 0
    mutant = get_mutant(args.inject_bug) if args.inject_bug else None
    check_outputs({"--weights": args.weights, "--data": args.data}, {"--json": args.json})
    if args.json:
        check_json_path(args.json)
    thetas, biases = resolve_weights(args)
    sizes = [thetas[0].shape[1]] + [t.shape[0] for t in thetas] if thetas[0].ndim == 2 else [0]
    X, Y = resolve_data(args, sizes)
    config = run_config(args, args.steps)
    broken = mutant.network(config, thetas, biases, len(X)) if mutant else None
    # --explain: the NumPy network is watched, to keep what step 1 and the last step started from
    recorder = StepRecorder(build_numpy_twin(config, thetas, biases, broken)[0]) if args.explain else None
    report = run_comparison(config, thetas, biases, X, Y, manual_model=recorder or broken)
    header, notes = explanation_notes(recorder, config, args.lang) if recorder else ([], None)
    header = [wrapped for line in header for wrapped in textwrap.wrap(line, width, break_on_hyphens=False)]
    print("\n".join(header + [render_report(report, len(thetas), biases is not None, args.lang, notes, width)]))
    if mutant:
        print(mutant.explain(args.lang))
        if report.ok:  # e.g. a small mistake under float32's looser tolerance: say so rather than look correct
            print(tr(args.lang, "It went unnoticed: its effect stayed within {rule} ({dtype}); try --dtype float64 "
                                "or a network where it shows more.", rule=report.tolerance.describe(args.lang),
                     dtype=config.dtype))
    if args.json:
        write_json(args.json, report_json(report) | ({"injected_bug": mutant.name} if mutant else {}))
    return 0 if report.ok else 1


main = guarded("mlp-compare", _main)

if __name__ == "__main__":
    sys.exit(main())
