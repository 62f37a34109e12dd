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
import shutil
import textwrap

import numpy as np

from ..i18n import tr, tr_n
from ..verify.table import format_scalar
from .execute import ALL_FUNCTIONS
from .result import CheckResult, printable
from .verdict import FormulaResult

#: the right formula each function computes, in the lab's notation
FORMULAS = {"sigmoid": "σ(z) = 1 / (1 + e^(−z))", "delta_L": "BP1  δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y) ⊙ a⁽ᴸ⁾(1 − a⁽ᴸ⁾)",
            "delta_l": "BP2  δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾θ⁽ˡ⁺¹⁾ ⊙ a⁽ˡ⁾(1 − a⁽ˡ⁾)", "gradient": "BP4  ∂J/∂θ⁽ˡ⁾ = δ⁽ˡ⁾ᵀa⁽ˡ⁻¹⁾",
            "optimize": "θ ← θ − η ∂J/∂θ"}
MARKS = {"pass": "✓", "fail": "✗", "error": "✗", "missing": "–"}
#: matrices shown whole up to this many entries
SHOWN_ENTRIES = 64


def terminal_width(width: int | None = None) -> int:
    return width or shutil.get_terminal_size((100, 24)).columns


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


def render_text(result: CheckResult, width: int | None = None) -> str:
    lang, width = result.lang, terminal_width(width)
    lines = [f"mlp-check: {printable(result.file)}"] if result.file else []
    if result.bad_input:
        return "\n".join(lines + [result.error])
    lines += [tr(lang, "check_file_error", error=result.error)] if result.error else []
    lines += [f"  {c['message']}" for c in result.cells if c["message"] != result.error]
    pad = max((len(formula_of(f, lang)) for f in result.formulas.values()), default=0)
    for f in result.formulas.values():
        lines += formula_lines(f, lang, width, pad)
    return "\n".join(lines + [verdict_line(result, lang)])


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
    return (f"{error}<table><tr><th></th><th>{esc(tr(lang, 'check_col_function'))}</th>"
            f"<th>{esc(tr(lang, 'check_col_formula'))}</th><th>{esc(tr(lang, 'check_col_result'))}</th></tr>"
            f"{''.join(rows)}</table><p>{esc(verdict_line(result, lang))}</p>")


def gradescope_json(result: CheckResult) -> dict:
    """Gradescope's autograder ``results.json``: one test per function, 1 point each (a missing one scores 0)."""
    lang, tests = result.lang, []
    for name in ALL_FUNCTIONS:
        f = result.formulas.get(name)
        if f is None:
            continue
        output = "\n".join(x for x in (f.message, f.explanation and f"{tr(lang, 'check_right')} {f.explanation}",
                                       f.diagnosis and f"{tr(lang, 'check_probably')} {f.diagnosis}") if x)
        tests.append({"name": f"{name}: {formula_of(f, lang)}", "score": 1.0 if f.ok else 0.0, "max_score": 1.0,
                      "status": "passed" if f.ok else "failed", "output": output})
    score = sum(t["score"] for t in tests)
    notes = [result.error] if result.error else []
    notes += [c["message"] for c in result.cells if c["message"] != result.error]
    return {"score": score, "output": "\n".join(notes) or verdict_line(result, lang), "tests": tests}


def inert(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (a file named "=HYPERLINK(…).py")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


CSV_COLUMNS = ["file", "ok", "score", "error"] + list(ALL_FUNCTIONS) + ["diagnoses"]


def csv_text(results: list[CheckResult]) -> str:
    """One row per submission, one column per function (pass / fail / error / missing, empty when not offered)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in results:
        statuses = [r.formulas[n].status if n in r.formulas else "" for n in ALL_FUNCTIONS]
        diagnoses = "; ".join(f"{n}={f.mistake}" for n, f in r.formulas.items() if f.mistake)
        writer.writerow([inert(r.file), int(r.ok), sum(f.ok for f in r.formulas.values()), inert(r.error or "")]
                        + statuses + [diagnoses])
    return out.getvalue()
