"""A submission's verdict: one :class:`FormulaResult` per function, and whether the file ran at all.

JSON layout (a contract other tools read; the names stay)::

    {"ok": bool, "score": number, "max_score": number, "file": str | null, "error": str | null,
     "feedback": "full" | "hint" | "verdict",
     "uses": ["torch", ...],
     "formulas": {NAME: {"status": "pass" | "fail" | "missing" | "error", "points": number,
                         "max_abs_diff": float | null, "first_mismatch": {...} | null, "diagnosis": str | null,
                         "message": str, ...}},
     "cells": [{"number": int, "status": "error" | "syntax_error" | "timeout" | "skipped", "message": str}]}

NAME is each of the lab's five functions (``sigmoid``, ``delta_L``, ``delta_l``,
``gradient``, ``optimize``; "missing" when the file has none) and ``step``
when the file offers a ``step(X, Y, thetas, eta)`` or all four of the
functions a step is chained from. ``score`` is the points earned under the
rubric (:mod:`mlp_harness.check.rubric`), ``max_score`` its total — the same
for every file — and ``ok`` means full marks (:attr:`CheckResult.full_marks`);
``max_abs_diff`` is null when the failing call compared nothing. ``feedback`` says how much the texts
and numbers reveal (:mod:`mlp_harness.check.feedback`: below ``full``, no number autograd computed).

Every text that comes from a submission's run (its exception messages, its
prints, its names) is made :func:`printable` before it is judged: a control
character (an ANSI escape sequence that would recolour or clear the
terminal), a lone surrogate (which no output can encode) or a bidirectional
override shows as its Python escape, ``\\x1b`` or ``\\ud800``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..i18n import tr
from ..verify.files import json_number
from .feedback import shown
from .rubric import DEFAULT_RUBRIC, Rubric, whole
from .verdict import FormulaResult, limit_text, message_text, where_text

#: exit codes of mlp-check
EXIT_OK, EXIT_FAIL, EXIT_BAD_INPUT = 0, 1, 2
#: control characters (C0 — newline and tab too —, DEL, C1), lone surrogates, bidirectional overrides
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on, or no encoding could write, as its Python escape."""
    return UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def printable_data(value):
    """Every text in JSON-like data made :func:`printable` (the keys too)."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    return [printable_data(v) for v in value] if isinstance(value, list) else value


@dataclass
class CheckResult:
    file: str | None
    formulas: dict[str, FormulaResult]
    error: str | None = None                  # the file could not run as written (syntax error, time-out, crash)
    cells: list[dict] = field(default_factory=list)   # cells that did not run cleanly
    lang: str = "en"
    bad_input: bool = False                   # nothing checkable: no function of the lab at all
    rubric: Rubric = DEFAULT_RUBRIC           # what each function is worth (graders' outputs, a batch's lines)
    hints: dict[str, list[str]] = field(default_factory=dict)   # a function not found -> the file's functions
    #                                                             of its arity (see :func:`missing_hint`)
    assignment: object = None                 # the Assignment checked (mlp_harness.check.assignment); None: lab1
    feedback: str = "full"                    # how much the texts reveal (see mlp_harness.check.feedback)
    uses: list[str] = field(default_factory=list)   # the modules of submission.FLAGGED it imports

    @property
    def ok(self) -> bool:
        """Every function the file offers is right, and the file ran as written (one file's verdict)."""
        return (self.error is None and not self.bad_input
                and all(f.status == "pass" or f.status == "missing" and not f.pending for f in self.formulas.values()))

    @property
    def points(self) -> dict[str, float]:
        """Each of the lab's six functions' points under the rubric (0 when not offered)."""
        return self.rubric.earned(self.formulas)

    @property
    def score(self) -> float:
        return whole(math.fsum(self.points.values()))

    @property
    def max_score(self) -> float:
        return self.rubric.total

    @property
    def full_marks(self) -> bool:
        """Every function earns its points: ``ok`` in graders' outputs, and a batch's ✓."""
        return self.rubric.full_marks(self.formulas)

    @property
    def shown(self) -> dict[str, FormulaResult]:
        """The verdicts as ``feedback`` lets a student read them: what the terminal, the JSON, Gradescope and
        check_lab's table show (:func:`mlp_harness.check.feedback.shown`)."""
        return {name: shown(f, self.feedback, self.lang) for name, f in self.formulas.items()}

    @property
    def exit_code(self) -> int:
        return EXIT_BAD_INPUT if self.bad_input else EXIT_OK if self.ok else EXIT_FAIL

    def to_json(self) -> dict:
        def clean(x):   # JSON has no NaN or infinity: such numbers become null
            if isinstance(x, float):
                return json_number(x)
            if isinstance(x, dict):
                return {k: clean(v) for k, v in x.items()}
            return [clean(v) for v in x] if isinstance(x, list) else x
        points = self.points
        return clean({"ok": self.full_marks, "score": self.score, "max_score": self.max_score, "file": self.file,
                      "error": self.error, "feedback": self.feedback,
                      "formulas": {name: f.to_json() | {"points": points[name]} | (
                          {"same_arity": self.hints[name]} if name in self.hints else {})
                          for name, f in self.shown.items()},
                      "cells": self.cells, "uses": self.uses})

    def text(self, width: int | None = None) -> str:
        from .report import render_text
        return render_text(self, width)

    def __str__(self) -> str:
        return self.text()

    def _repr_pretty_(self, printer, cycle) -> None:   # IPython's plain-text display (a console, a text log)
        printer.text(self.text())

    def _repr_html_(self) -> str:
        from .report import render_html
        return render_html(self)


def cell_problems(cells: list[dict], lang: str) -> tuple[list[dict], str | None]:
    """(the cells that did not run cleanly, with a message each; the first that makes the file fail, if any)."""
    problems, fatal = [], None
    for cell in cells:
        if cell["status"] == "ok":
            continue
        error = cell.get("error") or {}
        where = cell.get("file") or (tr(lang, "code cell {cell}", cell=cell["number"]) +
                                     (f" ({cell['first_line']})" if cell["first_line"] else ""))
        if cell["status"] == "skipped":
            message = tr(lang, "{where}: a cell magic (%%), not run", where=where)
        elif cell["status"] == "timeout" and error.get("early") is not None:   # its own alarm, not the limit
            message = tr(lang, "{where}: stopped by a SIGALRM after {seconds:.1f} s, before its {limit:g} s limit "
                               "(a signal.alarm of its own?)", where=where, seconds=error["early"],
                         limit=error.get("limit"))
        elif cell["status"] == "timeout":
            message = tr(lang, "{where}: still running after {limit:g} s, interrupted", where=where,
                         limit=error.get("limit"))
        elif cell["status"] == "syntax_error" and error["where"].get("line") is None:   # too deep, too big
            message = tr(lang, "{where}: {type}: {message} (Python cannot compile it)", where=where, type=error["type"],
                         message=error["message"])
        elif cell["status"] == "syntax_error":
            message = tr(lang, "{where}: {type}: {message} (line {line}: {text})", where=where, type=error["type"],
                         message=error["message"],
                         line=error["where"]["line"], text=error.get("text", ""))
        else:
            inside = {k: v for k, v in (error.get("where") or {}).items() if k != "cell"}
            message = tr(lang, "{where}: {type}: {message}{at}", where=where, type=error.get("type"),
                         message=message_text(error, lang), at=where_text(inside, lang))
            limit = limit_text(error["resource"], lang) if isinstance(error.get("resource"), dict) else ""
            message += f" — {limit}" if limit else ""
        problems.append({"number": cell["number"], "status": cell["status"], "message": message})
        if fatal is None and cell["status"] in ("syntax_error", "timeout"):
            fatal = message
    return problems, fatal


def missing_only(formulas: dict[str, FormulaResult]) -> bool:
    """Nothing to check: no function of the lab at all (a blank still to be written counts as one)."""
    return all(f.status == "missing" and not f.pending for f in formulas.values())


#: names listed at most in a hint
HINT_NAMES = 5


def missing_hint(lang: str, name: str, candidates: list[str]) -> str:
    """'not found (same arity: delta_saida — try --name delta_L=delta_saida)'."""
    shown = ", ".join(candidates[:HINT_NAMES]) + (", …" if len(candidates) > HINT_NAMES else "")
    return tr(lang, "not found (same arity: {candidates} — try {option})", candidates=shown,
              option=f"--name {name}={candidates[0]}")
