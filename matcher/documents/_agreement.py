"""A draft learning agreement for an accepted placement, written as an editable DOCX.

The draft is data first (:class:`LearningAgreement`, filled by :func:`draft_agreement` from
what the workspace knows), so that the dashboard can let the coordinator edit it before
:func:`write_agreement` writes it with python-docx. Whatever the data does not say is left
as a blank to fill in, never guessed.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import taxonomy as tx
from .._config import Config
from ..io import parse_languages
from ..privacy import HOST_CONTACT_COLUMNS  # named in the agreement when known
from ._outcomes import learning_outcomes

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
]

#: What a blank to fill in looks like in the document.
BLANK = "..............................."
#: Where the learning outcomes come from, as the document says it.
OUTCOMES_SOURCE = (
    "Proposed from ESCO (European Commission): the skills whose description is nearest to "
    "the occupation '{label}'. Check them with the host and edit."
)


@dataclass
class LearningAgreement:
    """What a draft learning agreement says; every field may be edited before writing.

    Dates are ``datetime.date`` or None (to agree); text fields left empty are written as
    blanks to fill in.
    """

    participant_id: str
    role: str
    activity: str
    occupation: str
    field_of_education: str
    home_country: str
    participant_languages: str
    sending_org: str
    sending_country: str = ""
    sending_oid: str = ""
    sending_contact: str = ""
    host_id: str = ""
    host_name: str = ""
    host_country: str = ""
    host_city: str = ""
    host_oid: str = ""
    host_sector: str = ""
    host_contacts: dict = field(default_factory=dict)
    start: dt.date | None = None
    end: dt.date | None = None
    tasks: str = ""
    outcomes: list = field(default_factory=list)
    outcomes_source: str = ""
    sending_tutor: str = ""
    host_tutor: str = ""
    language_support: str = ""

    @property
    def duration_days(self) -> int | None:
        """Days from start to end, both counted (None while either is open)."""
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1


def _date(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def planned_period(participant, host) -> tuple[dt.date | None, dt.date | None]:
    """A first proposal of the stay: from the later of the two availability starts, for the
    longest stay both accept that fits both windows; ``(None, None)`` when no start is known.

    ``participant`` and ``host`` are rows (mappings) of the validated tables.

    Examples
    --------
    >>> p = {"available_from": pd.Timestamp("2026-10-01"), "available_to": pd.NaT,
    ...      "duration_min_days": 21, "duration_max_days": 60}
    >>> h = {"available_from": pd.Timestamp("2026-11-01"), "available_to": pd.Timestamp("2026-12-15"),
    ...      "duration_min_days": 14, "duration_max_days": 90}
    >>> planned_period(p, h)
    (datetime.date(2026, 11, 1), datetime.date(2026, 12, 15))
    """
    starts = [d for d in (_date(participant["available_from"]), _date(host["available_from"])) if d]
    if not starts:
        return None, None
    start = max(starts)
    days = min(int(participant["duration_max_days"]), int(host["duration_max_days"]))
    end = start + dt.timedelta(days=days - 1)
    ends = [d for d in (_date(participant["available_to"]), _date(host["available_to"])) if d]
    return start, min([end, *ends])


def language_support(participant_languages: str, host_languages: str) -> str:
    """What the agreement says about the working language and Online Language Support (OLS).

    Examples
    --------
    >>> language_support("it:native; de:A2", "de:B1")
    'Working language German: the host asks B1, the participant has A2. Online Language Support (OLS) course in German before departure, to reach B1.'
    >>> language_support("it:native; en:B2", "")
    'The host sets no language requirement. Online Language Support (OLS) is available before departure.'
    """
    have = parse_languages(participant_languages or "")
    want = parse_languages(host_languages or "")
    if not want:
        return (
            "The host sets no language requirement. "
            "Online Language Support (OLS) is available before departure."
        )

    def gap(code: str) -> int:
        held = have.get(code)
        return tx.cefr_rank(want[code]) - (tx.cefr_rank(held) if held else 0)

    code = min(want, key=gap)  # the working language the participant is closest to
    name, level, held = tx.language_name(code), want[code], have.get(code)
    head = f"Working language {name}: the host asks {level}, the participant has {held or 'none'}."
    if gap(code) <= 0:
        return f"{head} Online Language Support (OLS) is available in {name} before departure."
    return (
        f"{head} Online Language Support (OLS) course in {name} before departure, to reach {level}."
    )


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _sending(organisations: pd.DataFrame | None, name: str) -> dict:
    """The sending organisation's row in the organisations table, by name (empty: unknown)."""
    if organisations is None or organisations.empty:
        return {}
    rows = organisations[organisations["name"] == name]
    return {} if rows.empty else rows.iloc[0].to_dict()


