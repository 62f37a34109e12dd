"""Every printed text in the user's language, through gettext: the English is written where it is used.

``tr(lang, "Initial loss")`` → "Loss inicial"; ``tr(lang, "Step {step} of {steps}", step=s, steps=n)`` fills the
fields after translating (``str.format``, so a translation may reorder them); ``tr_n(lang, singular, plural, n,
count=n)`` picks the form by the catalog's Plural-Forms. ``ctx=`` tells apart one English text that needs two
translations (pgettext). Messages of bad input are raised already translated, in the current language
(:func:`manual_mlp.messages.set_language`, set by each tool from --lang): ``_("…").format(…)``.

The catalogs are ``mlp_harness/locale/<lang>/LC_MESSAGES/mlp_harness.po`` (manual_mlp's own errors are in
``manual_mlp/locale``); ``scripts/extract_messages.py`` regenerates the ``.pot`` templates from the code. A
language is registered by its catalog's presence: :data:`LANGS` lists the folders found.
"""
from __future__ import annotations

import errno
import os
from pathlib import Path

from manual_mlp.messages import N_, current_language, language, languages, set_language, translation

__all__ = ["LANGS", "LANG_VARIABLES", "N_", "_", "current_language", "default_lang", "language", "os_reason",
           "set_language", "tr", "tr_n"]

LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "mlp_harness"

#: the languages the tools speak: English (the msgids) and every language with a catalog
LANGS = ("en",) + tuple(languages(LOCALE, DOMAIN))


def tr(lang: str, msgid: str, ctx: str | None = None, **fields) -> str:
    """``msgid`` in ``lang`` (in the context ``ctx``, if given), with ``fields`` filled in."""
    catalog = translation(DOMAIN, LOCALE, lang)
    text = catalog.pgettext(ctx, msgid) if ctx else catalog.gettext(msgid)
    return text.format(**fields) if fields else text


def tr_n(lang: str, singular: str, plural: str, n: int, /, ctx: str | None = None, **fields) -> str:
    """The form of ``singular``/``plural`` for the count ``n`` in ``lang`` (English: the singular for 1 only,
    so "0 epochs"), with ``fields`` filled in."""
    catalog = translation(DOMAIN, LOCALE, lang)
    text = catalog.npgettext(ctx, singular, plural, n) if ctx else catalog.ngettext(singular, plural, n)
    return text.format(**fields) if fields else text


def _(msgid: str) -> str:
    """``msgid`` in the current language: the messages of bad input, raised in the language they are read in."""
    return translation(DOMAIN, LOCALE, current_language()).gettext(msgid)


#: environment variables that name the user's language, strongest first (GNU gettext's order)
LANG_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def default_lang(environ: dict[str, str] | None = None) -> str:
    """The language when ``--lang`` is not given: the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set
    decides; a language the tools speak when it starts with its code (``LANG=pt_BR.UTF-8``: "pt"), else
    English. LANGUAGE may list several, by preference (``LANGUAGE=es:pt``): the first the tools speak."""
    env = os.environ if environ is None else environ
    for name in LANG_VARIABLES:
        if env.get(name):
            wanted = env[name].split(":") if name == "LANGUAGE" else [env[name]]
            for value in wanted:
                code = value.lower().split("_")[0].split(".")[0].split("@")[0]
                if code in LANGS:
                    return code
            if name != "LANGUAGE":
                return "en"
    return "en"


#: the operating system's reasons a file cannot be read or written, by errno (its own words are English)
OS_REASONS = {errno.EACCES: N_("Permission denied"), errno.ENOENT: N_("No such file or directory"),
              errno.EISDIR: N_("Is a directory")}


def os_reason(exc: BaseException) -> str:
    """Why an OSError happened, in the current language where the reason is a common one (else the system's
    words, or the exception's text)."""
    words = OS_REASONS.get(getattr(exc, "errno", None))
    return _(words) if words else (getattr(exc, "strerror", None) or str(exc))
