"""A frame made readable for a data file: headings in words, units, rounding, qualifier words.

``readable`` applies the declarations in ``exports.headings`` (and any labels the page shows on
screen) to a table or a chart's data, and gives the title in words and the notes that go with
it. ``exports.tables`` then writes the result safely; nothing here writes files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from exports.context import ExportContext
from exports.headings import (
    FLAG_WORDS,
    HEADINGS,
    OTHER_DECIMALS,
    QUALIFIER_NOTE,
    QUALIFIER_WORDS,
    RATE_DECIMALS,
    RATE_WORDS,
    TABLE_TITLES,
    Heading,
)
from metrics.registry import METRICS

_BY_NAME = {name: h for h in HEADINGS for name in h.names}
_UNIT_KIND = {"count": "count", "gbp": "gbp", "percent": "share", "ratio": "number"}
_UNITS = {"gbp": "£", "share": "%"}


@dataclass(frozen=True)
class Column:
    """One column of a data file as written: heading, kind and the places it was rounded to."""

    heading: str                    # 'Share spent (%, 1 decimal place)'
    kind: str                       # exports.headings.KINDS, or 'number'
    decimals: int | None = None     # None: shown as held (whole numbers, text)
    label: str = ""                 # the heading without unit and rounding: 'Share spent'

    @property
    def excel_format(self) -> str | None:
        """The number format a spreadsheet shows the column with."""
        places = "." + "0" * self.decimals if self.decimals else ""
        if self.kind == "gbp":
            return f"£#,##0{places}"
        if self.kind in ("count", "rate", "share", "number"):
            return f"#,##0{places}"
        return None


@dataclass(frozen=True)
class DataFile:
    """What a CSV or XLSX file holds: the readable frame, its title and its notes."""

    frame: pd.DataFrame
    title: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...]


def _screen(config: Any) -> tuple[str | None, int | None]:
    """(label, decimals) from a page's column setting: a plain label or Streamlit's column
    config (a dict with 'label' and, for numbers, a printf 'format' such as '%.2f')."""
    if isinstance(config, str):
        return config, None
    if not isinstance(config, Mapping):
        return None, None
    fmt = str((config.get("type_config") or {}).get("format") or "")
    places = re.fullmatch(r"%[,']?\.(\d)f", fmt)
    decimals = int(places.group(1)) if places else (0 if fmt == "%d" else None)
    label = config.get("label")
    return (str(label) if label else None), decimals


def _words(name: str) -> str:
    """'port_value_recovered_gbp' → 'Port value recovered'; names already in words are kept."""
    text = re.sub(r"_gbp$", "", name).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Column"


def _declared(name: str) -> Heading:
    """The declaration for a column name, found by name, metric code or metric label."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    for metric in METRICS.values():
        if name in (metric.name, metric.label):
            return Heading((name,), metric.label, _UNIT_KIND.get(metric.unit, "count"))
    if RATE_WORDS in name.lower():
        return Heading((name,), name, "rate", RATE_DECIMALS)
    if name.endswith("_gbp") or "(£)" in name:
        return Heading((name,), _words(name), "gbp")
    return Heading((name,), _words(name))


def _kind_of_label(label: str, kind: str) -> str:
    """A page label that names a measure gives that measure's unit ('Value of stolen vehicles
    recovered' is money even in a column called 'value')."""
    for metric in METRICS.values():
        if label == metric.label:
            return _UNIT_KIND.get(metric.unit, kind)
    return "rate" if RATE_WORDS in label.lower() else kind


def _bare(heading: str) -> str:
    """'Share spent (%)' → 'Share spent'."""
    return re.sub(r"\s*\((?:£|%)\)$", "", heading)


def _heading(base: str, kind: str, decimals: int | None) -> str:
    """'Share spent' + share + 1 → 'Share spent (%, 1 decimal place)'."""
    base = _bare(base)
    parts = [_UNITS[kind]] if kind in _UNITS else []
    if decimals:
        parts.append(f"{decimals} decimal place{'s' if decimals > 1 else ''}")
    return f"{base} ({', '.join(parts)})" if parts else base


def _numbers(values: pd.Series, decimals: int | None) -> tuple[pd.Series, int | None]:
    """Whole numbers as whole numbers; others rounded to ``decimals`` (the places used)."""
    numbers = pd.to_numeric(values, errors="coerce")
    known = numbers.dropna()
    if (known == known.round()).all():
        return numbers.round().astype("Int64"), None
    places = OTHER_DECIMALS if decimals is None else decimals
    return numbers.round(places).astype("Float64"), places


