"""Download file names: operation, message, as-at date and data version, sanitised.

Streamlit identifies a large download by its length, three samples and its file name, so an old
file can be served again unless the name changes with the data (SECURITY.md trap 2): every name
carries the data version. Names are built only from letters, digits and hyphens, so a name that
came from a file (``../../x``, ``CON``, a right-to-left override) cannot escape or mislead.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MAX_SLUG = 60


def slug(text: str, *, limit: int = MAX_SLUG) -> str:
    """'Arrests by force (P2)' → 'arrests-by-force-p2'; never empty, never over ``limit``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return cleaned[:limit].strip("-") or "export"


def operation_part(operation: str | None) -> str:
    """The operation code as typed in the reference table ('OA2025'), letters and digits only."""
    if not operation:
        return "all-operations"
    return re.sub(r"[^A-Za-z0-9]+", "", operation)[:20] or "operation"


def file_name(name: str, *, operation: str | None, as_at: date, version: int, ext: str) -> str:
    """'OA2025_arrests-by-force_as-at-2026-03-02_v154.svg'."""
    extension = re.sub(r"[^a-z0-9]+", "", ext.lower())[:5] or "bin"
    return (f"{operation_part(operation)}_{slug(name)}_as-at-{as_at.isoformat()}"
            f"_v{int(version)}.{extension}")
