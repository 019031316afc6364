"""Force names as people write them, matched to one force code.

Names vary in the wild ("Devon & Cornwall", "Met", "London, City of", "Greater Manchester8,9",
"Humberside [note 4]"). Every spelling is reduced by ``normalise_force_name`` and looked up in
the alias list; nothing is ever guessed: an unknown name resolves to ``None`` and the caller
reports it with the "did you mean" names from ``ForceMatcher.suggest``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

from store.names import normalise_force_name

__all__ = ["ForceMatcher", "normalise_force_name"]

_ONS_CODE = re.compile(r"^[EWSN]\d{8}$")


class ForceMatcher:
    """Resolve a force name, slug or ONS code to a force code; suggest names, never correct."""

    def __init__(self, forces: Mapping[str, Mapping[str, object]],
                 aliases: Iterable[tuple[str, str]] = ()) -> None:
        """``forces``: code → dict with name, short_name and ons_code; ``aliases``: (alias, code)."""
        self.names = {code: str(f["name"]) for code, f in forces.items()}
        self.by_ons = {str(f["ons_code"]).upper(): code for code, f in forces.items()
                       if f.get("ons_code")}
        self.by_key: dict[str, str] = {}
        for code, f in forces.items():
            for spelling in (code, f["name"], f["short_name"]):
                self.by_key.setdefault(normalise_force_name(spelling), code)
        for alias, code in aliases:
            if code not in self.names:
                raise ValueError(f"Alias '{alias}' points at unknown force '{code}'.")
            self.by_key.setdefault(normalise_force_name(alias), code)

    def resolve(self, text: object) -> str | None:
        """The force code for ``text``, or None when it matches no known spelling."""
        raw = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip().upper()
        if _ONS_CODE.match(raw):
            return self.by_ons.get(raw)
        key = normalise_force_name(text)
        return self.by_key.get(key) if key else None

    def suggest(self, text: object, n: int = 3) -> list[str]:
        """Up to ``n`` official names close to ``text``, best first, for a 'did you mean' hint."""
        key = normalise_force_name(text)
        if not key:
            return []
        close = difflib.get_close_matches(key, list(self.by_key), n=n * 4, cutoff=0.6)
        names: list[str] = []
        for match in close:
            name = self.names[self.by_key[match]]
            if name not in names:
                names.append(name)
        return names[:n]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ForceMatcher):
            return NotImplemented
        return (self.names, self.by_ons, self.by_key) == (other.names, other.by_ons, other.by_key)

    __hash__ = None  # type: ignore[assignment]  # mutable lookups: not hashable

    def name(self, code: str) -> str:
        """The official name of a force code."""
        return self.names[code]
