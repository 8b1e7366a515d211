"""Dates and times.

Numeric dates (``12/01/2024``, ``2024-01-12``, ``03/04/05``, ``20240112``) are parsed by strict
regular expressions so that the day/month order can be controlled. Dates with month names are
tokenised and every word must be a month name, a weekday name or a filler word ("de", "of",
"le" ...) taken from dateparser's per-language translation data, so ``"Total 12"`` or
``"May"`` are never dates; only if that structural parse fails does a text made solely of date
words go to ``dateparser.parse`` with strict settings (a module constant). dateparser is
imported lazily (its import costs ~80-100 ms) and only its per-language data is used on the hot
path: month/weekday tables are built once per language set.

Order when ``order`` is ``None``: a first part > 12 means DMY, a second part > 12 means MDY, a
leading 4-digit year means YMD; otherwise MDY if every entry of ``languages`` is English
(``"en"``, or ``"en-US"``-like tags of month-first regions), else DMY — so ``None``,
``["en", "fr"]`` and ``["en-GB"]`` all give DMY.

Two-digit years pivot at ``today + 20``: ``yy`` -> ``20yy`` when that is at most 20 years in the
future, else ``19yy``. Years outside 1900..2100 and impossible dates (31/02) are rejected.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from ._cache import typed_cache

__all__ = ["DateOrder", "find_dates", "infer_date_order", "parse_date", "parse_time"]

DateOrder = Literal["DMY", "MDY", "YMD"]

DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl", "pt")
_MONTH_KEYS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FILLERS = frozenset({"de", "del", "of", "the", "le", "el", "den", "der", "di", "d", "du", "van"})
_MIN_YEAR, _MAX_YEAR = 1900, 2100

_STRIP = " \t\r\n.,;:!?()[]{}\"'«»“”‘’*#|"


class _Vocab:
    """Month/weekday/filler words for a set of languages (from dateparser's data)."""

    __slots__ = ("fillers", "month_regex", "months", "weekdays")

    def __init__(self, languages: tuple[str, ...]) -> None:
        import importlib

        from .text import strip_accents

        self.months: dict[str, int] = {}
        self.weekdays: set[str] = set()
        self.fillers: set[str] = set(_FILLERS)
        for lang in languages:
            try:
                mod = importlib.import_module(f"dateparser.data.date_translation_data.{lang}")
            except ImportError:
                continue
            info: dict[str, Any] = mod.info
            for i, key in enumerate(_MONTH_KEYS, start=1):
                for word in info.get(key, []):
                    for w in {word.casefold(), strip_accents(word.casefold())}:
                        if w.replace(".", "").isalpha():
                            self.months.setdefault(w.rstrip("."), i)
            for key in _WEEKDAY_KEYS:
                for word in info.get(key, []):
                    w = strip_accents(word.casefold()).rstrip(".")
                    if len(w) >= 2 and w.isalpha():
                        self.weekdays.add(w)
            for word in info.get("skip", []):
                w = strip_accents(str(word).casefold()).strip()
                if w.isalpha() and len(w) <= 4:
                    self.fillers.add(w)
        # Weekday abbreviations must not shadow months ("mar" = martes/March).
        self.weekdays -= set(self.months)
        self.fillers -= set(self.months) | self.weekdays
        alts = sorted(self.months, key=len, reverse=True)
        self.month_regex = "|".join(re.escape(a) for a in alts)


@functools.lru_cache(maxsize=32)
def _vocab(languages: tuple[str, ...] | None) -> _Vocab:
    if languages is None:
        return _Vocab(DEFAULT_LANGUAGES)
    langs = tuple(dict.fromkeys([*languages, "en"]))
    return _Vocab(langs)


# Regions whose English dates are month-first.
_MDY_REGIONS = frozenset({"US", "PH", "FM", "MH", "PW", "GU", "AS", "MP", "PR", "VI", "UM"})


@functools.lru_cache(maxsize=64)
def _default_order(languages: tuple[str, ...] | None) -> DateOrder:
    """MDY only when every language is English without a day-first region; else DMY."""
    if not languages:
        return "DMY"
    for tag in languages:
        base, _, region = tag.replace("_", "-").partition("-")
        if base.lower() != "en":
            return "DMY"
        if region and region.split("-")[-1].upper() not in _MDY_REGIONS:
            return "DMY"
    return "MDY"


def _vocab_for(languages: Sequence[str] | None) -> _Vocab:
    if languages is None:
        return _vocab(None)
    langs = tuple(lang.replace("_", "-").split("-")[0].lower() for lang in languages)
    return _vocab(langs)


@functools.lru_cache(maxsize=1)
def _today_year() -> int:
    return _dt.date.today().year


def _year(text: str) -> int | None:
    if len(text) == 4:
        y = int(text)
    elif len(text) == 2:
        yy = int(text)
        y = 2000 + yy if 2000 + yy <= _today_year() + 20 else 1900 + yy
    else:
        return None
    return y if _MIN_YEAR <= y <= _MAX_YEAR else None


def _make(y: int | None, m: int, d: int) -> _dt.date | None:
    if y is None:
        return None
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


_NUMERIC = re.compile(r"^(\d{1,4})\s?([./\-])\s?(\d{1,2})\s?\2\s?(\d{2,4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _numeric(
    a: str, b: str, c: str, order: DateOrder | None, default: DateOrder
) -> _dt.date | None:
    if len(a) == 3 or len(c) == 3:
        return None
    if len(a) == 4:
        if len(c) > 2:
            return None
        return _make(_year(a), int(b), int(c))
    if len(c) == 2 and len(a) == 2 and order == "YMD":
        return _make(_year(a), int(b), int(c))
    x, y_ = int(a), int(b)
    year = _year(c)
    if order is None or order == "YMD":
        order = "DMY" if x > 12 else "MDY" if y_ > 12 else default
    first = _make(year, y_, x) if order == "DMY" else _make(year, x, y_)
    if first is not None:
        return first
    # The document order does not fit this date but the numbers are unambiguous (13/01/2024).
    return _make(year, y_, x) if order == "MDY" else _make(year, x, y_)


_TOKEN = re.compile(
    r"(?P<num>\d{1,4})(?:st|nd|rd|th|er|re|e|º|°|ª|o|\.)?(?![^\W\d_])|(?P<word>[^\W\d_]+)\.?"
)
_SEPS = re.compile(r"^[\s,./\-']*$")


def _textual(s: str, vocab: _Vocab) -> _dt.date | bool | None:
    """Parse a month-name date; ``False`` means "not made only of date words"."""
    from .text import strip_accents

    nums: list[str] = []
    month: int | None = None
    month_pos = -1
    pos = 0
    for m in _TOKEN.finditer(s):
        if not _SEPS.match(s[pos : m.start()]):
            return False
        pos = m.end()
        if m.group("num") is not None:
            nums.append(m.group("num"))
            continue
        w = strip_accents(m.group("word").casefold())
        if w in vocab.months:
            if month is not None:
                return False
            month = vocab.months[w]
            month_pos = len(nums)
        elif w in vocab.weekdays or w in vocab.fillers:
            continue
        else:
            return False
    if not _SEPS.match(s[pos:]):
        return False
    if month is None or len(nums) not in (2, 3):
        return False  # a date needs a month word, a day and a year
    if len(nums) == 3:
        return None  # unusual arrangement: let dateparser decide
    n1, n2 = nums
    if len(n1) == 4 and len(n2) <= 2:  # 2024 Jan 12 / 2024-JAN-12
        return _make(_year(n1), month, int(n2))
    if len(n1) <= 2 and len(n2) in (2, 4):  # 12 Jan 2024 / Jan 12, 2024 / 12-JAN-24
        if month_pos == 2:
            return False  # "12 24 Jan"
        return _make(_year(n2), month, int(n1))
    return False


_SETTINGS: dict[str, Any] = {
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def _dateparser(s: str, languages: tuple[str, ...]) -> _dt.date | None:
    import dateparser

    try:
        got = dateparser.parse(s, languages=list(languages), settings=_SETTINGS)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if not isinstance(got, _dt.datetime) or not (_MIN_YEAR <= got.year <= _MAX_YEAR):
        return None
    return got.date()


@functools.lru_cache(maxsize=32768)
def _parse_date(
    text: str, order: DateOrder | None, languages: tuple[str, ...] | None
) -> _dt.date | None:
    s = text.strip(_STRIP)
    if len(s) < 6 or len(s) > 48 or not any(ch.isdigit() for ch in s):
        return None
    m = _NUMERIC.match(s)
    if m is not None:
        return _numeric(m.group(1), m.group(3), m.group(4), order, _default_order(languages))
    m = _COMPACT.match(s)
    if m is not None:
        y = int(m.group(1))
        if not (1950 <= y <= _today_year() + 20):
            return None
        return _make(y, int(m.group(2)), int(m.group(3)))
    if s[0].isdigit() and s[-1].isdigit() and not any(ch.isalpha() for ch in s):
        return None  # numbers in a shape we do not accept (times, amounts, phone numbers)
    vocab = _vocab_for(languages)
    got = _textual(s, vocab)
    if got is False:
        return None
    if got is None:
        # Only date words, but an unusual arrangement: ask dateparser (strict settings).
        langs = languages or DEFAULT_LANGUAGES
        return _dateparser(s, tuple(lang.replace("_", "-").split("-")[0].lower() for lang in langs))
    assert isinstance(got, _dt.date)
    return got


def parse_date(
    text: str, *, order: DateOrder | None = None, languages: Sequence[str] | None = None
) -> _dt.date | None:
    """Parse a printed date value into a :class:`datetime.date`.

    Handles ``2024-01-12``, ``12/01/2024``, ``03/04/05``, ``12.01.2024``, ``20240112``,
    ``12 Jan. 2024``, ``Jan 12, 2024``, ``12-JAN-24``, ``25. März 2023``, ``1er février 2023``,
    ``5 de marzo de 2023``, ``12 gennaio 2024``, ``12 januari 2024``, ``12 de janeiro de 2024``
    and a leading weekday. Surrounding punctuation is ignored, but any other word makes the text
    not a date. ``order`` resolves ambiguous numeric dates (see the module docstring for the
    default); ``languages`` (ISO 639-1) selects month-name vocabularies (default: en, de, fr,
    es, it, nl, pt).
    """
    langs = tuple(languages) if languages is not None else None
    return _parse_date(text, order, langs)


@functools.lru_cache(maxsize=32)
def _find_regex(languages: tuple[str, ...] | None) -> re.Pattern[str]:
    vocab = _vocab_for(languages)
    mon = vocab.month_regex
    wb_l = r"(?<![^\W_])"
    wb_r = r"(?![^\W_])"
    day = r"\d{1,2}(?:st|nd|rd|th|er|º|°|\.)?"
    fill = r"(?:\s+(?:de|del|of|the)\s+|[\s,./\-]*)"
    year = r"(?:\d{4}|'?\d{2})"
    numeric = r"(?<![\d.,/\-:])\d{1,4}\s?([./\-])\s?\d{1,2}\s?\1\s?\d{2,4}(?![\d/\-:]|[.,]\d)"
    compact = r"(?<![\d.,/\-])\d{8}(?![\d.,/\-]\d|\d)"
    dmy = rf"{wb_l}{day}{fill}(?:{mon})\.?{fill}{year}{wb_r}"
    mdy = rf"{wb_l}(?:{mon})\.?{fill}{day},?{fill}{year}{wb_r}"
    ymd = rf"{wb_l}\d{{4}}{fill}(?:{mon})\.?{fill}\d{{1,2}}{wb_r}"
    return re.compile(f"{numeric}|{compact}|{dmy}|{mdy}|{ymd}", re.IGNORECASE)


def find_dates(
    text: str, *, order: DateOrder | None = None, languages: Sequence[str] | None = None
) -> list[tuple[int, int, _dt.date]]:
    """Find every date in a longer text: ``[(start, end, date), ...]`` with character offsets.

    ``"Invoice date 12/01/2024 Due 30 days"`` -> ``[(13, 23, date(2024, 1, 12))]`` (order
    DMY by default). Candidates are found by pattern and validated with :func:`parse_date`.
    """
    if not any(ch.isdigit() for ch in text):
        return []
    langs = tuple(languages) if languages is not None else None
    out: list[tuple[int, int, _dt.date]] = []
    for m in _find_regex(langs).finditer(text):
        value = _parse_date(m.group(0), order, langs)
        if value is not None:
            out.append((m.start(), m.end(), value))
    return out


# A day and month whose year runs straight into the next token ("09/02/201810:05").
_GLUED_HEAD = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2}|[A-Za-z]{3,9})\2(?=\d)")


