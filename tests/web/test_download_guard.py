"""The rule behind the media guard (ui.downloads, ui.http_guards), without a server: which
request may have which built file. tests/e2e/test_http_guards.py checks it on a real server."""

from __future__ import annotations

import secrets

import pytest

from ui import downloads
from ui.http_guards import media_file, request_cookie

ALICE, BOB = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
PACK = b"%PDF- a briefing pack"


def connected(session_id: str) -> bool:
    return session_id == "session-1"


@pytest.fixture
def built() -> bytes:
    """A pack built for ALICE in session-1 at t=1000 (unique bytes, so tests do not meet)."""
    data = PACK + secrets.token_bytes(8)
    downloads.record(data, ALICE, "session-1", now=1000.0)
    return data


def test_the_browser_that_asked_gets_its_file(built: bytes) -> None:
    """Same cookie, session still connected, a minute later: served."""
    assert downloads.may_fetch(built, ALICE, connected, now=1060.0)


def test_a_request_without_the_cookie_gets_nothing(built: bytes) -> None:
    """No cookie at all (a URL pasted elsewhere, a script): refused."""
    assert not downloads.may_fetch(built, None, connected, now=1001.0)


def test_another_browser_gets_nothing(built: bytes) -> None:
    """A second browser, signed in or not, has its own cookie: refused."""
    assert not downloads.may_fetch(built, BOB, connected, now=1001.0)


def test_the_file_is_refused_after_five_minutes(built: bytes) -> None:
    """Exactly the lifetime is still served; a second later it is not."""
    assert downloads.may_fetch(built, ALICE, connected, now=1000.0 + downloads.LIFETIME_S)
    assert not downloads.may_fetch(built, ALICE, connected, now=1001.0 + downloads.LIFETIME_S)


def test_the_file_is_refused_once_its_page_has_closed(built: bytes) -> None:
    """The session that built it has gone (tab or browser closed): refused, cookie or not."""
    assert not downloads.may_fetch(built, ALICE, lambda _session: False, now=1001.0)


def test_bytes_nobody_built_are_refused() -> None:
    """A file the app never recorded (e.g. from a button outside ui.downloads): refused."""
    assert not downloads.may_fetch(b"never built" + secrets.token_bytes(8), ALICE, connected,
                                   now=1001.0)


def test_old_records_are_forgotten_when_new_ones_arrive(built: bytes) -> None:
    """The registry does not grow for ever: a build after the lifetime drops older records."""
    downloads.record(b"later" + secrets.token_bytes(8), BOB, "session-2",
                     now=1001.0 + downloads.LIFETIME_S)
    assert downloads.digest(built) not in downloads._made


@pytest.mark.parametrize(("path", "expected"), [
    ("/media/0a8d344f978303e417d974bfe27b3673.pdf", "0a8d344f978303e417d974bfe27b3673.pdf"),
    ("/media/", ""),
    ("/media/a/b", "a/b"),
    ("/static/media/MaterialSymbols-Rounded.nEdyypZU.woff2", None),
    ("/Forces", None),
])
def test_only_streamlits_media_route_is_guarded(path: str, expected: str | None) -> None:
    """The fonts under /static/media/ are not downloads; anything under /media/ is checked."""
    assert media_file(path) == expected


@pytest.mark.parametrize(("header", "expected"), [
    (f"_streamlit_xsrf=2|ab; nvcrp_browser={ALICE}", ALICE),
    ("nvcrp_browser=short", None),
    ("nvcrp_browser=" + "x" * 42 + ";", None),
    ('nvcrp_browser="unterminated', None),
    ("", None),
])
def test_only_a_well_formed_browser_cookie_counts(header: str, expected: str | None) -> None:
    """A cookie not shaped like ours is treated as none, so it cannot match a record."""
    scope = {"type": "http", "headers": [(b"cookie", header.encode())]}
    assert request_cookie(scope, downloads.BROWSER_COOKIE) == expected


SIGNED_IN, OTHER_SESSION = "a" * 64, "b" * 64   # store keys of two signed-in sessions


@pytest.fixture
def built_signed_in() -> bytes:
    """A pack built for ALICE in session-1 at t=1000, signed in as SIGNED_IN."""
    data = PACK + secrets.token_bytes(8)
    downloads.record(data, ALICE, "session-1", now=1000.0, signed_in=SIGNED_IN)
    return data


def test_a_signed_in_file_needs_its_session_cookie(built_signed_in: bytes) -> None:
    """Built in a signed-in session: served with that session's cookie, not without it, and
    not with another session's (signed in again, or as someone else, in the same browser)."""
    assert downloads.may_fetch(built_signed_in, ALICE, connected, now=1001.0, session=SIGNED_IN)
    assert not downloads.may_fetch(built_signed_in, ALICE, connected, now=1001.0)
    assert not downloads.may_fetch(built_signed_in, ALICE, connected, now=1001.0,
                                   session=OTHER_SESSION)


def test_a_signed_in_file_dies_with_its_session(built_signed_in: bytes) -> None:
    """Once the session has ended (signed out in another tab, timed out, disabled) the same
    browser, page still open, gets nothing."""
    assert not downloads.may_fetch(built_signed_in, ALICE, connected, now=1001.0,
                                   session=SIGNED_IN, live=lambda _key: False)