def _outcomes(matcher, i: int, config: Config) -> tuple[list[str], str]:
    """Proposed outcomes for participant row ``i`` and the sentence saying where from."""
    link = matcher.occupation_links_[i]
    if link.esco_index < 0 or link.confidence < config.agreement_min_confidence:
        return [], ""
    found = learning_outcomes(link.esco_index, config.agreement_outcomes)
    return [o.text for o in found], OUTCOMES_SOURCE.format(label=link.esco)


def draft_agreement(
    matcher,
    participant_id: str,
    host_id: str,
    organisations: pd.DataFrame | None = None,
    config: Config | None = None,
    saved: dict | None = None,
) -> LearningAgreement:
    """A draft learning agreement for a placement of ``participant_id`` at ``host_id``.

    Parameters
    ----------
    matcher : Matcher
        Fitted on the participant and the host (its ESCO placement of the occupation
        proposes the learning outcomes, when at least ``agreement_min_confidence`` sure).
    organisations : DataFrame, optional
        The organisations table, for the sending organisation's country and OID.
    config : Config, optional
        ``agreement_outcomes`` and ``agreement_min_confidence``; default from the environment.
    saved : dict, optional
        The fields the workspace kept for this placement (``Workspace.agreements``): they
        replace the proposals.
    """
    config = config or Config.from_env()
    p_index = pd.Index(matcher.participants_["participant_id"])
    i = p_index.get_loc(participant_id)
    p = matcher.participants_.iloc[i]
    h = matcher.hosts_.set_index("host_id").loc[host_id]
    sending = _sending(organisations, p["sending_org"])
    contacts = {c: _text(h.get(c)) for c in HOST_CONTACT_COLUMNS if _text(h.get(c))}
    start, end = planned_period(p, h)
    outcomes, source = _outcomes(matcher, i, config)
    activities = tx.programme_activities()
    draft = LearningAgreement(
        participant_id=participant_id,
        role=p["role"],
        activity=activities.at[p["activity"], "label"] if p["activity"] in activities.index else "",
        occupation=p["occupation"],
        field_of_education=_field_name(p["isced_f"]),
        home_country=_country(p["home_country"]),
        participant_languages=_languages(p["languages"]),
        sending_org=p["sending_org"],
        sending_country=_country(sending.get("country", p["home_country"])),
        sending_oid=_text(sending.get("oid")),
        host_id=host_id,
        host_name=h["name"],
        host_country=_country(h["country"]),
        host_city=_text(h.get("city")),
        host_oid=_text(h.get("oid")),
        host_sector=_text(h.get("sector")),
        host_contacts=contacts,
        start=start,
        end=end,
        tasks=_text(h.get("description")),
        outcomes=outcomes,
        outcomes_source=source,
        host_tutor=contacts.get("contact_person", ""),
        language_support=language_support(p["languages"], _text(h.get("languages"))),
    )
    return _with_saved(draft, saved) if saved else draft


#: The fields a coordinator edits (and the workspace keeps, ``Workspace.save_agreement``).
EDITABLE_FIELDS = (
    "start",
    "end",
    "tasks",
    "outcomes",
    "sending_tutor",
    "sending_contact",
    "host_tutor",
    "language_support",
)


def agreement_fields(agreement: LearningAgreement) -> dict:
    """The edited fields of a draft as plain data (dates as ``YYYY-MM-DD``, None when open)."""
    out = {name: getattr(agreement, name) for name in EDITABLE_FIELDS}
    for name in ("start", "end"):
        out[name] = None if out[name] is None else out[name].isoformat()
    out["outcomes"] = [str(x) for x in out["outcomes"]]
    return out


def _with_saved(agreement: LearningAgreement, saved: dict) -> LearningAgreement:
    """The draft with the fields the workspace kept (what was saved wins)."""
    for name in EDITABLE_FIELDS:
        if name not in saved:
            continue
        value = saved[name]
        if name in ("start", "end"):
            value = None if value is None else dt.date.fromisoformat(value)
        elif name == "outcomes":
            value = list(value)
        setattr(agreement, name, value)
    return agreement


