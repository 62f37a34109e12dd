"""How much a verdict reveals to the student: ``full``, ``hint`` or ``verdict`` (``mlp-check --feedback``).

========  ==============================================================================================
full      everything: the first differing entry with autograd's value and the submission's, the right
          formula with autograd's numbers in place ("right:"), the probable mistake, the two matrices.
hint      the verdict, the case and the differing entry (where it is, not its values) and the probable
          mistake; no number autograd computed — no "right:" line, no matrices, no values in
          ``first_mismatch``, no ``max_abs_diff`` beside a failure — and the decimal numbers of the
          submission's own error messages, which may echo the arrays it was given (autograd's), left out.
verdict   ✓ or ✗ per function, and in two words why not (differs, raised an error, not found).
========  ==============================================================================================

The level shapes what a student reads: the terminal, the JSON (``message`` and the fields above), the
Gradescope ``results.json`` and :func:`~mlp_harness.check.check_lab`'s table. The verdicts, the points
and the exit codes are the same at every level; so are the CSV (statuses and diagnosis names, no values)
and the class report's counts and diagnoses (:mod:`mlp_harness.check.summary`), which are the teacher's.
Passing functions and functions not found read the same at every level: they reveal nothing.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..i18n import N_, tr

if TYPE_CHECKING:   # the pytest plugin reads LEVELS at every pytest's start: nothing of the checker's side
    from .verdict import FormulaResult

LEVELS = ("full", "hint", "verdict")
#: what a hint keeps of the first differing entry: where it is, never its values
WHERE_KEYS = ("case", "call", "step", "target", "index", "expected_shape", "got_shape")

#: a function's line in a one-line verdict, by its status
LINE_WORDS = {"fail": N_("differs from autograd"), "error": N_("raised an error")}


def check_level(level: str) -> str:
    """``level`` itself, or ValueError naming the levels (check_lab's argument; the CLI lets argparse check)."""
    if level not in LEVELS:
        raise ValueError(f"feedback must be one of {', '.join(LEVELS)}, not {level!r}")
    return level


def where_only(mismatch: dict | None) -> dict | None:
    return None if mismatch is None else {k: v for k, v in mismatch.items() if k in WHERE_KEYS}


def shown(f: FormulaResult, level: str, lang: str) -> FormulaResult:
    """The verdict ``f`` as ``level`` lets a student read it (a copy; ``f`` keeps everything)."""
    if level == "full" or f.status in ("pass", "missing"):
        return f
    hidden = dict(explanation=None, max_abs_diff=None, expected=None, got=None, outputs=None)
    if level == "hint":
        return replace(f, message=f.hint or f.message, first_mismatch=where_only(f.first_mismatch), **hidden)
    return replace(f, message=tr(lang, LINE_WORDS[f.status]), hint=None, first_mismatch=None, diagnosis=None,
                   mistake=None, **hidden)
