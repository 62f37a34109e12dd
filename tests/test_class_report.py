"""mlp-check --summary PATH: a class report of a batch, in Markdown or as an HTML file that opens offline.

Per function, how many files passed, failed, raised, lack it or did not run; each diagnosis with its files;
the failures no catalogued mistake explains, grouped by identical outputs; the files that did not run, and those
that ran with nothing to check.
The submissions run through the worker's own code in this process (fast), as in tests/test_feedback.py.
"""
import base64
import html
import re
from pathlib import Path

import numpy as np
import pytest

from language import foreign_lines
from mlp_harness.check.api import lab_plan, result_of_run, unreadable
from mlp_harness.check.result import CheckResult
from mlp_harness.check.rubric import DEFAULT_RUBRIC
from mlp_harness.check.summary import summarize
from mlp_harness.check.summary_charts import function_bars
from mlp_harness.check.summary_page import summary_text
from mlp_harness.check.verdict import same_outputs, same_value
from mlp_harness.cli.check_cli import main
from test_feedback import LIMIT, SOURCES, SUBMISSIONS, autograd_strings, check, in_process, write  # noqa: F401

BATCH = ["right", "sign", "no_one_minus", "no_one_minus_loop", "no_a", "no_gradient"]


def make_batch(folder: Path, lang: str = "en") -> list[CheckResult]:
    """Six files checked, a seventh that never finished, an eighth with nothing to check."""
    results = [check(write(folder, f"{i}_{n}.py", SOURCES[n]), lang) for i, n in enumerate(BATCH)]
    plan = lab_plan()
    results.append(result_of_run("7_hang.py", {"timeout": 55, "progress": {"cell": 3}}, plan, lang, LIMIT))
    results.append(check(write(folder, "8_empty.py", "x = 1\n"), lang))
    return results


@pytest.fixture
def batch(tmp_path):
    return make_batch(tmp_path)


def test_every_function_counts_every_file(batch):
    s = summarize(batch)
    rows = {t.name: [t.counts[o] for o in ("pass", "fail", "error", "missing", "not_run")] for t in s.tallies}
    assert rows == {"sigmoid": [6, 0, 0, 1, 1], "delta_L": [3, 3, 0, 1, 1], "delta_l": [6, 0, 0, 1, 1],
                    "gradient": [5, 0, 0, 2, 1], "optimize": [5, 1, 0, 1, 1], "step": [1, 4, 0, 2, 1]}
    assert (s.files, s.full_marks, s.max_score, s.scores) == (8, 1, 6, [(6, 1), (4, 5), (0, 2)])
    assert [r.file for r in s.not_run] == ["7_hang.py"] and [r.file for r in s.nothing_to_check] == ["8_empty.py"]


def test_a_file_with_none_of_the_functions_ran_with_nothing_to_check(tmp_path):
    """Empty, or defining only other names: it ran, so it is not among the files that did not run as written; a
    syntax error and a file that is not there are (the one never got as far as defining anything, the other
    was never read)."""
    sources = {"a_empty.py": "", "b_foo.py": "def foo(z):\n    return z\n", "c_syntax.py": "def sigmoid(z)\n"}
    results = [check(write(tmp_path, name, source)) for name, source in sources.items()]
    results.append(unreadable(str(tmp_path / "d_gone.py"), "en", DEFAULT_RUBRIC))
    s = summarize(results)
    assert [r.file for r in s.nothing_to_check] == ["a_empty.py", "b_foo.py"]
    assert [Path(r.file).name for r in s.not_run] == ["c_syntax.py", "d_gone.py"]
    # each row still counts every file: three without the function, the one never read as not run
    assert [(t.counts["missing"], t.counts["not_run"]) for t in s.tallies] == [(3, 1)] * 6


