"""Plausibility queries on hand-built histories (issue 11, part 1): each rule pinned by its
threshold, the same-stage rule, the floor, and need to know.

Every store here is fresh: reference data only, then the returns each test loads through the
real ingest, so each expected message is worked out by hand from the figures given.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from ingest_kit import force_return

from loaders.ingest.plausibility import CODE, THRESHOLDS, _amount
from loaders.ingest.upload import IngestResult, ingest_file
from loaders.reference.snapshot import Reference
from loaders.returns.issues import Issue, has_errors
from metrics.format import fmt_value
from store.settings import Settings
from store.submissions import upload_issue_rows
from ui.auth import User

ANALYST = User(name="kent-desk", role="analyst", forces=("kent",))
ADVICE = "Check for a typing slip; if the figure is right, confirm it with a reason."
# Operation Alliances 2024 started on 16 September 2024 and 2025 on 13 October 2025: returns
# stated 14 days in are at the same stage.
OA2024_DAY_14, OA2025_DAY_14 = date(2024, 9, 30), date(2025, 10, 27)
REQUIRED = {"arrests": 0, "vehicles_recovered": 0, "value_recovered_gbp": 0}


def _load(con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, path: Path,
          **options: object) -> IngestResult:
    result = ingest_file(con, path, user="ann", settings=config, ref=ref, **options)  # type: ignore[arg-type]
    assert result.outcome in ("accepted", "needs_confirmation", "checked"), result.issues
    return result


def _kent(con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path,
          name: str, figures: dict[str, object], *, operation: str = "OA2025",
          as_of: date = OA2025_DAY_14, **options: object) -> IngestResult:
    path = force_return(tmp_path / f"{name}.xlsx", ref, {**REQUIRED, **figures}, force="kent",
                        operation=operation, as_of=as_of)
    return _load(con, ref, config, path, **options)


def _queries(result: IngestResult) -> list[Issue]:
    return [i for i in result.issues if i.severity == "query"]


def test_more_than_five_times_the_earlier_figure_is_queried(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Kent had 12 arrests 14 days into 2024; 61 arrests 14 days into 2025 is more than 5 × 12
    = 60: one query naming the cell, the value and the comparison, in the product's words."""
    _kent(con, ref, config, tmp_path, "2024", {"arrests": 12}, operation="OA2024",
          as_of=OA2024_DAY_14)
    result = _kent(con, ref, config, tmp_path, "2025", {"arrests": 61}, dry_run=True)
    [query] = _queries(result)
    assert (query.code, query.severity, query.sheet, query.column, query.header, query.value) == (
        CODE, "query", "Return", "M", "Total", "61")
    assert query.row is not None and query.row > 1
    assert query.message == (
        "61 arrests is more than 5 times Kent's largest earlier figure at the same stage (12 in "
        f"Operation Alliances 2024, 14 days in). {ADVICE}")


