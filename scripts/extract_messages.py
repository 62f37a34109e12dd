"""Extract every translatable message from the code into the catalogs' templates, and bring the catalogs in step.

    python scripts/extract_messages.py            # rewrite manual_mlp/locale/manual_mlp.pot and
                                                  # mlp_harness/locale/mlp_harness.pot, and update every .po
    python scripts/extract_messages.py --check    # say what is out of step, change nothing (exit code 1 if so)

A message is marked where it is written: ``_("…")`` and ``N_("…")``; ``tr(lang, "…")``, ``tr_n(lang, "…", "…", n)``,
with ``ctx="…"`` where one English text needs two translations. The messages of manual_mlp and torch_reference
(which never import mlp_harness) are the ``manual_mlp`` domain; the tools' (mlp_harness, scripts/) are
``mlp_harness``. Updating a ``.po`` keeps its translations, adds the new messages untranslated and drops the
ones the code no longer has; the suite then says which are left to translate (tests/test_catalogs.py).
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from manual_mlp.messages import Entry, parse_po  # noqa: E402

#: domain -> (the folders whose code it holds, its locale folder)
DOMAINS = {
    "manual_mlp": (["manual_mlp", "torch_reference"], ROOT / "manual_mlp" / "locale"),
    "mlp_harness": (["mlp_harness", "scripts"], ROOT / "mlp_harness" / "locale"),
}
HEADER = ('msgid ""\nmsgstr ""\n"Project-Id-Version: manual-mlp\\n"\n"MIME-Version: 1.0\\n"\n'
          '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n')


def text_of(node) -> list[str | None]:
    """The literal strings an argument can be: a constant, or either branch of ``a if c else b`` (None: none)."""
    if isinstance(node, ast.Constant) and (isinstance(node.value, str) or node.value is None):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return text_of(node.body) + text_of(node.orelse)
    return []


def messages_of(path: Path) -> list[tuple[str | None, str, str | None]]:
    """(context, msgid, plural msgid) for each message marked in one file, in the order written."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            found += messages_in(node)
    return sorted(set(found), key=found.index)


def messages_in(node: ast.Call) -> list[tuple[str | None, str, str | None]]:
    """(context, msgid, plural msgid) of the message one call marks, if it marks one."""
    found = []
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
    contexts = [None]
    for kw in node.keywords:
        if kw.arg == "ctx":
            contexts = text_of(kw.value)
    if name == "_" and node.args:
        found += [(None, m, None) for m in text_of(node.args[0]) if m]
    elif name == "N_" and node.args:
        plural = text_of(node.args[1])[:1] if len(node.args) > 1 else [None]
        found += [(c, m, plural[0]) for m in text_of(node.args[0]) if m for c in contexts]
    elif name == "tr" and len(node.args) >= 2:
        found += [(c, m, None) for m in text_of(node.args[1]) if m for c in contexts]
    elif name == "tr_n" and len(node.args) >= 4:
        singular, plural = text_of(node.args[1]), text_of(node.args[2])
        found += [(c, s, p) for s, p in zip(singular, plural) if s for c in contexts]
    return found


def notes_of(path: Path) -> dict[tuple, str]:
    """The note for translators of each message marked in one file that has one: the comment block right above
    the line where the message is marked, from its ``# Translators:`` on (as xgettext --add-comments does)."""
    lines, notes = path.read_text(encoding="utf-8").splitlines(), {}
    for node in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(node, ast.Call):
            continue
        above = node.lineno - 2
        block = []
        while above >= 0 and lines[above].strip().startswith("#"):
            block.insert(0, lines[above].strip().lstrip("#").strip())
            above -= 1
        start = next((i for i, line in enumerate(block) if line.startswith("Translators:")), None)
        if start is not None:
            for key in messages_in(node):
                notes.setdefault(key, " ".join(block[start:]))
    return notes


def extract(domain: str) -> list[tuple[tuple, str, str | None]]:
    """((context, msgid, plural), the first file that has it, its note for translators) for every message of
    ``domain``."""
    folders, _locale = DOMAINS[domain]
    seen: dict[tuple, str] = {}
    notes: dict[tuple, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for key in messages_of(path):
                seen.setdefault(key, path.relative_to(ROOT).as_posix())
            for key, note in notes_of(path).items():
                notes.setdefault(key, note)
    return [(key, where, notes.get(key)) for key, where in seen.items()]


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def entry_text(key: tuple, where: str | None, strings: dict[int, str] | None, flags: set[str] = frozenset(),
               note: str | None = None) -> str:
    context, msgid, plural = key
    lines = [f"#. {note}"] if note else []
    lines += [f"#: {where}"] if where else []
    shown = set(flags) | ({"python-brace-format"} if "{" in msgid else set())
    lines += [f"#, {', '.join(sorted(shown))}"] if shown else []
    lines += [f"msgctxt {quote(context)}"] if context is not None else []
    lines.append(f"msgid {quote(msgid)}")
    if plural is None:
        lines.append(f"msgstr {quote((strings or {}).get(0, ''))}")
    else:
        lines.append(f"msgid_plural {quote(plural)}")
        count = max(2, len(strings or {}))
        lines += [f"msgstr[{i}] {quote((strings or {}).get(i, ''))}" for i in range(count)]
    return "\n".join(lines) + "\n"


def template(domain: str, found: list | None = None) -> str:
    """The ``.pot`` of ``domain``; ``found``: its messages, as :func:`extract` gives them (extracted if None)."""
    found = extract(domain) if found is None else found
    return "\n".join([HEADER] + [entry_text(key, where, None, note=note) for key, where, note in found])


def updated(po_text: str, domain: str, found: list | None = None) -> str:
    """A ``.po`` in step with the code: its header and translations kept, new messages empty, old ones gone
    (``found`` as for :func:`template`)."""
    entries = parse_po(po_text)
    header = next((e for e in entries if not e.msgid and e.context is None), None)
    known: dict[tuple, Entry] = {(e.context, e.msgid, e.plural): e for e in entries if e.msgid}
    head = 'msgid ""\nmsgstr ""\n' + "".join(f"{quote(line + chr(10))}\n" for line in
                                             (header.strings[0].splitlines() if header else []))
    body = []
    for key, where, note in extract(domain) if found is None else found:
        old = known.get(key)
        body.append(entry_text(key, where, old.strings if old else None, old.flags - {"python-brace-format"}
                               if old else set(), note))
    return "\n".join([head] + body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is out of step")
    args = parser.parse_args(argv)
    stale = []
    for domain, (_folders, locale) in DOMAINS.items():
        found = extract(domain)   # once: the template and every catalog are made from it
        wanted = {locale / f"{domain}.pot": template(domain, found)}
        for po in sorted(locale.glob(f"*/LC_MESSAGES/{domain}.po")):
            wanted[po] = updated(po.read_text(encoding="utf-8"), domain, found)
        for path, text in wanted.items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.relative_to(ROOT).as_posix())
                if not args.check:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'out of step' if args.check else 'written'}: {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
