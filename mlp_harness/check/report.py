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
import re
import textwrap
from pathlib import Path

import numpy as np

from ..i18n import _, tr, tr_n
from ..verify.table import format_scalar
from ..verify.width import output_width
from .catalogue import CATALOGUE
from .execute import ALL_FUNCTIONS
from .feedback import LINE_WORDS
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
        return f.formula or FORMULAS[f.name]
    if f.source == "step" and f.formula == CATALOGUE["step_biases"].formula:   # on one mini-batch, with b
        return tr(lang, "your step(X, Y, thetas, biases, eta), batch by batch") if f.batched else \
            tr(lang, "your step(X, Y, thetas, biases, eta), step by step")
    if f.source == "step":
        return tr(lang, "your step(X, Y, thetas, eta), step by step")
    return tr(lang, "your functions chained into a training step")


def matrix_lines(m: np.ndarray, mark: tuple[int, ...] | None = None, precision: int = 8) -> list[str]:
    """Rows of a matrix, numbers aligned; the entry ``mark`` flagged with ◀ at its row's end."""
    m = np.atleast_2d(m)
    cells = [[format_scalar(x, precision).replace("-", "−") for x in row] for row in m]
    width = max(len(c) for row in cells for c in row)
    lines = [" ".join(c.rjust(width) for c in row) for row in cells]
    if mark is not None and len(mark) == 2 and mark[0] < len(lines):
        lines[mark[0]] += " ◀"
    return lines


def side_by_side(f: FormulaResult, lang: str, width: int) -> list[str]:
    """autograd's matrix beside the returned one (above it when the two do not fit the width)."""
    if f.expected is None or f.got is None or max(f.expected.size, f.got.size) > SHOWN_ENTRIES or f.got.ndim > 2 \
            or 0 in (f.expected.size, f.got.size) or max(f.expected.ndim, f.got.ndim) == 0:
        return []   # an empty array has no matrix to show; a number (Adam's t) is whole in the message already
    mark = tuple(f.first_mismatch["index"]) if f.first_mismatch and f.first_mismatch.get("index") else None
    target = (f.first_mismatch or {}).get("target", "")
    precision = telling_precision(f.expected, f.got, mark)
    left = [tr(lang, "autograd {target}", target=target)] + matrix_lines(f.expected, precision=precision)
    right = [tr(lang, "yours")] + matrix_lines(f.got, mark, precision)
    pad = max(len(line) for line in left)
    if 4 + pad + 3 + max(len(line) for line in right) > width:
        return ["    " + line for line in left + right]
    rows = max(len(left), len(right))
    left, right = left + [""] * (rows - len(left)), right + [""] * (rows - len(right))
    return [f"    {a.ljust(pad)} │ {b}".rstrip() for a, b in zip(left, right)]


def telling_precision(expected: np.ndarray, got: np.ndarray, mark: tuple[int, ...] | None) -> int:
    """The decimals that show the marked entry differ: 8, or more where autograd's value and the returned one
    agree to 8 (float32's rounding, a β made float32: a difference in the 9th decimal), up to 17."""
    try:
        a, b = float(np.atleast_2d(expected)[mark]), float(np.atleast_2d(got)[mark])
    except (TypeError, IndexError, ValueError):   # no mark, or one outside the matrices: the usual 8
        return 8
    precision = 8
    while precision < 17 and a != b and format_scalar(a, precision) == format_scalar(b, precision):
        precision += 1
    return precision


#: the narrowest names' column: the lab's names (sigmoid, delta_L, delta_l, gradient, optimize, step) fit it
NAME_WIDTH = 9


