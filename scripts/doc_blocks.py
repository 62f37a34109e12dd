"""Run the code blocks of README.md and docs/*.md, as tests/test_docs.py and scripts/regen_docs.py do.

The convention (docs/contributing.md says it for writers):

* a ```bash block: each command (a trailing backslash continues a line, ``#`` starts a
  comment) must exit 0;
* a ```python block: executed; the blocks of one page share their names;
* a ```text block whose first line starts with ``$ ``: a command and its output
  (stdout and stderr as a terminal shows them, 100 columns wide); the block must equal what
  the command prints now. ``scripts/regen_docs.py`` rewrites these blocks;
* other blocks (```json, ```text without ``$``) are not run.

Each page runs top to bottom in a fresh scratch folder, with the repository on PYTHONPATH
and ``COLUMNS=100``. The tools (``mlp-compare``, ``mlp-train``, ``mlp-bench``, ``mlp-check``,
``mlp-kit``), ``python scripts/….py`` and ``python -m …`` run in-process (fast: torch is imported
once); any other command runs in bash. Markers, HTML comments on the lines right above a fence:

* ``<!-- test: skip REASON -->``: not run (say why: needs a network, is the test suite itself…);
* ``<!-- test: needs MODULE -->``: skipped unless MODULE imports (``cuda``: unless a CUDA GPU is there);
* ``<!-- test: replace OLD => NEW -->``: in the test, OLD becomes NEW in every command of the block
  (a smaller size for a long run); several may be given;
* ``<!-- test: env NAME=VALUE -->``: an environment variable for the block's commands;
* ``<!-- test: exit N -->``: every command of a ```bash block must exit N;
* ``<!-- test: lines 1-12 -3 -1 -->``: a ```text block shows only these lines of the output
  (1-based, negative from the end); ``...`` stands where lines are left out;
* ``<!-- test: varies TEXT -->``: in a ```text block, the numbers of a line containing TEXT depend on the
  machine (see below); its words are still compared.

Output is compared for what the code decides, not for the last bits a CPU's BLAS kernel rounds
(docs/contributing.md has the table): every word, every printed value of the lab (its 8 digits), every
verdict, the layout and the exit code exactly; the scratch folder's path is written ``.``. Three kinds of
numbers are matched as what they mean, because their digits are the order in which a kernel sums:

* a difference between the twins (``max |Δ|`` in a table's last column, ``max |Δ| 1.1e-16`` on a ✓ line,
  ``largest |Δ| = …``, ``max |Δ| so far = …``): any number from 0 to ``TWIN_DIFF`` matches any other —
  "within its bound", which the verdict beside it, compared exactly, asserts;
* the ratio of a difference to its bound (``at most 0.0071 of its bound``): any number from 0 to 1;
* a value printed to full precision (15 or more significant digits, as in a mismatch line): equal to
  ``FULL_PRECISION`` relative.

A line containing the text of a ``varies`` marker has machine-dependent numbers (where two free-running
trajectories part): its words are compared, its numbers are not.
"""
from __future__ import annotations

import contextlib
import glob
import importlib
import io
import os
import re
import runpy
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
WIDTH = "100"
TOOLS = {"mlp-compare": "mlp_harness.cli.compare_cli", "mlp-train": "mlp_harness.cli.train_cli",
         "mlp-bench": "mlp_harness.cli.bench_cli", "mlp-check": "mlp_harness.cli.check_cli",
         "mlp-kit": "mlp_harness.cli.kit_cli"}
#: a number as the tools print it (a minus sign may be U+2212, as in mlp-check's matrices)
NUMBER = r"[-−]?\d+(?:\.\d+)?(?:e[-+]\d+)?"
#: where a difference between the twins is printed, in English and Portuguese: after these words, or as the
#: last column of a table (two spaces, then a number in exponent form, at the end of the line)
TWIN_DIFF_AT = re.compile(r"((?:max \|Δ\|(?: so far)?|máx \|Δ\|(?: até aqui)?)(?: =)? |(?:largest|maior) \|Δ\| = )"
                          rf"({NUMBER})|(?<=\S)(  +)(\d\.\de[-+]\d\d)$")
#: the largest twin difference matched as rounding: the pages' twins are float64 on nets of a few units,
#: whose differences are a few u = 1.1e-16 (at most 2.2e-16 on every page); 1e-10 leaves a millionfold
#: margin and stays far below any mistake a page shows (≥ 1e-4), whose |Δ| is then compared exactly
TWIN_DIFF = 1e-10
#: the ratio of the largest difference to its bound, which an OK verdict keeps in [0, 1]
RATIO_AT = re.compile(rf"((?:at most|no máximo) )({NUMBER})( (?:of its bound|do seu limite))")
#: a value printed in full (Python's repr, 15–17 significant digits): a few flops on the lab's numbers,
#: whose order a kernel may change by a few units in the last place (1e-16 relative each); 1e-12 relative
#: is four orders above that and four below the lab's 8 printed digits
FULL_PRECISION = 1e-12
FULL = re.compile(r"[-−]?\d\.?\d{14,}(?:e[-+]\d+)?|[-−]?0\.0*[1-9]\d{14,}")
FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!--\s*test:\s*(\w+)\s*(.*?)\s*-->\s*$")


