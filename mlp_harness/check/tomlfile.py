"""A teacher's TOML file (a rubric, an assignment), read with every failure as one line naming the option and the
file — the messages both kinds share, so both read alike and translate alike."""
from __future__ import annotations

import re
from pathlib import Path

from manual_mlp.validation import InputError
from ..i18n import _, os_reason

try:
    import tomllib
except ModuleNotFoundError:   # Python 3.10: the same parser, published as tomli
    try:
        import tomli as tomllib
    except ModuleNotFoundError:
        tomllib = None


def read_toml(path: Path, flag: str, where: str) -> tuple[dict, str]:
    """(the parsed document, its text); ``flag`` ("--rubric") and ``where`` (the name given) name the file in
    errors."""
    if tomllib is None:
        raise InputError(_("{flag} needs Python 3.11 or newer, or the tomli package (pip install "
                           "tomli)").format(flag=flag))
    if not path.is_file():
        shown = f"{flag} {where}"
        raise InputError(_("{path}: no such file").format(path=shown) if not path.exists() else
                         _("{path}: not a regular file").format(path=shown))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(_("{path}: cannot be read ({reason})").format(path=f"{flag} {where}",
                                                                       reason=os_reason(exc))) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise InputError(toml_error(flag, where, str(exc))) from None
    except RecursionError:   # arrays or tables nested thousands deep: the parser recurses once a level
        raise InputError(_("{path}: not TOML that can be read (nested too deeply)").format(
            path=f"{flag} {where}")) from None


def toml_error(flag: str, where: str, message: str) -> str:
    """The parser's "Invalid value (at line 3, column 11)" as the line and column, the parser's words quoted."""
    at = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if at is None:
        return _("{path}: not TOML ({reason!r})").format(path=f"{flag} {where}", reason=message)
    return _("{path}: not TOML at line {line}, column {column} ({reason!r})").format(
        path=f"{flag} {where}", line=at[1], column=at[2], reason=message[:at.start()])
