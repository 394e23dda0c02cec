"""What an id may be written with: characters that read the same to a person and to the code.

Two ids that look alike but differ (``P0001`` and ``Р0001`` with a Cyrillic ``Р``, or
``P0001`` with a zero-width space) would be two participants to the matcher and one to the
coordinator reading the screen, so such ids are refused at the edge, naming the character.
"""

from __future__ import annotations

import unicodedata

__all__ = ["id_problem"]

#: Unicode categories never allowed in an id: controls, format characters (zero-width
#: space, direction marks), private use, unassigned, and separators other than ' '.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp"})
#: Cyrillic and Greek letters that look like Latin ones.
_LATIN_LOOK_ALIKES = frozenset("АВЕЅІЈКМНОРСТХУаеіјорсхуѕԁԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικνρυχ")


def _code_point(ch: str) -> str:
    """``U+200B (ZERO WIDTH SPACE)``."""
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"


def _shown(value: str) -> str:
    """The id with every non-ASCII character written as an escape, so it can be told apart."""
    return value.encode("ascii", "backslashreplace").decode("ascii")


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (``LATIN``, ``CYRILLIC``, ``GREEK``...)."""
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


def _character_problem(value: str) -> str | None:
    """An invisible character, a compatibility form (fullwidth, ligature) or foreign symbol."""
    for ch in value:
        if ch != " " and unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            return f"'{_shown(value)}' holds the invisible character {_code_point(ch)}"
    if unicodedata.normalize("NFKC", value) != value:
        odd = next(ch for ch in value if unicodedata.normalize("NFKC", ch) != ch)
        return (
            f"'{_shown(value)}' holds {_code_point(odd)}, a variant of a plain character "
            "(write it as typed on a keyboard)"
        )
    for ch in value:
        if not ch.isascii() and unicodedata.category(ch)[0] in "PS":
            return f"'{_shown(value)}' holds the symbol {_code_point(ch)}; use ASCII punctuation"
    return None


def _script_problem(value: str) -> str | None:
    """Letters of several scripts, or a non-Latin id made only of Latin look-alikes."""
    letters = [ch for ch in value if ch.isalpha()]
    scripts = sorted({_script(ch) for ch in letters})
    if len(scripts) > 1:
        return (
            f"'{_shown(value)}' mixes letters of several scripts ({', '.join(scripts)}); "
            "write the id in one script"
        )
    if scripts and scripts != ["LATIN"] and all(ch in _LATIN_LOOK_ALIKES for ch in letters):
        return (
            f"'{_shown(value)}' is written with {scripts[0].title()} letters that look like "
            "Latin ones; write the id in Latin letters"
        )
    return None


def id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an id, or ``None`` when it can.

    Refused: invisible characters (zero-width space, no-break space, direction marks),
    compatibility variants (fullwidth letters, ligatures), non-ASCII punctuation, letters of
    several scripts, and non-Latin ids whose every letter looks like a Latin one.

    Examples
    --------
    >>> id_problem("P0001") is None, id_problem("Ж-17") is None
    (True, True)
    >>> print(id_problem("P\\u200b0001"))
    'P\\u200b0001' holds the invisible character U+200B (ZERO WIDTH SPACE)
    >>> print(id_problem("\\u04200001"))
    '\\u04200001' is written with Cyrillic letters that look like Latin ones; write the id in Latin letters
    """
    return _character_problem(value) or _script_problem(value)