@dataclass
class Block:
    page: Path
    line: int                      # 1-based line of the opening fence
    lang: str
    body: list[str]                # the lines between the fences
    markers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def marker(self, kind: str) -> list[str]:
        return [value for k, value in self.markers if k == kind]

    @property
    def is_output(self) -> bool:
        return self.lang == "text" and bool(self.body) and self.body[0].startswith("$ ")

    @property
    def runs(self) -> bool:
        return self.lang in ("bash", "python") or self.is_output


def blocks(page: Path) -> list[Block]:
    """Every fenced block of a page, with the test markers written right above it."""
    lines, found, i = page.read_text(encoding="utf-8").splitlines(), [], 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        markers, k = [], i - 1
        while k >= 0 and MARKER.match(lines[k]):
            markers.insert(0, MARKER.match(lines[k]).groups())
            k -= 1
        found.append(Block(page, i + 1, fence.group(1), lines[i + 1:end], markers))
        i = end + 1
    return found


def skip_reason(block: Block) -> str | None:
    """Why the block cannot run here, or None."""
    if block.marker("skip"):
        return block.marker("skip")[0] or "marked skip"
    for module in block.marker("needs"):
        if module == "cuda":
            import torch
            if not torch.cuda.is_available():
                return "needs a CUDA GPU"
        elif importlib.util.find_spec(module) is None:
            return f"needs {module} (an optional extra)"
    return None


SHELL = {"|", "||", "&&", ";", ">", ">>", "<", "&"}


def commands(text_lines: list[str]) -> list[str]:
    """Shell commands: backslash continuations joined, comments and blank lines dropped."""
    out = []
    for line in "\n".join(text_lines).replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words:
            out.append(line.split(" #")[0].strip() if SHELL & set(words) else shlex.join(words))
    return out


def tested(block: Block, command: str) -> str:
    for rule in block.marker("replace"):
        old, _, new = rule.partition(" => ")
        command = command.replace(old, new)
    return command


def in_process(words: list[str]):
    """A callable running ``words`` in this interpreter and returning its exit code, or None."""
    program, args = words[0], [match for word in words[1:] for match in expand(word)]
    if program in TOOLS:
        return lambda: importlib.import_module(TOOLS[program]).main(args)
    if program in ("python", "python3") and args and args[0] == "-m" and len(args) > 1:
        return lambda: _as_main(args[1:], lambda: runpy.run_module(args[1], run_name="__main__", alter_sys=True))
    if program in ("python", "python3") and args and args[0].endswith(".py"):
        return lambda: _as_main(args, lambda: runpy.run_path(str(ROOT / args[0]), run_name="__main__"))
    return None


def expand(word: str) -> list[str]:
    """A word as bash expands it: a pattern with * ? [ becomes the sorted names it matches (itself if none)."""
    matches = sorted(glob.glob(word)) if any(c in word for c in "*?[") else []
    return matches or [word]


def _as_main(argv: list[str], run) -> int:
    saved = sys.argv
    sys.argv = list(argv)
    try:
        run()
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    finally:
        sys.argv = saved


def run_command(command: str, folder: Path, env: dict[str, str]) -> tuple[int, str]:
    """(exit code, stdout and stderr together) of one command run in ``folder``."""
    words = shlex.split(command, comments=True)
    call = None if SHELL & set(words) else in_process(words)
    if call is None:
        done = subprocess.run(["bash", "-c", command], cwd=folder, env={**os.environ, **env}, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return done.returncode, done.stdout
    out = io.StringIO()
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = call()
    finally:
        for name, value in saved.items():
            os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)
    return (code if isinstance(code, int) else 0), out.getvalue()


