"""The words every data file uses: column headings, units, rounding, qualifier words and titles.

Declared once here and applied by ``exports.readable`` to every table and chart data download,
so a file a briefing team opens reads as the page does: "Force", "Arrests", "Qualifier" with
"at least", rates to two decimal places (said so in the heading), never ``per_1000_offences``
or ``False`` (issue 9, point 7). A column a page labels on screen keeps the page's label; names
not declared here are turned into words by rule (``port_value_recovered_gbp`` → "Port value
recovered (£)"), so no code name can reach a file.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("text", "count", "gbp", "rate", "share", "qualifier", "flag", "date")


@dataclass(frozen=True)
class Heading:
    """How one column is shown in a data file."""

    names: tuple[str, ...]          # column names as frames carry them
    heading: str                    # the words in the file
    kind: str = "text"              # one of KINDS
    decimals: int | None = None     # rounding for rates and shares, stated in the heading


HEADINGS: tuple[Heading, ...] = (
    Heading(("force", "force_name"), "Force"),
    Heading(("force_code",), "Force code"),
    Heading(("region_name", "region"), "Region"),
    Heading(("operation_name",), "Operation"),
    Heading(("port", "port_name"), "Port"),
    Heading(("pillar",), "Pillar"),
    Heading(("label", "measure"), "Measure"),
    Heading(("period",), "Day"),
    Heading(("value",), "Figure", "count"),
    Heading(("qualifier",), "Qualifier", "qualifier"),
    Heading(("text",), "As stated"),
    Heading(("after",), "After the operation week", "flag"),
    Heading(("reported",), "Return received", "flag"),
    Heading(("activity",), "Count measures added together", "count"),
    Heading(("vehicle_offences",), "Recorded vehicle offences (ONS)", "count"),
    Heading(("per_1000_offences", "per_1000"), "Per 1,000 recorded vehicle offences", "rate", 2),
    Heading(("Share spent", "share_spent"), "Share spent (%)", "share", 1),
    Heading(("Forces reporting", "forces"), "Forces reporting", "count"),
    Heading(("destinations",), "Declared destinations"),
    Heading(("published on",), "Published on", "date"),
    Heading(("published",), "Published figure"),
    Heading(("returns",), "Sum of returns"),
)

# A heading holding these words is a rate, shown to two decimal places.
RATE_WORDS = "per 1,000"
RATE_DECIMALS = 2
# Other numbers that are not whole are rounded to this many places, said in the heading.
OTHER_DECIMALS = 2

# The store's qualifier codes in the words the pages use.
QUALIFIER_WORDS = {
    "exact": "exact",
    "at_least": "at least",
    "more_than": "more than",
    "approximately": "about",
    "estimate": "estimate",
    "not_recorded": "not recorded",
}
FLAG_WORDS = {True: "Yes", False: "No"}

QUALIFIER_NOTE = ('Qualifier: "exact" is the figure as stated; "at least" means the force '
                  'stated a minimum ("at least 52", "52+"); "about" an estimate; "not recorded" '
                  "that no figure was given.")

# Titles of the tables pages offer, by the name the page gives the download. "{value}" is the
# heading of the table's figure column (the measure the page shows, e.g. "Arrests").
TABLE_TITLES = {
    "by-force-table": "{value} by force",
    "ports-table": "Containers examined and vehicles recovered, by port",
    "force-operations": "Headline figures for the chosen force in each operation",
    "force-rates": "Figures per 1,000 recorded vehicle offences: the chosen force, its region "
                   "and England and Wales",
    "force-returns": "Returns from the chosen force",
    "force-open-issues": "Open issues in the chosen force's rejected uploads",
    "force-resolved-issues": "Resolved issues in the chosen force's rejected uploads",
    "spend-sources": "Spend lines behind the funding figures",
    "local-operations": "Funded local operations: bids, awards, spend and results",
}
