"""Rendering helpers shared by the pages: labels, ranked tables, downloads, the sidebar."""

from __future__ import annotations

import contextlib
import html
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from matcher import labels, write_table
from matcher import taxonomy as tx
from matcher.io import parse_languages, write_workbook
from matcher.io import template as io_template
from matcher.labels import NOT_APPLICABLE
from views import resources, session

#: Widths of the score and criterion bars in ranked tables (pixels): with the other columns
#: the table fits a 1400 px window beside the sidebar.
SCORE_WIDTH, CRITERION_WIDTH, CRITERIA_WIDTH = 90, 72, 120
#: Widths (pixels) of short columns of ranked tables, so that the longer ones get the room.
COLUMN_WIDTHS = {
    "rank": 45,
    "country": 60,
    "home_country": 95,
    "host_id": 60,
    "stay": 75,
    "candidate": 115,
    "activity": 150,
    "occupation": 150,
    "languages": 110,
    "name": 180,
    "sector": 150,
    "trade": 85,
}

#: MIME type of an XLSX download (so that browsers hand it to Excel).
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Width (pixels) of the short decision and interest columns of a ranking.
DECISION_WIDTH = 100
#: Characters with a meaning in Streamlit's Markdown (links, images, emphasis, HTML, math,
#: emoji and colour directives); each is shown as itself once escaped with a backslash.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")


def plain(text) -> str:
    r"""``text`` escaped so that Markdown elements (``st.markdown``, ``st.caption``,
    ``st.error``, ``st.table`` cells...) show it as written: user data never becomes a link,
    an image or HTML.

    Examples
    --------
    >>> plain("![x](http://a.invalid/a.png) *cook*").replace("\u2060", "")
    '\\!\\[x\\]\\(http\\://a\\.invalid/a\\.png\\) \\*cook\\*'
    """
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    # GFM turns bare addresses into links even when escaped: a word joiner (invisible)
    # after the scheme's colon and in "www." stops it
    return escaped.replace("\\://", "\\:\u2060//").replace("www\\.", "www\u2060\\.")


def reasons_table(reasons: dict) -> dict:
    """Criteria and their reasons as the columns of ``st.table`` (whose cells are Markdown),
    each reason escaped with :func:`plain`."""
    return {"criterion": list(reasons), "reason": [plain(t) for t in reasons.values()]}


def participant_label(row) -> str:
    """A participant as one line of a select box."""
    return f"{row.participant_id} - {row.occupation} ({row.role}, {row.home_country})"


def host_label(row) -> str:
    """A host as one line of a select box."""
    return f"{row.host_id} - {row.name} ({row.country})"


def host_labels(hosts: pd.DataFrame) -> dict[str, str]:
    """:func:`host_label` of every host, by id, built column-wise (100,000 hosts in a
    fraction of a second; row by row it took seconds, bench/results/scale.md)."""
    ids, names, countries = (hosts[c].tolist() for c in ("host_id", "name", "country"))
    return {h: f"{h} - {n} ({c})" for h, n, c in zip(ids, names, countries, strict=True)}


