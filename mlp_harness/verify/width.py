"""How wide the tools may print: the terminal's width, ``COLUMNS``, or ``--width N``.

``shutil.get_terminal_size`` reads ``COLUMNS`` first (so it is honoured even when the
output is piped), then asks the terminal; when neither answers (a pipe, a file, a
notebook) the width is :data:`DEFAULT_WIDTH`.
"""
from __future__ import annotations

import shutil

from manual_mlp.validation import InputError
from ..i18n import _

#: columns assumed when neither COLUMNS nor a terminal says
DEFAULT_WIDTH = 100
#: narrower than this no table can be laid out (the quantity, |Δ| and one number per line)
MIN_WIDTH = 40


def output_width(width: int | None = None) -> int:
    """``width`` if given (``--width N``), else ``COLUMNS`` or the terminal's (at least :data:`MIN_WIDTH`:
    a narrower terminal wraps the lines itself rather than the table being laid out in 5 columns), else 100."""
    if width is None:
        return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns or DEFAULT_WIDTH)
    if width < MIN_WIDTH:
        raise InputError(_("--width must be at least {n} columns, got {value}").format(n=MIN_WIDTH, value=width))
    return width


def fit_parts(parts: list[str], width: int, indent: str = "    ", sep: str = "  ") -> list[str]:
    """``parts`` joined by ``sep`` on as few lines as ``width`` allows; later lines indented.
    A part longer than a line stays whole: nothing is cut in the middle of a number."""
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + len(sep) + len(part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(indent + part)
    return lines


def fit_formula(text: str, width: int, indent: str = "      ") -> list[str]:
    """A long ``a = b = c`` line broken before its ``=`` signs, then — for a piece still too long — before
    its ``+``, ``·`` or ``/``, to fit ``width``."""
    if len(text) <= width:
        return [text]
    pieces = text.split(" = ")
    parts = [pieces[0]] + ["= " + piece for piece in pieces[1:]]
    for sign in ("+", "·", "/"):
        parts = [piece for part in parts for piece in split_before(part, sign, width - len(indent))]
    return fit_parts(parts, width, indent, sep=" ")


def split_before(part: str, sign: str, room: int) -> list[str]:
    """``part`` cut before each `` sign `` when it is longer than ``room``."""
    if len(part) <= room or f" {sign} " not in part:
        return [part]
    terms = part.split(f" {sign} ")
    return [terms[0]] + [f"{sign} {term}" for term in terms[1:]]
