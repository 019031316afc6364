"""Where a PDF's words and pictures landed, read with poppler (pdftotext, pdftohtml, pdftoppm).

Used by the pack tests to check rendered pages: words inside the page, none on top of another
or of a picture, the marking once per page, and no ink cut off at the page's edge.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from PIL import Image


@dataclass(frozen=True)
class Rect:
    """A rectangle in points from the page's top left corner; ``text`` for words."""

    left: float
    top: float
    right: float
    bottom: float
    text: str = ""

    def overlap(self, other: Rect) -> float:
        """The share of the smaller rectangle that the two have in common."""
        w = min(self.right, other.right) - max(self.left, other.left)
        h = min(self.bottom, other.bottom) - max(self.top, other.top)
        if w <= 0 or h <= 0:
            return 0.0
        smaller = min((self.right - self.left) * (self.bottom - self.top),
                      (other.right - other.left) * (other.bottom - other.top))
        return w * h / smaller if smaller > 0 else 0.0

    def inside(self, other: Rect, slack: float = 0) -> bool:
        return (self.left >= other.left - slack and self.right <= other.right + slack and
                self.top >= other.top - slack and self.bottom <= other.bottom + slack)


@dataclass(frozen=True)
class PdfPage:
    width: float
    height: float
    words: list[Rect]
    images: list[Rect]

    @property
    def box(self) -> Rect:
        return Rect(0, 0, self.width, self.height)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                   r"(.*?)</word>", re.S)
_IMAGE_PAGE = re.compile(r'<page number="(\d+)"[^>]*>(.*?)</page>', re.S)
_IMAGE = re.compile(r'<image top="(-?[\d.]+)" left="(-?[\d.]+)" width="([\d.]+)" '
                    r'height="([\d.]+)"')


def read_pdf(path: Path, work: Path) -> list[PdfPage]:
    """Every page's size, words and picture boxes."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftohtml", "-xml", "-zoom", "1", "-q", str(path), str(work / "pages")],
                   check=True, capture_output=True)
    xml = (work / "pages.xml").read_text(encoding="utf-8", errors="replace")
    images: dict[int, list[Rect]] = {}
    for number, body in _IMAGE_PAGE.findall(xml):
        images[int(number)] = [Rect(float(x), float(y), float(x) + float(w), float(y) + float(h))
                               for y, x, w, h in _IMAGE.findall(body)]
    found = []
    for i, (width, height, body) in enumerate(_PAGE.findall(bbox), start=1):
        words = [Rect(float(a), float(b), float(c), float(d), unescape(t))
                 for a, b, c, d, t in _WORD.findall(body)]
        found.append(PdfPage(float(width), float(height), words, images.get(i, [])))
    return found


def page_text(path: Path) -> list[str]:
    """Each page's text in reading layout (pdftotext -layout)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def overlapping_words(page: PdfPage, tolerance: float = 0.2) -> list[tuple[str, str]]:
    """Pairs of words drawn on top of each other (more than ``tolerance`` of the smaller)."""
    words = sorted(page.words, key=lambda w: (w.top, w.left))
    clashes = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.top > a.bottom:
                break
            if a.overlap(b) > tolerance:
                clashes.append((a.text, b.text))
    return clashes


def render_pngs(path: Path, work: Path, dpi: int = 50) -> list[Path]:
    """Each page as a PNG (pdftoppm), in page order."""
    work.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(work / "page")],
                   check=True, capture_output=True)
    return sorted(work.glob("page-*.png"))


def ink_at_edges(png: Path, inches: float = 0.08, page_height: float = 7.5) -> bool:
    """True when anything darker than near-white is drawn within ``inches`` of an edge of a
    page ``page_height`` inches high: text or a picture running off the page."""
    image = Image.open(png).convert("L")
    w, h = image.size
    edge = max(1, round(h * inches / page_height))
    for box in ((0, 0, w, edge), (0, h - edge, w, h), (0, 0, edge, h), (w - edge, 0, w, h)):
        if image.crop(box).getextrema()[0] < 200:
            return True
    return False


def has_ink(png: Path) -> bool:
    return Image.open(png).convert("L").getextrema()[0] < 128