def _column(name: str, values: pd.Series, screen: Any) -> tuple[pd.Series, Column]:
    label, screen_places = _screen(screen)
    declared = _declared(name)
    kind, decimals = declared.kind, declared.decimals
    if label:
        kind = _kind_of_label(label, kind)
    if screen_places is not None and kind in ("count", "number", "rate"):
        kind, decimals = ("rate" if screen_places else kind), screen_places or None
    base = label or declared.heading
    if pd.api.types.is_bool_dtype(values) and kind == "text":
        kind = "flag"
    elif pd.api.types.is_numeric_dtype(values) and kind in ("text", "qualifier", "flag"):
        kind = "number" if kind == "text" else kind
    if kind == "qualifier":
        words = values.map(lambda q: "" if pd.isna(q) else
                           QUALIFIER_WORDS.get(str(q), str(q).replace("_", " ")))
        return words.astype(object), Column(base, kind, label=base)
    if kind == "flag":
        flags = values.map(lambda v: "" if pd.isna(v) else FLAG_WORDS[bool(v)])
        return flags.astype(object), Column(base, kind, label=base)
    if kind in ("count", "gbp", "rate", "share", "number") and pd.api.types.is_numeric_dtype(values):
        numbers = values * 100 if kind == "share" else values
        rounded, places = _numbers(numbers, decimals)
        # Pence are money's own places, not a rounding to state.
        stated = None if kind == "gbp" else places
        return rounded, Column(_heading(base, kind, stated), kind, places, _bare(base))
    # Text already in words ('more than 52', '£3,342,750'): kept as the page shows it.
    return values, Column(base, "date" if kind == "date" else "text", label=base)


def readable(df: pd.DataFrame, ctx: ExportContext, *, what: str,
             screen: Mapping[str, Any] | None = None) -> DataFile:
    """The frame with headings in words, units and rounding stated, qualifiers and yes/no in
    words, with its title and notes. ``what`` is a chart's subtitle, a table's words, or the
    name a page gave the table; ``screen`` is the page's column settings (label per column)."""
    frame, columns = pd.DataFrame(index=df.index), []
    for name in df.columns:
        values, column = _column(str(name), df[name], (screen or {}).get(name))
        if column.heading in frame.columns:      # two columns with one heading: keep both
            column = replace(column, heading=f"{column.heading} ({_words(str(name))})")
        frame[column.heading] = values
        columns.append(column)
    title = titled(table_title(what, columns, df), ctx)
    return DataFile(frame.reset_index(drop=True), title, tuple(columns), _notes(df, columns))


def table_title(what: str, columns: list[Column], df: pd.DataFrame) -> str:
    """Words for a table: declared for the name a page gave it ("{value} by force" with the
    page's measure), the words themselves, or a name such as 'spend-lines' put into words."""
    if what in TABLE_TITLES:
        figure = next((c.heading for c, n in zip(columns, df.columns, strict=True)
                       if n == "value"), "Figures")
        return TABLE_TITLES[what].format(value=re.sub(r"\s*\(.*\)$", "", figure))
    return what if " " in what else _words(what.replace("-", " "))


def titled(what: str, ctx: ExportContext) -> str:
    """'Arrests by force, Operation Alliances 2025, as at 2 March 2026'. A chart's subtitle
    already names the operation and the date, so it is kept as it is."""
    if f"as at {ctx.as_at_text}" in what:
        return what
    operation = ctx.operation_name or ctx.operation or "all operations"
    return f"{what}, {operation}, as at {ctx.as_at_text}"


def _notes(df: pd.DataFrame, columns: list[Column]) -> tuple[str, ...]:
    notes = [f"{c.label}: rounded to {c.decimals} decimal place{'s' if c.decimals > 1 else ''}."
             for c in columns if c.decimals and c.kind != "gbp"]
    if any(c.kind == "share" for c in columns):
        notes.append("Shares are given as percentages.")
    if any(c.kind == "qualifier" for c in columns):
        notes.append(QUALIFIER_NOTE)
    if any(c.kind != "text" and df[n].isna().any() for c, n in zip(columns, df.columns,
                                                                     strict=True)):
        notes.append("A blank cell means no figure is recorded.")
    return tuple(notes)