def formula_lines(f: FormulaResult, lang: str, width: int, pad: int = 0, level: str = "full",
                  names: int = NAME_WIDTH) -> list[str]:
    """A function's rows of the table; at the ``verdict`` level its mark, its name and why it has no ✓.
    ``names`` is the width of the names' column (the longest name of the table, so the formulas line up)."""
    name = f.name.ljust(names)
    if level == "verdict":
        return [f"{MARKS[f.status]} {name} {'' if f.ok else f.message}".rstrip()]
    head = f"{MARKS[f.status]} {name} {formula_of(f, lang).ljust(pad)}"
    wrap = lambda text, label="": textwrap.wrap(label + text, width, initial_indent="    ",  # noqa: E731
                                                subsequent_indent="      ")
    warning = wrap(f.warning, tr(lang, "warning:") + " ") if f.warning else []
    if f.status in ("pass", "missing"):
        tail = f"{tr(lang, 'max |Δ|')} {f.max_abs_diff:.1e}" if f.max_abs_diff is not None else ""
        return [(head + "  " + (tail if f.status == "pass" else f.message)).rstrip()] + warning
    lines = [head.rstrip()] + wrap(f.message)
    if f.explanation:
        lines += wrap(f.explanation, tr(lang, "right:") + " ")
    if f.diagnosis:
        lines += wrap(f.diagnosis, tr(lang, "probably:") + " ")
    return lines + warning + side_by_side(f, lang, width)

def changed_only(f: FormulaResult) -> bool:
    """Failed only for changing an argument in place: every value it returned agrees with autograd's."""
    return f.status == "fail" and f.mistake == "changes_argument" and f.first_mismatch is None


def in_place_tail(names: list[str], lang: str) -> str:
    return tr_n(lang, "; {names} changes an argument in place", "; {names} change an argument in place", len(names),
                names=", ".join(names)) if names else ""


def verdict_line(result: CheckResult, lang: str) -> str:
    in_place = [n for n, f in result.formulas.items() if changed_only(f)]
    wrong = [n for n, f in result.formulas.items() if f.status in ("fail", "error") and n not in in_place]
    pending = [n for n, f in result.formulas.items() if f.status == "missing" and f.pending]
    missing = [n for n, f in result.formulas.items() if f.status == "missing" and not f.pending]
    tail = tr_n(lang, "; not implemented yet: {names}", "; not implemented yet: {names}", len(pending),
                names=", ".join(pending)) if pending else ""
    if result.ok:
        line = tr(lang, "OK: every function found agrees with autograd")
    elif wrong:
        line = tr(lang, "FAIL: {names} differ from autograd" if len(
            wrong) > 1 else "FAIL: {names} differs from autograd", names=", ".join(wrong))
        tail = in_place_tail(in_place, lang) + tail
    elif in_place:
        line = tr_n(lang, "FAIL: {names} changes an argument in place (its values agree with autograd)",
                    "FAIL: {names} change an argument in place (their values agree with autograd)", len(in_place),
                    names=", ".join(in_place))
    elif pending and result.error is None:
        line, tail = tr_n(lang, "not implemented yet: {names}", "not implemented yet: {names}", len(pending),
                          names=", ".join(pending)), ""
    else:
        line = tr(lang, "FAIL: the file did not run as written")
    return line + tail + (tr_n(lang, "; not found: {names}", "; not found: {names}", len(missing),
                               names=", ".join(missing)) if missing else "")


def uses_line(result: CheckResult) -> str:
    """'uses torch: …' — a module that computes gradients, named; the verdict stays the numbers'."""
    return tr(result.lang, "uses {names}: the answers may come from that code instead of the formulas (the "
                           "verdict is the numbers'; the teacher decides)", names=", ".join(result.uses))


def render_text(result: CheckResult, width: int | None = None) -> str:
    lang, width = result.lang, terminal_width(width)
    lines = [f"mlp-check: {printable(result.file)}"] if result.file else []
    if result.bad_input:
        return "\n".join(lines + [result.error])
    lines += [tr(lang, "the file did not run as written: {error}", error=result.error)] if result.error else []
    lines += [uses_line(result)] if result.uses else []
    lines += [f"  {c['message']}" for c in result.cells if c["message"] != result.error]
    pad = max((len(formula_of(f, lang)) for f in result.formulas.values()), default=0)
    names = max([NAME_WIDTH] + [len(name) for name in result.shown])
    for f in result.shown.values():
        lines += formula_lines(f, lang, width, pad, result.feedback, names)
    return "\n".join(lines + [verdict_line(result, lang)])


