"""Learning outcomes for a learning agreement, drawn from ESCO's skills.

ESCO's occupation-skill relations (which skills are essential to an occupation) are not in
the data the project may ship; what is there is the text of every occupation and of every
skill (``data/taxonomies``). The outcomes proposed are therefore the skills whose text is
nearest to the occupation's (TF-IDF over the skills' own words), each phrased as what the
learner will be able to do, for the coordinator and the host to check and edit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import taxonomy as tx

__all__ = ["Outcome", "esco_skills", "learning_outcomes"]

#: Where a skill's description starts in ESCO's run-together text: the first word written
#: as a sentence starts (capital, then lower case), after the lower-case labels.
_DESCRIPTION_START = re.compile(r"(?<=\s)[A-Z][a-z]+\b")
#: The end of a description's first sentence.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.(\s|$)")
#: Knowledge items open with an article; skills with a verb.
_KNOWLEDGE_OPENINGS = ("The ", "A ", "An ")


@dataclass(frozen=True)
class Outcome:
    """One proposed learning outcome: the sentence, and the ESCO skill it comes from."""

    text: str
    skill_uri: str
    skill_text: str
    similarity: float


def _split(text: str) -> tuple[str, str]:
    """``(labels, description)`` of one ESCO skill text."""
    m = _DESCRIPTION_START.search(text)
    if m is None:
        return text.strip(), text.strip()
    return text[: m.start()].strip(), text[m.start() :].strip()


@lru_cache(maxsize=1)
def esco_skills() -> pd.DataFrame:
    """ESCO skills and knowledge (English): ``uri, labels, description``."""
    df = pd.read_csv(tx.taxonomy_dir() / "esco_skills_en.csv", dtype=str, keep_default_na=False)
    parts = [_split(t) for t in df["description"]]
    out = pd.DataFrame(parts, columns=["labels", "description"])
    out.insert(0, "uri", df["id"].to_numpy())
    out["text"] = df["description"].to_numpy()
    return out


@lru_cache(maxsize=1)
def _index():
    """The TF-IDF model of the skills' texts and their matrix (fitted once per process)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2)
    return vectoriser, vectoriser.fit_transform(esco_skills()["text"])


def _phrase(description: str) -> str:
    """A skill's description as an outcome: its first sentence, as what the learner can do.

    Examples
    --------
    >>> _phrase("Use tools to cut hair. Choose the right one.")
    'Can use tools to cut hair.'
    >>> _phrase("The processes of washing, cutting and arranging hair.")
    'Knows the processes of washing, cutting and arranging hair.'
    """
    m = _SENTENCE_END.search(description)
    first = description[: m.start() + 1] if m else description.rstrip(".") + "."
    lead = "Knows" if first.startswith(_KNOWLEDGE_OPENINGS) else "Can"
    return f"{lead} {first[0].lower()}{first[1:]}"


def learning_outcomes(esco_index: int, k: int = 5) -> list[Outcome]:
    """Up to ``k`` learning outcomes for the ESCO occupation in row ``esco_index`` of
    :func:`matcher.taxonomy.esco_occupations` (-1 or out of range: none).

    The skills whose words are nearest (TF-IDF cosine) to the occupation's labels and
    description, best first; a derived proposal to check, not ESCO's list of essential
    skills.

    Examples
    --------
    >>> occupations = tx.esco_occupations()
    >>> cook = int(np.flatnonzero(occupations["preferred_label"] == "cook")[0])
    >>> [o.text.split()[0] for o in learning_outcomes(cook, 3)]
    ['Can', 'Can', 'Can']
    """
    occupations = tx.esco_occupations()
    if not 0 <= esco_index < len(occupations) or k <= 0:
        return []
    row = occupations.iloc[esco_index]
    vectoriser, matrix = _index()
    query = vectoriser.transform([f"{row['labels']} {row['description']}"])
    similarity = (matrix @ query.T).toarray().ravel()
    best = np.argsort(-similarity, kind="stable")[:k]
    skills = esco_skills()
    return [
        Outcome(
            text=_phrase(skills.at[i, "description"]),
            skill_uri=skills.at[i, "uri"],
            skill_text=skills.at[i, "description"],
            similarity=float(similarity[i]),
        )
        for i in best
        if similarity[i] > 0
    ]