def _field_name(code: str) -> str:
    try:
        return f"{code} {tx.isced_name(code)}" if code else ""
    except KeyError:
        return code


def _country(code: str) -> str:
    countries = tx.countries()
    return f"{countries.at[code, 'name']} ({code})" if code in countries.index else _text(code)


def _languages(value: str) -> str:
    levels = parse_languages(value or "")
    return ", ".join(f"{tx.language_name(c)} {lvl}" for c, lvl in levels.items())


# --- writing -------------------------------------------------------------------------------


def _or_blank(value) -> str:
    text = _text(value).strip()
    return text or BLANK


def _table(doc, rows: list[tuple[str, object]]) -> None:
    """Two columns: what, and its value (or a blank to fill in)."""
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = _or_blank(value)


def _parties(doc, a: LearningAgreement) -> None:
    doc.add_heading("1. The participant", level=2)
    _table(
        doc,
        [
            ("Name", ""),
            ("Reference", a.participant_id),
            ("Role and activity", f"{a.role}: {a.activity}" if a.activity else a.role),
            ("Occupation or programme", a.occupation),
            ("Field of education (ISCED-F)", a.field_of_education),
            ("Home country", a.home_country),
            ("Languages", a.participant_languages),
        ],
    )
    doc.add_heading("2. Sending organisation", level=2)
    _table(
        doc,
        [
            ("Name", a.sending_org),
            ("Country", a.sending_country),
            ("OID", a.sending_oid),
            ("Contact person, e-mail, phone", a.sending_contact),
        ],
    )
    doc.add_heading("3. Host organisation", level=2)
    c = a.host_contacts
    _table(
        doc,
        [
            ("Name", a.host_name),
            ("Country and city", ", ".join(x for x in (a.host_country, a.host_city) if x)),
            ("OID", a.host_oid),
            ("Sector", a.host_sector),
            ("Contact person", c.get("contact_person")),
            ("E-mail", c.get("email")),
            ("Phone", c.get("phone")),
            ("Website", c.get("website")),
        ],
    )


def _content(doc, a: LearningAgreement) -> None:
    doc.add_heading("4. Period", level=2)
    days = a.duration_days
    _table(
        doc,
        [
            ("Start", a.start.isoformat() if a.start else ""),
            ("End", a.end.isoformat() if a.end else ""),
            ("Duration (days abroad, travel excluded)", str(days) if days else ""),
        ],
    )
    doc.add_heading("5. Tasks at the host", level=2)
    doc.add_paragraph(_or_blank(a.tasks))
    doc.add_heading("6. Learning outcomes", level=2)
    for outcome in a.outcomes or [""]:
        doc.add_paragraph(_or_blank(outcome), style="List Bullet")
    if a.outcomes_source:
        doc.add_paragraph().add_run(a.outcomes_source).italic = True
    doc.add_paragraph(
        "How they are assessed and recognised (e.g. Europass Mobility, units of the "
        f"qualification): {BLANK}"
    )
    doc.add_heading("7. Tutors and mentors", level=2)
    _table(
        doc,
        [
            ("Tutor at the sending organisation", a.sending_tutor),
            ("Mentor at the host", a.host_tutor),
        ],
    )
    doc.add_heading("8. Language support", level=2)
    doc.add_paragraph(_or_blank(a.language_support))
    doc.add_heading("Signatures", level=2)
    _table(
        doc,
        [
            ("Participant (name, date, signature)", ""),
            ("Sending organisation (name, date, signature)", ""),
            ("Host organisation (name, date, signature)", ""),
        ],
    )


def write_agreement(agreement: LearningAgreement, target) -> None:
    """Write the draft as a DOCX to ``target`` (a path or a binary file object)."""
    from docx import Document

    doc = Document()
    doc.add_heading("Learning agreement (draft)", level=1)
    doc.add_paragraph(
        f"Erasmus+ VET mobility. Draft of {dt.date.today().isoformat()}, prepared from the "
        "matching workspace: check and complete every field before signing."
    )
    _parties(doc, agreement)
    _content(doc, agreement)
    doc.save(str(target) if isinstance(target, (str, Path)) else target)


def agreement_bytes(agreement: LearningAgreement) -> bytes:
    """The draft as DOCX bytes (for a download button)."""
    buffer = io.BytesIO()
    write_agreement(agreement, buffer)
    return buffer.getvalue()
