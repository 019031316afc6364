"""What the need-to-know sweep looks for, and how it reads what the app sends and hands out.

A restricted operation must be as absent as one that does not exist: its code, its name and its
distinctive figures must not be in anything a person without the grant is sent — every element
of every page (labels, options, chart specs with their hover text, table data) and every file a
download button would give them.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from metrics.format import fmt_value
from metrics.query import Filters, totals
from metrics.registry import METRICS

# A figure is distinctive when it cannot turn up by chance: money, or a count of 1,000 or more
# (written with a comma). Small counts such as '147' appear all over a page for other reasons.
FIGURE = re.compile(r"£[\d,]+(?:\.\d+)?(?: (?:million|billion))?|\d{1,3}(?:,\d{3})+")


def operation_figures(con: duckdb.DuckDBPyConnection, code: str, as_at: date) -> set[str]:
    """Every total of ``code`` as the app formats it, reduced to its distinctive figures."""
    found = totals(con, Filters(operation=code, as_at=as_at))
    texts = {fmt_value(r.value, METRICS[r.measure].unit, r.qualifier)
             for r in found.itertuples() if pd.notna(r.value)}
    return {m for t in texts for m in FIGURE.findall(t)}


def distinctive_figures(con: duckdb.DuckDBPyConnection, code: str, as_at: date) -> set[str]:
    """The restricted operation's figures that no other operation's totals share."""
    others: set[str] = set()
    for (other,) in con.execute("SELECT code FROM operation WHERE code <> ?", [code]).fetchall():
        others |= operation_figures(con, other, as_at)
    return operation_figures(con, code, as_at) - others


def tree_text(at: Any) -> str:
    """Every element the server sent for this run, as protobuf text (chart JSON, table bytes
    and widget options included)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return "\n".join(parts)


def file_text(data: bytes, name: str) -> str:
    """The words in a downloaded file: zip members' XML (xlsx, pptx), PDF text, or plain text."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    if data[:5] == b"%PDF-":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "f.pdf"
            path.write_bytes(data)
            out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                                 check=True, timeout=60)
            return out.stdout.decode("utf-8", "replace")
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return ""     # pixels only; the SVG of the same chart carries its words
    text = data.decode("utf-8", "replace")
    if name.endswith(".svg"):
        # The words of a drawing are its text and title elements and its attributes'
        # descriptions; path coordinates such as 'M1,367' are not figures.
        return "\n".join(re.findall(r">([^<]+)<", text) +
                         re.findall(r'(?:aria-label|alt|title)="([^"]*)"', text))
    return text


class Downloads:
    """Records every ``st.download_button`` a page draws: label, file name and its data."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, Any]] = []

    def wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def download_button(label: str, data: Any = None, file_name: str | None = None,
                            *args: Any, **kwargs: Any) -> Any:
            self.seen.append((label, str(file_name or ""), data))
            return real(label, data, file_name, *args, **kwargs)
        return download_button

    def files(self, skip: Callable[[str], bool]) -> Iterator[tuple[str, str, bytes]]:
        """(label, file name, bytes) of each download, building deferred ones as a click would."""
        for label, name, data in self.seen:
            if skip(name):
                continue
            built = data() if callable(data) else data
            if isinstance(built, str):
                built = built.encode("utf-8")
            yield label, name, bytes(built)


def leaks(text: str, code: str, name: str, figures: set[str]) -> list[str]:
    """What of the restricted operation ``text`` gives away.

    A figure counts only standing alone: '2,100' inside '£2,100' or '12,100' is another figure.
    """
    found = [w for w in (code, name) if w and w.lower() in text.lower()]
    found += sorted(f for f in figures
                    if re.search(rf"(?<![£\d,.]){re.escape(f)}(?![\d,]|\.\d)", text))
    return found
