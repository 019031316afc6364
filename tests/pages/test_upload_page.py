"""The upload page (AppTest with real files and a real database) and ui.uploads' helpers."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from loaders.reference.snapshot import Reference
from loaders.templates.build import Fill, MeasureFill, build_template
from store.connection import lock_down, open_db
from store.reference import load_reference
from store.settings import DEMO_DIR
from ui import uploads
from ui.auth import User

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/5_Upload_returns.py"
XLSX = uploads.XLSX_MIME
BAD = next((DEMO_DIR / "rejected").glob("*cleveland_negative-and-fractional.xlsx"))


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Caches are keyed on the data version, which two test databases can share; AppTest
    leaves its page installed as __main__, which later tests should not inherit."""
    main = sys.modules["__main__"]
    st.cache_data.clear()
    yield
    st.cache_data.clear()
    sys.modules["__main__"] = main


def force_return(force: str = "south-yorkshire", arrests: int = 32,
                 **more: object) -> bytes:
    """A filled OA2025 force return built from the product's template."""
    con = open_db(":memory:")
    load_reference(con)
    fill = Fill(data_as_of=date(2025, 10, 27), operation="OA2025", force=force,
                contact="Test desk", values={
                    "arrests": MeasureFill(total=arrests), "vehicles_recovered": MeasureFill(total=9),
                    "value_recovered_gbp": MeasureFill(total=120000),
                    **{code: MeasureFill(total=value) for code, value in more.items()}})
    buffer = io.BytesIO()
    build_template("force-return", Reference.from_db(con), fill=fill).save(buffer)
    con.close()
    return buffer.getvalue()


def open_page(page: str = PAGE) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="files").upload(name, data, XLSX).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def count(db: Path, sql: str) -> int:
    """Through the app's own shared connection: DuckDB allows one configuration per file."""
    from ui.connection import shared_connection

    return int(shared_connection(str(db)).cursor().execute(sql).fetchall()[0][0])


@pytest.mark.slow
def test_bad_file_is_rejected_with_located_issues(empty_db: Path) -> None:
    """A file with negative and fractional counts is rejected; its issues are listed by cell."""
    at = upload(open_page(), BAD.name, BAD.read_bytes())
    assert any("was not loaded" in e.value for e in at.error)
    issues = at.dataframe[0].value
    assert list(issues.columns) == uploads.ISSUE_COLUMNS
    assert set(zip(issues["Row"], issues["Column"], strict=True)) == {
        (18, "G"), (18, "M"), (21, "G"), (21, "M")}
    assert any(b.label.startswith("Download the file with its problems")
               for b in at.get("download_button"))


@pytest.mark.slow
def test_good_file_is_accepted_and_the_tracker_shows_it(empty_db: Path) -> None:
    """An accepted first return is saved at once and the tracker counts it as held."""
    at = upload(open_page(), "south-yorkshire.xlsx", force_return())
    assert any("first version" in s.value for s in at.success)
    assert count(empty_db, "SELECT count(*) FROM submission") == 1
    tracker = open_page("pages/4_Returns_tracker.py")
    assert next(m.value for m in tracker.metric if m.label == "Returns held") == "1 of 37"


@pytest.mark.slow
def test_replacement_waits_for_confirmation(empty_db: Path) -> None:
    """A file replacing a held version shows what changes and saves only when confirmed."""
    upload(open_page(), "v1.xlsx", force_return(arrests=32))
    at = upload(open_page(), "v2.xlsx", force_return(arrests=40))
    assert any("would replace version 1" in w.value for w in at.warning)
    changes = at.dataframe[0].value
    assert list(changes.columns) == ["Figure", "Day or port", "Was", "Becomes"]
    assert list(changes["Figure"]) == ["Arrests"] and list(changes["Day or port"]) == ["Total"]
    assert (changes["Was"].iloc[0], changes["Becomes"].iloc[0]) == ("32", "40")
    assert not at.checkbox, "nothing is removed, so there is nothing to confirm"
    assert count(empty_db, "SELECT count(*) FROM submission") == 1
    at.button(key=next(b.key for b in at.button if b.label == "Save as version 2")).click().run()
    assert any("version 2" in s.value for s in at.success)
    assert count(empty_db, "SELECT max(version) FROM submission") == 2


