"""``mlp-kit FOLDER``: the folder a teacher hands out — the exercise notebook, the package's wheel built from
this checkout, and LEIAME.md for teachers (:mod:`mlp_harness.kit`).

Exit codes: 0 the kit is written, 2 bad input (a folder that cannot be written, no checkout to build from, a
build that failed).
"""
from __future__ import annotations

import sys

from ..i18n import tr
from ..kit import Kit, make_kit
from .options import ArgumentParser, add_lang_option, guarded, lang_of


def build_parser(lang: str = "en") -> ArgumentParser:
    """The options; ``lang`` is the language of ``--help``."""
    p = ArgumentParser(prog="mlp-kit", lang=lang, description=tr(lang, "help_kit_description"),
                       epilog=tr(lang, "help_kit_epilog"))
    p.add_argument("folder", metavar=tr(lang, "meta_folder"), help=tr(lang, "help_kit_folder"))
    add_lang_option(p, lang, "help_lang_kit")
    return p


def kit_lines(kit: Kit, lang: str) -> list[str]:
    """What was written, a file a line, and the older wheels removed."""
    rows = [(kit.notebook.name, tr(lang, "kit_notebook")), (kit.wheel.name, tr(lang, "kit_wheel")),
            (kit.leiame.name, tr(lang, "kit_leiame"))]
    width = max(len(name) for name, _ in rows)
    lines = [tr(lang, "kit_written", folder=kit.folder)]
    lines += [f"  {name:<{width}}  {what}" for name, what in rows]
    return lines + [tr(lang, "kit_removed", name=name) for name in kit.removed]


def _main(argv: list[str] | None = None) -> int:
    args = build_parser(lang_of(argv)).parse_args(argv)
    print("\n".join(kit_lines(make_kit(args.folder), args.lang)))
    return 0


main = guarded("mlp-kit", _main)

if __name__ == "__main__":
    sys.exit(main())
