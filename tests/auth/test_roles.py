"""The access policy: every role against every page and action, and restricted operations."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from store import accounts
from store.accounts import ROLES, AccountError
from store.operation_access import grant, revoke, visible_operations
from ui import roles
from ui.auth import User

ROOT = Path(__file__).resolve().parents[2]
FIGURE_PAGES = ("dashboard.py", "pages/1_Operation.py", "pages/2_Forces.py",
                "pages/3_Pillars_and_funding.py", "pages/4_Returns_tracker.py")
# The whole policy written out by hand: (role, action) pairs that are allowed.
ALLOWED = {("viewer", "view"), ("analyst", "view"), ("analyst", "upload"), ("briefing", "view"),
           ("briefing", "export"), ("admin", "view"), ("admin", "upload"), ("admin", "export"),
           ("admin", "admin")}
PAGE_NEEDS = {**dict.fromkeys(FIGURE_PAGES, "view"), "pages/5_Upload_returns.py": "upload",
              "pages/8_Audit.py": "admin", "pages/9_Admin.py": "admin"}


def test_every_store_role_has_a_policy() -> None:
    """The roles an account may have are exactly the roles the policy knows."""
    assert set(roles.ROLE_ACTIONS) == set(ROLES) == set(roles.ROLE_LABELS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", roles.ACTIONS)
def test_role_action_matrix(role: str, action: str) -> None:
    """Each role may do exactly the actions in the hand-written table."""
    assert roles.role_can(role, action) == ((role, action) in ALLOWED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", sorted(PAGE_NEEDS))
def test_role_page_matrix(role: str, page: str) -> None:
    """Each role may open a page exactly when it may do the page's action."""
    assert roles.can_open(role, page) == ((role, PAGE_NEEDS[page]) in ALLOWED)
    assert roles.can_open(role, str(ROOT / page)) == roles.can_open(role, page)


def test_every_page_file_is_in_the_policy() -> None:
    """Every page in the repository has an entry, so none is accidentally closed to all."""
    files = ["dashboard.py", *(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))]
    assert sorted(f for f in files if f not in roles.PAGE_ACTIONS) == []


def test_unknown_page_role_and_action_are_refused() -> None:
    """Anything the policy does not name is refused."""
    assert not roles.can_open("admin", "pages/7_Secret.py")
    assert not roles.role_can("superuser", "view")
    assert not roles.role_can("admin", "delete")


def test_pages_for_keeps_menu_order() -> None:
    """A viewer's menu is the figure pages, in the order given."""
    menu = ["dashboard.py", "pages/5_Upload_returns.py", "pages/1_Operation.py",
            "pages/9_Admin.py"]
    assert roles.pages_for("viewer", menu) == ["dashboard.py", "pages/1_Operation.py"]


def _restrict(con: duckdb.DuckDBPyConnection, code: str) -> None:
    con.execute("UPDATE operation SET restricted = TRUE WHERE code = ?", [code])


def test_restricted_operation_is_hidden_until_granted(con: duckdb.DuckDBPyConnection) -> None:
    """A restricted operation is invisible to a viewer until granted to them or their role."""
    _restrict(con, "LOC2025")
    accounts.create_user(con, "v.one", role="viewer", by="t", auth="oidc", email="v@x.uk")
    everyone = {"OA2024", "OA2025", "NPO2025"}
    assert visible_operations(con, "viewer", "v.one") == everyone
    grant(con, "LOC2025", "user", "v.one", by="boss")
    assert visible_operations(con, "viewer", "v.one") == everyone | {"LOC2025"}
    assert visible_operations(con, "viewer", "someone.else") == everyone
    revoke(con, "LOC2025", "user", "v.one", by="boss")
    grant(con, "LOC2025", "role", "viewer", by="boss")
    assert "LOC2025" in visible_operations(con, "viewer", "someone.else")
    assert "LOC2025" not in visible_operations(con, "analyst", "someone.else")


def test_admin_sees_restricted_operations(con: duckdb.DuckDBPyConnection) -> None:
    """Administrators see every operation, restricted or not."""
    _restrict(con, "LOC2025")
    assert "LOC2025" in visible_operations(con, "admin", "boss")


def test_grants_are_checked_and_audited(con: duckdb.DuckDBPyConnection) -> None:
    """A grant names a real operation and grantee; grants and withdrawals are audited."""
    with pytest.raises(AccountError, match="no operation"):
        grant(con, "NOPE", "role", "viewer", by="boss")
    with pytest.raises(AccountError, match="no account"):
        grant(con, "OA2025", "user", "ghost", by="boss")
    grant(con, "OA2025", "role", "viewer", by="boss")
    revoke(con, "OA2025", "role", "viewer", by="boss")
    rows = con.execute("SELECT action FROM audit ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["access_grant", "access_revoke"]


def test_allowed_operations_and_scope_follow_the_grants(con: duckdb.DuckDBPyConnection) -> None:
    """Two users with different visible operations get different cache scopes."""
    _restrict(con, "LOC2025")
    grant(con, "LOC2025", "role", "briefing", by="boss")
    viewer = User("v", "viewer", operations=roles.allowed_operations(con, User("v", "viewer")))
    briefer = User("b", "briefing", operations=roles.allowed_operations(con, User("b", "briefing")))
    assert not viewer.may_see("LOC2025") and briefer.may_see("LOC2025")
    assert viewer.scope() != briefer.scope()
    assert viewer.scope() == User("w", "viewer", operations=viewer.operations).scope()
