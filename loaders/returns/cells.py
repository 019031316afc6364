"""One documented normalisation of cell values: numbers, qualifiers, dates and text.

Numbers (SECURITY.md rows 9–11)
- Accepted: numbers from the spreadsheet; text such as "1200", "1,200", "1 200" (ordinary,
  no-break or narrow no-break spaces), "12.0", "£1,200", "£2.5 million", "£2.5m", "3k".
- Words before or after the figure set its qualifier, and the stated figure is kept as written:
  "at least 300", "300+", ">=300" → at_least 300; "more than 300", "over 300", ">300" leave
  300 itself out, so a count is at_least 301 (money stays at_least £300: a penny is no matter);
  "about 2,000", "approx. 2000", "c. 50", "~50", "around 50" → approximately;
  "estimated 40", "est. 40", "40 (est)" → estimate. Anything else is exact.
- "Nothing" follows the Government Statistical Service symbols, one rule for every return and
  column (``nothing``): a dash on its own ("-", "–", "—", and " - " or "-   " as Excel writes an
  accounting-format zero to CSV, also after "£"), "nil", "none" and "zero" mean 0: in police
  returns a "nil return" reports that nothing happened. Blank, "N/A", "n/k", "TBC", "..", "x",
  "?", "not known" and the like mean not recorded (value None), which is not the same as 0;
  where a figure is required that is a located issue quoting what was typed.
- Refused with a message: negative figures, fractions where a count is expected, more than two
  decimal places, figures of a trillion or more, percentages,
  "£" in a count column, dates, and any other text. Never NaN or infinity.

Dates (rows 12–13): day first, as in the UK. "01/02/2025" is 1 February 2025. See DATE_FORMATS.
Text (row 21): NFKC, invisible and control characters removed, trimmed, at most 2,000 characters.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from loaders.returns.layouts import QUALIFIERS

# Government Statistical Service symbols and the words forces use for them (issue 9).
NOT_RECORDED = frozenset({"", "n/a", "na", "n.a.", "n/k", "nk", "not known", "unknown",
                          "not recorded", "not available", "tbc", "tba", "to be confirmed", "..",
                          "...", "x", "?", ":", "[x]", "[z]", "[c]", "[w]"})
ZERO_WORDS = frozenset({"nil", "none", "zero"})
DASHES = "-‐‑‒–—―−"   # hyphen-minus, hyphens, figure dash, en and em dashes, bar, minus sign
# The rule as people read it: in the template's README sheet and the project README.
NOTHING_RULE = (
    "Enter 0 if there were none. A dash ('-', or ' - ' as Excel shows a zero in accounting "
    "format) and 'nil' also mean 0.",
    "Leave a cell blank if the figure was not recorded. 'N/A', 'n/k', 'TBC', '..', 'x' and '?' "
    "mean the same: not recorded, which is not 0. These follow the Government Statistical "
    "Service's symbols.",
    "A required figure must be stated: 0 or a dash is fine; blank, 'N/A' or 'TBC' is not, and "
    "the upload names the cell to fill in.",
    "The same rule holds in every return and every column: where a cell is not a figure (a "
    "date, a choice from a list, a code), a dash or 'N/A' leaves it empty; notes and "
    "descriptions keep the words you type.",
)
PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (  # longest first within each qualifier so "at least" wins over "at"
    ("at_least", ("at least", "minimum", "min.", ">=", "≥")),
    ("more_than", ("more than", "greater than", "in excess of", "over", ">")),
    ("approximately", ("approximately", "approx.", "approx", "around", "about", "roughly",
                       "circa", "ca.", "c.", "c ", "~", "≈")),
    ("estimate", ("estimated", "estimate", "est.", "est")),
)
SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (("at_least", ("+", "plus", "or more")),
            ("approximately", ("(approx)", "(approx.)", "approx.", "approx")),
            ("estimate", ("(est)", "(est.)", "(estimate)", "(estimated)", "est.", "estimated")))
MULTIPLIERS = {"million": 6, "mn": 6, "m": 6, "thousand": 3, "k": 3, "billion": 9, "bn": 9}
_NUMBER = re.compile(r"^(\d{1,3}(?:[, ]\d{3})+|\d+)(\.\d+)?$")
NUMBER_HELP = ("Write a figure such as 1200, 1,200 or £1,200 (0, a dash or 'nil' for none); you "
               "may add 'at least', 'about' or 'estimated' before it, or leave the cell blank (or "
               "write 'N/A' or 'TBC') if it was not recorded.")

QUALIFIER_ALIASES = {
    **{label: code for label, code in QUALIFIERS.items()}, **{code: code for code in QUALIFIERS.values()},
    "at least": "at_least", "at-least": "at_least", ">": "at_least", ">=": "at_least",
    "minimum": "at_least", "more than": "at_least", "over": "at_least", "+": "at_least",
    "approx": "approximately", "approx.": "approximately", "about": "approximately",
    "approximate": "approximately", "~": "approximately", "c.": "approximately",
    "circa": "approximately", "est": "estimate", "est.": "estimate", "estimated": "estimate",
    "actual": "exact", "=": "exact",
}
QUALIFIER_HELP = "Use one of: " + ", ".join(QUALIFIERS) + " (or leave blank for exact)."

DATE_FORMATS = ("13/10/2025", "13/10/25", "13-10-2025", "13.10.2025", "2025-10-13",
                "13 Oct 2025", "13 October 2025", "13-Oct-2025", "13-Oct-25")
DATE_HELP = ("Dates are read day first. Accepted forms: " + ", ".join(DATE_FORMATS)
             + ", or a date cell formatted as a date in Excel.")
MONTHS = {m: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for m in names}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_D_MON_Y = re.compile(r"^(?:[a-z]+,? )?(\d{1,2})(?:st|nd|rd|th)?[ \-]([a-z]+)\.?,?[ \-](\d{4}|\d{2})$")
_MONTH_ONLY = re.compile(r"^(?:[a-z]+\.?[ \-/]\d{2,4}|\d{1,2}[/\-]\d{4})$")
EXCEL_1900 = date(1899, 12, 30)
EXCEL_1904 = date(1904, 1, 1)

MAX_FIGURE = Decimal("999999999999")   # the store's DECIMAL(14, 2) money columns hold less than 10¹²
TEXT_LIMIT = 2_000
MAX_FIGURE_FLOAT = float(MAX_FIGURE)
_INVISIBLE = {"Cf", "Cc", "Co", "Cs", "Cn"}


def nothing(raw: object) -> str | None:
    """'zero' for a dash or 'nil', 'not_recorded' for blank, 'N/A', 'TBC' and the like, else None.

    A dash alone is how an accounting-format zero reaches a CSV (Excel writes " -   "), and
    the GSS symbol for nil; "£ -" is the same zero in a money column.
    """
    if raw is None:
        return "not_recorded"
    if not isinstance(raw, str):
        return None
    text = " ".join(clean_text(raw).lower().split())
    if text in NOT_RECORDED:
        return "not_recorded"
    if text in ZERO_WORDS:
        return "zero"
    bare = text.removeprefix("£").removeprefix("gbp").strip()
    if bare and all(ch in DASHES for ch in bare):
        return "zero"
    return None


def reads_as_blank(raw: object) -> bool:
    """True for a cell that states no value in a column that is not a figure (a date, a
    choice from a list, a code): blank, a 'not recorded' word, or a dash."""
    return nothing(raw) is not None


def not_recorded_note(raw: object) -> str:
    """'' for an empty cell; else " ('TBC' means not recorded)" to quote what was typed."""
    if is_blank(raw):
        return ""
    if nothing(raw) == "zero":   # a dash or 'nil' where a figure is not expected
        return f" ({_show(raw)} is not a value this cell can take)"
    return f" ({_show(raw)} means not recorded)"


@dataclass(frozen=True)
class Parsed:
    value: Decimal | None
    qualifier: str            # exact | at_least | approximately | estimate | not_recorded
    problem: str | None = None


def parse_number(raw: object, *, money: bool, integer: bool) -> Parsed:
    """A cell → a non-negative Decimal with its qualifier, or a problem saying what is accepted."""
    if raw is None or isinstance(raw, str) and not clean_text(raw):
        return Parsed(None, "not_recorded")
    if isinstance(raw, (bool, date, time, timedelta)):
        return Parsed(None, "exact", f"{_show(raw)} is not a number. {NUMBER_HELP}")
    if isinstance(raw, (int, float, Decimal)):
        return _checked(raw, "exact", raw, integer=integer)
    return _parse_text(clean_text(raw).lower(), raw, money=money, integer=integer)


def quick_number(raw: float, *, integer: bool) -> tuple[Decimal | int, str] | None:
    """(value, 'exact') for an ordinary positive float, exactly as ``parse_number`` reads it;
    None when only the full reading can say (zero, huge, tiny, a third decimal place…)."""
    if not 0.0 < raw <= MAX_FIGURE_FLOAT:
        return None
    text = format(raw, ".15g")   # as _checked: the 15 significant digits Excel shows
    if "e" in text:
        return None
    dot = text.find(".")
    if dot < 0:
        return (int(text), "exact") if integer else (Decimal(text), "exact")
    if integer or len(text) - dot > 3:
        return None
    return Decimal(text), "exact"


def _parse_text(text: str, raw: object, *, money: bool, integer: bool) -> Parsed:
    meaning = nothing(text)
    if meaning == "not_recorded":
        return Parsed(None, "not_recorded")
    if meaning == "zero":
        if not money and text.startswith(("£", "gbp")):
            return Parsed(None, "exact", f"{_show(raw)} is an amount of money, but this column "
                          "holds a count. Enter the count only.")
        return Parsed(Decimal(0), "exact")
    qualifier, text = _strip_qualifier(text)
    above = qualifier == "more_than"   # "more than 52" of a count is at least 53 (issue 9)
    qualifier = "at_least" if above else qualifier
    if text.startswith(tuple(DASHES) + ("(",)) and any(ch.isdigit() for ch in text):
        return Parsed(None, qualifier, f"{_show(raw)} is negative; figures cannot be below 0. "
                      "Enter the figure without a minus sign, or correct it.")
    if "%" in text:
        return Parsed(None, qualifier, f"{_show(raw)} is a percentage; enter the figure itself. {NUMBER_HELP}")
    if "£" in text or text.startswith("gbp"):
        if not money:
            return Parsed(None, qualifier, f"{_show(raw)} is an amount of money, but this column "
                          "holds a count. Enter the count only.")
        text = text.replace("£", "").removeprefix("gbp").strip()
    number = _plain_number(text)
    if number is None:
        return Parsed(None, qualifier, f"{_show(raw)} is not a number. {NUMBER_HELP}")
    if above and integer and number == number.to_integral_value():
        number += 1
    return _checked(number, qualifier, raw, integer=integer)


def _strip_qualifier(text: str) -> tuple[str, str]:
    for code, words in PREFIXES:
        for word in words:
            if text.startswith(word):
                return code, text[len(word):].strip()
    for code, words in SUFFIXES:
        for word in words:
            if text.endswith(word) and len(text) > len(word):
                return code, text[: -len(word)].strip()
    return "exact", text


def _plain_number(text: str) -> Decimal | None:
    """'1,200', '1 200', '2.5 million', '2.5m', '3k' → Decimal; None if it is not that shape."""
    text = " ".join(text.split())
    power = 0
    for word, digits in MULTIPLIERS.items():
        if text.endswith(word) and text[: -len(word)].strip()[-1:].isdigit():
            text, power = text[: -len(word)].strip(), digits
            break
    match = _NUMBER.match(text)
    if not match:
        return None
    figure = match.group(1).replace(",", "").replace(" ", "") + (match.group(2) or "")
    return Decimal(figure).scaleb(power)


def _checked(number: int | float | Decimal, qualifier: str, raw: object, *, integer: bool) -> Parsed:
    if isinstance(number, float):
        if not math.isfinite(number):
            return Parsed(None, qualifier, f"{_show(raw)} is not a number. {NUMBER_HELP}")
        # Excel keeps 15 significant digits and shows them; a formula's 0.30000000000000004
        # is the 0.3 the person sees.
        number = Decimal(format(number, ".15g"))
    value = Decimal(number)
    if not value.is_finite():
        return Parsed(None, qualifier, f"{_show(raw)} is not a number. {NUMBER_HELP}")
    if value < 0:
        return Parsed(None, qualifier, f"{_show(raw)} is negative; figures cannot be below 0. "
                      "Enter the figure without a minus sign, or correct it.")
    if value > MAX_FIGURE:
        return Parsed(None, qualifier, f"{_show(raw)} is too large to be a real figure (the largest "
                      f"accepted is {MAX_FIGURE:,}). Check the cell.")
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    elif integer:
        return Parsed(None, qualifier, f"{_show(raw)} is not a whole number; this column holds a "
                      "count. Enter a whole number.")
    value = value.normalize() if value != value.to_integral_value() else value
    if -value.as_tuple().exponent > 2:  # type: ignore[operator]
        # The store keeps two decimal places; a third would be rounded away silently.
        return Parsed(None, qualifier, f"{_show(raw)} has more than two decimal places. Round it "
                      "to pence (two decimal places).")
    return Parsed(value, qualifier)


def shown(raw: object) -> str:
    """A cell as the person typed it: a number read as -2.0 is shown as -2, as Excel shows it."""
    if isinstance(raw, float) and math.isfinite(raw):
        return str(int(raw)) if raw.is_integer() else format(raw, ".15g")
    return raw if isinstance(raw, str) else str(raw)


def _show(raw: object) -> str:
    text = shown(raw)
    return repr(text[:60] + ("…" if len(text) > 60 else ""))


def parse_qualifier(raw: object) -> str | None:
    """The Qualifier column → exact | at_least | approximately | estimate; None if blank or unknown.

    Use ``is_blank`` to tell a blank cell (exact by default) from a value that is not recognised.
    """
    text = " ".join(clean_text(raw).lower().replace("_", " ").split())
    return QUALIFIER_ALIASES.get(text) or QUALIFIER_ALIASES.get(text.replace(" ", "_"))


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not clean_text(raw))


def parse_date(raw: object, *, epoch_1904: bool) -> tuple[date | None, str | None]:
    """A cell → (date, None), (None, problem), or (None, None) when blank."""
    if is_blank(raw):
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _serial_date(float(raw), epoch_1904)
    if not isinstance(raw, str):
        return None, f"{_show(raw)} is not a date. {DATE_HELP}"
    return _text_date(" ".join(clean_text(raw).lower().split()), raw)


def _serial_date(serial: float, epoch_1904: bool) -> tuple[date | None, str | None]:
    if not math.isfinite(serial) or not 1 <= serial < 2_958_466:
        return None, f"{serial:g} is not a date. {DATE_HELP}"
    days = int(serial)
    if epoch_1904:
        return EXCEL_1904 + timedelta(days=days), None
    # Excel counts a 29 February 1900 that never existed; serials before it are one day off.
    return (EXCEL_1900 + timedelta(days=days + (1 if days < 60 else 0))), None


def _text_date(text: str, raw: str) -> tuple[date | None, str | None]:
    parts: tuple[int, int, int] | None = None
    if m := _YMD.match(text):
        parts = int(m.group(3)), int(m.group(2)), int(m.group(1))
    elif m := _DMY.match(text):
        parts = int(m.group(1)), int(m.group(2)), _year(m.group(3))
    elif (m := _D_MON_Y.match(text)) and m.group(2) in MONTHS:
        parts = int(m.group(1)), MONTHS[m.group(2)], _year(m.group(3))
    elif _MONTH_ONLY.match(text):
        return None, f"{_show(raw)} gives a month but no day. Enter the full date. {DATE_HELP}"
    if parts is None:
        return None, f"{_show(raw)} is not a date in an accepted form. {DATE_HELP}"
    day, month, year = parts
    try:
        return date(year, month, day), None
    except ValueError:
        return None, f"{_show(raw)} is not a real date (read as day {day}, month {month}, year {year}). {DATE_HELP}"


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def clean_text(raw: object) -> str:
    """NFKC, invisible/control characters removed (newlines kept), trimmed, at most 2,000 chars."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.isascii() and raw.isprintable():
        # Printable ASCII has nothing for NFKC to change and no invisible characters: the
        # common case, and a large share of the parse time of big returns without this path.
        text = raw.strip()
        return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"
    text = unicodedata.normalize("NFKC", str(raw)).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in _INVISIBLE)
    text = text.replace("\t", " ").strip()
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def bad_identifier(raw: object) -> str | None:
    """A problem message if an identifier (force name, code) hides control characters or mixes alphabets."""
    text = "" if raw is None else str(raw)
    if text.isascii() and text.isprintable():
        return None  # Latin letters only, and no control or format characters
    hidden = [ch for ch in text if unicodedata.category(ch) in _INVISIBLE]
    if hidden:
        names = ", ".join(sorted({f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}" for ch in hidden}))
        return (f"{_show(text)} contains hidden characters ({names}). Delete the cell's contents and "
                "type the value again, or pick it from the list.")
    scripts = {unicodedata.name(ch, "").split(" ")[0] for ch in text if ch.isalpha()}
    if "LATIN" in scripts and scripts & {"CYRILLIC", "GREEK"}:
        return (f"{_show(text)} mixes letters from different alphabets (for example a Cyrillic 'о' "
                "that looks like a Latin 'o'). Type the value again, or pick it from the list.")
    return None
