"""The class report's charts: the scores, and a chart per function of where its files went.

Built with :class:`matplotlib.figure.Figure` and the Agg canvas (no pyplot, no window, no backend switch)
and returned as base64 PNG, which the HTML page holds inside itself: the file opens offline. A function's
chart has one bar per outcome — passed, each diagnosis, the failures no catalogued mistake explains, the
chained steps that failed through another function, not found, did not run — which together count every file.
"""
from __future__ import annotations

import base64
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..i18n import tr
from .summary import ClassSummary, Tally

COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "unexplained": "#bc4c00", "blamed": "#e99695",
           "missing": "#8c959f", "not_run": "#57606a"}
#: inches of height per bar, and around them
BAR_HEIGHT, MARGIN = 0.32, 0.9


def png(fig: Figure) -> str:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def function_bars(t: Tally, lang: str) -> list[tuple[str, int, str]]:
    """(label, files, colour) for each outcome of one function that some file had."""
    bars = [(tr(lang, "passed"), t.counts["pass"], COLOURS["pass"])]
    bars += [(d.label(lang), len(d.files), COLOURS["fail"]) for d in t.diagnoses]
    bars += [(tr(lang, "no name yet"), sum(len(g.files) for g in t.groups), COLOURS["unexplained"]),
             (tr(lang, "through another function"), len(t.blamed), COLOURS["blamed"]),
             (tr(lang, "not found", ctx="class report"), t.counts["missing"], COLOURS["missing"]),
             (tr(lang, "did not run"), t.counts["not_run"], COLOURS["not_run"])]
    return [bar for bar in bars if bar[1]]


def bar_chart(title: str, bars: list[tuple[str, int, str]], total: int) -> Figure:
    """Horizontal bars, the first on top, each with its count written at its end."""
    fig = Figure(figsize=(4.6, MARGIN + BAR_HEIGHT * max(len(bars), 1)), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    labels, counts, colours = zip(*bars) if bars else ((), (), ())
    rows = range(len(bars))
    ax.barh(rows, counts, color=colours, height=0.7)
    for row, count in zip(rows, counts):
        ax.text(count, row, f" {count}", va="center", fontsize=9)
    ax.set_yticks(rows, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(total, 1) * 1.15)
    ax.xaxis.set_visible(False)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, fontsize=11, loc="left")
    return fig


def score_chart(s: ClassSummary, lang: str) -> Figure:
    """Files per score, lowest score on the left."""
    fig = Figure(figsize=(6.0, 2.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    scores = sorted(s.scores)
    ax.bar(range(len(scores)), [n for _, n in scores], color=COLOURS["pass"], width=0.7)
    ax.set_xticks(range(len(scores)), [f"{score:g}" for score, _ in scores], fontsize=9)
    ax.set_xlabel(tr(lang, "score") + f" (/{s.max_score:g})", fontsize=9)
    ax.set_ylabel(tr(lang, "files"), fontsize=9)
    ax.yaxis.get_major_locator().set_params(integer=True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def chart_images(s: ClassSummary, lang: str) -> dict[str, list[tuple[str, str]]]:
    """{"scores": [(alt text, base64 PNG)], "functions": [one per function]} for the HTML page."""
    scores = [(tr(lang, "Scores"), png(score_chart(s, lang)))] if s.scores else []
    functions = []
    for t in s.tallies:
        bars = function_bars(t, lang)
        alt = f"{t.name}: " + ", ".join(f"{label} {count}" for label, count, _ in bars)
        functions.append((alt, png(bar_chart(t.name, bars, s.files))))
    return {"scores": scores, "functions": functions}