def test_a_diagnosis_lists_its_files_and_unnamed_failures_are_grouped_by_their_outputs(batch):
    tallies = {t.name: t for t in summarize(batch).tallies}
    assert [(d.mistake, d.files) for d in tallies["optimize"].diagnoses] == [("sign_flipped", ["1_sign.py"])]
    groups = tallies["delta_L"].groups
    assert [g.files for g in groups] == [["2_no_one_minus.py", "3_no_one_minus_loop.py"], ["4_no_a.py"]]
    assert groups[0].example.first_mismatch["index"] == [0, 0]
    # the steps chained from a wrong function are that function's doing: counted, not a mistake of their own
    assert tallies["step"].groups == [] and tallies["step"].blamed == ["1_sign.py", "2_no_one_minus.py",
                                                                       "3_no_one_minus_loop.py", "4_no_a.py"]


def test_outputs_are_the_same_within_the_verdicts_tolerance_and_not_beyond():
    """The tolerance of a verdict (2.2e-12 relative, tolerance.py): two ways of computing one formula differ
    by a few ulps (1e-16 relative), two formulas by far more than 1e-9."""
    a = np.array([[0.3, -0.02258058], [np.nan, 1.0]])
    assert same_value(a, a * (1 + 1e-14)) and not same_value(a, a * (1 + 1e-9))
    assert not same_value(a, a[:1]) and not same_value(a, np.nan_to_num(a))
    error = ("error", "ValueError", "m")
    assert same_outputs((("value", a), error), (("value", a.copy()), error))
    assert not same_outputs((("value", a),), (("error", "ValueError", "m"),))
    assert not same_outputs((("error", "ValueError", "m"),), (("error", "TypeError", "m"),))


def test_each_functions_chart_counts_every_file(batch):
    s = summarize(batch)
    for t in s.tallies:
        assert sum(count for _, count, _ in function_bars(t, "en")) == s.files, t.name


def test_the_markdown_report(batch):
    text = summary_text(summarize(batch), "en", "full", "md")
    lines = text.splitlines()
    assert lines[0] == "# mlp-check: class report"
    assert lines[2] == "8 files; 1 with full marks (6 points); mean score 3.25; median 4"
    assert "| delta_L | 3 | 3 | 0 | 1 | 1 |" in lines and "| 4/6 | 5 |" in lines
    assert "- **sign_flipped** — 1 file: the update climbs the gradient instead of descending it (computes θ + η " \
           "∂J/∂θ) — 1_sign.py" in lines
    group = next(line for line in lines if line.startswith("- **2 files**"))
    assert group.startswith("- **2 files** 2_no_one_minus.py, 3_no_one_minus_loop.py — e.g. 2_no_one_minus.py: "
                            "case lab (N = 2, η = 0.1): δ⁽²⁾\\[0, 0\\] — autograd −0.02258058, yours ")
    assert "- **7_hang.py** stopped after 55 s in code cell 3: the file did not finish (an endless loop?)" in lines
    sections = {section.split("\n")[0]: section for section in text.split("\n## ")}
    assert "- **7_hang.py**" in sections["Time-outs and files that did not run as written"]
    assert "8_empty.py" not in sections["Time-outs and files that did not run as written"]
    assert "- **8_empty.py** nothing to check: none of sigmoid, delta_L" in \
        sections["Nothing to check: none of the assignment's functions"]
    hint = summary_text(summarize(batch), "en", "hint", "md")
    assert "e.g. 2_no_one_minus.py: case lab (N = 2, η = 0.1): δ⁽²⁾\\[0, 0\\] differs from autograd's" in hint
    assert not {s for s in autograd_strings(batch) if s in hint}


