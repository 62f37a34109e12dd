"""A check's result for people (terminal text, an HTML table in Jupyter) and for graders (Gradescope, CSV).

Each function gets a row: ✓ / ✗ / – (not found), the right formula, and for a
✗ the first differing entry, the right formula with autograd's numbers in
place, the probable mistake, and autograd's matrix beside the one returned
(stacked when they do not fit side by side).
"""
from __future__ import annotations

import csv
import html
import io
import textwrap
from pathlib import Path

import numpy as np

from ..i18n import tr, tr_n
from ..verify.table import format_scalar
from ..verify.width import output_width
from .execute import ALL_FUNCTIONS
from .result import CheckResult, missing_hint, printable
from .verdict import FormulaResult

#: the right formula each function computes, in the lab's notation
FORMULAS = {"sigmoid": "σ(z) = 1 / (1 + e^(−z))", "delta_L": "BP1  δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)",
            "delta_l": "BP2  δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ a⁽ˡ⁾(1 − a⁽ˡ⁾)", "gradient": "BP4  ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾",
            "optimize": "θ ← θ − η ∂J/∂θ"}
MARKS = {"pass": "✓", "fail": "✗", "error": "✗", "missing": "–"}
#: matrices shown whole up to this many entries
SHOWN_ENTRIES = 64


def terminal_width(width: int | None = None) -> int:
    return width or output_width()


def formula_of(f: FormulaResult, lang: str) -> str:
    if f.name != "step":
        return FORMULAS[f.name]
    return tr(lang, "check_formula_step" if f.source == "step" else "check_formula_chain")


def matrix_lines(m: np.ndarray, mark: tuple[int, ...] | None = None) -> list[str]:
    """Rows of a matrix, numbers aligned; the entry ``mark`` flagged with ◀ at its row's end."""
    m = np.atleast_2d(m)
    cells = [[format_scalar(x).replace("-", "−") for x in row] for row in m]
    width = max(len(c) for row in cells for c in row)
    lines = [" ".join(c.rjust(width) for c in row) for row in cells]
    if mark is not None and len(mark) == 2 and mark[0] < len(lines):
        lines[mark[0]] += " ◀"
    return lines


def side_by_side(f: FormulaResult, lang: str, width: int) -> list[str]:
    """autograd's matrix beside the returned one (above it when the two do not fit the width)."""
    if f.expected is None or f.got is None or max(f.expected.size, f.got.size) > SHOWN_ENTRIES or f.got.ndim > 2:
        return []
    mark = tuple(f.first_mismatch["index"]) if f.first_mismatch and f.first_mismatch.get("index") else None
    target = (f.first_mismatch or {}).get("target", "")
    left = [tr(lang, "check_autograd", target=target)] + matrix_lines(f.expected)
    right = [tr(lang, "check_yours")] + matrix_lines(f.got, mark)
    pad = max(len(line) for line in left)
    if 4 + pad + 3 + max(len(line) for line in right) > width:
        return ["    " + line for line in left + right]
    rows = max(len(left), len(right))
    left, right = left + [""] * (rows - len(left)), right + [""] * (rows - len(right))
    return [f"    {a.ljust(pad)} │ {b}".rstrip() for a, b in zip(left, right)]


def formula_lines(f: FormulaResult, lang: str, width: int, pad: int = 0) -> list[str]:
    head = f"{MARKS[f.status]} {f.name:<9} {formula_of(f, lang).ljust(pad)}"
    if f.status in ("pass", "missing"):
        tail = f"max |Δ| {f.max_abs_diff:.1e}" if f.max_abs_diff is not None else ""
        return [(head + "  " + (tail if f.status == "pass" else f.message)).rstrip()]
    wrap = lambda text, label="": textwrap.wrap(label + text, width, initial_indent="    ",  # noqa: E731
                                                subsequent_indent="      ")
    lines = [head.rstrip()] + wrap(f.message)
    if f.explanation:
        lines += wrap(f.explanation, tr(lang, "check_right") + " ")
    if f.diagnosis:
        lines += wrap(f.diagnosis, tr(lang, "check_probably") + " ")
    return lines + side_by_side(f, lang, width)

