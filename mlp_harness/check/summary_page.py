"""The class report as a page: Markdown or a self-contained HTML file (``mlp-check --summary PATH``).

The page is built once as blocks — ("h1" | "h2" | "h3" | "p", text), ("table", header, rows),
("items", [(lead, text)]), ("charts", kind) — that :func:`markdown` and :func:`html_page` write out;
Markdown leaves the charts out, HTML draws them (:mod:`.summary_charts`) as PNG images inside the file,
so that it opens offline. An example of a failure shows autograd's value and the submission's at the
``full`` feedback level only; at ``hint`` and ``verdict`` it says where they differ (see :mod:`.feedback`).
"""
from __future__ import annotations

import html

from ..i18n import N_, tr, tr_n
from .feedback import shown
from .report import md_escape, without_file
from .summary import OUTCOMES, ClassSummary, Group, Tally

#: the columns of the table of functions (after the function's name), as OUTCOMES (context "class report")
OUTCOME_WORDS = {"pass": N_("passed", ctx="class report"),
                "fail": N_("failed", ctx="class report"),
                "error": N_("raised an error", ctx="class report"),
                "missing": N_("not found", ctx="class report"),
                "not_run": N_("did not run", ctx="class report")}


def files_text(lang: str, files: list[str]) -> str:
    return tr_n(lang, "{count} file", "{count} files", len(files), count=len(files))


def overview(s: ClassSummary, lang: str) -> str:
    if not s.files:
        return tr(lang, "No files.")
    return tr(lang, "{files}; {full} with full marks ({total} points); mean score {mean}; median {median}",
              files=tr_n(lang, "{count} file", "{count} files", s.files, count=s.files),
              full=s.full_marks, mean=f"{s.mean:g}", median=f"{s.median:g}", total=f"{s.max_score:g}")


def function_table(s: ClassSummary, lang: str) -> tuple:
    """("table", header, rows): a row per function, a column per outcome (and one for a step() that stood
    in for functions not offered, when it did in any file)."""
    header = [tr(lang, "function")] + [tr(lang, OUTCOME_WORDS[o], ctx="class report") for o in OUTCOMES]
    rows = [[t.name] + [str(t.counts[o]) for o in OUTCOMES] for t in s.tallies]
    if any(t.stood_in for t in s.tallies):
        header.append(tr(lang, "a right step() stood in"))
        rows = [row + [str(len(t.stood_in))] for row, t in zip(rows, s.tallies)]
    return "table", header, rows


def diagnosis_blocks(s: ClassSummary, lang: str) -> list[tuple]:
    blocks = [("h2", tr(lang, "Diagnoses"))]
    for t in (t for t in s.tallies if t.diagnoses):
        blocks += [("h3", t.name), ("items", [(d.label(lang), tr(lang, "— {files}: {text} — {names}",
                                                                 files=files_text(lang, d.files),
                                                              text=d.text, names=", ".join(d.files)))
                                              for d in t.diagnoses])]
    return blocks if len(blocks) > 1 else blocks + [("p", tr(lang, "No function failed with a catalogued mistake."))]


def example(group: Group, lang: str, level: str) -> str:
    """The group's first file and where its function first differs (with the values at ``full`` only)."""
    f = shown(group.example, "full" if level == "full" else "hint", lang)
    return tr(lang, "e.g. {file}: {message}", file=group.files[0], message=f.message)


def group_blocks(s: ClassSummary, lang: str, level: str) -> list[tuple]:
    blocks = [("h2", tr(lang, "Failures no catalogued mistake explains")),
              ("p", tr(lang, "Grouped by identical outputs on every call: "
                                                                    "the files of one group compute the same wrong "
                                                                    "thing, a mistake worth naming."))]
    for t in (t for t in s.tallies if t.groups or t.blamed):
        items = [(files_text(lang, g.files), f"{', '.join(g.files)} — {example(g, lang, level)}") for g in t.groups]
        items += [(files_text(lang, t.blamed), tr(lang, "{names}: the chained step failed only through a function "
                                                        "already wrong (not grouped)",
                                                  names=", ".join(t.blamed)))] if t.blamed else []
        blocks += [("h3", t.name), ("items", items)]
    return blocks if len(blocks) > 2 else blocks + [("p", tr(lang, "None."))]


def not_run_blocks(s: ClassSummary, lang: str) -> list[tuple]:
    items = [(r.file, without_file(r.error or "", r.file)) for r in s.not_run]
    return [("h2", tr(lang, "Time-outs and files that did not run as written")),
            ("items", items) if items else ("p", tr(lang, "None: every file ran as written."))]