def wrong_items(result: CheckResult) -> list[str]:
    """'optimize: sign_flipped' for each function that lost its points by being wrong; a chained step is left
    out when a function it is made of is wrong (that one explains it)."""
    lang, points = result.lang, result.rubric.points
    wrong = {n: f for n, f in result.shown.items() if f.status in ("fail", "error")}
    if "step" in wrong and wrong["step"].source == "chain" and len(wrong) > 1:
        del wrong["step"]
    return [f"{n}: {mistake_label(f, lang)}" for n, f in wrong.items() if points[n] > 0]


def mistake_label(f: FormulaResult, lang: str) -> str:
    """A wrong function in a batch's line: the catalogue's id in English (a teacher's short label; the JSON's
    ``mistake``), the plain verdict in Portuguese, whose text never shows the ids (--details describes it)."""
    return f.mistake if f.mistake and lang == "en" else tr(lang, LINE_WORDS[f.status])


def missing_items(result: CheckResult) -> list[str]:
    """'gradient: not found' for the functions that lost their points by not being there (or still blank),
    with the file's functions of the same arity when it has some."""
    lang, formulas, points = result.lang, result.formulas, result.rubric.points
    stood = result.rubric.stood_in(formulas)
    lost = [n for n in points if points[n] > 0 and n not in stood
            and (n not in formulas or formulas[n].status == "missing")]
    pending = [n for n in lost if n in formulas and formulas[n].pending]
    hinted = [n for n in lost if n in result.hints]
    absent = [n for n in lost if n not in pending and n not in hinted]
    items = [(absent[0], tr_n(lang, "{names}: not found", "{names}: not found", len(absent),
                              names=", ".join(absent)))] if absent else []
    items += [(n, f"{n}: {missing_hint(lang, n, result.hints[n])}") for n in hinted]
    if pending:
        items.append((pending[0], tr_n(lang, "{names}: not implemented yet", "{names}: not implemented yet",
                                       len(pending), names=", ".join(pending))))
    return [text for _, text in sorted(items, key=lambda item: list(points).index(item[0]))]   # the lab's order


def batch_line(result: CheckResult) -> str:
    """One file of a batch: ✓ full marks; ✗ a function wrong, or the file did not run as written (or could not
    be read at all); – below full marks only through functions not there (a file that ran and defines none of
    them included). Then the score, the file, and what cost points."""
    wrong = wrong_items(result)
    unread = result.bad_input and not result.formulas   # not a notebook, not there: no function was even looked for
    mark = "✓" if result.full_marks else "✗" if wrong or result.error and (not result.bad_input or unread) else "–"
    items = [result.error] if result.error else []
    if result.formulas and not result.bad_input:   # (a file that did not run at all has no functions to list)
        items += wrong + missing_items(result)
    items += [tr(result.lang, "uses {names}", names=", ".join(result.uses))] if result.uses else []
    detail = without_file("; ".join(items), result.file)
    score = f"{result.score:g}/{result.max_score:g}"
    # a file may be named anything
    return printable(f"{mark} {score} {result.file}" + (f"  {detail}" if detail else ""))


def without_file(text: str, file: str) -> str:
    """``text`` without the "FILE: " it may start with, where the file is already named beside it."""
    for prefix in (f"{file}: ", f"{Path(file).name}: "):
        text = text[len(prefix):] if text.startswith(prefix) else text
    return text


#: the table's cells as Jupyter and Colab would otherwise draw them (right-aligned, centred vertically): left
#: and at the top, as the terminal reads; a formula never wraps mid-expression
CELL = "text-align:left;vertical-align:top;padding:2px 8px"
FORMULA_CELL = CELL + ";white-space:nowrap"
#: autograd's matrix beside the returned one, monospaced as in the terminal
MATRIX = "margin:4px 0;padding:4px 6px;background:#f6f8fa;font-size:90%;line-height:1.25"
#: the width the matrices are set side by side within (stacked beyond it), as Gradescope's
HTML_WIDTH = 100