def block_env(block: Block) -> dict[str, str]:
    env = {"COLUMNS": WIDTH, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.update(dict(rule.split("=", 1) for rule in block.marker("env")))
    return env


def excerpt(output: list[str], spec: str) -> list[str]:
    """The lines ``spec`` keeps (``1-12 -3 -1``), with ``...`` where lines are left out."""
    n, keep = len(output), []
    for part in spec.split():
        first, _, last = part.partition("-") if not part.startswith("-") else (part, "", "")
        first, last = int(first), int(last) if last else int(first)
        keep += range(first % n if first < 0 else first - 1, (last % n if last < 0 else last - 1) + 1)
    out, previous = [], -1
    for i in sorted(set(keep)):
        if i != previous + 1:
            out.append("...")
        out.append(output[i])
        previous = i
    return out + (["..."] if previous != n - 1 else [])


def expected_output(block: Block, folder: Path) -> list[str]:
    """What the ```text block should hold now: each ``$`` command followed by (the kept lines of) its output."""
    lines = []
    for command in [line[2:] for line in block.body if line.startswith("$ ")]:  # never "replace"d: see test_docs
        code, text = run_command(command, folder, block_env(block))
        output = text.replace(str(folder) + os.sep, "").replace(str(folder), ".").rstrip("\n").splitlines()
        spec = block.marker("lines")
        lines += ([""] if lines else []) + [f"$ {command}"] + (excerpt(output, spec[0]) if spec else output)
    return lines


def run_block(block: Block, folder: Path, namespace: dict) -> str | None:
    """Run a ```bash or ```python block; a message saying what failed, or None."""
    if block.lang == "python":
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile("\n".join(block.body), block.name, "exec"), namespace)
        return None
    want = int(block.marker("exit")[0]) if block.marker("exit") else 0
    for command in commands(block.body):
        code, text = run_command(tested(block, command), folder, block_env(block))
        if code != want:
            return f"{block.name}: `{tested(block, command)}` exited {code}, not {want}:\n{text[-2000:]}"
    return None


#: folders of the repository a page may name as from the repository's root (linked into the scratch folder)
SHIPPED = ("tests/submissions", "notebooks")


@contextlib.contextmanager
def scratch_folder(folder: Path):
    """Run in ``folder`` (tools resolve relative paths against the working directory), where the SHIPPED
    folders are links to the repository's: ``mlp-check tests/submissions/x.py`` reads the shipped file,
    and anything a command writes stays in the scratch folder."""
    for shipped in SHIPPED:
        link = folder / shipped
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(ROOT / shipped, target_is_directory=True)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(cwd)


def _value(text: str) -> float:
    return float(text.replace("−", "-"))


def _numbers(line: str, varies: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """A line as (its words with each machine-dependent number replaced by a mark, those numbers by kind)."""
    found: list[tuple[str, str]] = []

    def keep(kind: str, text: str) -> str:
        found.append((kind, text))
        return "\0"
    if any(text in line for text in varies):
        return re.sub(NUMBER, lambda m: keep("varies", m.group()), line), found
    line = TWIN_DIFF_AT.sub(lambda m: (m.group(1) or m.group(3)) + keep("twin", m.group(2) or m.group(4)), line)
    line = RATIO_AT.sub(lambda m: m.group(1) + keep("ratio", m.group(2)) + m.group(3), line)
    line = FULL.sub(lambda m: keep("full", m.group()), line)
    return line, found


def same_number(kind: str, shown: str, now: str) -> bool:
    """Two machine-dependent numbers of one ``kind`` mean the same (module docstring)."""
    if shown == now or kind == "varies":
        return True
    a, b = _value(shown), _value(now)
    if kind == "twin":
        return 0 <= a <= TWIN_DIFF and 0 <= b <= TWIN_DIFF
    if kind == "ratio":
        return 0 <= a <= 1 and 0 <= b <= 1
    return abs(a - b) <= FULL_PRECISION * max(abs(a), abs(b))


def same_output(shown: list[str], now: list[str], varies: list[str] = ()) -> bool:
    """The page's sample output means what the command prints now (the module docstring says how numbers
    are compared); ``varies``: the texts of the block's ``varies`` markers."""
    if len(shown) != len(now):
        return False
    for line_shown, line_now in zip(shown, now):
        (words_shown, numbers_shown), (words_now, numbers_now) = _numbers(line_shown, varies), _numbers(line_now, varies)
        if words_shown != words_now or [k for k, _ in numbers_shown] != [k for k, _ in numbers_now]:
            return False
        if not all(same_number(k, a, b) for (k, a), (_, b) in zip(numbers_shown, numbers_now)):
            return False
    return True


@dataclass
class Outcome:
    block: Block
    skipped: str | None = None     # why it did not run
    failure: str | None = None     # what went wrong (a command's exit code, an exception)
    expected: list[str] | None = None   # an output block: what it should hold now


def run_page(page: Path, folder: Path) -> list[Outcome]:
    """Run every block of ``page`` in order in ``folder``; output blocks are computed, not compared."""
    namespace: dict = {"__name__": "__doc__"}
    outcomes = []
    with scratch_folder(folder):
        for block in filter(lambda b: b.runs, blocks(page)):
            reason = skip_reason(block)
            if reason:
                outcomes.append(Outcome(block, skipped=reason))
            elif block.is_output:
                outcomes.append(Outcome(block, expected=expected_output(block, folder)))
            else:
                outcomes.append(Outcome(block, failure=run_block(block, folder, namespace)))
    return outcomes
