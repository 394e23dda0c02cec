"""What a page run under AppTest shows a person, as text: every label, caption, message,
option, table header and cell, chart title, axis and legend entry (shared by the tests that
check the interface's words)."""

from __future__ import annotations

import json

import pandas as pd
from google.protobuf.json_format import MessageToDict
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from matcher.labels import is_code

#: Proto fields that hold no text a person reads (ids, keys, data, styling).
_SKIP_FIELDS = {
    "id",
    "formId",
    "key",
    "type",
    "icon",
    "url",
    "fileId",
    "data",
    "spec",
    "columns",
    "datasets",
    "color",
    "width",
    "height",
}
#: Element types whose content is not text on the page.
_SKIP_TYPES = {"html"}


def elements(node):
    """Every element under ``node`` (an AppTest tree or block), depth first."""
    kids = getattr(node, "children", None)
    if isinstance(kids, dict):
        for child in kids.values():
            yield from elements(child)
    else:
        yield node


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in _SKIP_FIELDS:
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _is_text(column) -> bool:
    return column.dtype == object or pd.api.types.is_string_dtype(column.dtype)


#: A table with this column documents the file format: its cells are the words written in
#: the files (column names, codes), so only its headers are read.
FILE_VOCABULARY = "column in the file"


def _frame_texts(frame, config: dict) -> list[str]:
    """A table's shown headers (a configured label, else the column name) and text cells."""
    out = []
    if FILE_VOCABULARY in frame.columns:
        return [str(c) for c in frame.columns]
    for c in frame.columns:
        cfg = config.get(str(c)) or {}
        if not cfg.get("hidden"):
            out.append(cfg.get("label") or str(c))
    for c in frame.columns:
        if _is_text(frame[c]) and not (config.get(str(c)) or {}).get("hidden"):
            out += [v for v in frame[c].tolist() if isinstance(v, str)]
    return out


def _chart_texts(proto) -> list[str]:
    """A chart's titles, axis and legend titles (the field name where no title is set) and
    the text values of its data (legend entries, axis labels)."""
    spec = json.loads(proto.spec)
    out = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "title" and isinstance(v, str):
                    out.append(v)
                elif k == "encoding" and isinstance(v, dict):
                    for channel in v.values():
                        if (
                            isinstance(channel, dict)
                            and "field" in channel
                            and "title" not in channel
                        ):
                            out.append(channel["field"])
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    for ds in proto.datasets:
        frame = convert_arrow_bytes_to_pandas_df(ds.data.data)
        for c in frame.columns:
            if _is_text(frame[c]):
                out += [v for v in frame[c].tolist() if isinstance(v, str)]
    return out


def texts(at) -> list[str]:
    """Every piece of text the page shows (main area and sidebar)."""
    out = []
    for el in elements(at._tree):
        kind = getattr(el, "type", "")
        if kind in _SKIP_TYPES:
            continue
        if kind in ("dataframe", "arrow_data_frame"):
            config = json.loads(el.proto.columns or "{}")
            out += _frame_texts(el.value, config)
        elif kind == "table":
            out += _frame_texts(el.value, {})
        elif kind == "vega_lite_chart" or hasattr(el.proto, "spec"):
            out += _chart_texts(el.proto)
        else:
            out += list(_strings(MessageToDict(el.proto)))
    return out


def codes(at, allowed=()) -> dict[str, list[str]]:
    """``{code: [texts]}``: internal codes (``snake_case``) shown on the page, but ``allowed``."""
    found: dict[str, list[str]] = {}
    for text in texts(at):
        for code in is_code(text):
            if code not in allowed:
                found.setdefault(code, []).append(text[:120])
    return found