def component_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Components as one ``<criterion>`` column each, for a table with progress bars.

    A criterion that does not apply to a row (its reason says so, e.g. inclusion for a
    participant without fewer opportunities) is left empty, never a full bar; one that
    applies to no row reads "n/a".
    """
    comps = pd.DataFrame(list(df["components"]), index=df.index)
    reasons = pd.DataFrame(list(df["reasons"]), index=df.index).reindex(columns=comps.columns)
    not_applicable = reasons == NOT_APPLICABLE
    comps = comps.mask(not_applicable)
    if len(comps):
        for c in comps.columns[not_applicable.all(axis=0)]:
            comps[c] = "n/a"
    comps.columns = [f"{c} fit" for c in comps.columns]
    table = pd.concat([df.drop(columns=["components", "reasons"]), comps], axis=1)
    return table, list(comps.columns)


def progress_config(columns, table: pd.DataFrame | None = None) -> dict:
    """Column config showing ``score`` and ``columns`` (all in [0, 1]) as progress bars, a
    column that reads "n/a" as text, and every other column of ``table`` by its plain label."""
    cfg = {
        "score": st.column_config.ProgressColumn(
            "score", min_value=0.0, max_value=1.0, format="%.2f", width=SCORE_WIDTH
        )
    }
    for c in columns:
        if table is not None and (table[c] == "n/a").all():
            cfg[c] = st.column_config.TextColumn(
                c, width=CRITERION_WIDTH, help="not applicable to this participant"
            )
            continue
        cfg[c] = st.column_config.ProgressColumn(
            c, min_value=0.0, max_value=1.0, format="%.2f", width=CRITERION_WIDTH
        )
    if table is not None:
        for c in table.columns:
            if c not in cfg and (c in COLUMN_WIDTHS or labels.label(c) != c):
                cfg[c] = st.column_config.Column(labels.label(c), width=COLUMN_WIDTHS.get(c))
    return cfg


def show_ranking(
    ranked: pd.DataFrame,
    columns: list[str],
    key: str | None = None,
    select: bool = False,
    criteria: bool = True,
    extra_config: dict | None = None,
) -> list[int]:
    """A ranked result as a table that fits a 1400 px window: the rank, the score, the other
    given columns, then the criteria as one small bar chart per row (in the order of
    :data:`CRITERIA`; a criterion that does not apply has no bar), or, on request, one bar
    column per criterion (``criteria=False``: only on request). Codes read as words;
    ``extra_config`` adds column configurations (labels, number formats).

    With ``select``, rows can be ticked; returns the positions of the ticked rows.
    """
    table, crit = component_columns(labels.plain_values(ranked))
    each = st.toggle("One column per criterion", key=f"{key}_each" if key else None)
    if each:
        table = table[[columns[0], "score", *columns[1:], *crit]]
        config = progress_config(crit, table)
    else:
        bars = table[crit].apply(pd.to_numeric, errors="coerce")
        table = table[[columns[0], "score", *columns[1:]]]
        config = progress_config([], table)
        if criteria:
            table, config["criteria"] = _criteria_bars(table, bars)
    for name in {"decision", "interest"} & set(columns):  # short words, never cut
        config[name] = st.column_config.TextColumn(name, width=DECISION_WIDTH)
    config.update(extra_config or {})
    event = st.dataframe(
        table,
        column_config=config,
        hide_index=True,
        width="stretch",
        key=key,
        **({"on_select": "rerun", "selection_mode": "multi-row"} if select else {}),
    )
    return list(event.selection.rows) if select else []


def _criteria_bars(table: pd.DataFrame, bars: pd.DataFrame):
    """``table`` with a ``criteria`` column (the criteria's values as a list per row, a
    criterion that applies to no row left out) and that column's config."""
    na = [c.removesuffix(" fit") for c in bars.columns if bars[c].isna().all()]
    bars = bars.dropna(axis=1, how="all").fillna(0.0)
    names = ", ".join(c.removesuffix(" fit") for c in bars.columns)
    config = st.column_config.BarChartColumn(
        "fit by criterion",
        y_min=0.0,
        y_max=1.0,
        width=CRITERIA_WIDTH,
        help=f"one bar per criterion, in this order: {names}"
        + (f" ({', '.join(na)}: n/a, not applicable)" if na else ""),
    )
    return table.assign(criteria=bars.values.tolist()), config


def languages_text(value: str) -> str:
    """``"it:native; en:B1"`` as people read it: ``Italian native, English B1``."""
    levels = parse_languages(value or "")
    return ", ".join(f"{tx.language_name(c)} {lvl}" for c, lvl in levels.items())


