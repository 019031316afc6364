"""What a password must be (NIST SP 800-63B): long, not common, not the name, not repetition.

Twelve spaces, ``aaaaaaaaaaaa`` and ``password1234`` used to be accepted (issue 8). There are no
rules about mixing capitals, digits and symbols — the standard advises against them: they make
passwords harder to remember and no harder to guess. Each message says what to do instead.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from store.settings import REFERENCE_DIR

MIN_PASSWORD = 12
MAX_PASSWORD = 256                    # argon2 takes any length; this only stops pasted essays
COMMON_PASSWORDS = REFERENCE_DIR / "common_passwords.txt"
# Words tied to this service, which the standard asks to refuse too ("context-specific").
SERVICE_WORDS = ("nvcrp", "navcis", "vehiclecrime", "dashboard")
ADVICE = "Three or four unrelated words make a good password that is easy to remember."
# Digits, spaces and symbols people add around a common word to pass length rules.
_PADDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")
# Letters people swap for look-alike digits and symbols ('p@ssw0rd').
_LOOK_ALIKES = (str.maketrans("@4310$5!7", "aaeiossit"), str.maketrans("@4310$5!7", "aaelossit"))


@lru_cache(maxsize=1)
def common_passwords(path: Path = COMMON_PASSWORDS) -> frozenset[str]:
    """The shipped list, lower case; lines starting with '# ' are its notes."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("# "))


def _normalised(text: str) -> str:
    # NFKC first, as the standard asks, so look-alike Unicode forms compare equal.
    return unicodedata.normalize("NFKC", text).casefold()


def _forms(password: str) -> set[str]:
    """The password as typed, without spaces, and its core without padding or look-alikes."""
    typed = _normalised(password)
    joined = re.sub(r"\s+", "", typed)
    core = _PADDING.sub("", joined)
    forms = {typed, joined, core}
    forms |= {core.translate(table) for table in _LOOK_ALIKES}
    forms |= {_PADDING.sub("", joined.translate(table)) for table in _LOOK_ALIKES}
    return {form for form in forms if form}


def _name_forms(name: str) -> set[str]:
    """'J.Smith@kent.police.uk' → {'j.smith@kent.police.uk', 'jsmith', 'j.smith', …}."""
    name = _normalised(name.strip())
    local = name.split("@", 1)[0]
    forms = {name, local, re.sub(r"[._@-]", "", name), re.sub(r"[._-]", "", local)}
    return {form for form in forms if len(form) >= 3}


def _repeats(password: str) -> str | None:
    """The short run ('a', 'ab', 'abc', 'abcd') the whole password repeats, if it does."""
    text = re.sub(r"\s+", "", _normalised(password))
    for size in range(1, 5):
        unit = text[:size]
        if len(text) >= 2 * size and unit * (len(text) // size) == text:
            return unit
    return None


def _is_sequence(password: str) -> bool:
    """'123456789012', 'abcdefghijkl', '987654321098': each character one step from the last."""
    text = _normalised(password)
    steps = {(ord(b) - ord(a)) % 10 if a.isdigit() and b.isdigit() else ord(b) - ord(a)
             for a, b in zip(text, text[1:], strict=False)}
    return steps in ({1}, {-1}, {9})


def password_problem(name: str, password: str) -> str | None:
    """What is wrong with ``password`` for the account ``name``, and what to do; else None."""
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_PASSWORD:
        return (f"The password has {length} characters: use at least {MIN_PASSWORD}. {ADVICE}")
    if length > MAX_PASSWORD:
        return f"The password has {length} characters: use at most {MAX_PASSWORD}."
    if not password.strip():
        return f"The password is only spaces or other blank characters: use words. {ADVICE}"
    unit = _repeats(password)
    if unit is not None:
        what = "one character" if len(unit) == 1 else f"'{unit}'"
        return f"The password only repeats {what}, which is quickly guessed. {ADVICE}"
    if _is_sequence(password):
        return f"The password is a run of consecutive characters, which is quickly guessed. {ADVICE}"
    forms = _forms(password)
    if any(part in form for part in _name_forms(name) for form in forms):
        return f"The password contains the account name: leave the name out. {ADVICE}"
    if forms & common_passwords() or any(form in SERVICE_WORDS for form in forms):
        return ("The password is on a list of common passwords that attackers try first (adding "
                f"digits or symbols to a common word does not help). {ADVICE}")
    return None
