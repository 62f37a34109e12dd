"""A class report's numbers: what a batch of submissions got right and wrong, function by function.

For each of the lab's six functions (:class:`Tally`): how many files passed, failed, raised an error, lack
it, or did not run at all; each diagnosis with the files that made it; and the failures that no catalogued
mistake explains, grouped by identical wrong outputs (:class:`Group`) — several files computing the same
wrong thing is a mistake worth naming. Two failures are identical when, on every call, they returned the
same array within the tolerance a verdict uses, or raised the same error, or returned the same non-array
(:func:`~mlp_harness.check.verdict.same_outputs`); a chained step that failed only because a function it
is made of is already wrong is counted, not grouped (that function explains it). Then the files that did
not run as written, and those that ran but had nothing to check (none of the assignment's functions).
:mod:`.summary_page` writes it all as Markdown or HTML (``mlp-check --summary``).
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from .execute import ALL_FUNCTIONS
from .result import CheckResult, missing_only
from .rubric import whole
from .verdict import FormulaResult, same_outputs

#: a function's outcome in one file, in the order the report lists them
OUTCOMES = ("pass", "fail", "error", "missing", "not_run")


@dataclass
class Diagnosis:
    """One diagnosis of a function, and the files whose function it was (in the batch's order)."""

    mistake: str                 # the catalogue's name ("residual_sign", "undefined_name", …)
    text: str                    # what it means, as the first of these files was told
    files: list[str] = field(default_factory=list)

    def label(self, lang: str, room: int = 40) -> str:
        """A short name for it: the catalogue's id in English; in Portuguese, whose text never shows the ids,
        the start of its description."""
        if lang == "en" or not self.text:
            return self.mistake
        if len(self.text) <= room:
            return self.text
        cut = self.text[:room - 1]
        if self.text[room - 1] != " ":   # the cut falls inside a word: end at the word before it
            word = cut.rfind(" ")
            cut = cut[:word] if word > room // 2 else cut
        return cut.rstrip(" ,;:") + "…"


@dataclass
class Group:
    """Failures no catalogued mistake explains, with identical outputs on every call."""

    files: list[str]
    example: FormulaResult       # the first file's verdict (its first differing entry)
    outputs: tuple = field(repr=False, default=())


@dataclass
class Tally:
    """One function across a batch."""

    name: str
    counts: dict[str, int]       # OUTCOMES -> files
    diagnoses: list[Diagnosis]   # most files first
    groups: list[Group]          # largest first
    stood_in: list[str]          # files where a right step() of their own earned this function's points
    blamed: list[str]            # files whose chained step failed through a function already wrong


def outcome(result: CheckResult, name: str) -> str:
    """The function's outcome in one file: its status, "missing" when it has no row, "not_run" when the file
    never got as far as being checked (stopped, crashed)."""
    if not result.formulas:
        return "not_run"
    f = result.formulas.get(name)
    return "missing" if f is None else f.status


def unexplained(f: FormulaResult) -> bool:
    return f.status in ("fail", "error") and f.mistake is None and not f.blamed and f.outputs is not None


def diagnoses_of(failed: list[tuple[str, FormulaResult]]) -> list[Diagnosis]:
    """The diagnoses of the failures, one per distinct text (``undefined_name`` of 'Y' and of 'np' apart)."""
    found: dict[tuple[str, str], Diagnosis] = {}
    for file, f in failed:
        if f.mistake:
            text = f.diagnosis.removeprefix(f"{f.mistake}: ") if f.diagnosis else ""
            found.setdefault((f.mistake, text), Diagnosis(f.mistake, text)).files.append(file)
    return sorted(found.values(), key=lambda d: -len(d.files))   # a stable sort: ties keep the batch's order


def groups_of(failed: list[tuple[str, FormulaResult]]) -> list[Group]:
    """The unexplained failures, grouped by identical outputs (each joins the first group it matches)."""
    groups: list[Group] = []
    for file, f in failed:
        if not unexplained(f):
            continue
        group = next((g for g in groups if same_outputs(g.outputs, f.outputs)), None)
        if group is None:
            groups.append(Group([file], f, f.outputs))
        else:
            group.files.append(file)
    return sorted(groups, key=lambda g: -len(g.files))


def tally(results: list[CheckResult], name: str) -> Tally:
    """Every file's outcome for the function ``name``."""
    outcomes = [outcome(r, name) for r in results]
    failed = [(r.file, r.formulas[name]) for r, o in zip(results, outcomes) if o in ("fail", "error")]
    return Tally(name, {o: outcomes.count(o) for o in OUTCOMES}, diagnoses_of(failed), groups_of(failed),
                 [r.file for r in results if name in r.rubric.stood_in(r.formulas)],
                 [file for file, f in failed if f.blamed])


@dataclass
class ClassSummary:
    """A batch, as the report shows it."""

    files: int
    max_score: float
    full_marks: int
    mean: float | None
    median: float | None
    scores: list[tuple[float, int]]          # (score, files with it), highest first
    tallies: list[Tally]                     # the assignment's functions (the lab's by default), in order
    not_run: list[CheckResult]               # files that did not run as written (or could not be read)
    nothing_to_check: list[CheckResult]      # files that ran and define none of the assignment's functions
    uses: list[CheckResult]                  # files flagged for importing a module that computes the answers


def nothing_to_check(result: CheckResult) -> bool:
    """The file ran, but defines none of the assignment's functions (it is empty, or has other names only): bad
    input with a row for each function, every one "missing" — a file that could not be read has no rows."""
    return result.bad_input and bool(result.formulas) and missing_only(result.formulas)


def summarize(results: list[CheckResult]) -> ClassSummary:
    """The class report's numbers for a batch (every result graded by the same rubric)."""
    scores = [r.score for r in results]
    assignment = next((r.assignment for r in results if r.assignment is not None), None)
    names = assignment.names if assignment is not None else ALL_FUNCTIONS
    counted = sorted({s: scores.count(s) for s in scores}.items(), reverse=True)
    return ClassSummary(len(results), results[0].max_score if results else 0, sum(r.full_marks for r in results),
                        whole(round(statistics.fmean(scores), 2)) if scores else None,
                        whole(statistics.median(scores)) if scores else None, counted,
                        [tally(results, name) for name in names],
                        [r for r in results if (r.error or r.bad_input) and not nothing_to_check(r)],
                        [r for r in results if nothing_to_check(r)], [r for r in results if r.uses])


def share(count: int, total: int) -> str:
    """'40%' of the files (rounded to a whole per cent; '0%' only for none)."""
    if not total:
        return "–"
    percent = 100 * count / total
    return f"{max(1, math.floor(percent + 0.5)) if count else 0}%"
