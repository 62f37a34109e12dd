"""The language manual_mlp's messages are raised in, and the gettext catalogs every package of the project reads.

Messages are marked where they are written: ``_("X has {n} rows but Y has {m}").format(n=…, m=…)`` (the
English text is the msgid; ``str.format`` after translation, so a translation may reorder the fields).
Catalogs are ``<package>/locale/<lang>/LC_MESSAGES/<domain>.po``, one domain per package that raises or prints
(``manual_mlp`` here, ``mlp_harness`` for the tools), each with its ``.pot`` template beside the folders.

The language is one setting for the whole process (:func:`set_language`), set by each tool from ``--lang`` or
the environment before work starts, and by ``check_lab(…, lang=)`` for the duration of its call
(:func:`language`): an error is raised in the language of the user who will read it. English is the msgids
themselves (no catalog).

A ``.po`` is compiled to a ``.mo`` when the package is built (:func:`compile_po`, called by setup.py); where
a ``.mo`` is missing or older than its ``.po`` (a source checkout, an editable install), the ``.po`` is
compiled in memory when first needed, so a fresh clone speaks every language. The standard library's
gettext reads the result (Plural-Forms included); nothing here needs Babel.
"""
from __future__ import annotations

import ast
import contextlib
import gettext
import io
import struct
from pathlib import Path
from typing import Iterator

#: this package's catalogs
LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "manual_mlp"

_current = "en"


def current_language() -> str:
    """The language messages are raised in now ("en" unless a tool or check_lab set another)."""
    return _current


def set_language(lang: str) -> str:
    """Raise messages in ``lang`` from now on; the language before, to restore."""
    global _current
    previous, _current = _current, lang
    return previous


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[None]:
    """Messages in ``lang`` for the duration of a ``with`` (``None``: leave the language as it is)."""
    previous = set_language(lang) if lang is not None else None
    try:
        yield
    finally:
        if lang is not None:
            set_language(previous)


def _(msgid: str) -> str:
    """``msgid`` in the current language (manual_mlp's catalog)."""
    return translation(DOMAIN, LOCALE, _current).gettext(msgid)


def N_(msgid: str, plural: str | None = None, ctx: str | None = None) -> str:
    """Mark ``msgid`` (with its ``plural``, in the context ``ctx``) for the catalog without translating it now:
    a table built at import, translated where it is read."""
    return msgid


# --- catalogs ------------------------------------------------------------------------------------------------

class Entry:
    """One message of a ``.po``: its context, msgid, plural msgid, translations (one per plural form), flags."""

    def __init__(self):
        self.context: str | None = None
        self.msgid = ""
        self.plural: str | None = None
        self.strings: dict[int, str] = {}
        self.flags: set[str] = set()

    @property
    def translated(self) -> bool:
        return bool(self.strings) and all(self.strings.values()) and "fuzzy" not in self.flags


def parse_po(text: str) -> list[Entry]:
    """The entries of a ``.po`` file, the header (msgid "") included; obsolete ``#~`` entries left out."""
    entries, entry, field = [], Entry(), ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("#,")) or line.startswith("#~"):
            continue
        starts_entry = line.startswith(("#,", "msgctxt ", "msgid "))
        if starts_entry and entry.strings:   # the previous entry's msgstr is over
            entries.append(entry)
            entry, field = Entry(), ""
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if not line.startswith('"'):
            field, _sep, line = line.partition(" ")
            if field.startswith("msgstr"):
                entry.strings[int(field[7:-1]) if "[" in field else 0] = ""
        value = ast.literal_eval(line)
        if field == "msgctxt":
            entry.context = (entry.context or "") + value
        elif field == "msgid":
            entry.msgid += value
        elif field == "msgid_plural":
            entry.plural = (entry.plural or "") + value
        elif field.startswith("msgstr"):
            entry.strings[int(field[7:-1]) if "[" in field else 0] += value
    if entry.strings:
        entries.append(entry)
    return entries


def compile_po(text: str) -> bytes:
    """The ``.mo`` (GNU gettext's binary catalog) of a ``.po``'s text; untranslated and fuzzy entries are left
    out, as msgfmt does (gettext then gives the English)."""
    messages: dict[bytes, bytes] = {}
    for e in parse_po(text):
        if e.msgid and not e.translated:
            continue
        key = (e.context + "\x04" if e.context is not None else "") + e.msgid
        if e.plural is not None:
            key += "\x00" + e.plural
        value = "\x00".join(e.strings[i] for i in sorted(e.strings))
        messages[key.encode("utf-8")] = value.encode("utf-8")
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(messages[key])))
        ids += key + b"\x00"
        strs += messages[key] + b"\x00"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    table = []
    for id_offset, id_length, _o, _l in offsets:
        table += [id_length, id_offset + key_start]
    for _o, _l, str_offset, str_length in offsets:
        table += [str_length, str_offset + value_start]
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + struct.pack(f"<{len(table)}I", *table) + ids + strs


def catalog_path(localedir: Path, lang: str, domain: str, suffix: str) -> Path:
    return Path(localedir) / lang / "LC_MESSAGES" / f"{domain}{suffix}"


def languages(localedir: Path, domain: str) -> list[str]:
    """The languages with a catalog of ``domain`` in ``localedir`` (sorted; English has none)."""
    found = [p.name for p in Path(localedir).iterdir()
             if catalog_path(localedir, p.name, domain, ".po").exists()
             or catalog_path(localedir, p.name, domain, ".mo").exists()] if Path(localedir).is_dir() else []
    return sorted(found)


_CACHE: dict[tuple[str, str, str], gettext.NullTranslations] = {}


def translation(domain: str, localedir: Path, lang: str) -> gettext.NullTranslations:
    """The catalog of ``domain`` in ``lang``: the built ``.mo`` when it is there and as new as its ``.po``,
    else the ``.po`` compiled in memory; English (or a language without a catalog) gives the msgids."""
    key = (domain, str(localedir), lang)
    if key not in _CACHE:
        po, mo = (catalog_path(localedir, lang, domain, s) for s in (".po", ".mo"))
        if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            data = mo.read_bytes()
        elif po.exists():
            data = compile_po(po.read_text(encoding="utf-8"))
        else:
            data = None
        _CACHE[key] = gettext.GNUTranslations(io.BytesIO(data)) if data else gettext.NullTranslations()
    return _CACHE[key]