def html_details(f: FormulaResult, lang: str) -> str:
    """The result cell of a function's row: the message, the right formula, the probable mistake, a warning,
    and autograd's matrix beside the returned one with the differing entry marked ◀ (what the terminal shows)."""
    esc = html.escape
    details = [esc(f.message)] if f.status != "pass" else []
    details += [f"{esc(tr(lang, 'right:'))} <code>{esc(f.explanation)}</code>"] if f.explanation else []
    details += [f"<b>{esc(tr(lang, 'probably:'))}</b> {esc(f.diagnosis)}"] if f.diagnosis else []
    details += [f"<b>{esc(tr(lang, 'warning:'))}</b> {esc(f.warning)}"] if f.warning else []
    matrices = side_by_side(f, lang, HTML_WIDTH)
    text = "<br>".join(details) or esc(f.message)
    return text + (f"<pre style='{MATRIX}'>{esc(chr(10).join(line[4:] for line in matrices))}</pre>"
                   if matrices else "")


def render_html(result: CheckResult) -> str:
    """The same verdicts as an HTML table, for Jupyter and Colab (at the ``verdict`` level without the formulas):
    cells left-aligned, formulas unbroken, the matrices beside each other, the verdict line in its colour."""
    lang, esc, level = result.lang, html.escape, result.feedback
    rows = []
    for f in result.shown.values():
        colour = {"pass": "#1a7f37", "missing": "#6e7781"}.get(f.status, "#cf222e")
        formula = f"<td style='{FORMULA_CELL}'>{esc(formula_of(f, lang))}</td>" if level != "verdict" else ""
        rows.append(f"<tr><td style='{CELL};color:{colour};font-weight:bold'>{MARKS[f.status]}</td>"
                    f"<td style='{FORMULA_CELL}'><code>{f.name}</code></td>{formula}"
                    f"<td style='{CELL}'>{html_details(f, lang)}</td></tr>")
    error = f"<p style='color:#cf222e'>{esc(result.error)}</p>" if result.error else ""
    error += f"<p>{esc(uses_line(result))}</p>" if result.uses else ""
    head = lambda text: f"<th style='{CELL}'>{esc(text)}</th>"  # noqa: E731
    formula = head(tr(lang, "formula")) if level != "verdict" else ""
    wrong = any(f.status in ("fail", "error") for f in result.formulas.values()) or result.error
    verdict = "#1a7f37" if result.ok else "#cf222e" if wrong else "#6e7781"   # grey: blanks still to write
    return (f"{error}<table><tr><th style='{CELL}'></th>{head(tr(lang, 'function'))}"
            f"{formula}{head(tr(lang, 'result'))}</tr>"
            f"{''.join(rows)}</table><p style='font-weight:bold;color:{verdict}'>{esc(verdict_line(result, lang))}</p>")


#: characters that Markdown reads as markup anywhere in a line (an underscore only at a word's edge; a bar
#: only in a table, where it ends a cell)
MD_INLINE = re.compile(r"([\\`*\[\]<>~&]|(?<![^\W_])_|_(?![^\W_]))")
#: what a line may not start with unescaped: a heading, a quote, a list item or a rule ("1." escaped as "1\.")
MD_LINE_START = re.compile(r"^(\s*\d*)([#>+=-]|(?<=\d)[.)])", re.MULTILINE)


def md_escape(text: str, line_start: bool = True, cell: bool = False) -> str:
    """Text that Markdown shows as written: its markup characters escaped with a backslash (CommonMark lets
    any ASCII punctuation be escaped; an underscore inside a word is no markup). ``line_start=False`` for
    text that never begins a line (after a list item's marker), ``cell=True`` for a table's cell."""
    text = MD_INLINE.sub(r"\\\1", text)
    text = text.replace("|", "\\|") if cell else text
    return MD_LINE_START.sub(r"\1\\\2", text) if line_start and not cell else text


