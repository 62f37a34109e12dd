"""How long mlp-check takes over a course: N hand-ins checked as one batch with --jobs J.

    python scripts/check_course.py                    # 200 hand-ins, --jobs 2
    python scripts/check_course.py --files 40 --jobs 1

The hand-ins are copies of tests/submissions (right ones, wrong ones, notebooks; none that hangs), each in
a folder of its own as a course's collection puts them, in a temporary folder removed at the end. The time
is the whole command, from `python -m mlp_harness.cli.check_cli` to its exit: start-up, autograd's
reference, every worker and every verdict.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"


def hand_ins(folder: Path, count: int) -> list[str]:
    """``count`` copies of the example submissions (cycled), one folder each."""
    sources = sorted(p for p in SUBMISSIONS.iterdir() if p.suffix in (".py", ".ipynb"))
    paths = []
    for i in range(count):
        source = sources[i % len(sources)]
        target = folder / f"aluno{i + 1:03d}" / source.name
        target.parent.mkdir()
        shutil.copy(source, target)
        paths.append(str(target))
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200, help="how many hand-ins (default 200)")
    parser.add_argument("--jobs", type=int, default=2, help="mlp-check --jobs (default 2)")
    args = parser.parse_args()
    if args.files < 1 or args.jobs < 1:
        parser.error("--files and --jobs are at least 1")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    with tempfile.TemporaryDirectory(prefix="check-course-") as tmp:
        paths = hand_ins(Path(tmp), args.files)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "mlp_harness.cli.check_cli", "--jobs", str(args.jobs),
                               *paths], capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
    lines = done.stdout.splitlines()
    if done.returncode not in (0, 1) or len(lines) != args.files:
        print(f"mlp-check did not check every file (exit code {done.returncode}):\n{done.stderr[-2000:]}",
              file=sys.stderr)
        return 1
    full = sum(line.startswith("✓") for line in lines)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.files} hand-ins, --jobs {args.jobs}: {seconds:.1f} s ({seconds / args.files:.2f} s each, "
          f"{60 * args.files / seconds:.0f} a minute); {full} with full marks; load average {load:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