def find_dates_glued(
    text: str, *, order: DateOrder | None = None
) -> list[tuple[int, int, _dt.date]]:
    """Like :func:`find_dates`, tolerant of what OCR glues to a date on receipts and slips.

    A label glued to the digits (``DATE:04/12/2017``) and a time glued to the year
    (``09/02/201810:05``, ``12/06/2016-13:30``) are allowed; offsets still index ``text``.
    """
    if not any(ch.isdigit() for ch in text):
        return []
    # Same-length copy: a label character glued to a digit becomes a space.
    clean = re.sub(r"(?<!\d)[:#](?=\d)", " ", text)
    clean = re.sub(r"[A-Za-z](?=\d)", " ", clean)
    found = list(find_dates(clean, order=order))
    taken = [(s, e) for s, e, _ in found]
    for m in _GLUED_HEAD.finditer(clean):
        s = m.start()
        if any(s < b and a <= s for a, b in taken):
            continue
        for n in (4, 2):
            e = m.end() + n
            year = clean[m.end() : e]
            if len(year) < n or not year.isdigit():
                continue
            if n == 4 and not 1990 <= int(year) <= 2100:
                continue
            d = parse_date(clean[s:e], order=order)
            if d is not None:
                found.append((s, e, d))
                taken.append((s, e))
                break
    found.sort()
    return found


