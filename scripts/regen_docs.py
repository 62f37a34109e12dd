"""Rewrite the sample outputs of README.md and docs/*.md from what the commands print now.

    python scripts/regen_docs.py            # rewrite every page's ```text blocks that start with "$ "
    python scripts/regen_docs.py --check    # only say which blocks differ (exit 1 if any)

The blocks are run as tests/test_docs.py runs them (scripts/doc_blocks.py: each page in a fresh
scratch folder, 100 columns); a block skipped there (a marker, a missing extra) is left as it is.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import doc_blocks  # noqa: E402


def regenerate(page: Path, check: bool) -> list[str]:
    """The names of the page's output blocks that differ; rewritten unless ``check``."""
    with tempfile.TemporaryDirectory() as folder:
        outcomes = doc_blocks.run_page(page, Path(folder))
    lines = page.read_text(encoding="utf-8").splitlines()
    changed = []
    for outcome in reversed([o for o in outcomes if o.expected is not None]):
        block = outcome.block
        if not doc_blocks.same_output(block.body, outcome.expected, block.marker("varies")):
            changed.append(block.name)
            lines[block.line:block.line + len(block.body)] = outcome.expected
    failed = [o.failure for o in outcomes if o.failure]
    for failure in failed:
        print(f"failed: {failure}", file=sys.stderr)
    if changed and not check:
        page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a sample output has drifted")
    p.add_argument("pages", nargs="*", type=Path, help="pages (default: README.md and docs/*.md)")
    args = p.parse_args(argv)
    drifted = [name for page in args.pages or doc_blocks.PAGES for name in regenerate(page.resolve(), args.check)]
    for name in drifted:
        print(f"{'differs' if args.check else 'rewritten'}: {name}")
    return 1 if drifted and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
