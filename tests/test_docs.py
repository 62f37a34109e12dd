"""Every command and snippet of README.md and docs/*.md runs, and every sample output is what the command prints.

The blocks are run by scripts/doc_blocks.py (its docstring and docs/contributing.md give the convention):
a page's ```bash and ```python blocks in order in a scratch folder, and each ```text block that starts
with "$ " is compared with the command's output, exactly but for the scratch folder's path and rounding-level
numbers (≤ 1e-13, which depend on the machine's BLAS; see scripts/doc_blocks.py).
A sample output that has drifted fails here; `python scripts/regen_docs.py` rewrites them all. A command
that several pages show, run where no page has written anything yet, runs once per session (run_once).
"""
import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("doc_blocks", ROOT / "scripts" / "doc_blocks.py")
doc_blocks = importlib.util.module_from_spec(spec)
sys.modules["doc_blocks"] = doc_blocks
spec.loader.exec_module(doc_blocks)


#: the exit code and output of each command run in a scratch folder holding only the shipped links, that left
#: it so, by (command, its variables): what it printed depends on nothing a page did, so a command several
#: pages show (mlp-compare, mlp-check on a shipped notebook) runs once per session; its output is still
#: compared with every page's sample. The scratch folder's path is kept as FOLDER, put back on each use.
OUTPUTS: dict[tuple, tuple[int, str]] = {}
FOLDER = "\0scratch\0"


def contents(folder: Path) -> set[tuple]:
    """What is in ``folder``, links not followed: each entry's path, kind, size and time of change."""
    found = set()
    for where, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(where, name)
            info = os.lstat(path)
            found.add((os.path.relpath(path, folder), info.st_mode, info.st_size, info.st_mtime_ns))
    return found


def run_once(command: str, folder: Path, env: dict[str, str], run=doc_blocks.run_command) -> tuple[int, str]:
    """doc_blocks.run_command, its result reused where OUTPUTS says it may be."""
    key = (command, tuple(sorted(env.items())))
    before = contents(folder)
    if key in OUTPUTS and {entry[0] for entry in before} == set(SHIPPED_LINKS):
        code, text = OUTPUTS[key]
        return code, text.replace(FOLDER, str(folder))
    code, text = run(command, folder, env)
    if {entry[0] for entry in before} == set(SHIPPED_LINKS) and contents(folder) == before:
        OUTPUTS[key] = code, text.replace(str(folder), FOLDER)
    return code, text


#: what a scratch folder holds before a page writes anything (doc_blocks.scratch_folder)
SHIPPED_LINKS = sorted({os.path.join(*Path(s).parts[:i]) for s in doc_blocks.SHIPPED
                        for i in range(1, len(Path(s).parts) + 1)})


@pytest.mark.parametrize("page", doc_blocks.PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_runs_and_every_sample_output_is_current(page, tmp_path, monkeypatch, wheel_built_once):
    monkeypatch.setenv("COLUMNS", doc_blocks.WIDTH)
    monkeypatch.setattr(doc_blocks, "run_command", run_once)
    problems = []
    for outcome in doc_blocks.run_page(page, tmp_path):
        if outcome.failure:
            problems.append(outcome.failure)
        elif outcome.expected is not None and not doc_blocks.same_output(outcome.block.body, outcome.expected,
                                                                               outcome.block.marker("varies")):
            problems.append(f"{outcome.block.name}: the sample output has drifted (python scripts/regen_docs.py "
                            "rewrites it); now:\n" + "\n".join(outcome.expected))
    assert not problems, "\n\n".join(problems)


def test_the_markers_are_the_documented_ones():
    """A misspelt marker would silently do nothing: every marker in the pages is one the runner knows."""
    known = {"skip", "needs", "replace", "env", "exit", "lines", "varies"}
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
    (["max |Δ| = 8.7e-19"], ["max |Δ| = 1.1e-19"], True),      # a twin difference: the kernel's order of summation
    (["max |Δ| = 2.2e-16"], ["max |Δ| = 4.4e-15"], True),
    (["máx |Δ| até aqui = 0.0e+00"], ["máx |Δ| até aqui = 2.2e-16"], True),
    (["✓ gradient  BP4  max |Δ| 0.0e+00"], ["✓ gradient  BP4  max |Δ| 1.1e-19"], True),
    (["J    0.02359348    0.0e+00"], ["J    0.02359348    5.6e-17"], True),   # a table's last column
    (["largest |Δ| = 2.2e-19, at most 0.0071 of its bound"], ["largest |Δ| = 8.7e-19, at most 0.011 of its bound"], True),
    (["NumPy -0.0038804502813977334"], ["NumPy -0.0038804502813977343"], True),   # the last digits of a repr
    (["rtol=2.2e-12"], ["rtol=2.2e-11"], False),               # a tolerance is not rounding
    (["u = 1.1e-16 (float64)"], ["u = 2.2e-16 (float64)"], False),   # nor is the unit roundoff
    (["J = 0.02359348"], ["J = 0.02359349"], False),           # a value of the lab
    (["max |Δ| = 2.2e-16"], ["max |Δ| = 1.0e-03"], False),     # a difference no rounding makes
    (["at most 0.0071 of its bound"], ["at most 1.2 of its bound"], False),   # beyond its bound
    (["NumPy -0.0038804502813977334"], ["NumPy -0.0038804503813977334"], False),
    (["OK (formula = autograd)"], ["FAIL (formula = autograd)"], False),
    (["a", "b"], ["a"], False),
])
def test_only_machine_dependent_numbers_are_matched_by_meaning(shown, now, same):
    assert doc_blocks.same_output(shown, now) == same


