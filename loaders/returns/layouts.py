"""What each return looks like: sheets, header fields and table columns, declared once.

The template writer (``loaders/templates/build.py``) lays these out and the readers
(``loaders/returns/parse.py``) find them again, so a template and its loader cannot drift apart.
Headers are matched through ``aliases`` after normalising case, spacing and punctuation
(see ``normalise_header``); columns are never matched by position.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

Kind = Literal["text", "code", "count", "money", "date", "qualifier", "force", "port", "pillar",
               "operation", "grant", "category", "status", "result"]

RETURN_KINDS = ("force-return", "ports-return", "spend-return")

QUALIFIERS = {
    # label shown in the dropdown → stored code
    "exact": "exact",
    "at least": "at_least",
    "approximately": "approximately",
    "estimate": "estimate",
}

SPEND_CATEGORIES = (
    "Overtime", "Rest-day working", "Equipment", "Hire", "Training", "Prevention products",
    "Port examination fees", "Recovery and storage", "Events", "Staff", "Other",
)
VEHICLE_STATUSES = ("Confirmed stolen", "Suspected stolen")
CONTAINER_RESULTS = ("Positive", "Negative")
VEHICLE_TYPES = ("Car", "Van", "Motorcycle", "HGV", "Plant", "Agricultural", "Caravan", "Other")


@dataclass(frozen=True)
class Field:
    """A labelled value in the header block of a return sheet: label in column A, value in B."""

    key: str
    label: str
    kind: Kind
    required: bool = True
    aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    required: bool = True             # the column must be present
    aliases: tuple[str, ...] = ()
    help: str = ""
    width: int = 14


@dataclass(frozen=True)
class Table:
    """A table on a sheet: a header row (found by its names) and one record per row below it."""

    name: str                         # store table it feeds: value | vehicle | container | spend_line
    sheet: str
    columns: tuple[Column, ...]
    required_sheet: bool = True
    sheet_aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Layout:
    kind: str
    version: str                      # written to the hidden sheet '_layout', cell A1
    title: str
    fields: tuple[Field, ...]         # header block on the first table's sheet
    tables: tuple[Table, ...]
    readme: tuple[str, ...] = field(default=())


LAYOUT_SHEET = "_layout"              # very hidden; holds the version marker
LISTS_SHEET = "_lists"                # very hidden; holds the dropdown lists
README_SHEET = "README"
HEADER_SEARCH_ROWS = 30               # the header row is looked for within the first rows only

# Force return: the measure table is wide — one row per measure, a column per day of the
# operation (headers are the dates), then 'After the week', 'Total', 'Qualifier', 'Notes'.
# Day columns are not declared here because they depend on the operation's dates.
FORCE_RETURN = Layout(
    kind="force-return",
    version="force-return/1",
    title="Force return",
    fields=(
        Field("operation", "Operation", "operation", aliases=("operation code", "op")),
        Field("force", "Force", "force", aliases=("police force", "force name", "submitter")),
        Field("data_as_of", "Figures as at", "date",
              aliases=("figures as of", "data as at", "as at", "as of", "data as of"),
              help="The date your figures are correct to (day/month/year)."),
        Field("contact", "Contact name and email", "text", required=False,
              aliases=("contact", "contact name", "completed by")),
    ),
    tables=(
        Table(
            name="value",
            sheet="Return",
            sheet_aliases=("Force return", "Results", "Figures"),
            columns=(
                Column("code", "Code", "code", aliases=("measure code", "ref"), width=20),
                Column("measure", "Measure", "text", aliases=("measure name", "indicator", "metric"),
                       width=44),
                Column("pillar", "Pillar", "text", required=False, width=8),
                Column("unit", "Unit", "text", required=False, width=8),
                Column("after_week", "After the week", "count", required=False,
                       aliases=("after week", "since the week", "follow up", "follow-up"),
                       help="Results since the week ended (for example later arrests), cumulative."),
                Column("total", "Total", "count", aliases=("week total", "total to date", "overall"),
                       help="Days plus 'After the week'. Leave blank to have it added up for you."),
                Column("qualifier", "Qualifier", "qualifier", required=False,
                       aliases=("accuracy", "exact or estimate", "qualification")),
                Column("notes", "Notes", "text", required=False, aliases=("comments", "note"),
                       width=40),
            ),
        ),
        Table(
            name="vehicle",
            sheet="Vehicles",
            required_sheet=False,
            sheet_aliases=("Recovered vehicles", "Vehicles recovered"),
            help="One row per stolen vehicle recovered. Optional, but it lets us avoid double counting.",
            columns=(
                Column("recovered_on", "Date recovered", "date", aliases=("date", "recovered")),
                Column("vehicle_type", "Type", "text", required=False, aliases=("vehicle type",)),
                Column("make", "Make", "text", required=False),
                Column("model", "Model", "text", required=False),
                Column("status", "Status", "status", aliases=("stolen status",)),
                Column("value_gbp", "Value (£)", "money", required=False,
                       aliases=("value", "value gbp", "estimated value")),
                Column("note", "Notes", "text", required=False, aliases=("comments",), width=40),
            ),
        ),
    ),
)

PORTS_RETURN = Layout(
    kind="ports-return",
    version="ports-return/1",
    title="NaVCIS ports return",
    fields=(
        Field("operation", "Operation", "operation", aliases=("operation code",)),
        Field("data_as_of", "Figures as at", "date",
              aliases=("figures as of", "data as at", "as at", "as of")),
        Field("contact", "Contact name and email", "text", required=False,
              aliases=("contact", "completed by")),
    ),
    tables=(
        Table(
            name="value",
            sheet="Ports",
            sheet_aliases=("Port activity", "Return"),
            help="One row per port. Figures are cumulative for the operation so far.",
            columns=(
                Column("port", "Port", "port", width=20),
                Column("containers_profiled", "Containers profiled", "count"),
                Column("containers_examined", "Containers examined", "count"),
                Column("containers_positive", "Containers positive", "count",
                       aliases=("positive containers",)),
                Column("roro_checks", "RoRo vehicles checked", "count", required=False,
                       aliases=("roro checks",)),
                Column("port_vehicles_recovered", "Vehicles recovered", "count"),
                Column("port_value_recovered_gbp", "Value recovered (£)", "money",
                       aliases=("value recovered", "value of vehicles recovered")),
                Column("port_parts_value_gbp", "Parts value (£)", "money", required=False,
                       aliases=("parts value",)),
                Column("port_costs_gbp", "Costs (£)", "money", required=False,
                       aliases=("costs", "examination costs")),
                Column("qualifier", "Qualifier", "qualifier", required=False),
                Column("notes", "Notes", "text", required=False, width=40),
            ),
        ),
        Table(
            name="container",
            sheet="Containers",
            required_sheet=False,
            columns=(
                Column("container_ref", "Container", "text", aliases=("container ref",
                       "container number")),
                Column("port", "Port", "port"),
                Column("examined_on", "Date examined", "date", aliases=("date",)),
                Column("destination", "Declared destination", "text", required=False,
                       aliases=("destination", "destination country")),
                Column("result", "Result", "result"),
                Column("vehicles_found", "Vehicles found", "count", required=False),
                Column("value_gbp", "Value (£)", "money", required=False, aliases=("value",)),
                Column("note", "Notes", "text", required=False, width=40),
            ),
        ),
        Table(
            name="vehicle",
            sheet="Vehicles",
            required_sheet=False,
            columns=(
                Column("recovered_on", "Date recovered", "date", aliases=("date",)),
                Column("port", "Port", "port"),
                Column("container_ref", "Container", "text", required=False),
                Column("vehicle_type", "Type", "text", required=False),
                Column("make", "Make", "text", required=False),
                Column("model", "Model", "text", required=False),
                Column("status", "Status", "status"),
                Column("origin_force", "Origin force", "force", required=False,
                       help="The force the vehicle was stolen from, when known."),
                Column("value_gbp", "Value (£)", "money", required=False, aliases=("value",)),
                Column("note", "Notes", "text", required=False, width=40),
            ),
        ),
    ),
)

SPEND_RETURN = Layout(
    kind="spend-return",
    version="spend-return/1",
    title="Spend return",
    fields=(
        Field("grant_ref", "Grant", "grant", aliases=("grant ref", "grant reference")),
        Field("recipient", "Recipient", "text",
              aliases=("organisation", "force", "grant recipient"),
              help="Your force or organisation, as in the allocation letter."),
        Field("period", "Financial year", "text", aliases=("period", "year"),
              help="For example 2025-26."),
        Field("data_as_of", "Figures as at", "date", aliases=("as at", "figures as of")),
        Field("contact", "Contact name and email", "text", required=False, aliases=("contact",)),
    ),
    tables=(
        Table(
            name="spend_line",
            sheet="Spend",
            sheet_aliases=("Spend lines", "Expenditure"),
            help="One row per item of additional spend. Only additional costs count.",
            columns=(
                Column("spent_on", "Date", "date", aliases=("date of spend", "spent on")),
                Column("pillar", "Pillar", "pillar", aliases=("strategy pillar",)),
                Column("operation", "Operation", "operation", required=False),
                Column("allocation_ref", "Allocation", "text", required=False,
                       aliases=("allocation ref",)),
                Column("category", "Category", "category", aliases=("type of spend",)),
                Column("description", "Description", "text", required=False, width=40),
                Column("amount_gbp", "Amount (£)", "money", aliases=("amount", "cost", "spend")),
            ),
        ),
    ),
)

LAYOUTS = {layout.kind: layout for layout in (FORCE_RETURN, PORTS_RETURN, SPEND_RETURN)}

_SPACES = re.compile(r"[\s_]+")
_FOOTNOTE = re.compile(r"(?<=[a-z\)])\d+(,\d+)*$")


def normalise_header(text: object) -> str:
    """Case-, space- and punctuation-insensitive form used to match headers and labels.

    'Value (£) ', 'value  (£)' and 'VALUE (£)' all give 'value (£)'. Zero-width and other
    format characters are dropped (SECURITY.md row 21).
    """
    # Detail sheets repeat the same few words (categories, pillars) on every row: 100,000-row
    # returns spent most of their parse time here before the cache.
    if isinstance(text, str):
        return _normalise_text(text)
    return _normalise_text(str(text or ""))


@lru_cache(maxsize=65_536)
def _normalise_text(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) not in ("Cf", "Cc"))
    s = _SPACES.sub(" ", s).strip().lower().replace("&", "and")
    return s.rstrip(":*").strip()


def header_names(column: Column | Field) -> set[str]:
    """Every normalised name a column or field may go by."""
    label = column.header if isinstance(column, Column) else column.label
    return {normalise_header(n) for n in (label, column.key, *column.aliases)}
