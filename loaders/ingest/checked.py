"""What a check parsed, kept for the save that follows it on the upload page.

The upload page checks a file first (``ingest_bytes`` with ``confirm_replace=False``), shows what
saving would change and saves only when the person confirms: a second ``ingest_bytes`` of the
same bytes. Reading them again in the parsing child would give the same ``ParsedReturn``, so
the check keeps it here and the save takes it instead of parsing again.

What is kept is the parse alone, keyed by the file's SHA-256, its name and the person, with the
reference data it was read against; it is used once, and only when the save's reference data is
the same. The guards still run on the bytes at save time, and everything that depends on the
store — the person's access, the store-level checks, the plausibility queries, duplicates, the
current version and what the new version removes — is checked again then, against the store as
it is at that moment.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from typing import Any

from loaders.returns.records import ParsedReturn

# A person rarely has more than a few files waiting for confirmation; an older one evicted is
# simply parsed again when it is saved.
LIMIT = 8

Key = tuple[str, str, tuple[Any, ...]]


def _person(person: Any) -> tuple[Any, ...]:
    if person is None:
        return ()
    return (person.name, person.role, tuple(person.forces), bool(person.navcis))


class ParsedFiles:
    """Parses kept between a check and its save (one per browser session on the upload page)."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._limit = limit
        self._kept: OrderedDict[Key, tuple[Any, ParsedReturn]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def keep(self, sha256: str, name: str, person: Any, ref: Any, parsed: ParsedReturn) -> None:
        """Keep a copy of ``parsed``, read from the file with this digest and name against
        ``ref``, for ``person``'s next save of it."""
        key = (sha256, name, _person(person))
        snapshot = copy.deepcopy(parsed)   # untouched by whatever the caller does with its own
        with self._lock:
            self._kept.pop(key, None)
            self._kept[key] = (ref, snapshot)
            while len(self._kept) > self._limit:
                self._kept.popitem(last=False)

    def take(self, sha256: str, name: str, person: Any, ref: Any) -> ParsedReturn | None:
        """The kept parse of this file for this person, removed from here; None when there is
        none or the reference data has changed since (then the file is parsed again)."""
        with self._lock:
            found = self._kept.pop((sha256, name, _person(person)), None)
        if found is None:
            return None
        kept_ref, parsed = found
        return parsed if _same_reference(kept_ref, ref) else None

    def discard(self, sha256: str, person: Any) -> None:
        """Forget every parse kept of this file for this person (a cancelled save)."""
        who = _person(person)
        with self._lock:
            for key in [k for k in self._kept if k[0] == sha256 and k[2] == who]:
                del self._kept[key]


def _same_reference(a: Any, b: Any) -> bool:
    if a is b:
        return True
    same = getattr(a, "same_data", None)
    return bool(same(b)) if same is not None else False
