"""The access policy: which role may do which action, open which page and see which operation.

Declared once as data so the tests, the admin page and the shell all read the same table.
Anything not listed is refused: a page file missing from ``PAGE_ACTIONS`` opens for nobody.
"""

from __future__ import annotations

from typing import Any, Protocol

import duckdb

from store.operation_access import visible_operations

ACTIONS = ("view", "upload", "export", "admin")

# Viewers see every figure page on screen only; analysts also load returns; briefing users
# also export data, images and packs; administrators may do everything.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"view"}),
    "analyst": frozenset({"view", "upload"}),
    "briefing": frozenset({"view", "export"}),
    "admin": frozenset({"view", "upload", "export", "admin"}),
}

# Page file (as in ui.shell.PAGES) → the action needed to open it.
PAGE_ACTIONS: dict[str, str] = {
    "dashboard.py": "view",
    "pages/1_Operation.py": "view",
    "pages/2_Forces.py": "view",
    "pages/3_Pillars_and_funding.py": "view",
    "pages/4_Returns_tracker.py": "view",
    "pages/5_Upload_returns.py": "upload",
    "pages/8_Audit.py": "admin",
    "pages/9_Admin.py": "admin",
}

ROLE_LABELS = {
    "viewer": "Viewer: every figure page, on screen only",
    "analyst": "Analyst: upload and manage returns",
    "briefing": "Briefing: export figures, charts and packs",
    "admin": "Administrator: accounts, reference data and the audit log",
}

class Person(Protocol):
    name: str
    role: str


def role_can(role: str, action: str) -> bool:
    """True when ``role`` may perform ``action``; unknown roles and actions are refused."""
    return action in ROLE_ACTIONS.get(role, frozenset())


def page_key(page_file: str) -> str:
    """'/srv/app/pages/9_Admin.py' or 'pages\\9_Admin.py' → 'pages/9_Admin.py'."""
    path = "/" + page_file.replace("\\", "/")
    if "/pages/" in path:
        return "pages/" + path.rsplit("/pages/", 1)[1]
    return path.rsplit("/", 1)[-1]


def page_action(page_file: str) -> str | None:
    return PAGE_ACTIONS.get(page_key(page_file))


def can_open(role: str, page_file: str) -> bool:
    """True when ``role`` may open the page; pages not in the policy open for nobody."""
    action = page_action(page_file)
    return action is not None and role_can(role, action)


def pages_for(role: str, page_files: tuple[str, ...] | list[str]) -> list[str]:
    """The page files this role may open, in the order given (for a role-aware menu)."""
    return [p for p in page_files if can_open(role, p)]


def allowed_operations(con: duckdb.DuckDBPyConnection, user: Any) -> frozenset[str]:
    """Codes of the operations ``user`` (anything with .name and .role) may see."""
    return visible_operations(con, user.role, user.name)
