"""Password rules after NIST SP 800-63B: length, the common-password list, the name, repetition.

Twelve spaces, ``aaaaaaaaaaaa`` and ``password1234`` used to be accepted (issue 8).
"""

from __future__ import annotations

import duckdb
import pytest

from store import accounts
from store.accounts import AccountError, check_password_rules
from store.password_rules import COMMON_PASSWORDS, MIN_PASSWORD, common_passwords

REFUSED = {
    "twelve spaces": ("            ", "only spaces"),
    "twelve tabs": ("\t" * 12, "only spaces"),
    "one repeated character": ("aaaaaaaaaaaa", "repeats one character"),
    "a repeated pair": ("abababababab", "repeats 'ab'"),
    "a repeated word": ("abcdabcdabcd", "repeats 'abcd'"),
    "digits in a row": ("123456789012", "consecutive"),
    "letters in a row": ("abcdefghijkl", "consecutive"),
    "digits counting down": ("987654321098", "consecutive"),
    "password1234": ("password1234", "common passwords"),
    "qwertyuiop12": ("qwertyuiop12", "common passwords"),
    "capitals and a symbol do not help": ("Password1234!", "common passwords"),
    "look-alike characters": ("P@ssw0rd2026!", "common passwords"),
    "a common word padded with digits": ("sunshine2025", "common passwords"),
    "a common word padded with symbols": ("monkey!!!!!!!", "common passwords"),
    "spaces inside a common password": ("i love you 2024", "common passwords"),
    "a famous passphrase": ("Correct Horse Battery Staple", "common passwords"),
    "the service's own name": ("nvcrp2025!!!", "common passwords"),
    "the account name": ("j.smith-was-here", "account name"),
    "the account name without its dot": ("JSmith rocks 2026", "account name"),
    "eleven characters": ("kettle orbi", "at least 12"),
}

ACCEPTED = ["kettle orbit lantern", "tall ships sail at dawn", "Xk9#mQ2$vL7!",
            "my own good password", "rhubarb custard"]


@pytest.mark.parametrize(("password", "says"), REFUSED.values(), ids=REFUSED.keys())
def test_weak_password_is_refused_saying_what_to_do(password: str, says: str) -> None:
    """Each weak password is refused with its reason and advice on what to choose instead."""
    with pytest.raises(AccountError, match=says) as refused:
        check_password_rules("j.smith", password)
    message = str(refused.value)
    assert "unrelated words" in message or "use at least" in message


@pytest.mark.parametrize("password", ACCEPTED)
def test_good_passphrase_is_accepted(password: str) -> None:
    """Twelve or more characters, not common, not the name: accepted, whatever its mix of
    capitals, digits and symbols (no composition rules)."""
    check_password_rules("j.smith", password)


def test_twelve_characters_is_enough_and_eleven_is_not() -> None:
    """The minimum is exactly twelve characters."""
    assert MIN_PASSWORD == 12
    check_password_rules("j.smith", "rhubarb cust")
    with pytest.raises(AccountError, match="has 11 characters: use at least 12"):
        check_password_rules("j.smith", "rhubarb cus")


def test_common_list_is_shipped_lower_case_with_the_known_offenders() -> None:
    """The shipped list holds the breach-corpus top 30,000 and the long forms named in
    issue 8, all lower case, without blank lines or duplicates."""
    listed = common_passwords()
    lines = [line for line in COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
             if not line.startswith("# ")]
    assert len(listed) == len(lines) > 30_000
    assert {"password1234", "qwertyuiop12", "123456", "letmein", "iloveyou"} <= listed
    assert all(line and line == line.lower() for line in lines)


def test_every_long_entry_on_the_list_is_refused() -> None:
    """Each listed password long enough to pass the length rule is still refused."""
    long_ones = [p for p in common_passwords() if len(p) >= MIN_PASSWORD]
    assert len(long_ones) > 200
    for password in long_ones:
        with pytest.raises(AccountError):
            check_password_rules("someone.else", password)


@pytest.mark.slow
def test_accounts_refuse_a_common_password_and_keep_the_old_one(
        con: duckdb.DuckDBPyConnection) -> None:
    """Creating an account or setting its password with 'password1234' is refused and
    changes nothing."""
    with pytest.raises(AccountError, match="common passwords"):
        accounts.create_user(con, "a.one", role="viewer", by="test", password="password1234")
    assert accounts.list_users(con) == []
    accounts.create_user(con, "a.one", role="viewer", by="test", password="kettle orbit lantern")
    with pytest.raises(AccountError, match="common passwords"):
        accounts.set_password(con, "a.one", "qwertyuiop12", by="test", must_change=False)
    stored = accounts.stored_hash(con, "a.one")
    assert accounts.password_matches(stored, "kettle orbit lantern")


def test_readme_states_the_rules_the_code_applies() -> None:
    """README's sign-in paragraph gives the same minimum, list, waits and unlock command as
    the code."""
    from pathlib import Path

    from store.sign_in import THROTTLES

    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(
        encoding="utf-8").split())
    by_label = {t.label: t for t in THROTTLES}
    assert f"at least {MIN_PASSWORD} characters" in readme
    assert "`data/reference/common_passwords.txt`" in readme
    assert "`python -m store users unlock NAME`" in readme
    words = {5: "five", 10: "ten"}   # the README writes small numbers in words (GOV.UK style)
    session = by_label["name from this browser session"]
    assert f"{words[session.after]} wrong passwords for a name within 15 minutes" in readme
    assert f"make that browser wait {session.cap.seconds // 60} minutes" in readme
    spray = by_label["any name from this browser session"].after
    assert f"(or {words[spray]} for any names)" in readme
    assert f"at most {by_label['name from anywhere'].cap.seconds} seconds, or " \
           f"{by_label['name from this address'].cap.seconds} from the same network address" \
           in readme
    assert "lock the account" not in readme
