"""The header block of a return: operation, force, 'Figures as at', grant, recipient, period.

Labels are found by ``layouts`` names in the rows above the table; each value is checked here
and copied onto the ``ParsedReturn``. The long-form CSV states the same fields on every line;
they must agree.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from loaders.returns import cells
from loaders.returns.details import At, date_cell, force_cell, identifier_ok, operation_cell
from loaders.returns.layouts import Layout, normalise_header
from loaders.returns.records import ParsedReturn, Sheet
from loaders.returns.tables import (
    Context,
    Header,
    cell,
    did_you_mean,
    is_blank,
    read_fields,
    suggest,
)

_PERIOD = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$")


def apply_fields(layout: Layout, sheet: Sheet, stop: int, ctx: Context,
                 pr: ParsedReturn) -> None:
    """Read every header field above row ``stop`` (0-based) and check it."""
    found = read_fields(sheet, layout.fields, stop)
    ordered = sorted(layout.fields, key=lambda f: f.key != "operation")
    for fld in ordered:
        got = found.get(fld.key)
        if got is None or cells.reads_as_blank(got.raw):
            if fld.required:
                raw = got.raw if got else ""
                where = (f"next to the label {got.label!r}" if got else
                         f"in column B, with {fld.label!r} in column A, above the table")
                ctx.error("field-missing", f"{fld.label!r} is missing"
                          f"{cells.not_recorded_note(raw)}. Enter it {where}.",
                          sheet.name, got.row if got else None, got.col if got else None,
                          fld.label, None if is_blank(raw) else raw)
            continue
        field_value(fld.key, got.raw, At(sheet.name, got.row, got.col, got.label), ctx, pr)


def field_value(key: str, raw: Any, at: At, ctx: Context, pr: ParsedReturn) -> None:
    """Check one header value and set it on ``pr``."""
    if key == "operation":
        pr.operation = ctx.operation = operation_cell(ctx, at, raw)
        window = ctx.op_window()
        ctx.date_floor = window[0] if window else None
    elif key == "force":
        pr.submitter = force_cell(ctx, at, raw)
        _expected(pr, at, raw, ctx)
    elif key == "data_as_of":
        pr.data_as_of = as_of(ctx, at, raw)
    elif key == "grant_ref":
        pr.grant_ref = grant(ctx, at, raw)
    elif key == "recipient":
        pr.submitter = recipient(ctx, at, raw)
    elif key == "period":
        pr.period = period(ctx, at, raw)
        if pr.period:
            ctx.date_floor = date(int(pr.period[:4]), 4, 1)
    elif key == "contact":
        pr.contact = cells.clean_text(raw) or None


def as_of(ctx: Context, at: At, raw: Any) -> date | None:
    """'Figures as at': a date, not before the operation began and not in the future."""
    day = date_cell(ctx, at, raw)
    window = ctx.op_window()
    if day and window and day < window[0]:
        ctx.error("date-before-operation", f"'Figures as at' {day:%d/%m/%Y} is before the "
                  f"operation began on {window[0]:%d/%m/%Y}. Enter the date your figures are "
                  "correct to.", at.sheet, at.row, at.col, at.header, raw)
        return None
    if day and day > ctx.today:
        ctx.error("date-in-future", f"'Figures as at' {day:%d/%m/%Y} is in the future. Enter "
                  "the date your figures are correct to (today or earlier).",
                  at.sheet, at.row, at.col, at.header, raw)
        return None
    return day


def _expected(pr: ParsedReturn, at: At, raw: Any, ctx: Context) -> None:
    expected = getattr(ctx.ref, "expected", {}).get(pr.operation) if pr.operation else None
    if pr.submitter and expected and pr.submitter not in expected:
        ctx.warn("force-not-expected", f"{cells.clean_text(raw)!r} is not on the list of forces "
                 f"expected to send a return for {pr.operation}. Check the operation and force.",
                 at.sheet, at.row, at.col, at.header, raw)


def grant(ctx: Context, at: At, raw: Any) -> str | None:
    if not identifier_ok(ctx, at, raw):
        return None
    text = cells.clean_text(raw).upper()
    if text in ctx.ref.grants:
        return text
    ctx.error("unknown-grant", f"{cells.clean_text(raw)!r} is not a grant we know."
              f"{did_you_mean(suggest(text, list(ctx.ref.grants)))} Pick the grant from the "
              "dropdown list.", at.sheet, at.row, at.col, at.header, raw)
    return None


def recipient(ctx: Context, at: At, raw: Any) -> str | None:
    """A force (→ its code) or another organisation (→ a lower-case slug such as 'navcis')."""
    if not identifier_ok(ctx, at, raw):
        return None
    code = ctx.ref.matcher.resolve(raw)
    if code:
        return code
    slug = re.sub(r"[^a-z0-9]+", "-", normalise_header(raw)).strip("-")
    return slug or None


def period(ctx: Context, at: At, raw: Any) -> str | None:
    """A UK financial year: '2025-26' (also '2025/26', '2025-2026')."""
    text = cells.clean_text(raw)
    m = _PERIOD.match(text)
    if m:
        start, end = int(m.group(1)), int(m.group(2)[-2:])
        if (start + 1) % 100 == end:
            return f"{start}-{end:02d}"
    ctx.error("bad-period", f"{text!r} is not a financial year. Write it as 2025-26 (April 2025 "
              "to March 2026).", at.sheet, at.row, at.col, at.header, raw)
    return None


def long_form_field(sheet: Sheet, r: int, key: str, header: Header, ctx: Context,
                    pr: ParsedReturn, first: dict[str, tuple[str, int]]) -> None:
    """A field stated on a CSV line: checked on the first line, the same on every other."""
    col = header.columns.get(key)
    if col is None:
        return
    raw = cell(sheet.rows[r], col)
    at = At(sheet.name, r, col, header.names.get(key, key))
    if cells.reads_as_blank(raw):
        ctx.error("field-missing", f"{at.header!r} is blank{cells.not_recorded_note(raw)}. "
                  "Fill it in on every line.", at.sheet, at.row, at.col, at.header,
                  None if is_blank(raw) else raw)
        return
    text = normalise_header(raw)
    if key not in first:
        first[key] = (text, r)
        field_value(key, raw, at, ctx, pr)
    elif first[key][0] != text:
        ctx.error("mixed-return", f"{at.header!r} differs from line {first[key][1] + 1}. One "
                  "file holds one force's return for one operation: split it into one file per "
                  "return.", at.sheet, at.row, at.col, at.header, raw)
