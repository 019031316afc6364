"""Returns and their figures named in words, never by key (issue 9).

"Kent's force return for Operation Alliances 2025, version 3", not ``OA2025:kent:force-return``;
"Arrests" on "13 October 2025", "Containers examined" at "Felixstowe", "Spend line: Overtime
(P2)" — and never "None". Read from the reference data the readers already have
(``loaders.reference.snapshot.Reference``); a code not found there is shown as written,
never dropped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

KIND_WORDS = {"force-return": "force return", "ports-return": "ports return",
              "spend-return": "spend return"}
OTHER_SUBMITTERS = {"navcis": "NaVCIS"}
DETAIL_WORDS = {"spend_line": "Spend line", "vehicle": "Vehicle", "container": "Container"}


def day_words(day: date | str | None) -> str:
    """'13 October 2025' from a date or an ISO date; '' for none."""
    if day is None or day == "":
        return ""
    when = date.fromisoformat(day) if isinstance(day, str) else day
    return f"{when.day} {when:%B %Y}"


def submitter_name(ref: Any, code: str | None) -> str:
    """A force's short name ('Kent'), 'NaVCIS', or another recipient's code in words."""
    if not code:
        return "an unnamed submitter"
    force = getattr(ref, "forces", {}).get(code)
    if force:
        return str(force.get("short_name") or force.get("name") or code)
    return OTHER_SUBMITTERS.get(code, code.replace("-", " "))


def possessive(name: str) -> str:
    """"Kent's", "NaVCIS's", "West Midlands'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def operation_name(ref: Any, code: str | None) -> str:
    operation = getattr(ref, "operations", {}).get(code) if code else None
    return str(operation["name"]) if operation else (code or "an unnamed operation")


def grant_name(ref: Any, code: str | None) -> str:
    """'Grant 2' from 'Grant 2: prevention, ports operations, …'; the code when unknown."""
    grant = getattr(ref, "grants", {}).get(code) if code else None
    if not grant:
        return f"grant {code}" if code else "an unnamed grant"
    return str(grant["name"]).split(":", 1)[0]


def return_name(ref: Any, kind: str | None, *, operation: str | None = None,
                submitter: str | None = None, grant_ref: str | None = None,
                period: str | None = None, version: int | None = None) -> str:
    """"Kent's force return for Operation Alliances 2025, version 3";
    "South Yorkshire's spend return for Grant 2, 2025-26"."""
    what = KIND_WORDS.get(kind or "", "return")
    if kind == "spend-return":
        about = f"{grant_name(ref, grant_ref)}" + (f", {period}" if period else "")
    else:
        about = operation_name(ref, operation)
    text = f"{possessive(submitter_name(ref, submitter))} {what} for {about}"
    return f"{text}, version {version}" if version else text


def parsed_name(ref: Any, parsed: Any, version: int | None = None) -> str:
    """``return_name`` of a ``ParsedReturn`` (or anything with the same attributes)."""
    return return_name(ref, parsed.kind, operation=parsed.operation, submitter=parsed.submitter,
                       grant_ref=parsed.grant_ref, period=parsed.period, version=version)


def measure_label(ref: Any, code: str | None) -> str:
    measure = getattr(ref, "measures", {}).get(code) if code else None
    return str(measure["label"]) if measure else (code or "")


def port_name(ref: Any, code: str | None) -> str:
    return str(getattr(ref, "ports", {}).get(code, code)) if code else ""


def figure_words(ref: Any, change: dict[str, Any]) -> tuple[str, str]:
    """(what the figure is, which day or port): ('Arrests', 'Total'), ('Arrests',
    '13 October 2025'), ('Containers examined', 'Felixstowe'), ('Spend line: Overtime (P2)',
    '14 October 2025'). Neither is ever 'None'."""
    table = change.get("table", "value")
    if table == "value":
        place = port_name(ref, change.get("port")) or day_words(change.get("day")) or "Total"
        return measure_label(ref, change.get("measure")), place
    row = change.get("detail") or {}
    if table == "spend_line":
        words = ", ".join(str(row[k]) for k in ("category", "description") if row.get(k))
        tags = ", ".join(str(row[k]) for k in ("pillar", "operation", "allocation_ref")
                         if row.get(k))
        label = f"Spend line: {words}" + (f" ({tags})" if tags else "")
        return label, day_words(row.get("spent_on")) or "no date given"
    if table == "vehicle":
        words = " ".join(str(row[k]) for k in ("make", "model") if row.get(k))
        kind = str(row.get("vehicle_type") or "vehicle").lower()
        status = f", {row['status']}" if row.get("status") else ""
        place = ", ".join(p for p in (day_words(row.get("recovered_on")),
                                      port_name(ref, row.get("port"))) if p)
        return f"Vehicle: {words or kind}{status}", place or "no date given"
    ref_text = row.get("container_ref") or "without a number"
    place = ", ".join(p for p in (port_name(ref, row.get("port")),
                                  day_words(row.get("examined_on"))) if p)
    return f"Container {ref_text}", place or "no port given"
