"""The comparable form of a force name, shared by the reference loader and the file readers.

It lives in ``store`` because the store keys its alias table on it, and ``store`` imports
nothing from the rooms above it; ``loaders.reference.forces`` re-exports it for the matcher.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width, bidi and other format characters (category Cf) and control characters (Cc).
_INVISIBLE = ("Cf", "Cc")
_NOTE = re.compile(r"\s*[\[(]\s*note[^\])]*[\])]\s*$")
# Footnote digits glued to a word: 'Greater Manchester8,9', 'Essex10', 'Dyfed-Powys4'.
_FOOTNOTE = re.compile(r"(?<=[^\d\s])\d+(\s*,\s*\d+)*\s*$")
_SPACES = re.compile(r"[\s\-\u2010-\u2015_]+")
_SUFFIXES = ("police service", "police force", "constabulary", "police")

def normalise_force_name(text: object) -> str:
    """The comparable form of a force name: 'Devon & Cornwall Police' → 'devon and cornwall'.

    Not for ONS codes (their digits look like footnotes): ``ForceMatcher.resolve`` checks codes
    before normalising.
    """
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    s = "".join(ch for ch in s if unicodedata.category(ch) not in _INVISIBLE)
    s = _NOTE.sub("", s.strip())
    s = _FOOTNOTE.sub("", s)
    s = s.casefold().replace("&", " and ").rstrip(".*:")
    s = _SPACES.sub(" ", s).strip()
    s = re.sub(r"\s*,\s*", ", ", s)
    if s.startswith("the "):
        s = s[4:]
    for suffix in _SUFFIXES:
        if s.endswith(" " + suffix):
            s = s[: -len(suffix) - 1].strip()
            break
    return s
