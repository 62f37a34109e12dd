"""Every command and snippet of README.md and docs/*.md runs, and every sample output is what the command prints.

The blocks are run by scripts/doc_blocks.py (its docstring and docs/contributing.md give the convention):
a page's ```bash and ```python blocks in order in a scratch folder, and each ```text block that starts
with "$ " is compared with the command's output, exactly but for the scratch folder's path and rounding-level
numbers (≤ 1e-13, which depend on the machine's BLAS; see scripts/doc_blocks.py).
A sample output that has drifted fails here; `python scripts/regen_docs.py` rewrites them all.
"""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("doc_blocks", ROOT / "scripts" / "doc_blocks.py")
doc_blocks = importlib.util.module_from_spec(spec)
sys.modules["doc_blocks"] = doc_blocks
spec.loader.exec_module(doc_blocks)


@pytest.mark.parametrize("page", doc_blocks.PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_runs_and_every_sample_output_is_current(page, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", doc_blocks.WIDTH)
    problems = []
    for outcome in doc_blocks.run_page(page, tmp_path):
        if outcome.failure:
            problems.append(outcome.failure)
        elif outcome.expected is not None and not doc_blocks.same_output(outcome.block.body, outcome.expected):
            problems.append(f"{outcome.block.name}: the sample output has drifted (python scripts/regen_docs.py "
                            "rewrites it); now:\n" + "\n".join(outcome.expected))
    assert not problems, "\n\n".join(problems)


def test_the_markers_are_the_documented_ones():
    """A misspelt marker would silently do nothing: every marker in the pages is one the runner knows."""
    known = {"skip", "needs", "replace", "env", "exit", "lines"}
    used = {(block.name, kind) for page in doc_blocks.PAGES for block in doc_blocks.blocks(page)
            for kind, _ in block.markers}
    assert {kind for _, kind in used} <= known, sorted(used)
    # a sample output shows the command as written: shrinking it in the test would make the page lie
    shrunk = [block.name for page in doc_blocks.PAGES for block in doc_blocks.blocks(page)
              if block.is_output and block.marker("replace")]
    assert not shrunk


def test_readme_fits_on_a_screen():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200


@pytest.mark.parametrize("shown,now,same", [
    (["max |Δ| = 8.7e-19"], ["max |Δ| = 1.1e-19"], True),      # rounding: machine-dependent
    (["max |Δ| = 2.2e-16"], ["max |Δ| = 4.4e-15"], True),
    (["rtol=2.2e-12"], ["rtol=2.2e-11"], False),               # a tolerance is not rounding
    (["J = 0.02359348"], ["J = 0.02359349"], False),
    (["a", "b"], ["a"], False),
])
def test_only_rounding_level_numbers_are_normalised(shown, now, same):
    assert doc_blocks.same_output(shown, now) == same