def verdict_markdown(f: FormulaResult, lang: str) -> str:
    """A verdict in Markdown: its message, the right formula, the probable mistake (one paragraph each) and
    autograd's matrix beside the submission's, in a code block — what ``f`` holds at its feedback level."""
    parts = [md_escape(f.message)]
    parts += [f"**{md_escape(tr(lang, 'right:'))}** {md_escape(f.explanation)}"] if f.explanation else []
    parts += [f"**{md_escape(tr(lang, 'probably:'))}** {md_escape(f.diagnosis)}"] if f.diagnosis else []
    parts += [f"**{md_escape(tr(lang, 'warning:'))}** {md_escape(f.warning)}"] if f.warning else []
    matrices = side_by_side(f, lang, GRADESCOPE_WIDTH)
    parts += ["```text\n" + "\n".join(line[4:] for line in matrices) + "\n```"] if matrices else []
    return "\n\n".join(parts)


#: the width of the matrices in Gradescope's output (they are stacked when they do not fit side by side)
GRADESCOPE_WIDTH = 100
#: Gradescope's visibility settings, the first its default
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def gradescope_test(result: CheckResult, name: str, earned: float, stood_in: bool, visibility: str) -> dict:
    """One function as a Gradescope test: its points under the rubric, and why (Markdown)."""
    lang, f = result.lang, result.shown.get(name)
    if f is None:   # no row: a step neither written nor chained, or a file that did not run
        label, output = (tr(lang, "your step(X, Y, thetas, eta), step by step"),
                         tr(lang, "not found: no step(X, Y, thetas, eta), and not all four of delta_L, delta_l, "
                                  "gradient, optimize to chain into one")) if name == "step" else (
            FORMULAS[name] if result.assignment is None else result.assignment.functions[name].formula,
            tr(lang, "not found"))
        output = md_escape(missing_hint(lang, name, result.hints[name]) if name in result.hints else output)
    else:
        label, output = formula_of(f, lang), verdict_markdown(f, lang)
    if stood_in:
        output = md_escape(tr(lang, "not found, but your step() agrees with autograd, which earns its points"))
    passed = stood_in or f is not None and f.ok
    return {"name": f"{name}: {label}", "score": earned, "max_score": result.rubric.points[name],
            "status": "passed" if passed else "failed", "output": output, "output_format": "md",
            "visibility": visibility}


def gradescope_json(result: CheckResult, visibility: str = VISIBILITIES[0]) -> dict:
    """Gradescope's autograder ``results.json``: one test per function of the lab, worth its points in the
    rubric (a missing one scores 0, unless a right step() stands in for it); the total as ``score`` and,
    the same for every submission, ``max_score``. Outputs are Markdown, at the result's feedback level;
    ``visibility`` applies to the results and to each test; the autograder's own stdout stays hidden."""
    earned, stood = result.points, result.rubric.stood_in(result.formulas)
    tests = [gradescope_test(result, name, earned[name], name in stood, visibility) for name in result.rubric.points]
    notes = [result.error] if result.error else []
    notes += [uses_line(result)] if result.uses else []
    notes += [c["message"] for c in result.cells if c["message"] != result.error]
    output = "\n\n".join(md_escape(note) for note in notes) or md_escape(verdict_line(result, result.lang))
    return {"score": result.score, "max_score": result.max_score, "output": output, "output_format": "md",
            "test_output_format": "md", "visibility": visibility, "stdout_visibility": "hidden", "tests": tests}


def inert(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (a file named "=HYPERLINK(…).py")."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


CSV_COLUMNS = ["file", "ok", "score", "max_score", "error"] + list(ALL_FUNCTIONS) + ["diagnoses", "uses"]   # the lab's


def csv_text(results: list[CheckResult]) -> str:
    """One row per submission, one column per function (pass / fail / error / missing, empty when not offered);
    ``ok`` is 1 for full marks."""
    out = io.StringIO()
    writer = csv.writer(out)
    functions = list(results[0].rubric.points) if results else list(ALL_FUNCTIONS)   # the assignment's
    writer.writerow(CSV_COLUMNS[:5] + functions + CSV_COLUMNS[-2:])
    for r in results:
        statuses = [r.formulas[n].status if n in r.formulas else "" for n in functions]
        diagnoses = "; ".join(f"{n}={f.mistake}" for n, f in r.formulas.items() if f.mistake)
        writer.writerow([inert(r.file), int(r.full_marks), r.score, r.max_score, inert(r.error or "")]
                        + statuses + [diagnoses, " ".join(r.uses)])
    return out.getvalue()
