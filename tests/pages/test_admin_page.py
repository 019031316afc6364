"""The Administration page shows a change in its tables on the same run that makes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.page_kit import open_page

PAGE = "pages/9_Admin.py"
pytestmark = pytest.mark.slow


def tables_with(at: AppTest, column: str) -> list:  # type: ignore[type-arg]
    """The page's tables that have ``column`` ('Role': accounts; 'grantee': grants)."""
    return [df.value for df in at.dataframe if column in df.value.columns]


def table_column(at: AppTest, key_column: str, column: str) -> list[str]:
    """One column of the one table that has ``key_column``."""
    frames = tables_with(at, key_column)
    assert len(frames) == 1, [list(f.columns) for f in frames]
    return list(frames[0][column])


def test_an_added_account_is_in_the_table_at_once(empty_db: Path) -> None:
    """After 'Added brief.team', the accounts table lists brief.team without a reload."""
    at = open_page(PAGE)
    assert "brief.team" not in table_column(at, "Role", "Name")
    at.text_input("new_name").input("brief.team")
    at.selectbox("new_role").select("viewer")
    at.text_input("new_password").input("violet harbour lantern seven")
    at.button("FormSubmitter:add_account-Add the account").click().run()
    assert not at.exception
    assert any("Added brief.team" in s.value.replace("\\", "") for s in at.success)
    assert "brief.team" in table_column(at, "Role", "Name")


def test_a_changed_role_is_in_the_table_at_once(empty_db: Path) -> None:
    """'Change role' shows the new role in the accounts table on the same run."""
    at = open_page(PAGE)
    at.text_input("new_name").input("desk")
    at.selectbox("new_role").select("viewer")
    at.text_input("new_password").input("violet harbour lantern seven")
    at.button("FormSubmitter:add_account-Add the account").click().run()
    assert not at.error, [e.value for e in at.error]
    at.selectbox("target").select("desk")
    at.selectbox("target_role").select("analyst")
    at.button("FormSubmitter:change_account-Change role").click().run()
    assert not at.exception
    roles = dict(zip(table_column(at, "Role", "Name"),
                     table_column(at, "Role", "Role"), strict=True))
    assert roles["desk"] == "analyst"


def test_a_grant_is_in_the_grants_table_at_once(empty_db: Path) -> None:
    """'Give access' lists the grant in the table above the form on the same run."""
    at = open_page(PAGE)
    assert tables_with(at, "grantee") == []
    at.radio("grant_kind").set_value("role")
    at.text_input("grant_who").input("viewer")
    at.button("FormSubmitter:grant-Give access").click().run()
    assert not at.exception
    assert any("may now see" in s.value for s in at.success)
    assert table_column(at, "grantee", "grantee") == ["viewer"]
