"""Which language a profile or offer is written in, and whether the model reads it.

Scores rest on the encoder: a text in a language the model was not trained on matches
poorly. The dashboard's typed-profile form says which language it read and warns when the
configured model does not cover it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["PROGRAMME_LANGUAGES", "LanguageReading", "detect_language", "read_language"]

#: The languages profiles and offers are written in: the EU's 24 official languages and
#: those of the other programme countries (IS, NO, MK, RS, TR).
PROGRAMME_LANGUAGES = [
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
    "is",
    "no",
    "mk",
    "sr",
    "tr",
]
#: Below this probability the language is reported as not recognised (short texts).
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class LanguageReading:
    """What :func:`read_language` found: the language, how sure, and a note for the user."""

    code: str  # ISO 639-1, "" when not recognised
    confidence: float
    covered: bool | None  # whether the model reads it; None when the model does not say
    note: str


_IDENTIFIER_LOCK = threading.Lock()


def _identifier():
    with _IDENTIFIER_LOCK:  # loaded once, also when two threads ask first
        return _load_identifier()


@lru_cache(maxsize=1)
def _load_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([c for c in PROGRAMME_LANGUAGES if c in ident.nb_classes])
    return ident


def detect_language(text: str) -> tuple[str, float]:
    """The most likely programme language of ``text`` and its probability.

    Examples
    --------
    >>> detect_language("Ich mache eine Ausbildung zum Koch und möchte ins Ausland.")[0]
    'de'
    """
    if not text.strip():
        return "", 0.0
    code, prob = _identifier().classify(text)
    return str(code), float(prob)


def read_language(text: str, model_languages: tuple[str, ...] | None) -> LanguageReading:
    """Detect the language of ``text`` and say whether a model covering ``model_languages``
    reads it (``None``: the model does not declare its languages)."""
    from .taxonomy import language_name as lang_name

    code, prob = detect_language(text)
    if prob < MIN_CONFIDENCE:
        return LanguageReading("", prob, None, "language not recognised (text too short)")
    name = lang_name(code)
    if model_languages is None:
        return LanguageReading(code, prob, None, f"read as {name}")
    if code in model_languages:
        return LanguageReading(code, prob, True, f"read as {name}")
    note = (
        f"read as {name}: the configured model was not trained on {name}, so sector matching "
        "may be poor; write the occupation in English or configure a multilingual model"
    )
    return LanguageReading(code, prob, False, note)
