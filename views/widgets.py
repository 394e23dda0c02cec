"""Rendering helpers shared by the pages: labels, ranked tables, downloads, the sidebar."""

from __future__ import annotations

import contextlib
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from matcher import taxonomy as tx
from matcher.io import parse_languages
from views import resources, session

#: Characters with a meaning in Streamlit's Markdown (links, images, emphasis, HTML, math,
#: emoji and colour directives); each is shown as itself once escaped with a backslash.
#: MIME type of an XLSX download (so that browsers hand it to Excel).
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Width (pixels) of the short decision and interest columns of a ranking.
DECISION_WIDTH = 100
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
    """Components as one ``<criterion> fit`` column each, for a table with progress bars."""
    comps = pd.DataFrame(list(df["components"]), index=df.index)
    comps.columns = [f"{c} fit" for c in comps.columns]
    table = pd.concat([df.drop(columns=["components", "reasons"]), comps], axis=1)
    return table, list(comps.columns)


def progress_config(columns) -> dict:
    """Column config showing ``score`` and ``columns`` (all in [0, 1]) as progress bars."""
    cfg = {
        "score": st.column_config.ProgressColumn(
            "score", min_value=0.0, max_value=1.0, format="%.2f"
        )
    }
    for c in columns:
        cfg[c] = st.column_config.ProgressColumn(
            c, min_value=0.0, max_value=1.0, format="%.2f", width="small"
        )
    return cfg


def show_ranking(
    ranked: pd.DataFrame, columns: list[str], key: str | None = None, select: bool = False
) -> list[int]:
    """A ranked result as a table: the rank, the score, the other given columns, then each
    criterion as a bar (the score first, so that it is never scrolled out of view).

    With ``select``, rows can be ticked; returns the positions of the ticked rows.
    """
    table, crit = component_columns(ranked)
    config = progress_config(crit)
    for name in {"decision", "interest"} & set(columns):  # short words, never cut
        config[name] = st.column_config.TextColumn(name, width=DECISION_WIDTH)
    event = st.dataframe(
        table[[columns[0], "score", *columns[1:], *crit]],
        column_config=config,
        hide_index=True,
        width="stretch",
        key=key,
        **({"on_select": "rerun", "selection_mode": "multi-row"} if select else {}),
    )
    return list(event.selection.rows) if select else []


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
            "rating": out["rating"],
            "host interested": out["interested"],
        }
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
        st.rerun()
