"""Documents a placement needs: the shortlist and the agreed placements as spreadsheets, and a
draft learning agreement (DOCX) with learning outcomes proposed from ESCO.

Examples
--------
>>> from matcher.documents import language_support
>>> language_support("fr:native; en:B2", "en:B1").split(":")[0]
'Working language English'
"""

from ._agreement import (
    EDITABLE_FIELDS,
    HOST_CONTACT_COLUMNS,
    LearningAgreement,
    agreement_bytes,
    agreement_fields,
    draft_agreement,
    language_support,
    planned_period,
    write_agreement,
)
from ._outcomes import Outcome, esco_skills, learning_outcomes
from ._tables import SHORTLIST_STATES, placements_table, shortlist_table, workbook_bytes

__all__ = [
    "LearningAgreement",
    "EDITABLE_FIELDS",
    "agreement_fields",
    "HOST_CONTACT_COLUMNS",
    "draft_agreement",
    "planned_period",
    "language_support",
    "write_agreement",
    "agreement_bytes",
    "Outcome",
    "esco_skills",
    "learning_outcomes",
    "SHORTLIST_STATES",
    "shortlist_table",
    "placements_table",
    "workbook_bytes",
]
