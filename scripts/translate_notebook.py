"""Write a translated exercise notebook from the Portuguese one and a per-cell translation table.

    python scripts/translate_notebook.py notebooks/translations/lab1-ejercicio.json          # write it
    python scripts/translate_notebook.py notebooks/translations/lab1-ejercicio.json --check  # in step? (exit 1)

The Portuguese notebook is the one source: a table (JSON) names it, the notebook it makes and the language, and
holds, for each of its cells in order, the SHA-256 of the Portuguese cell's text and that cell in the language.
A code cell without prose may be left out (``null``): it is copied with its ``lang="pt"`` made the table's. The
script refuses, naming the cell, when the Portuguese notebook has a cell more or less than the table, or a cell
whose text changed since it was translated (its hash), or when a translated code cell differs from the
Portuguese one in more than its comments and strings (the code students run is the same in every language).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class OutOfStep(Exception):
    """The table no longer fits the Portuguese notebook."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_only(source: str) -> list[str]:
    """The tokens of a code cell without its comments and strings: what a translation must leave alone."""
    kept = []
    lines = [line for line in source.splitlines(keepends=True) if not line.lstrip().startswith(("%", "!"))]
    for token in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
        if token.type not in (tokenize.COMMENT, tokenize.STRING, tokenize.NL, tokenize.NEWLINE):
            kept.append(token.string)
    return kept


def translated_cell(cell: dict, entry: dict, lang: str, number: int) -> dict:
    """One cell of the translated notebook, checked against its Portuguese cell."""
    source = "".join(cell["source"])
    if entry.get("pt_sha256") != digest(source):
        raise OutOfStep(f"cell {number} ({cell['cell_type']}) changed since it was translated; translate it again:"
                        f"\n{source}")
    text = entry.get("text")
    if text is None:
        if cell["cell_type"] != "code":
            raise OutOfStep(f"cell {number} is {cell['cell_type']}: it needs its translation")
        text = source.replace('lang="pt"', f'lang="{lang}"')
    if cell["cell_type"] == "code" and code_only(text) != code_only(source):
        raise OutOfStep(f"cell {number}: the translation changes the code, not only its comments and strings")
    out = copy.deepcopy(cell)
    out["source"] = text.splitlines(keepends=True)
    return out


def build(table_path: Path) -> tuple[Path, str]:
    """(where the translated notebook goes, its text) from a translation table."""
    table = json.loads(table_path.read_text(encoding="utf-8"))
    source = json.loads((table_path.parent / table["source"]).read_text(encoding="utf-8"))
    cells, entries = source["cells"], table["cells"]
    if len(cells) != len(entries):
        raise OutOfStep(f"{table['source']} has {len(cells)} cells, the table {len(entries)}: a cell was added or "
                        f"removed; add or remove its translation")
    notebook = copy.deepcopy(source)
    notebook["cells"] = [translated_cell(c, e, table["lang"], i) for i, (c, e) in enumerate(zip(cells, entries))]
    return (table_path.parent / table["target"]).resolve(), json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"


def shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", type=Path, help="the translation table (notebooks/translations/*.json)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the notebook is stale")
    args = parser.parse_args(argv)
    try:
        target, text = build(args.table)
    except OutOfStep as exc:
        print(f"translate_notebook: {args.table}: {exc}", file=sys.stderr)
        return 2
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return 0
    if args.check:
        print(f"out of step: {shown(target)}")
        return 1
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(target)
    print(f"written: {shown(target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
