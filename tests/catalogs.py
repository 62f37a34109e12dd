"""The project's gettext catalogs as the tests read them: each language's .po files, parsed."""
from __future__ import annotations

from pathlib import Path

from manual_mlp.messages import Entry, parse_po
from mlp_harness.i18n import LANGS

ROOT = Path(__file__).resolve().parents[1]
#: (domain, its locale folder)
DOMAINS = [("manual_mlp", ROOT / "manual_mlp" / "locale"), ("mlp_harness", ROOT / "mlp_harness" / "locale")]
#: the languages with catalogs (English is the msgids)
TRANSLATED = [lang for lang in LANGS if lang != "en"]


def entries(lang: str) -> list[tuple[str, Entry]]:
    """(the .po's path, an entry) for every message of every domain in ``lang``, the headers left out."""
    found = []
    for domain, locale in DOMAINS:
        path = locale / lang / "LC_MESSAGES" / f"{domain}.po"
        found += [(path.relative_to(ROOT).as_posix(), e)
                  for e in parse_po(path.read_text(encoding="utf-8")) if e.msgid]
    return found


def translations(lang: str) -> list[tuple[str, str]]:
    """(msgid, a translation of it) for every form of every message in ``lang``."""
    return [(e.msgid, text) for _, e in entries(lang) for text in e.strings.values()]