def test_five_times_exactly_is_not_queried(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """60 arrests against 12 is 5 times, not more: no query."""
    _kent(con, ref, config, tmp_path, "2024", {"arrests": 12}, operation="OA2024",
          as_of=OA2024_DAY_14)
    assert _queries(_kent(con, ref, config, tmp_path, "2025", {"arrests": 60}, dry_run=True)) == []


def test_compared_at_the_same_stage_not_with_the_latest_version(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Kent's 2024 return said 12 arrests 14 days in and 40 by New Year: a 2025 return 14 days
    in is compared with the 12 (as-at rule), so 70 is queried although 70 < 5 × 40."""
    _kent(con, ref, config, tmp_path, "2024", {"arrests": 12}, operation="OA2024",
          as_of=OA2024_DAY_14)
    _kent(con, ref, config, tmp_path, "2024b", {"arrests": 40}, operation="OA2024",
          as_of=date(2024, 12, 31))
    [query] = _queries(_kent(con, ref, config, tmp_path, "2025", {"arrests": 70}, dry_run=True))
    assert "(12 in Operation Alliances 2024, 14 days in)" in query.message
    later = _kent(con, ref, config, tmp_path, "2025-late", {"arrests": 70},
                  as_of=date(2026, 1, 27), dry_run=True)
    assert _queries(later) == []   # 106 days in: compared with the 40, and 70 < 200


def test_small_figures_are_never_queried(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """0 → 3 arrests, and 0 → 50 (an earlier figure below 10 counts as 10, so up to 50 passes)
    are not queried; 0 → 51 is. Money likewise: £0 → £25,000 passes, £25,001 does not."""
    _kent(con, ref, config, tmp_path, "2024", {"arrests": 0, "cash_seized_gbp": 0},
          operation="OA2024", as_of=OA2024_DAY_14)
    for arrests, cash in ((3, 300), (50, 25_000)):
        result = _kent(con, ref, config, tmp_path, f"small-{arrests}",
                       {"arrests": arrests, "cash_seized_gbp": cash}, dry_run=True)
        assert _queries(result) == [], (arrests, cash)
    result = _kent(con, ref, config, tmp_path, "big", {"arrests": 51, "cash_seized_gbp": 25_001},
                   dry_run=True)
    assert [q.value for q in _queries(result)] == ["51", "25001"]
    assert _queries(result)[1].message.startswith(
        "£25,001 (cash seized) is more than 5 times Kent's largest earlier figure at the same "
        "stage (£0 in Operation Alliances 2024, 14 days in).")
    assert THRESHOLDS.history_limit(0, "count") == 50 and THRESHOLDS.history_limit(0, "gbp") == 25_000


def test_an_unchanged_figure_is_not_queried_again(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A queried figure saved once is not queried again when a new version restates it."""
    _kent(con, ref, config, tmp_path, "2024", {"arrests": 12}, operation="OA2024",
          as_of=OA2024_DAY_14)
    first = _kent(con, ref, config, tmp_path, "v1", {"arrests": 61})
    assert first.outcome == "accepted" and len(_queries(first)) == 1
    second = _kent(con, ref, config, tmp_path, "v2", {"arrests": 61, "warrants": 2},
                   as_of=date(2025, 10, 28))
    assert second.outcome == "accepted" and _queries(second) == []


def _others(con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path,
            forces: tuple[str, ...]) -> None:
    for force in forces:
        path = force_return(tmp_path / f"{force}.xlsx", ref, {**REQUIRED, "arrests": 10}, force=force,
                            as_of=OA2025_DAY_14)
        assert _load(con, ref, config, path).outcome == "accepted"


FIVE = ("essex", "surrey", "sussex", "norfolk", "suffolk")


def _rate(con: duckdb.DuckDBPyConnection, force: str, value: float) -> float:
    offences = con.execute("SELECT vehicle_offences FROM recorded_crime WHERE force_code = ? "
                           "ORDER BY period DESC LIMIT 1", [force]).fetchall()[0][0]
    return value * 1000 / offences


def test_a_rate_far_above_every_other_force_is_queried(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Five other forces sent 10 arrests each; Kent, with no earlier return, sends enough arrests
    for a rate per 1,000 recorded vehicle offences just over 3 times the highest of theirs."""
    _others(con, ref, config, tmp_path, FIVE)
    top_force = max(FIVE, key=lambda f: _rate(con, f, 10))
    top = _rate(con, top_force, 10)
    limit = _rate(con, "kent", 1) ** -1 * 3 * top     # the arrests that make 3 × top
    over, at = int(limit) + 1, int(limit)
    assert _queries(_kent(con, ref, config, tmp_path, "at", {"arrests": at}, dry_run=True)) == []
    [query] = _queries(_kent(con, ref, config, tmp_path, "over", {"arrests": over}, dry_run=True))
    short = ref.forces[top_force]["short_name"]
    assert query.message == (
        f"{over} arrests is {_rate(con, 'kent', over):.1f} per 1,000 vehicle offences recorded "
        "in Kent, more than 3 times the highest rate of the other 5 forces in Operation "
        f"Alliances 2025 ({top:.1f}, {short}). {ADVICE}")


def test_the_rate_rule_needs_five_other_forces(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """With four other forces' returns, even a rate 20 times theirs is not queried."""
    _others(con, ref, config, tmp_path, FIVE[:4])
    assert THRESHOLDS.min_compared_forces == 5
    assert _queries(_kent(con, ref, config, tmp_path, "kent", {"arrests": 900}, dry_run=True)) == []


def test_a_restricted_operation_is_never_named_or_compared(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """Kent's return for a restricted earlier week (52 arrests at the same stage) is left out:
    Kent's analyst, not granted it, is queried against 2024's 12 only, and nothing names the
    restricted week or its figure."""
    con.execute("INSERT INTO operation (code, name, kind, start_date, end_date, returns_due, "
                "lead, restricted, description) VALUES ('OX2023', 'Operation Nightjar', "
                "'week-of-action', DATE '2023-09-18', DATE '2023-09-24', DATE '2023-10-02', "
                "'Opal', TRUE, 'A restricted week')")
    ref = Reference.from_db(con)
    _kent(con, ref, config, tmp_path, "2023", {"arrests": 52}, operation="OX2023",
          as_of=date(2023, 10, 2))
    _kent(con, ref, config, tmp_path, "2024", {"arrests": 12}, operation="OA2024",
          as_of=OA2024_DAY_14)
    path = force_return(tmp_path / "2025.xlsx", ref, {**REQUIRED, "arrests": 240}, force="kent",
                        as_of=OA2025_DAY_14)
    result = ingest_file(con, path, user=ANALYST.name, settings=config, ref=ref,
                         submitter=ANALYST, confirm_replace=False, confirm_queries=frozenset())
    assert result.outcome == "needs_confirmation"
    [query] = _queries(result)
    assert "(12 in Operation Alliances 2024, 14 days in)" in query.message
    words = result.message + " ".join(i.message for i in result.issues)
    assert "Nightjar" not in words and "OX2023" not in words and "52" not in words


def test_a_query_is_not_an_error(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """The command line saves a queried figure and keeps the query as an issue of the upload."""
    _kent(con, ref, config, tmp_path, "2024", {"arrests": 12}, operation="OA2024",
          as_of=OA2024_DAY_14)
    result = _kent(con, ref, config, tmp_path, "2025", {"arrests": 61})
    assert result.outcome == "accepted" and not has_errors(result.issues)
    assert "Query: 1 figure is far from what is usual and was saved as stated" in result.message
    stored = [i for i in upload_issue_rows(con, result.upload_id or 0) if i["severity"] == "query"]
    assert [(i["code"], i["value"]) for i in stored] == [(CODE, "61")]


def test_browser_path_saves_only_with_a_reason(
        con: duckdb.DuckDBPyConnection, ref: Reference, config: Settings, tmp_path: Path) -> None:
    """A first version with a query: not saved unconfirmed, nor confirmed without a reason;
    saved once confirmed with one, and the reason audited."""
    _kent(con, ref, config, tmp_path, "2024", {"arrests": 12}, operation="OA2024",
          as_of=OA2024_DAY_14)
    path = force_return(tmp_path / "2025.xlsx", ref, {**REQUIRED, "arrests": 61}, force="kent",
                        as_of=OA2025_DAY_14)

    def upload(**consent: object) -> IngestResult:
        return ingest_file(con, path, user=ANALYST.name, settings=config, ref=ref,
                           submitter=ANALYST, confirm_replace=True, **consent)  # type: ignore[arg-type]

    first = upload(confirm_queries=frozenset())
    assert first.outcome == "needs_confirmation" and first.version == 1
    assert "1 figure is far from what is usual" in first.message
    assert upload(confirm_queries=first.query_keys(), query_reason="  ").outcome == \
        "needs_confirmation"
    saved = upload(confirm_queries=first.query_keys(), query_reason="Kent confirmed by phone")
    assert saved.outcome == "accepted" and saved.version == 1
    assert "1 figure queried and confirmed: “Kent confirmed by phone”." in saved.message
    audited = con.execute("SELECT who, json_extract_string(detail, '$.reason'), "
                          "json_extract(detail, '$.upload_id')::BIGINT, "
                          "json_extract_string(detail, '$.queries[0].value') FROM audit "
                          "WHERE action = 'query_confirmed'").fetchall()
    assert audited == [("kent-desk", "Kent confirmed by phone", saved.upload_id, "61")]


@pytest.mark.parametrize(("value", "unit"), [(1234, "count"), (3342750, "gbp"), (12.5, "gbp"),
                                             (0, "gbp"), (25001, "gbp")])
def test_figures_in_messages_follow_the_number_style(value: float, unit: str) -> None:
    """Query messages write figures as metrics.format does: 1,234, £3,342,750, £12.50."""
    assert _amount(value, unit) == fmt_value(value, unit)
