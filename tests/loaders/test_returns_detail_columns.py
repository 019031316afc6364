"""Detail tables are read column by column, but issues still come row by row, each at its cell."""

from __future__ import annotations

from decimal import Decimal

from tests.golden.kit import errors, parse_edited


def _edited(cells: dict[str, object]):  # type: ignore[no-untyped-def]
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        for ref, value in cells.items():
            wb["Spend"][ref] = value
    return parse_edited("spend-return", edit)


def test_repeated_bad_value_is_named_on_every_row_in_row_order() -> None:
    """The same wrong pillar on two lines is refused on each, row by row, columns left to right."""
    pr = _edited({"B11": "P9", "G11": -5, "B12": "P9", "G12": "abc"})
    assert [(i.row, i.column) for i in errors(pr)] == [(11, "B"), (11, "G"), (12, "B"), (12, "G")]


def test_plain_amounts_read_as_exact_pence() -> None:
    """Ordinary amounts typed as numbers are stored as the Decimal the person sees."""
    pr = _edited({"G11": 12.5, "G12": 100.0})
    amounts = pr.details["spend_line"]["amount_gbp"].tolist()
    assert amounts[:2] == [Decimal("12.5"), Decimal("100")] and errors(pr) == []


def test_third_decimal_place_still_refused() -> None:
    """An amount with a third decimal place is refused at its cell, not rounded."""
    pr = _edited({"G12": 1.234})
    assert [(i.code, i.row, i.column) for i in errors(pr)] == [("bad-number", 12, "G")]
