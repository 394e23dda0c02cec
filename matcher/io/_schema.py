"""The data contract: what the user declares about a participants, hosts, organisations or
decision-history table.

A :class:`TableSchema` lists its columns and the rules across columns (:class:`Check`) and
the values filled in for empty cells (:class:`Fill`). How all of it is run lives in
``_validate.py``; the rules themselves are plain functions in ``_checks.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..lifecycle import ACTIONS
from ..taxonomy import (
    ACCEPTS,
    ACTIVITIES,
    ORG_TYPES,
    PARTNER_TYPES,
    PROJECT_TYPES,
    ROLES,
    TRAVEL_MODES,
)
from . import _checks as rules
from . import _table_checks as table_rules

__all__ = [
    "Column",
    "Check",
    "Fill",
    "TableCheck",
    "TableFill",
    "TableSchema",
    "PARTICIPANTS",
    "HOSTS",
    "ORGANISATIONS",
    "HISTORY",
    "DECISION_ACTIONS",
    "SCHEMAS",
]

#: What a decision records, in the workspace's decisions table and its CSV export: the
#: lifecycle's steps and a host's interest (``matcher.lifecycle``).
DECISION_ACTIONS = ACTIONS


@dataclass(frozen=True)
class Column:
    """One column of the contract.

    ``kind`` names the parser: ``id``, ``text``, ``enum``, ``country``, ``anycountry`` (any
    ISO country, e.g. a KA2 partner from a third country), ``countries``, ``languages``,
    ``langlist``, ``days``, ``count``, ``rating``, ``date``, ``timestamp``, ``bool``, ``flag``
    (true, false or empty for unknown; kept as that text), ``isced``, ``nace``, ``oid``,
    ``activity``, ``activities``, ``orgtypes``, ``latitude``, ``longitude``, ``postcode``,
    ``email``, ``phone``, ``url``.
    ``required`` columns must exist and, with ``nonempty``, hold a value in every row.
    """

    name: str
    kind: str
    required: bool = False
    nonempty: bool = False
    choices: tuple[str, ...] = ()
    doc: str = ""
    example: str = ""


@dataclass(frozen=True)
class Check:
    """A rule across the columns of one row, declared on a schema.

    ``rule(row) -> (column, message) | None`` reads a mapping ``column -> parsed value`` and
    names the cell to blame when the row fails. It runs only on rows where every column in
    ``needs`` holds a valid, non-empty value.
    """

    name: str
    needs: tuple[str, ...]
    rule: Callable[[Mapping[str, Any]], tuple[str, str] | None]


@dataclass(frozen=True)
class Fill:
    """A value computed for an empty cell of ``column`` from other columns of its row.

    ``rule(row) -> value | None`` runs on rows where ``column`` is empty and every column in
    ``needs`` holds a valid value; ``note`` (formatted with ``count``, the number of cells
    filled) tells the user what was filled.
    """

    column: str
    needs: tuple[str, ...]
    rule: Callable[[Mapping[str, Any]], Any]
    note: str


@dataclass(frozen=True)
class TableCheck:
    """A rule across the rows of a table (a group of learners, a project), declared on a schema.

    ``rule(rows) -> [(index, column, message), ...]`` reads every row (``index`` from 0) and
    blames the cells that break it. With ``note`` the findings are notes, not problems: the
    file is accepted and the user told.
    """

    name: str
    rule: Callable[[Sequence[Mapping[str, Any]]], list[tuple[int, str, str]]]
    note: bool = False


@dataclass(frozen=True)
class TableFill:
    """Values for empty cells of ``column`` computed from other rows: ``rule(rows) ->
    {index: value}``; ``note`` (formatted with ``count``) tells the user what was filled."""

    column: str
    rule: Callable[[Sequence[Mapping[str, Any]]], dict[int, Any]]
    note: str


@dataclass(frozen=True)
class TableSchema:
    """A table's contract: its columns, its id column, and the rules across columns and rows.

    ``id_column`` (``None``: rows have no id) must hold unique values. ``fills`` run first,
    then ``table_fills``, ``checks`` and ``table_checks``; all run only when every required
    column is present.
    """

    name: str
    id_column: str | None
    columns: tuple[Column, ...]
    checks: tuple[Check, ...] = ()
    fills: tuple[Fill, ...] = ()
    table_checks: tuple[TableCheck, ...] = ()
    table_fills: tuple[TableFill, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in the contract's order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name`` (``KeyError`` if the contract has none)."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


_DURATIONS = ("duration_min_days", "duration_max_days")
_WINDOW = ("available_from", "available_to")

# Checks shared by participants and hosts: durations and availability window.
_DURATIONS_ORDERED = Check("durations_ordered", _DURATIONS, rules.durations_ordered)
_DATES_ORDERED = Check("dates_ordered", _WINDOW, rules.dates_ordered)
_WINDOW_COVERS_MIN = Check(
    "window_covers_min_duration", (*_WINDOW, "duration_min_days"), rules.window_covers_min_duration
)
_ACTIVITY_AND_STAY = ("role", "activity", *_DURATIONS)

PARTICIPANTS = TableSchema(
    name="participants",
    id_column="participant_id",
    columns=(
        Column(
            "participant_id", "id", True, True, doc="Unique id (pseudonymous).", example="P0001"
        ),
        Column(
            "role",
            "enum",
            True,
            True,
            ROLES,
            doc="learner, staff, or accompanying (goes with learners where they go; takes no place).",
            example="learner",
        ),
        Column(
            "activity",
            "activity",
            doc="Programme activity; inferred from role and duration when empty.",
            choices=ACTIVITIES,
            example="short_term",
        ),
        Column(
            "home_country",
            "country",
            True,
            True,
            doc="Sending country (EL or GR for Greece).",
            example="IT",
        ),
        Column(
            "sending_org",
            "text",
            True,
            True,
            doc="Sending organisation (VET school, company).",
            example="IIS Alberghiero Roma",
        ),
        Column(
            "home_city",
            "text",
            doc="Town of the sending organisation, for the travel distance (empty: the capital).",
            example="Bologna",
        ),
        Column(
            "occupation",
            "text",
            True,
            True,
            doc="Vocational programme or job, free text.",
            example="cook",
        ),
        Column(
            "isced_f",
            "isced",
            doc="ISCED-F 2013 field code (broad, narrow or detailed).",
            example="1013",
        ),
        Column(
            "description",
            "text",
            doc="Goals, skills, interests, free text.",
            example="Wants to learn regional cuisine",
        ),
        Column(
            "languages",
            "languages",
            doc="ISO 639-1 code and CEFR level, ';'-separated.",
            example="it:native; en:B1; de:A2",
        ),
        Column(
            "duration_min_days",
            "days",
            True,
            True,
            doc="Shortest acceptable stay, days.",
            example="30",
        ),
        Column(
            "duration_max_days",
            "days",
            True,
            True,
            doc="Longest acceptable stay, days.",
            example="60",
        ),
        Column("available_from", "date", doc="Earliest start, ISO date.", example="2026-09-01"),
        Column("available_to", "date", doc="Latest end, ISO date.", example="2027-06-30"),
        Column(
            "preferred_countries",
            "countries",
            doc="Preferred destinations, ';'-separated.",
            example="DE;AT",
        ),
        Column(
            "travel_mode",
            "enum",
            choices=TRAVEL_MODES,
            doc="standard, or green (train, bus, bike or car-sharing for the main part of the trip); empty: standard.",
            example="green",
        ),
        Column(
            "fewer_opportunities",
            "bool",
            doc="Participant with fewer opportunities (special-category; never shown to hosts).",
            example="false",
        ),
        Column(
            "needs_accessibility",
            "bool",
            doc="Needs an accessible host (special-category; never shown to hosts).",
            example="false",
        ),
        Column(
            "consent_share",
            "bool",
            doc="Consents to be shown, pseudonymised, to hosts.",
            example="true",
        ),
        Column(
            "group_id",
            "id",
            doc="Learners travelling as a group share it, with their accompanying persons "
            "(also one learner and the person accompanying them).",
            example="G-ROMA-1",
        ),
        Column(
            "graduation_date",
            "date",
            doc="Recent graduates: graduation day; the mobility starts within 12 months of it.",
            example="2026-06-30",
        ),
        Column(
            "employed_by_sender",
            "flag",
            doc="Staff: employed by or regularly working for the sending organisation "
            "(true/false; empty: not checked yet).",
            example="true",
        ),
        Column(
            "project_type",
            "enum",
            choices=PROJECT_TYPES,
            doc="KA121 (accredited) or KA122 (short-term project, at most 30 participants).",
            example="KA122",
        ),
        Column(
            "project_id",
            "id",
            doc="The Erasmus+ project the mobility belongs to.",
            example="2026-1-IT01-KA122-VET-000123",
        ),
    ),
    checks=(
        _DURATIONS_ORDERED,
        Check("activity_fits", ("role", *_DURATIONS), rules.activity_fits),
        Check("activity_matches_role", _ACTIVITY_AND_STAY, rules.activity_matches_role),
        Check("activity_within_limits", _ACTIVITY_AND_STAY, rules.activity_within_limits),
        _DATES_ORDERED,
        _WINDOW_COVERS_MIN,
        Check(
            "preferred_not_home",
            ("home_country", "preferred_countries"),
            rules.preferred_not_home,
        ),
        Check("accompanying_in_group", ("role",), rules.accompanying_in_group),
        Check("staff_not_grouped", ("role",), rules.staff_not_grouped),
        Check("group_activity_has_group", ("role", "activity"), rules.group_activity_has_group),
        Check(
            "graduation_for_learners", ("role", "graduation_date"), rules.graduation_for_learners
        ),
        Check(
            "graduation_within_limit",
            ("role", "graduation_date", "available_from"),
            rules.graduation_within_limit,
        ),
        Check("employed_for_staff", ("role", "employed_by_sender"), rules.employed_for_staff),
        Check(
            "country_takes_part",
            ("home_country", "available_to", "duration_min_days"),
            rules.country_takes_part,
        ),
    ),
    fills=(
        Fill(
            "activity",
            ("role", *_DURATIONS),
            rules.fill_activity,
            note="inferred from role and duration for {count} row(s) (empty cells)",
        ),
    ),
    table_fills=(
        TableFill(
            "activity",
            table_rules.fill_group_activity,
            note="the activity of their group's learners for {count} accompanying person(s)",
        ),
    ),
    table_checks=(
        TableCheck("group_has_learners", table_rules.group_has_learners),
        TableCheck("group_travels_together", table_rules.group_travels_together),
        TableCheck("group_mobility_composition", table_rules.group_mobility_composition),
        TableCheck("group_has_common_stay", table_rules.group_has_common_stay),
        TableCheck("project_type_consistent", table_rules.project_type_consistent),
        TableCheck("project_over_cap", table_rules.project_over_cap, note=True),
        TableCheck("staff_employment_unknown", table_rules.staff_employment_unknown, note=True),
    ),
)

HOSTS = TableSchema(
    name="hosts",
    id_column="host_id",
    columns=(
        Column("host_id", "id", True, True, doc="Unique id.", example="H0001"),
        Column("name", "text", True, True, doc="Organisation name.", example="Hotel Adler GmbH"),
        Column(
            "country",
            "country",
            True,
            True,
            doc="Host country (EL or GR for Greece).",
            example="DE",
        ),
        Column("city", "text", doc="Town (for the travel distance and the map).", example="Munich"),
        Column("postcode", "postcode", doc="Postcode.", example="80331"),
        Column(
            "latitude",
            "latitude",
            doc="Latitude in degrees (-90 to 90), with longitude; wins over the town.",
            example="48.1374",
        ),
        Column(
            "longitude",
            "longitude",
            doc="Longitude in degrees (-180 to 180), with latitude.",
            example="11.5755",
        ),
        Column(
            "org_type",
            "enum",
            True,
            True,
            ORG_TYPES,
            doc="company, public_body, ngo, vet_institution, intermediary, or event (a skills "
            "competition: hosts skills competitions only).",
            example="company",
        ),
        Column("oid", "oid", doc="Erasmus+ organisation id: E and 8 digits.", example="E10123456"),
        Column(
            "contact_person",
            "text",
            doc="Contact person (shown to coordinators only).",
            example="Anna Huber",
        ),
        Column(
            "email",
            "email",
            doc="Contact e-mail (shown to coordinators only).",
            example="training@hotel-adler.example",
        ),
        Column(
            "phone",
            "phone",
            doc="Contact phone, with country code (shown to coordinators only).",
            example="+49 89 1234567",
        ),
        Column(
            "website",
            "url",
            doc="Website, http(s) address (shown to coordinators only).",
            example="https://www.hotel-adler.example",
        ),
        Column(
            "nace_code",
            "nace",
            doc="NACE Rev. 2.1 (or Rev. 2) division, group or class.",
            example="56.11",
        ),
        Column(
            "sector",
            "text",
            True,
            True,
            doc="Sector, free text.",
            example="restaurant and hotel kitchens",
        ),
        Column(
            "description",
            "text",
            doc="Tasks and learning offered, free text.",
            example="Trainees work in our kitchen brigade",
        ),
        Column(
            "languages",
            "languages",
            doc="Working languages with the minimum level wanted; any one suffices. Empty: no requirement.",
            example="de:B1; en:B2",
        ),
        Column(
            "accepts", "enum", True, True, ACCEPTS, doc="learner, staff or both.", example="learner"
        ),
        Column(
            "activities",
            "activities",
            doc="Accepted activities, ';'-separated; empty: all for the accepted roles.",
            choices=ACTIVITIES,
            example="short_term;long_term",
        ),
        Column(
            "duration_min_days",
            "days",
            True,
            True,
            doc="Shortest stay offered, days.",
            example="14",
        ),
        Column(
            "duration_max_days",
            "days",
            True,
            True,
            doc="Longest stay offered, days.",
            example="120",
        ),
        Column("capacity", "count", True, True, doc="Places offered (integer >= 0).", example="3"),
        Column(
            "available_from",
            "date",
            doc="First day a participant can start, ISO date.",
            example="2026-09-01",
        ),
        Column("available_to", "date", doc="Last day of a stay, ISO date.", example="2027-07-31"),
        Column(
            "accessible",
            "bool",
            doc="Workplace accessible to participants with disabilities.",
            example="true",
        ),
        Column(
            "inclusion_support",
            "bool",
            doc="Mentoring, accommodation help or other support for participants with fewer opportunities.",
            example="false",
        ),
        Column(
            "accepts_groups",
            "bool",
            doc="Takes a group of learners (and their accompanying persons) at once; also true "
            "when the host lists group among its activities.",
            example="true",
        ),
    ),
    checks=(
        _DURATIONS_ORDERED,
        _DATES_ORDERED,
        _WINDOW_COVERS_MIN,
        Check(
            "activities_open_to_accepts",
            ("accepts", "activities"),
            rules.activities_open_to_accepts,
        ),
        Check("event_hosts_competitions", ("org_type", "accepts"), rules.event_hosts_competitions),
        Check("competitions_at_events", ("org_type", "activities"), rules.competitions_at_events),
        Check(
            "country_takes_part",
            ("country", "available_to", "duration_min_days"),
            rules.host_country_takes_part,
        ),
        Check("coordinates_paired", (), rules.coordinates_paired),
    ),
)

ORGANISATIONS = TableSchema(
    name="organisations",
    id_column="org_id",
    columns=(
        Column("org_id", "id", True, True, doc="Unique id.", example="O0001"),
        Column("name", "text", True, True, doc="Organisation name.", example="Berufsschule Graz"),
        Column(
            "country",
            "anycountry",
            True,
            True,
            doc="Country (EL or GR for Greece); a KA220 partner may be in a third country not "
            "associated to the Programme.",
            example="AT",
        ),
        Column(
            "org_type",
            "enum",
            True,
            True,
            PARTNER_TYPES,
            doc="vet_provider, company, chamber, social_partner, public_authority, ngo, higher_education, research or intermediary.",
            example="vet_provider",
        ),
        Column("oid", "oid", doc="Erasmus+ organisation id: E and 8 digits.", example="E10123456"),
        Column("nace_code", "nace", doc="NACE Rev. 2.1 code (companies).", example="56.11"),
        Column("isced_f", "isced", doc="ISCED-F 2013 field (education providers).", example="1013"),
        Column(
            "expertise",
            "text",
            True,
            True,
            doc="What the organisation does and knows, free text.",
            example="Chef and waiter training with a training restaurant",
        ),
        Column(
            "interests",
            "text",
            doc="Themes it wants to work on, free text.",
            example="green skills in kitchens; digital tools in workshops",
        ),
        Column(
            "languages",
            "langlist",
            doc="Working languages, ISO 639-1 codes ';'-separated (levels allowed and ignored).",
            example="de; en",
        ),
        Column(
            "past_projects", "count", doc="Erasmus+ projects so far (0 = newcomer).", example="2"
        ),
        Column(
            "looking_for",
            "orgtypes",
            doc="Partner types it looks for, ';'-separated.",
            choices=PARTNER_TYPES,
            example="company;chamber",
        ),
    ),
)

HISTORY = TableSchema(
    name="history",
    id_column=None,
    columns=(
        Column(
            "participant_id",
            "id",
            True,
            True,
            doc="The participant the decision is about.",
            example="P0001",
        ),
        Column("host_id", "id", True, True, doc="The host proposed to.", example="H0001"),
        Column(
            "sending_org",
            "text",
            True,
            True,
            doc="The participant's sending organisation.",
            example="IIS Alberghiero Roma",
        ),
        Column(
            "action",
            "enum",
            True,
            True,
            DECISION_ACTIONS,
            doc="shortlist, propose, accept, decline, complete, withdraw, or interest (a host's).",
            example="complete",
        ),
        Column("reason", "text", doc="Why, free text.", example="good language match"),
        Column(
            "rating",
            "rating",
            doc="Rating of a completed placement, 1-5; empty for other actions.",
            example="4",
        ),
        Column("username", "text", doc="Who recorded the decision.", example="coordinator1"),
        Column(
            "at",
            "timestamp",
            doc="When, ISO date and time (UTC when no offset is given).",
            example="2026-09-01T09:30:00Z",
        ),
    ),
    checks=(
        Check("rating_only_when_complete", ("action", "rating"), rules.rating_only_when_complete),
    ),
)

SCHEMAS = {
    "participants": PARTICIPANTS,
    "hosts": HOSTS,
    "organisations": ORGANISATIONS,
    "history": HISTORY,
}