_INFER = re.compile(r"(?<![\d.,/\-:])(\d{1,4})\s?([./\-])\s?(\d{1,2})\s?\2\s?(\d{2,4})(?![\d/\-:])")


def infer_date_order(texts: Iterable[str]) -> DateOrder | None:
    """Infer a document's numeric date order from its texts.

    A first part > 12 votes DMY, a second part > 12 votes MDY, a leading 4-digit year votes YMD
    (that vote does not conflict with the others: documents often mix ISO dates with local
    ones). Returns ``None`` when nothing decides or DMY and MDY evidence contradict.
    """
    dmy = mdy = ymd = False
    for t in texts:
        if not t or not any(ch.isdigit() for ch in t):
            continue
        for m in _INFER.finditer(t):
            a, b, c = m.group(1), m.group(3), m.group(4)
            if len(a) == 4:
                if len(c) <= 2 and 1 <= int(b) <= 12 and 1 <= int(c) <= 31:
                    ymd = True
                continue
            if len(a) == 3 or len(c) == 3:
                continue
            x, y = int(a), int(b)
            if 12 < x <= 31 and 1 <= y <= 12:
                dmy = True
            elif 12 < y <= 31 and 1 <= x <= 12:
                mdy = True
    if dmy and mdy:
        return None
    if dmy:
        return "DMY"
    if mdy:
        return "MDY"
    return "YMD" if ymd else None