def nothing_blocks(s: ClassSummary, lang: str) -> list[tuple]:
    """The files that ran with nothing to check, each with its message (and the names it might have used);
    no section when there are none."""
    if not s.nothing_to_check:
        return []
    items = [(r.file, without_file(r.error or "", r.file)) for r in s.nothing_to_check]
    return [("h2", tr(lang, "Nothing to check: none of the assignment's functions")), ("items", items)]


def uses_blocks(s: ClassSummary, lang: str) -> list[tuple]:
    """The files flagged "uses" (a module that computes gradients imported), with the modules; no section when
    there are none. Their verdicts and scores are the numbers' as everywhere."""
    if not s.uses:
        return []
    items = [(r.file, tr(lang, "uses {names}", names=", ".join(r.uses))) for r in s.uses]
    return [("h2", tr(lang, "Files that import a module that computes the answers")),
            ("p", tr(lang, "Their scores are their numbers', as every file's; whether the answers came from that "
                           "code is the teacher's call.")), ("items", items)]


def page_blocks(s: ClassSummary, lang: str, level: str) -> list[tuple]:
    """The whole report, in order."""
    scores = ("table", [tr(lang, "score"), tr(lang, "files")],
              [[f"{score:g}/{s.max_score:g}", str(n)] for score, n in s.scores])
    return ([("h1", tr(lang, "mlp-check: class report")), ("p", overview(s, lang)), ("h2", tr(lang, "Scores")), scores,
             ("charts", "scores"), ("h2", tr(lang, "Function by function")), function_table(s, lang),
             ("charts", "functions")]
            + diagnosis_blocks(s, lang) + group_blocks(s, lang, level) + not_run_blocks(s, lang)
            + nothing_blocks(s, lang) + uses_blocks(s, lang))


def markdown(blocks: list[tuple]) -> str:
    """The blocks as Markdown (every text escaped: a file name's underscores stay underscores)."""
    out = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            out.append("#" * int(kind[1]) + " " + md_escape(block[1], line_start=False))
        elif kind == "p":
            out.append(md_escape(block[1]))
        elif kind == "table":
            row = lambda cells: "| " + " | ".join(md_escape(c, cell=True) for c in cells) + " |"  # noqa: E731
            out.append("\n".join([row(block[1]), "|" + "---|" * len(block[1])] + [row(r) for r in block[2]]))
        elif kind == "items":
            out.append("\n".join(f"- **{md_escape(lead, False)}** {md_escape(text, False)}" for lead, text in block[1]))
    return "\n\n".join(out) + "\n"


STYLE = ("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62rem;margin:2rem auto;"
         "padding:0 1rem;color:#1f2328;line-height:1.45}table{border-collapse:collapse;margin:.5rem 0}"
         "th,td{border:1px solid #d0d7de;padding:.25rem .7rem;text-align:right}th:first-child,td:first-child"
         "{text-align:left}th{background:#f6f8fa}.charts{display:flex;flex-wrap:wrap;align-items:flex-start;gap:.5rem}"
         ".charts img{max-width:100%;height:auto}li{margin:.3rem 0}")


def html_block(block: tuple, charts: dict[str, list[tuple[str, str]]]) -> str:
    esc, kind = html.escape, block[0]
    if kind in ("h1", "h2", "h3", "p"):
        return f"<{kind}>{esc(block[1])}</{kind}>"
    if kind == "table":
        head = "".join(f"<th>{esc(c)}</th>" for c in block[1])
        rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block[2])
        return f"<table><tr>{head}</tr>{rows}</table>"
    if kind == "items":
        return "<ul>" + "".join(f"<li><b>{esc(lead)}</b> {esc(text)}</li>" for lead, text in block[1]) + "</ul>"
    images = "".join(f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}">' for alt, data in charts[block[1]])
    return f'<div class="charts">{images}</div>'


def html_page(blocks: list[tuple], charts: dict[str, list[tuple[str, str]]], lang: str) -> str:
    """The blocks as one HTML file; ``charts`` maps a ("charts", kind) block to its (alt text, base64 PNG)s."""
    body = "\n".join(html_block(b, charts) for b in blocks)
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(blocks[0][1])}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n"
            "</body>\n</html>\n")


def summary_text(s: ClassSummary, lang: str, level: str, kind: str) -> str:
    """The report as ``kind`` ("md" or "html")."""
    blocks = page_blocks(s, lang, level)
    if kind == "md":
        return markdown(blocks)
    from .summary_charts import chart_images   # matplotlib: only for the HTML page
    return html_page(blocks, chart_images(s, lang), lang)