def _day(value) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def profile_table(profile: dict) -> dict:
    """A candidate's pseudonymised profile (``Workspace.candidate_profile``) as the two
    columns of ``st.table``, every value escaped."""
    field = profile.get("isced_f") or ""
    with contextlib.suppress(KeyError):
        field = f"{field} {tx.isced_name(field)}" if field else ""
    activities, countries = tx.programme_activities(), tx.countries()
    activity = profile["activity"]
    if activity in activities.index:
        activity = activities.at[activity, "label"]
    home = profile["home_country"]
    if home in countries.index:
        home = f"{countries.at[home, 'name']} ({home})"
    rows = {
        "Candidate": profile["candidate"],
        "Role and activity": f"{profile['role']}: {activity}",
        "Home country": home,
        "Occupation": profile["occupation"],
        "Field of education": field,
        "Goals": profile["description"],
        "Languages and levels": languages_text(profile["languages"]),
        "Stay": f"{profile['duration_min_days']}-{profile['duration_max_days']} days",
        "Available": " to ".join(
            _day(profile[c]) or "open" for c in ("available_from", "available_to")
        ),
    }
    return {"": list(rows), "profile": [plain(v) for v in rows.values()]}


def interests_table(interests: pd.DataFrame, hosts: pd.DataFrame) -> pd.DataFrame:
    """Hosts' marks of interest on the sending side, with the host's name and the state."""
    names = hosts.set_index("host_id")["name"]
    return pd.DataFrame(
        {
            "participant": interests["participant_id"],
            "host": interests["host_id"],
            "host name": interests["host_id"].map(names),
            "marked": interests["at"],
            "now": interests["state"].replace("", "not proposed yet"),
        }
    )


def states_table(states: pd.DataFrame) -> pd.DataFrame:
    """Where each pair stands (``Workspace.states``), latest change first, plain columns."""
    out = states.sort_values("since", ascending=False, na_position="last")
    return pd.DataFrame(
        {
            "participant": out["participant_id"],
            "host": out["host_id"],
            "state": out["state"].replace("", "host interested"),
            "since": out["since"],
            "note": out["reason"],
            "rating": rating_text(out["rating"]),
            "host interested": out["interested"],
        }
    )


def rating_text(values) -> list[str]:
    """Ratings as shown in a table: ``4``, or empty where none was given (never "None")."""
    return ["" if pd.isna(v) else str(int(v)) for v in values]


def plain_table(frame: pd.DataFrame, **kwargs) -> None:
    """``st.dataframe`` of ``frame`` with coded values and column names in plain words
    (the frame keeps its column names, e.g. for tests and selections)."""
    config = {c: st.column_config.Column(t) for c, t in labels.column_labels(frame.columns).items()}
    config.update(kwargs.pop("column_config", {}))
    st.dataframe(
        labels.plain_values(frame),
        column_config=config,
        hide_index=kwargs.pop("hide_index", True),
        width=kwargs.pop("width", "stretch"),
        **kwargs,
    )


def csv_download(frame: pd.DataFrame, name: str, label: str = "Download CSV", key=None) -> None:
    """A download button for ``frame`` as a CSV file that opens in Excel (UTF-8 with BOM,
    cells that Excel would run as formulas neutralised)."""
    st.download_button(
        label,
        csv_bytes(frame),
        f"{name}.csv",
        "text/csv",
        key=key or f"csv_{name}",
        icon=":material/download:",
    )


def one_row(values: dict) -> pd.DataFrame:
    """A one-row table of headline figures, for a CSV download."""
    return pd.DataFrame([values])


#: Text encodings offered for CSV uploads ("" = automatic: UTF-8, else Windows-1252 with a note).
ENCODINGS = {
    "": "Automatic",
    "cp1250": "Central European (Windows-1250)",
    "cp1252": "Western European (Windows-1252)",
    "cp1251": "Cyrillic (Windows-1251)",
    "cp1253": "Greek (Windows-1253)",
    "cp1257": "Baltic (Windows-1257)",
    "utf-16": "UTF-16",
}