_TIME = re.compile(
    r"^(?P<h>\d{1,2})\s?(?P<sep>[:h.])\s?(?P<m>\d{2})(?:\s?[:.]\s?(?P<s>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?(?:\s*h(?:rs?)?)?$",
    re.IGNORECASE,
)
_TIME_H = re.compile(r"^(?P<h>\d{1,2})\s*(?P<ampm>[ap]\.?\s?m\.?)$", re.IGNORECASE)


@typed_cache(8192)
def parse_time(text: str) -> _dt.time | None:
    """Parse a time of day: ``"4:49 PM"``, ``"16:49"``, ``"16:49:05"``, ``"4.49pm"``, ``"16h49"``.

    A ``.`` separator is accepted only with AM/PM or a seconds part (``"16.49"`` alone is more
    likely an amount). Out-of-range values return ``None``.
    """
    s = text.strip(_STRIP.replace(".", ""))
    s = s.rstrip(",;")
    m = _TIME.match(s)
    if m is None:
        m2 = _TIME_H.match(s)
        if m2 is None:
            return None
        h, mi, sec, ampm = int(m2.group("h")), 0, 0, m2.group("ampm")
    else:
        if m.group("sep") == "." and not m.group("ampm") and m.group("s") is None:
            return None
        h, mi = int(m.group("h")), int(m.group("m"))
        sec = int(m.group("s")) if m.group("s") else 0
        ampm = m.group("ampm")
    if ampm:
        if not 1 <= h <= 12:
            return None
        pm = ampm.lower().startswith("p")
        h = (h % 12) + (12 if pm else 0)
    if h > 23 or mi > 59 or sec > 59:
        return None
    return _dt.time(h, mi, sec)