def test_the_html_report_stands_alone_with_a_chart_per_function(batch):
    page = summary_text(summarize(batch), "en", "full", "html")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert not re.search(r"(src|href)=[\"'](?!data:)", page)        # nothing fetched: it opens offline
    images = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)">', page)
    assert len(images) == 1 + 6                                      # the scores, and one per function
    assert all(base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n") for data, _ in images)
    assert html.unescape(images[2][1]) == "delta_L: passed 3, no name yet 3, not found 1, did not run 1"
    assert "<td>delta_L</td><td>3</td><td>3</td><td>0</td><td>1</td><td>1</td>" in page


def test_the_files_flagged_uses_have_a_section_of_their_own(tmp_path, batch):
    """A right file that imports torch keeps its full marks and is named, with its modules, in a section of its
    own; a batch with no such file has no such section."""
    heading = "Files that import a module that computes the answers"
    assert heading not in summary_text(summarize(batch), "en", "full", "md")
    flagged = check(write(tmp_path, "9_torch.py", "import torch\n" + SOURCES["right"]))
    assert flagged.full_marks and flagged.uses == ["torch"]
    text = summary_text(summarize(batch + [flagged]), "en", "full", "md")
    section = next(part for part in text.split("\n## ") if part.startswith(heading))
    assert "- **9_torch.py** uses torch" in section and "1_sign.py" not in section
    page = html.unescape(summary_text(summarize(batch + [flagged]), "pt", "full", "html"))
    assert "Arquivos que importam um módulo que calcula as respostas" in page and "usa torch" in page


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_the_report_speaks_one_language(tmp_path, lang):
    s = summarize(make_batch(tmp_path, lang) + [check(str(SUBMISSIONS / "lab_fix_sign.ipynb"), lang)])
    for kind in ("md", "html"):
        text = summary_text(s, lang, "full", kind)
        text = html.unescape(re.sub(r"<[^>]+>|data:image/png;base64,[^\"]+", " ", text))
        assert not foreign_lines(text, lang), foreign_lines(text, lang)


@pytest.mark.parametrize("argv,words", [
    (["--summary", "{tmp}/turma.txt"], "a class report is a .md or .html file"),
    (["--summary", "{tmp}/a.md", "--csv", "{tmp}/a.md"], "same file"),
    (["--summary", "{tmp}/no/a.md"], "does not exist"),
])
def test_a_bad_summary_path_is_one_line_and_exit_2(tmp_path, capsys, argv, words):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main([str(SUBMISSIONS / "half_dropped.py")] + argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err and "Traceback" not in err, err


def test_the_cli_writes_the_report_it_is_asked_for(tmp_path, in_process, capsys):
    files = [write(tmp_path, f"{i}_{n}.py", SOURCES[n]) for i, n in enumerate(["right", "no_one_minus", "no_a"])]
    md, page = tmp_path / "turma.md", tmp_path / "turma.html"
    assert main(files + ["--summary", str(md), "--lang", "pt"]) == 1
    assert md.read_text(encoding="utf-8").startswith("# mlp-check: relatório da turma\n\n3 arquivos; 1 com a nota")
    assert main(files + ["--summary", str(page), "--feedback", "hint"]) == 1
    assert page.read_text(encoding="utf-8").count("<img ") == 7 and "differs from autograd" in page.read_text()


def test_one_mistake_written_two_ways_is_one_group():
    """The shipped pair: δ⁽ᴸ⁾ = (a − y) ⊙ a, vectorized in a .py and with loops in a notebook."""
    names = ["one_minus_forgotten.py", "one_minus_forgotten_loops.ipynb"]
    results = [check(str(SUBMISSIONS / name)) for name in names]
    delta_L = summarize(results).tallies[1]
    assert (delta_L.name, [g.files for g in delta_L.groups], delta_L.diagnoses) == ("delta_L", [names], [])


@pytest.mark.parametrize("text, label", [
    ("devolve a própria relu(z), não a sua derivada: relu′(z) = [z > 0]", "devolve a própria relu(z), não a sua…"),
    ("o resíduo é tomado ao contrário (calcula (y − a) ⊙ f′)", "o resíduo é tomado ao contrário…"),
    ("curto", "curto"),
    ("a" * 60, "a" * 39 + "…"),                       # one long word: cut where the room ends
])
def test_a_portuguese_diagnosis_is_labelled_by_whole_words(text, label):
    from mlp_harness.check.summary import Diagnosis
    assert Diagnosis("x", text).label("pt") == label
    assert Diagnosis("x", text).label("en") == "x"