def template(schema) -> pd.DataFrame:
    """The contract's columns with one example row (``matcher.io.template``)."""
    return io_template(schema)


def template_workbook(schemas) -> bytes:
    """One XLSX workbook with a template sheet per contract."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.xlsx"
        return write_workbook({s.name: io_template(s) for s in schemas}, path).read_bytes()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` written by the package's CSV writer (formula-safe, opens in Excel)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_table(frame, Path(tmp) / "table.csv").read_bytes()


def explanation(e, left, right) -> None:
    """A pair's explanation: the score (or that the host is excluded, without a score arrow),
    the rules it breaks in plain words, a bar per criterion and the reasons."""
    if e.feasible:
        left.metric("Score", f"{e.score:.2f}", help="weighted sum of the criteria below")
    else:
        left.metric("Score", "excluded", help="a host that breaks a rule is never recommended")
        right.error(
            "Excluded by the programme's rules:\n\n"
            + "\n".join(
                f"- **{plain(labels.label(r))}**: {plain(t)}" for r, t in e.broken_rules.items()
            )
        )
    applicable = {
        c: (None if e.reasons.get(c) == NOT_APPLICABLE else v) for c, v in e.components.items()
    }
    right.html(component_bars(applicable))
    st.table(reasons_table(e.reasons))


#: Colour of a criterion's bar (and of its value), and of the track behind it.
BAR_COLOUR, TRACK_COLOUR = "#2e7d4f", "#e3efe7"


def component_bars(components: dict) -> str:
    """One bar per criterion (0-1) as plain HTML: no chart library for the browser to load
    and run on every explanation (bench/app.py); a criterion whose value is None does not
    apply and reads "does not apply", with no bar."""
    rows = []
    for criterion, value in components.items():
        name = html.escape(labels.label(criterion))
        if value is None:
            bar, text = "", "does not apply"
        else:
            v = min(max(float(value), 0.0), 1.0)
            bar = f'<div style="width:{v * 100:.1f}%;height:100%;background:{BAR_COLOUR}"></div>'
            text = f"{v:.2f}"
        rows.append(
            f'<tr><td style="padding:2px 8px 2px 0;white-space:nowrap">{name}</td>'
            f'<td style="width:100%;padding:2px 0"><div role="img" aria-label="{name} {text}" '
            f'style="height:14px;background:{TRACK_COLOUR}">{bar}</div></td>'
            f'<td style="padding:2px 0 2px 8px;text-align:right;white-space:nowrap">{text}</td></tr>'
        )
    return (
        '<table style="width:100%;border-collapse:collapse;font-size:0.9rem" '
        'aria-label="score of each criterion">' + "".join(rows) + "</table>"
    )


def export_bytes(allocation, suffix: str) -> bytes:
    """An allocation written as ``suffix`` (``xlsx`` or ``csv``), for a download button."""
    with tempfile.TemporaryDirectory() as tmp:
        return allocation.export(Path(tmp) / f"allocation.{suffix}").read_bytes()


def sidebar() -> None:
    """Who is signed in, which dataset is in use, and the sign-out button."""
    u = session.user()
    if u is None:
        return
    p, h, _, key = session.frames()
    if session.is_upload(key):
        label = "uploaded data (this session)"
    else:
        label = "sample workspace" if resources.is_sample_workspace() else "workspace"
    acting = f", {plain(u.acts_for)}" if u.acts_for else ""
    st.caption(f"Signed in as **{plain(u.username)}** ({u.role}{acting})")
    st.caption(f"**Dataset:** {label}  \n{len(p)} participants, {len(h)} hosts")
    if st.button("Sign out", key="sign_out"):
        session.sign_out()
        if session.identity() is not None:
            st.logout()  # also ends the identity provider's sign-in in this browser
        st.rerun()