def verdict_line(result: CheckResult, lang: str) -> str:
    wrong = [n for n, f in result.formulas.items() if f.status in ("fail", "error")]
    pending = [n for n, f in result.formulas.items() if f.status == "missing" and f.pending]
    missing = [n for n, f in result.formulas.items() if f.status == "missing" and not f.pending]
    tail = tr_n(lang, "check_verdict_pending_tail", len(pending), names=", ".join(pending)) if pending else ""
    if result.ok:
        line = tr(lang, "check_verdict_ok")
    elif wrong:
        line = tr(lang, "check_verdict_wrong" if len(wrong) > 1 else "check_verdict_wrong_one", names=", ".join(wrong))
    elif pending and result.error is None:
        line, tail = tr_n(lang, "check_verdict_pending", len(pending), names=", ".join(pending)), ""
    else:
        line = tr(lang, "check_verdict_not_run")
    return line + tail + (tr_n(lang, "check_verdict_missing", len(missing), names=", ".join(missing)) if missing else "")


def uses_line(result: CheckResult) -> str:
    """'uses torch: …' — a module that computes gradients, named; the verdict stays the numbers'."""
    return tr(result.lang, "check_uses", names=", ".join(result.uses))


def render_text(result: CheckResult, width: int | None = None) -> str:
    lang, width = result.lang, terminal_width(width)
    lines = [f"mlp-check: {printable(result.file)}"] if result.file else []
    if result.bad_input:
        return "\n".join(lines + [result.error])
    lines += [tr(lang, "check_file_error", error=result.error)] if result.error else []
    lines += [uses_line(result)] if result.uses else []
    lines += [f"  {c['message']}" for c in result.cells if c["message"] != result.error]
    pad = max((len(formula_of(f, lang)) for f in result.formulas.values()), default=0)
    for f in result.formulas.values():
        lines += formula_lines(f, lang, width, pad)
    return "\n".join(lines + [verdict_line(result, lang)])


def wrong_items(result: CheckResult) -> list[str]:
    """'optimize: sign_flipped' for each function that lost its points by being wrong; a chained step is left
    out when a function it is made of is wrong (that one explains it)."""
    lang, points = result.lang, result.rubric.points
    wrong = {n: f for n, f in result.formulas.items() if f.status in ("fail", "error")}
    if "step" in wrong and wrong["step"].source == "chain" and len(wrong) > 1:
        del wrong["step"]
    return [f"{n}: {f.mistake or tr(lang, f'check_line_{f.status}')}" for n, f in wrong.items() if points[n] > 0]


def missing_items(result: CheckResult) -> list[str]:
    """'gradient: not found' for the functions that lost their points by not being there (or still blank),
    with the file's functions of the same arity when it has some."""
    lang, formulas, points = result.lang, result.formulas, result.rubric.points
    stood = result.rubric.stood_in(formulas)
    lost = [n for n in ALL_FUNCTIONS if points[n] > 0 and n not in stood
            and (n not in formulas or formulas[n].status == "missing")]
    pending = [n for n in lost if n in formulas and formulas[n].pending]
    hinted = [n for n in lost if n in result.hints]
    absent = [n for n in lost if n not in pending and n not in hinted]
    items = [(absent[0], tr_n(lang, "check_line_missing", len(absent), names=", ".join(absent)))] if absent else []
    items += [(n, f"{n}: {missing_hint(lang, n, result.hints[n])}") for n in hinted]
    if pending:
        items.append((pending[0], tr_n(lang, "check_line_pending", len(pending), names=", ".join(pending))))
    return [text for _, text in sorted(items, key=lambda item: ALL_FUNCTIONS.index(item[0]))]   # the lab's order


def batch_line(result: CheckResult) -> str:
    """One file of a batch: ✓ full marks; ✗ a function wrong, or the file did not run as written; – below
    full marks only through functions not there. Then the score, the file, and what cost points."""
    wrong = wrong_items(result)
    mark = "✓" if result.full_marks else "✗" if wrong or result.error and not result.bad_input else "–"
    items = [result.error] if result.error else []
    if result.formulas and not result.bad_input:   # (a file that did not run at all has no functions to list)
        items += wrong + missing_items(result)
    items += [tr(result.lang, "check_uses_short", names=", ".join(result.uses))] if result.uses else []
    detail = "; ".join(items)
    for prefix in (f"{result.file}: ", f"{Path(result.file).name}: "):   # the file is named once
        detail = detail[len(prefix):] if detail.startswith(prefix) else detail
    score = f"{result.score:g}/{result.max_score:g}"
    return printable(f"{mark} {score} {result.file}" + (f"  {detail}" if detail else ""))   # a file may be named anything