@pytest.mark.slow
def test_removals_must_be_confirmed_before_saving(empty_db: Path) -> None:
    """A resubmission with blanks lists each figure it would remove with its old value; the
    Save button stays disabled until the removals are confirmed, and then saves them."""
    upload(open_page(), "v1.xlsx", force_return(warrants=7, charged=3))
    at = upload(open_page(), "v2.xlsx", force_return(arrests=40))
    assert any("would be removed" in w.value for w in at.warning)
    assert any("2 figures stated in version 1 are blank" in e.value for e in at.error)
    removed = at.dataframe[0].value
    assert sorted(zip(removed["Figure"], removed["Day or port"], removed["Was"],
                      strict=True)) == [("People charged", "Total", "3"),
                                        ("Warrants executed", "Total", "7")]
    assert "None" not in removed.to_string()
    save = next(b for b in at.button if b.label == "Save as version 2")
    assert save.disabled
    at.checkbox[0].check().run()
    save = next(b for b in at.button if b.label == "Save as version 2")
    assert not save.disabled
    save.click().run()
    assert any("version 2" in s.value and "removed" in s.value for s in at.success)
    assert count(empty_db, "SELECT max(version) FROM submission") == 2
    assert count(empty_db, "SELECT count(*) FROM value v JOIN submission s ON s.id = "
                 "v.submission_id WHERE s.version = 2 AND v.measure = 'warrants'") == 0


@pytest.mark.slow
def test_cancelled_replacement_saves_nothing(empty_db: Path) -> None:
    """Cancelling a replacement keeps the current version only."""
    upload(open_page(), "v1.xlsx", force_return(arrests=32))
    at = upload(open_page(), "v2.xlsx", force_return(arrests=40))
    at.button(key=next(b.key for b in at.button if b.label.startswith("Cancel"))).click().run()
    assert any("You cancelled the replacement" in i.value for i in at.info)
    assert count(empty_db, "SELECT max(version) FROM submission") == 1


@pytest.mark.slow
def test_same_file_twice_is_a_duplicate(empty_db: Path) -> None:
    """The same bytes offered again change nothing and say where they were loaded."""
    data = force_return()
    upload(open_page(), "first.xlsx", data)
    at = upload(open_page(), "again.xlsx", data)
    assert any("already loaded as upload" in i.value for i in at.info)
    assert count(empty_db, "SELECT count(*) FROM submission") == 1


@pytest.mark.slow
def test_page_offers_three_templates(demo_db: Path) -> None:
    """Force, ports and spend templates can be downloaded from the page."""
    at = open_page()
    labels = {b.label for b in at.get("download_button")}
    assert {"Download force return", "Download ports return", "Download spend return"} <= labels


def test_template_bytes_are_a_return_workbook(empty_db: Path) -> None:
    """The force return template opens as a workbook with its README and Return sheets."""
    con = open_db(empty_db)
    load_reference(con)
    data = uploads.template_bytes(con, "force-return", 7, operation="OA2025")
    con.close()
    sheets = load_workbook(io.BytesIO(data)).sheetnames
    assert sheets[0] == "README" and "Return" in sheets


def test_template_name_carries_operation_and_data_version() -> None:
    """Download names change with the data version (SECURITY.md trap 2)."""
    name = uploads.template_name("force-return", 154, "OA2025", "south-yorkshire")
    assert name == "force-return_OA2025_south-yorkshire_data-v154.xlsx"


@pytest.mark.parametrize("hostile", ["../../x.xlsx", "CON.xlsx", "a" * 300 + ".xlsx",
                                     "evil\u202egpj.xlsx", "..\\..\\win.xlsx"])
def test_download_names_are_sanitised(hostile: str) -> None:
    """Issue workbook names keep only letters, digits, '-' and '_' from the original name."""
    name = uploads.error_workbook_name(hostile, 42)
    assert name.endswith("_issues_upload-42.xlsx")
    assert set(name[:-5]) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    assert len(name) < 100 and "/" not in name and "\\" not in name


def test_plain_escapes_markdown() -> None:
    """A file name cannot become a link, an image or a coloured directive in a label."""
    text = uploads.plain("![x](http://e.vil/a.png) :red[boo] **b**")
    assert "](" not in text and ":red[" not in text and "**" not in text


@pytest.mark.slow
def test_ingest_works_on_the_locked_down_connection(empty_db: Path) -> None:
    """The web app's connection (external access off) accepts a return and records a rejection,
    whose error workbook is built as bytes."""
    con = open_db(empty_db)
    load_reference(con)
    lock_down(con)
    try:
        person = User(name="desk", role="analyst", operations=frozenset({"OA2025"}))
        good = uploads.ingest_upload(con.cursor(), force_return(), "sy.xlsx", confirm=False,
                                     person=person)
        bad = uploads.ingest_upload(con.cursor(), BAD.read_bytes(), BAD.name, confirm=False,
                                    person=person)
        assert good.outcome == "accepted", good.issues
        assert bad.outcome == "rejected" and bad.upload_id is not None
        workbook = load_workbook(io.BytesIO(uploads.error_workbook(con.cursor(), bad.upload_id)))
        assert "Issues" in workbook.sheetnames
    finally:
        con.close()