def test_a_varies_line_compares_its_words_not_its_numbers():
    shown = ["Twins differed: mismatch at step 64: z⁽²⁾[6, 0] differs (stopped after epoch 64 of 100)"]
    elsewhere = ["Twins differed: mismatch at step 63: z⁽²⁾[93, 0] differs (stopped after epoch 63 of 100)"]
    assert doc_blocks.same_output(shown, elsewhere, ["mismatch at step"])
    assert not doc_blocks.same_output(shown, elsewhere)
    assert not doc_blocks.same_output(shown, ["Twins stayed equal: mismatch at step 63"], ["mismatch at step"])


def readme_sample() -> list[str]:
    """The README's first sample output (mlp-compare: the lab's step), as the page shows it."""
    return next(b for b in doc_blocks.blocks(ROOT / "README.md") if b.is_output).body


def test_a_kernel_level_difference_in_the_readme_sample_is_not_drift():
    """Other |Δ| digits below their bound and another ratio below 1 — what another CPU prints — still match."""
    shown = readme_sample()
    other_diff = lambda m: (m.group(1) or m.group(3)) + ("3.3e-17" if (m.group(2) or m.group(4)) != "3.3e-17" else "0.0e+00")  # noqa: E731
    elsewhere = [doc_blocks.RATIO_AT.sub(r"\g<1>0.97\3", doc_blocks.TWIN_DIFF_AT.sub(other_diff, line)) for line in shown]
    changed = sum(a != b for a, b in zip(shown, elsewhere))
    assert changed >= 11     # the ten rows of the table and the verdict line
    assert doc_blocks.same_output(shown, elsewhere)


@pytest.mark.parametrize("old,new", [
    ("0.02359348", "0.02359349"),              # one digit of J
    ("[[-0.03874806", "[[-0.03874807"),        # one digit of ∂J/∂θ⁽²⁾
    ("OK (formula = autograd)", "FAIL (formula = autograd)"),   # the verdict
    ("δ⁽²⁾θ⁽²⁾ ⊙ σ′(z⁽¹⁾)", "δ⁽²⁾θ⁽²⁾ ⊙ σ′(a⁽¹⁾)"),           # a formula
    ("u = 1.1e-16", "u = 6.0e-08"),            # the rule's constant
    ("at most 0.0071", "at most 1.5"),         # a ratio no passing run prints
])
def test_a_real_drift_in_the_readme_sample_is_caught(old, new):
    shown = readme_sample()
    text = "\n".join(shown)
    assert old in text, f"the README sample no longer shows {old!r}"
    assert not doc_blocks.same_output(shown, text.replace(old, new, 1).split("\n"))


def test_a_command_is_reused_only_from_a_folder_nothing_was_written_in(tmp_path, monkeypatch):
    """run_once: the same command in a fresh scratch folder is run once; run again where a page wrote a file
    before it, and never reused when it wrote one itself."""
    monkeypatch.setitem(globals(), "OUTPUTS", {})
    calls = []

    def fake(command, folder, env):
        calls.append((command, folder))
        if "write" in command:
            (folder / "out.csv").write_text("x")
        return 0, f"{command} in {folder}"
    folders = []
    for i in range(4):
        folders.append(tmp_path / str(i))
        folders[-1].mkdir()
        with doc_blocks.scratch_folder(folders[-1]):
            assert run_once("reads", folders[-1], {"A": "1"}, run=fake) == (0, f"reads in {folders[-1]}")
    assert calls == [("reads", folders[0])]   # the others reused it, their own folder's path put back
    assert run_once("reads", folders[1], {"A": "2"}, run=fake)[0] == 0   # other variables: run
    (folders[1] / "page.txt").write_text("written by the page")
    run_once("reads", folders[1], {"A": "1"}, run=fake)   # the page wrote a file before it: run
    run_once("write", folders[2], {}, run=fake)
    run_once("write", folders[3], {}, run=fake)   # it wrote a file itself: never reused
    assert calls[1:] == [("reads", folders[1]), ("reads", folders[1]), ("write", folders[2]), ("write", folders[3])]
