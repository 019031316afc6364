"""Where /session/start may send a browser back to: a path on this site and nothing else.
tests/e2e/test_sessions.py checks the route itself on a real server."""

from __future__ import annotations

import pytest

from ui.session_routes import local_path


@pytest.mark.parametrize("path", ["/", "/Operation", "/Forces?op=OA2025&as_at=2025-10-29",
                                  "/Pillars_and_funding?focus=a%20b"])
def test_paths_on_this_site_are_kept(path: str) -> None:
    """The page and its query string come back as they were."""
    assert local_path(path) == path


@pytest.mark.parametrize("target", [
    None, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "/a\\b",
    "javascript:alert(1)", "Operation", "/x\r\nSet-Cookie: a=b", "/" + "a" * 2001,
    "/session/start?token=x"])
def test_anything_else_goes_home(target: str | None) -> None:
    """Other sites, scheme tricks, header injection, very long values and the route itself
    are replaced by '/'."""
    assert local_path(target) == "/"