def render_html(result: CheckResult) -> str:
    """The same verdicts as an HTML table, for Jupyter."""
    lang, esc = result.lang, html.escape
    rows = []
    for f in result.formulas.values():
        details = [esc(f.message)] if f.status != "pass" else []
        details += [f"{esc(tr(lang, 'check_right'))} <code>{esc(f.explanation)}</code>"] if f.explanation else []
        details += [f"<b>{esc(tr(lang, 'check_probably'))}</b> {esc(f.diagnosis)}"] if f.diagnosis else []
        colour = {"pass": "#1a7f37", "missing": "#6e7781"}.get(f.status, "#cf222e")
        rows.append(f"<tr><td style='color:{colour};font-weight:bold'>{MARKS[f.status]}</td><td><code>{f.name}"
                    f"</code></td><td>{esc(formula_of(f, lang))}</td><td style='text-align:left'>"
                    f"{'<br>'.join(details) or esc(f.message)}</td></tr>")
    error = f"<p style='color:#cf222e'>{esc(result.error)}</p>" if result.error else ""
    error += f"<p>{esc(uses_line(result))}</p>" if result.uses else ""
    return (f"{error}<table><tr><th></th><th>{esc(tr(lang, 'check_col_function'))}</th>"
            f"<th>{esc(tr(lang, 'check_col_formula'))}</th><th>{esc(tr(lang, 'check_col_result'))}</th></tr>"
            f"{''.join(rows)}</table><p>{esc(verdict_line(result, lang))}</p>")


def verdict_output(f: FormulaResult, lang: str) -> str:
    """A verdict's message, the right formula and the probable mistake, one a line."""
    return "\n".join(x for x in (f.message, f.explanation and f"{tr(lang, 'check_right')} {f.explanation}",
                                 f.diagnosis and f"{tr(lang, 'check_probably')} {f.diagnosis}") if x)


def gradescope_test(result: CheckResult, name: str, earned: float, stood_in: bool) -> dict:
    """One function as a Gradescope test: its points under the rubric, and why."""
    lang, f = result.lang, result.formulas.get(name)
    if f is None:   # no row: a step neither written nor chained, or a file that did not run
        label, output = (tr(lang, "check_formula_step"), tr(lang, "check_no_step")) if name == "step" else (
            FORMULAS[name], tr(lang, "check_missing"))
        output = missing_hint(lang, name, result.hints[name]) if name in result.hints else output
    else:
        label, output = formula_of(f, lang), verdict_output(f, lang)
    output = tr(lang, "check_stands_in") if stood_in else output
    passed = stood_in or f is not None and f.ok
    return {"name": f"{name}: {label}", "score": earned, "max_score": result.rubric.points[name],
            "status": "passed" if passed else "failed", "output": output}


def gradescope_json(result: CheckResult) -> dict:
    """Gradescope's autograder ``results.json``: one test per function of the lab, worth its points in the
    rubric (a missing one scores 0, unless a right step() stands in for it); the total as ``score`` and,
    the same for every submission, ``max_score``."""
    earned, stood = result.points, result.rubric.stood_in(result.formulas)
    tests = [gradescope_test(result, name, earned[name], name in stood) for name in ALL_FUNCTIONS]
    notes = [result.error] if result.error else []
    notes += [uses_line(result)] if result.uses else []
    notes += [c["message"] for c in result.cells if c["message"] != result.error]
    return {"score": result.score, "max_score": result.max_score,
            "output": "\n".join(notes) or verdict_line(result, result.lang), "tests": tests}


def inert(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (a file named "=HYPERLINK(…).py")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


CSV_COLUMNS = ["file", "ok", "score", "max_score", "error"] + list(ALL_FUNCTIONS) + ["diagnoses", "uses"]


def csv_text(results: list[CheckResult]) -> str:
    """One row per submission, one column per function (pass / fail / error / missing, empty when not offered);
    ``ok`` is 1 for full marks."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in results:
        statuses = [r.formulas[n].status if n in r.formulas else "" for n in ALL_FUNCTIONS]
        diagnoses = "; ".join(f"{n}={f.mistake}" for n, f in r.formulas.items() if f.mistake)
        writer.writerow([inert(r.file), int(r.full_marks), r.score, r.max_score, inert(r.error or "")]
                        + statuses + [diagnoses, " ".join(r.uses)])
    return out.getvalue()
