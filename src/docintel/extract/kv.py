"""Key-value pairs of ``prebuilt-document`` (and of ``features=keyValuePairs``) from layout cues.

No trained model: pairs come from general form conventions, scored and resolved globally.

1. ``Key: value`` inside one line (split after the first colon-ended, label-like words).
2. A label (ends with ``:`` or is short and label-like) with a value to its right on the same
   row (nearest, vertically overlapping, gap relative to text height) or directly below.
3. Tables: a two-column table whose first column holds labels; a two-row table of labels over
   values; a cell whose first line is a label and whose other lines are the value.
4. Selection marks next to a short label: key = label, value = the mark.
5. Value shape (date, amount, phone, id, e-mail) raises a candidate; a label-looking text is
   never a value.
6. Grids of numbers (data tables, ruled or not): every cell is a value of its column header
   and of its row label, one pair each (several values per key, as in form-understanding
   ground truth). Header codes over plain numbers ("TA98") and range row labels ("25-34")
   are recognised; numbers of neighbouring columns caught in one run are cut apart.
7. Lists: a colon key whose value is a short entry with more entries stacked under it (and
   in columns beside them), e.g. names after ``cc:``, gives one pair per entry.
8. Leaders (``Closures---``, ``Weight ....``) end a label as a colon does.
9. Words OCR glued from a key and its value (``DATE3/17/82``, ``NUMBER:212545``, ``No.5031``)
   are cut into two ``SubToken`` pieces, each with its own span and box.
10. A run printed much taller than the page's text (a title) is not a label.

Candidates are resolved greedily by score (each key and each value used once). A value that
continues on the lines below (left-aligned, close) is extended. Keys without a value are
reported (value empty) only when they end with ``:``. Geometry is always relative to the
text height, so it works in inches (PDF) and pixels (images).
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from docintel.core.geometry import BBox, union_bbox
from docintel.extract.docview import DocView, SubToken, TableView, Token
from docintel.extract.fields import ExtractContext, Extraction, KeyValue

__all__ = ["extract_key_values"]

# A word, or a part of a word when OCR glued a key to its value ("DATE3/17/82").
_Tok = Token | SubToken

# --- text cues ------------------------------------------------------------------------------

_COLON_END = re.compile(r"[:：]\s*[_.…]*$")
_FILL = re.compile(r"^[_.…\-–—]+$")
_ENUM = re.compile(r"^(\(?\d{1,2}[.)]|\(?[a-zA-Z][.)]|\(\d{1,2}\)|[•·▪◦*\-–])$")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_DIGITS3 = re.compile(r"\d{3}")
_DATE = re.compile(
    r"\b(\d{1,4}\s?[./\-]\s?\d{1,2}\s?[./\-]\s?\d{2,4}|\d{1,2}\.?\s+[^\W\d_]{3,}\.?\s+\d{2,4}"
    r"|[^\W\d_]{3,}\.?\s+\d{1,2},?\s+\d{2,4})\b"
)
_AMOUNT = re.compile(
    r"^([A-Z]{3}\s)?[^\w\s]?\s?[-+]?\d{1,3}([ ,.'’]?\d{3})*([.,]\d{1,2})?\s?[^\w\s]?(\s[A-Z]{3})?$"
)
_PHONE = re.compile(r"^\+?[\d()\s./\-]{7,}$")
_EMAIL = re.compile(r"^[\w.+\-]+@[\w\-]+\.[\w.\-]+$")
_ID = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9\-/.#]{3,}$", re.IGNORECASE)
_MONTH = re.compile(
    r"^(jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|d[ec]c|janv|f[eé]v|avr|juil|ao[uû]|"
    r"d[eé]c|ene|abr|ago|dic|gen|mag|giu|lug|set|ott|mei|okt|fev|out|dez)",
    re.IGNORECASE,
)
_TIME = re.compile(r"^\d{1,2}[:.]\d{2}")
_INITIAL = re.compile(r"(^|\s)[A-Z]\.(\s|$)")
# A leader after a label ("Closures---", "Weight ....", "Cartons --"): it ends the label as a
# colon does.
_LEADER = re.compile(r"(^|[^\W\d_]{2,})(-{2,}|[–—]+|\.{3,}|…+)$")
_YEAR = re.compile(r"(19|20)\d\d")
_INITIALS_TOKEN = re.compile(r"^([A-Z]\.){1,2}$")
_URLISH = re.compile(r"^(https?|ftp|mailto|www)", re.IGNORECASE)


# Words that end a fragment of running text, never a label (en, fr, de, es, it, nl, pt).
_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "with",
        "for",
        "by",
        "at",
        "from",
        "that",
        "this",
        "is",
        "are",
        "was",
        "de",
        "la",
        "le",
        "les",
        "des",
        "du",
        "et",
        "au",
        "aux",
        "un",
        "une",
        "der",
        "die",
        "das",
        "und",
        "von",
        "zu",
        "mit",
        "im",
        "ein",
        "eine",
        "el",
        "los",
        "las",
        "y",
        "del",
        "con",
        "por",
        "il",
        "lo",
        "gli",
        "di",
        "e",
        "per",
        "het",
        "een",
        "van",
        "en",
        "met",
        "voor",
        "o",
        "os",
        "do",
        "da",
        "dos",
    ]
)


# Prepositions that end a short label ("Approved by", "Copies to", "Prepared for").
_LABEL_PREPOSITIONS = frozenset(["by", "to", "for", "from", "of", "von", "par", "por", "per", "da"])


# A run printed this much taller than the page's median line is a title or heading.
_HEADER_H = 1.4


def _strip_fill(text: str) -> str:
    return text.rstrip("_.… ")


def _ends_colon(text: str) -> bool:
    return bool(_COLON_END.search(text)) and not _TIME.match(text)


def _letter_ratio(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if _LETTER.match(c)) / len(chars)


def value_shape(text: str) -> float:
    """How much ``text`` looks like a typical form value (0..1): date, amount, phone, id, e-mail."""
    t = text.strip()
    if not t:
        return 0.0
    if _EMAIL.match(t) or _DATE.search(t):
        return 1.0
    if _AMOUNT.match(t) or _PHONE.match(t):
        return 0.9
    if " " not in t and _ID.match(t) and len(t) <= 24:
        return 0.7
    if _DIGIT.search(t) and len(t) <= 30:
        return 0.4
    return 0.0


def label_like(text: str) -> bool:
    """Short, mostly letters, not a value shape: could be a printed label."""
    t = _strip_fill(text).rstrip(":：").strip()
    if not t or len(t) > 60:
        return False
    words = t.split()
    last = text.rstrip().rstrip("_ ")
    if last.endswith(".") and len(words) >= 3 and words[-1].islower() and len(words[-1]) >= 4:
        return False  # a sentence, not an abbreviated label such as "Ref." or "Acct. No."

    if len(words) > 7:
        return False
    if _letter_ratio(t) < 0.6 or len(_LETTER.findall(t)) < 2:
        return False
    if _INITIAL.search(t):
        return False
    if value_shape(t) >= 0.7 or _DIGITS3.search(t):
        return False
    if (
        len(words) >= 3
        and words[0][:1].islower()
        and (len(words) >= 4 or not _COLON_END.search(text))
    ):
        return False  # a fragment of running text
    if (
        len(words) >= 2
        and words[-1].casefold() in _FUNCTION_WORDS
        and not _COLON_END.search(text)
        and not (
            words[-1].casefold() in _LABEL_PREPOSITIONS
            and len(words) <= 5
            and words[0][:1].isupper()
        )
    ):
        return False
    return not t.endswith((".", "!", "?", ","))


# --- segments -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Seg:
    """A run of words of one line: a key or value candidate."""

    id: int
    tokens: list[_Tok]
    line: int
    page: int
    cell: tuple[int, int, int] | None
    h: float
    colon: bool = False  # ends with a colon: a strong key
    label: bool = False  # looks like a label
    fill_after: bool = False  # followed by a blank fill (____) on its line
    text: str = ""
    box: BBox = (0.0, 0.0, 0.0, 0.0)
    inline_value: int | None = None  # segment id of the value after the colon on the line

    def __post_init__(self) -> None:
        self.text = " ".join(t.text for t in self.tokens)
        self.box = union_bbox(t.box for t in self.tokens)


@dataclass(slots=True)
class _Cand:
    score: float
    key: int
    value: int | None  # segment id; None for a mark value
    mark: int | None = None
    kind: str = ""
    grid: bool = False  # key and value sit in a column of labels facing a column of values


@dataclass(slots=True)
class _State:
    segs: list[_Seg] = field(default_factory=list)
    by_page: dict[int, list[int]] = field(default_factory=dict)


def _is_key_token_run(tokens: Sequence[_Tok]) -> bool:
    text = " ".join(t.text for t in tokens)
    return label_like(text)


def _rows(view: DocView, default_h: float) -> list[list[Token]]:
    """Words grouped into visual runs: same row, small gaps (independent of layout lines)."""
    runs: list[list[Token]] = []
    by_page: dict[int, list[Token]] = {}
    for t in view.tokens:
        if t.text.strip():
            by_page.setdefault(t.page, []).append(t)
    for toks in by_page.values():
        toks.sort(key=lambda t: t.box[0])
        open_runs: list[list[Token]] = []
        reach = 3.3 * default_h  # no run can take a word farther than this to its right
        for n, t in enumerate(toks):
            if n % 16 == 0:
                open_runs = [r for r in open_runs if r[-1].box[2] >= t.box[0] - reach]
            x0, y0, _, y1 = t.box
            th = min(max(y1 - y0, 1e-9), 2.0 * default_h)
            best: list[Token] | None = None
            best_gap = 0.0
            for run in open_runs:
                lb = run[-1].box
                gap = x0 - lb[2]
                if gap > reach or min(lb[3], y1) - max(lb[1], y0) < 0.5 * min(lb[3] - lb[1], th):
                    continue
                h = max(th, min(lb[3] - lb[1], 2.0 * default_h))
                limit = 1.6 * h if run[-1].line == t.line else 0.5 * h
                if gap > limit or gap < -0.6 * h:
                    continue
                if best is None or gap < best_gap:
                    best, best_gap = run, gap
            if best is None:
                best = []
                open_runs.append(best)
                runs.append(best)
            best.append(t)
    runs.sort(key=lambda r: (r[0].page, r[0].box[1], r[0].box[0]))
    return runs


def _segments(view: DocView) -> _State:
    """Visual runs of words, split after colon-ended labels."""
    st = _State()
    heights = [ln.height for ln in view.lines if ln.height > 0]
    default_h = statistics.median(heights) if heights else 1.0
    for words in _rows(view, default_h):
        h = statistics.median(t.box[3] - t.box[1] for t in words)
        h = min(max(h, 1e-9), 2.0 * default_h)
        line = view.lines[words[0].line]
        run = _unglue(words)
        # colon split
        pieces: list[tuple[list[_Tok], bool]] = []  # (tokens, is colon key)
        start = 0
        for i, t in enumerate(run):
            if i == len(run) - 1:
                break
            if not (_ends_colon(t.text) or _LEADER.search(t.text)):
                continue
            if _URLISH.match(t.text):
                continue
            j = _key_start(run, start, i, h)
            if j is None:
                continue
            if j > start:
                pieces.append((run[start:j], False))  # the previous key's value
            pieces.append((run[j : i + 1], True))
            start = i + 1
        if start < len(run):
            rest = run[start:]
            cut = _weak_split(rest, h) if start == 0 else 0
            if cut:
                pieces.append((rest[:cut], False))
                pieces.append((rest[cut:], False))
            else:
                pieces.append((rest, False))
        pieces = [(part, k) for toks_, k in pieces for part in _split_numbers(toks_, h)]
        weak = bool(pieces) and not pieces[0][1] and len(pieces) == 2
        first_id = len(st.segs)
        for toks_, is_key in pieces:
            fill = False
            while len(toks_) > 1 and _FILL.match(toks_[-1].text):
                toks_ = toks_[:-1]
                fill = True
            if len(toks_) == 1 and _FILL.match(toks_[0].text):
                if len(st.segs) > first_id:
                    st.segs[-1].fill_after = True
                continue
            seg = _Seg(len(st.segs), list(toks_), line.index, line.page, line.cell, h)
            seg.fill_after = fill
            seg.colon = is_key or _ends_colon(seg.text) or bool(_LEADER.search(seg.text))
            seg.label = label_like(_key_text(seg)) and not _initials(seg.tokens)
            if seg.label and not seg.colon and _looks_like_name(seg.tokens):
                seg.label = False
            if seg.colon and not seg.label:
                seg.colon = False
            if seg.label and not seg.colon and h >= _HEADER_H * default_h:
                seg.label = False  # printed larger than the text: a title, not a label
            st.segs.append(seg)
            st.by_page.setdefault(seg.page, []).append(seg.id)
        line_segs = st.segs[first_id:]
        for a, b in itertools.pairwise(line_segs):
            if (a.colon or (weak and a.label)) and not b.colon:
                a.inline_value = b.id
    _mark_continuations(st)
    return st


# OCR words holding a key and its value: "NUMBER:212545-3299", "Name:Ada" (colon inside the
# word), "DATE3/17/82", "TIME3:28" (a label run into a date or time), "No.5031" (a number
# abbreviation run into the number).
_GLUED_COLON = re.compile(r"^([^\W\d_]{2,}[.#]?[:：])([^/:：].*)$")
_GLUED_DATE = re.compile(r"^([^\W\d_]{3,})(\d.*)$")
_GLUED_NUMBER = re.compile(
    r"^((?:no|nr|n°|nº|núm|num|ref|tel|tél|fax|ext|rev|acct|inv|po|id)[.#])(\d\S*)$", re.IGNORECASE
)


def glued_split(text: str) -> int:
    """Where a word that OCR glued from a key and its value splits (0: no split)."""
    if _URLISH.match(text):
        return 0
    m = _GLUED_COLON.match(text) or _GLUED_NUMBER.match(text)
    if m:
        return m.end(1)
    m = _GLUED_DATE.match(text)
    if m is None or _MONTH.match(m.group(1)) or not (m.group(1).isupper() or m.group(1).istitle()):
        return 0
    rest = m.group(2)
    if _DATE.fullmatch(rest) or re.fullmatch(r"\d{1,2}[:.]\d{2}([:.]\d{2})?", rest):
        return m.end(1)
    return 0


def _unglue(run: list[Token]) -> list[_Tok]:
    """The run with glued key/value words cut into two parts each."""
    out: list[_Tok] = []
    for t in run:
        cut = glued_split(t.text)
        if cut:
            out.append(SubToken(t, 0, cut))
            out.append(SubToken(t, cut, len(t.text)))
        else:
            out.append(t)
    return out


def _line(t: _Tok) -> int:
    return t.token.line if isinstance(t, SubToken) else t.line


def _split_numbers(tokens: list[_Tok], h: float) -> list[list[_Tok]]:
    """Numbers of neighbouring table columns caught in one run: cut at wide gaps between two
    words without letters, or where layout put them on separate lines (a word space inside a
    number, phone or date stays)."""
    out = [tokens[:1]]
    for a, b in itertools.pairwise(tokens):
        numeric = not _LETTER.search(a.text) and not _LETTER.search(b.text)
        gap = b.box[0] - a.box[2]
        if (
            numeric
            and _DIGIT.search(a.text)
            and _DIGIT.search(b.text)
            and (gap >= 0.8 * h or (_line(a) != _line(b) and gap >= 0.3 * h))
        ):
            out.append([b])
        else:
            out[-1].append(b)
    return out


def _looks_like_name(tokens: Sequence[_Tok]) -> bool:
    """``P. Okafor``, ``A. de Vries``: an initial, then a capitalised surname (with short
    particles): a person's name rather than an enumerated label such as ``A. Company name``."""
    if not 2 <= len(tokens) <= 4 or not _INITIALS_TOKEN.match(tokens[0].text):
        return False
    rest = [t.text for t in tokens[1:]]
    return rest[-1][:1].isupper() and all(w[:1].isupper() or len(w) <= 3 for w in rest)


def _initials(tokens: Sequence[_Tok]) -> bool:
    """Two initials (``G. R. Smith``): a person's name."""
    return sum(1 for t in tokens if _INITIALS_TOKEN.match(t.text)) >= 2


def _key_start(run: Sequence[_Tok], start: int, i: int, h: float) -> int | None:
    """Where the key ending with the colon word ``run[i]`` starts (``None``: no key).

    At the start of the run the key is every word before the colon. After an earlier
    ``Key: value`` on the same run, the key starts after the widest word gap (when it is wider
    than a word space), else it is the colon word alone.
    """
    if start == 0 or i == start:
        return start if _is_key_token_run(run[start : i + 1]) else None
    gaps = [(run[j].box[0] - run[j - 1].box[2], j) for j in range(start + 1, i + 1)]
    gap, j = max(gaps)
    if gap >= 0.6 * h and _is_key_token_run(run[j : i + 1]):
        return j
    return i if _is_key_token_run(run[i : i + 1]) else None


def _weak_split(run: Sequence[_Tok], h: float) -> int:
    """Where a colon-less run splits into a label and a value-shaped tail (0: no split).

    The label is the words before the first word with a digit; the tail must look like a
    value and the two must be set apart by more than a word space (or the label ends with
    ``#``/``No.``-like punctuation).
    """
    if len(run) < 2 or len(run) > 9:
        return 0
    cut = next((i for i, t in enumerate(run) if _DIGIT.search(t.text)), 0)
    if cut >= 2 and _MONTH.match(run[cut - 1].text):
        cut -= 1  # a date led by its month: "Date Submitted  July 6, 1995"
    if cut == 0 or cut > 5:
        return 0
    left = " ".join(t.text for t in run[:cut])
    right = " ".join(t.text for t in run[cut:])
    date = bool(_DATE.fullmatch(right)) or bool(
        _MONTH.match(run[cut].text) and _YEAR.fullmatch(run[-1].text) and len(run) - cut == 2
    )
    if not label_like(left) or "," in left or (not date and value_shape(right) < 0.7):
        return 0
    if not date and (
        _MONTH.match(run[cut - 1].text) or _DATE.search(" ".join(t.text for t in run))
    ):
        return 0  # a date such as "Aug. 1984" or "March 3, 1990" in the middle
    if not date and any(
        _LETTER.match(t.text) and not _DIGIT.search(t.text) for t in run[cut + 1 :]
    ):
        return 0  # words after the number: running text, not a value
    gap = run[cut].box[0] - run[cut - 1].box[2]
    part = run[cut]
    glued = isinstance(part, SubToken) and part.start > 0
    if gap < 0.6 * h and not left.endswith(("#", ".")) and not glued:
        return 0
    return cut


def _key_tokens(seg: _Seg) -> list[_Tok]:
    """A key's words without a leading enumerator such as ``(1)`` or ``a.``."""
    toks = seg.tokens
    i = 0
    while i < len(toks) - 1 and _ENUM.match(toks[i].text):
        i += 1
    return toks[i:]


def _key_text(seg: _Seg) -> str:
    return " ".join(t.text for t in _key_tokens(seg))


def _mark_continuations(st: _State) -> None:
    """Lines continuing a running text above them are neither keys nor labels."""
    for s in st.segs:
        for j in st.by_page[s.page]:
            a = st.segs[j]
            if a.id == s.id or a.colon or len(a.tokens) < 4:
                continue
            gap = s.box[1] - a.box[3]
            below = -0.4 * s.h <= gap <= 0.6 * s.h and abs(a.box[0] - s.box[0]) < 1.0 * s.h
            if below and (a.box[2] - a.box[0] > 1.5 * (s.box[2] - s.box[0]) or len(a.tokens) >= 6):
                s.colon = False
                s.label = False
                s.inline_value = None
                break


# --- candidate generation -------------------------------------------------------------------


def _v_overlap(a: BBox, b: BBox) -> float:
    inter = min(a[3], b[3]) - max(a[1], b[1])
    return inter / max(1e-9, min(a[3] - a[1], b[3] - b[1]))


def _h_overlap(a: BBox, b: BBox) -> float:
    inter = min(a[2], b[2]) - max(a[0], b[0])
    return inter / max(1e-9, min(a[2] - a[0], b[2] - b[0]))


def _value_ok(v: _Seg) -> bool:
    return not v.colon


def _right_of(st: _State, k: _Seg, max_gap: float) -> tuple[_Seg, float] | None:
    best: tuple[_Seg, float] | None = None
    for j in st.by_page[k.page]:
        v = st.segs[j]
        if v.id == k.id or v.box[0] < k.box[2] - 0.3 * k.h:
            continue
        if _v_overlap(k.box, v.box) < 0.4:
            continue
        gap = v.box[0] - k.box[2]
        if gap > max_gap * k.h:
            continue
        if best is None or gap < best[1]:
            best = (v, gap)
    return best


def _below(st: _State, k: _Seg) -> tuple[_Seg, float] | None:
    best: tuple[_Seg, float] | None = None
    for j in st.by_page[k.page]:
        v = st.segs[j]
        if v.id == k.id:
            continue
        gap = v.box[1] - k.box[3]
        if gap < -0.3 * k.h or gap > 1.5 * k.h:
            continue
        aligned = abs(v.box[0] - k.box[0]) < 1.5 * k.h or _h_overlap(k.box, v.box) > 0.3
        if k.colon and k.box[0] <= v.box[0] <= k.box[2] + 1.0 * k.h:
            aligned = True  # indented to just past a short label ("cc:" over a list of names)
        if not aligned:
            continue
        if best is None or gap < best[1]:
            best = (v, gap)
    return best


def _token_conf(tokens: Sequence[_Tok]) -> float:
    if not tokens:
        return 1.0
    return min(1.0, sum(t.confidence for t in tokens) / len(tokens))


def _candidates(view: DocView, st: _State) -> list[_Cand]:
    out: list[_Cand] = []
    segs = st.segs
    rights: dict[int, tuple[_Seg, float]] = {}
    for k in segs:
        if (k.colon or k.label) and k.inline_value is None:
            r = _right_of(st, k, 14.0 if k.colon else 12.0)
            if r is not None:
                rights[k.id] = r
    for k in segs:
        if not (k.colon or k.label):
            continue
        # 1. inline "Key: value"
        if k.inline_value is not None:
            v = segs[k.inline_value]
            if k.colon:
                out.append(_Cand(0.9 + 0.05 * value_shape(v.text), k.id, v.id, kind="inline"))
            else:
                out.append(_Cand(0.6 + 0.1 * value_shape(v.text), k.id, v.id, kind="inline-weak"))
            continue
        # 2a. value to the right on the same row
        r = rights.get(k.id)
        if r is not None:
            v, gap = r
            if _value_ok(v):
                shape = value_shape(v.text)
                if k.colon:
                    s = 0.8 - 0.01 * gap / k.h + 0.1 * shape
                else:
                    s = 0.5 - 0.015 * gap / k.h + 0.3 * shape
                if not k.colon and _table_row(st, k, v):
                    continue
                grid = _in_label_grid(st, k, v, rights)
                if grid:
                    s += 0.2
                if k.colon or shape > 0 or not v.label or grid:
                    out.append(_Cand(s, k.id, v.id, kind="right", grid=grid and not k.colon))

        # 2b. value below
        b = _below(st, k)
        if b is not None:
            v, gap = b
            own = rights.get(v.id)
            if v.label and (v.inline_value is not None or (own is not None and not own[0].colon)):
                pass  # a label with its own value
            elif _value_ok(v):
                shape = value_shape(v.text)
                kr = rights.get(k.id)
                label_row = kr is not None and kr[0].colon
                same_cell = k.cell is not None and k.cell == v.cell
                texty = len(v.tokens) >= 4 or (v.box[2] - v.box[0]) > 1.5 * (k.box[2] - k.box[0])
                if k.colon and (
                    shape > 0 or label_row or same_cell or (kr is None and (texty or not v.label))
                ):
                    s = 0.6 - 0.05 * gap / k.h + 0.15 * shape - (0.1 if v.label else 0.0)
                    out.append(_Cand(s, k.id, v.id, kind="below"))
                elif (
                    shape >= 0.7
                    and len(v.tokens) <= 4
                    and v.box[2] - v.box[0] <= 2 * (k.box[2] - k.box[0]) + 2 * k.h
                ):
                    s = 0.25 - 0.05 * gap / k.h + 0.3 * shape
                    out.append(_Cand(s, k.id, v.id, kind="below"))
    out.extend(_table_candidates(view, st))
    out.extend(_mark_candidates(view, st))
    return out


def _table_row(st: _State, k: _Seg, v: _Seg) -> bool:
    """Whether ``v`` is the first of several values on ``k``'s row (a table row)."""
    n = 0
    for j in st.by_page[k.page]:
        s = st.segs[j]
        if s.id in (k.id, v.id) or s.box[0] < v.box[2] or _v_overlap(s.box, v.box) < 0.5:
            continue
        if value_shape(s.text) > 0 and not s.colon:
            n += 1
    return n >= 2


def _in_label_grid(st: _State, k: _Seg, v: _Seg, rights: dict[int, tuple[_Seg, float]]) -> bool:
    """Whether another label on another row is aligned with ``k`` and has its value aligned
    with ``v``: a column of labels facing a column of values (a form grid)."""
    for oid, (ov, _) in rights.items():
        o = st.segs[oid]
        if o.page != k.page or o.id == k.id or _v_overlap(o.box, k.box) > 0.2:
            continue
        if (
            abs(o.box[0] - k.box[0]) < 1.0 * k.h
            and abs(ov.box[0] - v.box[0]) < 1.5 * k.h
            and abs(o.box[1] - k.box[1]) < 4.0 * k.h
        ):
            return True
    return False


def _table_candidates(view: DocView, st: _State) -> list[_Cand]:
    out: list[_Cand] = []
    first_seg: dict[tuple[int, int, int], list[int]] = {}
    for s in st.segs:
        if s.cell is not None:
            first_seg.setdefault(s.cell, []).append(s.id)
    for ti, table in enumerate(view.tables):
        cells = {(c.row, c.col): c for c in table.cells}

        def segs_of(r: int, c: int, ti: int = ti) -> list[int]:
            return first_seg.get((ti, r, c), [])

        labels_col0 = [
            r
            for r in range(table.row_count)
            if (ks := segs_of(r, 0)) and all(st.segs[i].label for i in ks)
        ]
        two_col = table.column_count == 2 and len(labels_col0) >= max(1, table.row_count // 2)
        if two_col:
            for r in labels_col0:
                ks, vs = segs_of(r, 0), segs_of(r, 1)
                if len(ks) == 1 and vs:
                    out.append(_Cand(0.75, ks[0], vs[0], kind="table-row"))
        if table.row_count == 2:
            for c in range(table.column_count):
                ks, vs = segs_of(0, c), segs_of(1, c)
                if len(ks) == 1 and vs and st.segs[ks[0]].label and (0, c) in cells:
                    out.append(_Cand(0.7, ks[0], vs[0], kind="table-col"))
        # label on top of a cell, value below it in the same cell
        stacked = []
        for cell in table.cells:
            ids = segs_of(cell.row, cell.col)
            if len(ids) >= 2 and st.segs[ids[0]].label and not st.segs[ids[0]].colon:
                k, v = st.segs[ids[0]], st.segs[ids[1]]
                if v.box[1] >= k.box[3] - 0.3 * k.h:
                    stacked.append((k, v))
        # a label-like value counts when the label is printed smaller, or when the whole table
        # is a grid of labelled boxes
        for k, v in stacked:
            if not v.label or k.h < 0.85 * v.h or len(stacked) >= 3:
                out.append(_Cand(0.7, k.id, v.id, kind="cell"))
    return out


def _mark_candidates(view: DocView, st: _State) -> list[_Cand]:
    out: list[_Cand] = []
    for mi, m in enumerate(view.marks):
        mh = m.box[3] - m.box[1]
        for j in st.by_page.get(m.page, []):
            s = st.segs[j]
            if _v_overlap(m.box, s.box) < 0.4 or len(s.text) > 60:
                continue
            h = max(s.h, mh)
            gap_r = s.box[0] - m.box[2]  # label right of the mark
            gap_l = m.box[0] - s.box[2]  # label left of the mark
            if -0.3 * h <= gap_r <= 2.5 * h:
                score = 1.2 - 0.05 * gap_r / h
            elif -0.3 * h <= gap_l <= 2.0 * h:
                score = 1.1 - 0.05 * gap_l / h
            else:
                continue
            out.append(_Cand(score, s.id, None, mark=mi, kind="mark"))
    return out


# --- resolution -----------------------------------------------------------------------------


def _has_left_label(
    st: _State, s: _Seg, colon_only: bool = False, exclude: Sequence[_Seg] = ()
) -> bool:
    """Whether a label sits to the left of ``s`` on its row (``s`` is then its own value)."""
    skip = {e.id for e in exclude}
    for j in st.by_page[s.page]:
        a = st.segs[j]
        if a.id == s.id or a.id in skip or not (a.colon or (a.label and not colon_only)):
            continue
        if a.box[2] > s.box[0] + 0.3 * s.h:
            continue
        if _v_overlap(a.box, s.box) >= 0.4 and s.box[0] - a.box[2] <= 14.0 * s.h:
            return True
    return False


def _short_item(s: _Seg) -> bool:
    return not s.colon and len(s.tokens) <= 5 and len(s.text) <= 40 and s.inline_value is None


def _list_items(st: _State, first: _Seg, used: set[int]) -> list[_Seg]:
    """More entries of a list whose first entry is the value ``first`` of a key.

    Entries are short lines stacked under ``first`` (left-aligned, no blank line between),
    and further columns of such entries beside that stack: names after ``cc:``, cities under
    a heading. Each is a value of the same key.
    """
    if not _short_item(first):
        return []
    members: list[_Seg] = [first]
    _chain(st, first, used, members)
    top, bottom = first.box[1], max(s.box[3] for s in members)
    right = max(s.box[2] for s in members)
    while len(members) >= 2:  # more columns beside a stack of at least two entries
        head = None
        for j in st.by_page[first.page]:
            s = st.segs[j]
            if s.id in used or s in members or not _short_item(s):
                continue
            cy = (s.box[1] + s.box[3]) / 2
            if not top - 0.3 * first.h <= cy <= bottom or s.box[0] < right + 1.0 * first.h:
                continue
            if s.box[0] - right > 8 * first.h or _has_left_label(st, s, exclude=members):
                continue
            if head is None or s.box[1] < head.box[1]:
                head = s
        if head is None:
            break
        members.append(head)
        _chain(st, head, used, members)
        right = max(right, *(s.box[2] for s in members))
    out = members[1:]
    digits = bool(_DIGIT.search(first.text))
    if any(bool(_DIGIT.search(s.text)) != digits for s in out):
        return []  # mixed entries (a name, then a street and a phone): a block, not a list
    return out


def _chain(st: _State, head: _Seg, used: set[int], members: list[_Seg]) -> None:
    """Append to ``members`` the short lines stacked right under ``head``, left-aligned."""
    cur = head
    for _ in range(30):
        nxt = None
        for j in st.by_page[cur.page]:
            s = st.segs[j]
            if s.id in used or s.id == cur.id or s in members or not _short_item(s):
                continue
            gap = s.box[1] - cur.box[3]
            if -0.4 * cur.h <= gap <= 0.7 * cur.h and abs(s.box[0] - head.box[0]) < cur.h:
                nxt = s
                break
        if nxt is None or _has_left_label(st, nxt, exclude=members):
            return
        members.append(nxt)
        cur = nxt


def _extend_right(st: _State, v: _Seg, blocked: set[int]) -> list[_Seg]:
    """``v`` and the runs continuing it on its row (close, not labels ending with ``:``)."""
    out = [v]
    cur = v
    while True:
        nxt: _Seg | None = None
        for j in st.by_page[cur.page]:
            s = st.segs[j]
            if s.id in blocked or s.id == cur.id or s.colon:
                continue
            gap = s.box[0] - cur.box[2]
            if -0.3 * cur.h <= gap <= 1.2 * cur.h and _v_overlap(cur.box, s.box) >= 0.5:
                nxt = s
                break
        if nxt is None:
            return out
        out.append(nxt)
        blocked.add(nxt.id)
        cur = nxt


def _extend_value(st: _State, v: _Seg, blocked: set[int]) -> list[_Seg]:
    """The value's segments on its row plus the lines continuing it below (left-aligned)."""
    out = _extend_right(st, v, blocked)
    row = out[:]
    cur = v
    widest = 0.0
    while len(out) < 12:
        # only running text continues: a short row ends the value (lists stay one per line)
        width = max(s.box[2] for s in row) - min(s.box[0] for s in row)
        widest = max(widest, width)
        if sum(len(s.tokens) for s in row) < 4 or width < 0.6 * widest:
            break
        nxt: _Seg | None = None
        for j in st.by_page[cur.page]:
            s = st.segs[j]
            if s.id in blocked or s.id == cur.id or s.colon:
                continue
            gap = s.box[1] - cur.box[3]
            if gap < -0.4 * cur.h or gap > 0.6 * cur.h:
                continue
            if abs(s.box[0] - v.box[0]) > 1.2 * v.h:
                continue
            nxt = s
            break
        if nxt is None or _has_left_label(st, nxt):
            break
        blocked.add(nxt.id)
        row = _extend_right(st, nxt, blocked)
        out.extend(row)
        cur = nxt
    return out


# Base confidence per cue: (kind, key ends with ":", value has a strong shape). Set from the
# precision of each cue on scanned forms (see benchmarks/kv_eval.py), rounded towards caution.
_BASE: dict[tuple[str, bool, bool], float] = {
    ("inline", True, True): 0.86,
    ("inline", True, False): 0.72,
    ("inline-weak", False, True): 0.5,
    ("right", True, True): 0.86,
    ("right", True, False): 0.72,
    ("right", False, True): 0.7,
    ("right", False, False): 0.45,
    ("list", True, False): 0.5,
    ("list", True, True): 0.5,
    ("below", True, True): 0.5,
    ("below", True, False): 0.3,
    ("below", False, True): 0.42,
    ("column", False, True): 0.66,
    ("matrix", False, True): 0.66,
    ("matrix", False, False): 0.66,
    ("matrix", True, True): 0.66,
    ("matrix", True, False): 0.66,
    ("column", False, False): 0.55,
    ("cell", False, True): 0.7,
    ("cell", False, False): 0.5,
    ("table-row", False, True): 0.7,
    ("table-row", False, False): 0.6,
    ("table-col", False, True): 0.5,
    ("table-col", False, False): 0.4,
    ("mark", False, False): 0.35,
    ("mark", True, False): 0.35,
    ("empty", True, False): 0.6,
    ("empty", False, False): 0.45,
}


def _confidence(c: _Cand, k: _Seg, vtoks: Sequence[_Tok]) -> float:
    """Calibrated pair confidence: the cue's base, a label-grid bonus, an OCR penalty."""
    shape = value_shape(" ".join(t.text for t in vtoks)) >= 0.7 if vtoks else False
    base = _BASE.get((c.kind, k.colon, shape), _BASE.get((c.kind, k.colon, False), 0.4))
    if c.grid:
        base += 0.08
    ocr = _token_conf(list(k.tokens) + list(vtoks))
    conf = base - 0.6 * max(0.0, 0.92 - ocr)
    return round(max(0.05, min(0.95, conf)), 3)


def _column(st: _State, k: _Seg, taken: set[int], relaxed: bool = False) -> list[_Seg]:
    """Value-shaped cells stacked under a column header ``k`` (at least two), else ``[]``.

    ``relaxed`` (the header sits in a header row of proven columns) also takes text cells.
    """
    below = [
        st.segs[j]
        for j in st.by_page[k.page]
        if st.segs[j].box[1] > k.box[3] - 0.3 * k.h and st.segs[j].id != k.id
    ]
    below.sort(key=lambda s: s.box[1])
    out: list[_Seg] = []
    bottom = k.box[3]
    cx0, cx1 = k.box[0] - 0.5 * k.h, k.box[2] + 0.5 * k.h
    for s in below:
        cx = (s.box[0] + s.box[2]) / 2
        if not (cx0 <= cx <= cx1) or s.box[2] - s.box[0] > 2.5 * (k.box[2] - k.box[0]) + k.h:
            continue
        if s.box[1] - bottom > 2.5 * k.h:
            break
        if s.id in taken or s.colon:
            break
        if not relaxed and (s.label or value_shape(s.text) < 0.7):
            break
        if relaxed and s.label and s.inline_value is not None:
            break
        if _has_left_label(st, s, colon_only=True):
            break
        out.append(s)
        bottom = s.box[3]
    return out if len(out) >= 2 else []


def _header_above(st: _State, k: _Seg, taken: set[int]) -> list[_Seg]:
    """Label lines stacked right above a column header (a header set on 2-3 lines)."""
    out: list[_Seg] = []
    cur = k
    while len(out) < 2:
        nxt = None
        for j in st.by_page[k.page]:
            a = st.segs[j]
            if a.id in taken or a.id == cur.id or a.colon or not a.label:
                continue
            gap = cur.box[1] - a.box[3]
            if -0.4 * k.h <= gap <= 0.6 * k.h and _h_overlap(a.box, cur.box) > 0.3:
                nxt = a
                break
        if nxt is None:
            break
        out.insert(0, nxt)
        cur = nxt
    return out


# Column header -> cell pairs inside detected tables of 3x3 or more. On scanned forms (FUNSD)
# these links are part of the GT and worth ~0.05 pair F1; on invoices they turn line-item
# tables into pairs. Switch off to report tables only as tables.
_COLUMNS_IN_TABLES = True


def _is_data_table(table: TableView) -> bool:
    """A table of at least 3 rows and 3 columns."""
    return table.row_count >= 3 and table.column_count >= 3


def _column_pairs(st: _State, k: _Seg, col: list[_Seg], used: set[int]) -> list[KeyValue]:
    """One pair per cell of a column under header ``k`` (header lines above joined)."""
    used.add(k.id)
    head = _header_above(st, k, used)
    used.update(h.id for h in head)
    ktoks = [t for h in head for t in h.tokens] + _key_tokens(k)
    out = []
    for v in col:
        used.add(v.id)
        c = _Cand(0.5, k.id, v.id, kind="column")
        out.append(KeyValue(ktoks, list(v.tokens), _confidence(c, k, v.tokens)))
    return out


def _is_cell(s: _Seg) -> bool:
    """A short numeric entry: a table cell value (count, score, amount, percentage)."""
    return (
        not s.colon
        and not s.label
        and len(s.tokens) <= 3
        and bool(_DIGIT.search(s.text))
        and _letter_ratio(s.text) < 0.5
        and len(s.text) <= 16
    )


def _x_overlap(a: BBox, b: BBox) -> float:
    inter = min(a[2], b[2]) - max(a[0], b[0])
    return inter / max(1e-9, min(a[2] - a[0], b[2] - b[0]))


def _matrix(
    st: _State, used: set[int], header_rows: list[tuple[int, float, float]]
) -> list[KeyValue]:
    """A grid of numeric cells (a data table printed without rules, or with them).

    Every cell is a value of its column header (the nearest text above its column) and of its
    row label (the nearest label to the left of its row): one pair per (header, cell) and per
    (row label, cell). A cell counts only when its row and its column both hold at least two
    cells, so isolated numbers next to labels stay ordinary pairs.
    """
    out: list[KeyValue] = []
    for page, ids in st.by_page.items():
        cells = [st.segs[i] for i in ids if st.segs[i].id not in used and _is_cell(st.segs[i])]
        if len(cells) < 4:
            continue
        rows: list[list[_Seg]] = []
        for c in sorted(cells, key=lambda s: (s.box[1] + s.box[3]) / 2):
            for row in rows:
                if _v_overlap(row[0].box, c.box) >= 0.5:
                    row.append(c)
                    break
            else:
                rows.append([c])
        rows = [part for row in rows for part in _split_row(st, page, row)]
        cols: list[list[_Seg]] = []
        for c in sorted(cells, key=lambda s: s.box[1]):
            for col in cols:
                band = (min(s.box[0] for s in col), 0.0, max(s.box[2] for s in col), 1.0)
                if _x_overlap(band, c.box) > 0.3 and _v_overlap(col[-1].box, c.box) < 0.5:
                    col.append(c)
                    break
            else:
                cols.append([c])
        cols = [part for col in cols for part in _split_column(st, page, col)]
        # a column of plain numbers topped by an entry with letters ("TA98", "(+)S-9"): that
        # entry is the column's header
        head_cells: dict[int, _Seg] = {}
        for i, col in enumerate(cols):
            if (
                len(col) >= 3
                and _LETTER.search(col[0].text)
                and not any(_LETTER.search(c.text) for c in col[1:])
            ):
                head_cells[i] = col.pop(0)
        heads = {h.id for h in head_cells.values()}
        cells = [c for c in cells if c.id not in heads]
        rows = [r for r in ([c for c in row if c.id not in heads] for row in rows) if r]
        row_of = {c.id: i for i, row in enumerate(rows) for c in row}
        col_of = {c.id: i for i, col in enumerate(cols) for c in col}
        in_rows = {c.id for row in rows if len(row) >= 2 for c in row}
        grid = {
            c.id for c in cells if len(rows[row_of[c.id]]) >= 2 and len(cols[col_of[c.id]]) >= 2
        }
        # a lone number in its row that continues a column of the grid is a cell of it too
        grid |= {
            c.id
            for c in cells
            if sum(1 for o in cols[col_of[c.id]] if o.id in grid and o.id != c.id) >= 2
        }
        if len(grid) < 4:
            continue
        keys: dict[tuple[str, int], list[_Tok]] = {}
        key_segs: dict[tuple[str, int], list[int]] = {}
        for i, row in enumerate(rows):
            members = [c for c in row if c.id in grid]
            if len(members) < 2:
                continue
            lab = _row_label(st, page, row, grid)
            if lab is not None:
                keys[("row", i)] = [t for s in lab for t in _key_tokens(s)]
                key_segs[("row", i)] = [s.id for s in lab]
        row_keys = {k for ks in key_segs.values() for k in ks}
        for i, col in enumerate(cols):
            members = [c for c in col if c.id in grid]
            if len(members) < 2:
                continue
            head = head_cells.get(i) or _column_head(st, page, col, in_rows)
            if head is None:
                continue
            if head.id in row_keys and all(
                min(rows[row_of[c.id]], key=lambda s: s.box[0]) is c for c in members
            ):
                # under a row label, first in every row: a column of row labels ("25-34")
                for c in members:
                    grid.discard(c.id)
                    keys[("row", row_of[c.id])] = list(c.tokens)
                    key_segs[("row", row_of[c.id])] = [c.id]
                continue
            above: list[_Seg] = []
            for h in reversed(_header_above(st, head, used | in_rows)):
                if h.box[2] - h.box[0] > 1.6 * (head.box[2] - head.box[0]) + 2 * head.h:
                    break  # a heading over a group of columns
                above.insert(0, h)
            keys[("col", i)] = [t for h in above for t in h.tokens] + _key_tokens(head)
            header_rows.append((page, head.box[1], head.box[3]))
            key_segs[("col", i)] = [head.id] + [h.id for h in above]
        for c in sorted(cells, key=lambda s: (s.box[1], s.box[0])):
            if c.id not in grid:
                continue
            for key in (("row", row_of[c.id]), ("col", col_of[c.id])):
                ktoks = keys.get(key)
                if not ktoks:
                    continue
                conf = _confidence(
                    _Cand(0.5, key_segs[key][0], c.id, kind="matrix"),
                    st.segs[key_segs[key][0]],
                    c.tokens,
                )
                out.append(KeyValue(ktoks, list(c.tokens), conf))
            used.add(c.id)
        for ks in key_segs.values():
            used.update(ks)
    return out


def _split_row(st: _State, page: int, row: list[_Seg]) -> list[list[_Seg]]:
    """A row of cells cut where a text sits between two cells (two label/value pairs)."""
    row = sorted(row, key=lambda s: s.box[0])
    texts = [
        st.segs[j].box
        for j in st.by_page[page]
        if _v_overlap(st.segs[j].box, row[0].box) >= 0.3 and _LETTER.search(st.segs[j].text)
    ]
    parts: list[list[_Seg]] = [[row[0]]]
    for a, b in itertools.pairwise(row):
        cut = any(
            t[0] >= a.box[2] - 0.2 * a.h
            and t[2] <= b.box[0] + 0.2 * a.h
            and _v_overlap(t, a.box) >= 0.4
            for t in texts
        )
        if cut:
            parts.append([b])
        else:
            parts[-1].append(b)
    return parts


def _split_column(st: _State, page: int, col: list[_Seg]) -> list[list[_Seg]]:
    """A column of cells cut where a text line crosses its band between two cells."""
    parts: list[list[_Seg]] = [[col[0]]]
    for a, b in itertools.pairwise(col):
        x0 = min(s.box[0] for s in parts[-1])
        x1 = max(s.box[2] for s in parts[-1])
        cut = False
        for j in st.by_page[page]:
            s = st.segs[j]
            if (
                s.box[1] >= a.box[3] - 0.2 * a.h
                and s.box[3] <= b.box[1] + 0.2 * a.h
                and _LETTER.search(s.text)
                and min(x1, s.box[2]) - max(x0, s.box[0]) > 0
            ):
                cut = True
                break
        if cut:
            parts.append([b])
        else:
            parts[-1].append(b)
    return parts


def _column_head(st: _State, page: int, col: list[_Seg], skip: set[int]) -> _Seg | None:
    """The nearest text above a column of cells that spans its band: the column header."""
    top = min(col, key=lambda s: s.box[1])
    x0 = min(s.box[0] for s in col)
    x1 = max(s.box[2] for s in col)
    width = x1 - x0
    best: _Seg | None = None
    for j in st.by_page[page]:
        s = st.segs[j]
        if s.id in skip or s.box[3] > top.box[1] + 0.3 * top.h:
            continue
        if not (_LETTER.search(s.text) or _DIGIT.search(s.text)):
            continue
        cx = (s.box[0] + s.box[2]) / 2
        inside = x0 - 0.5 * top.h <= cx <= x1 + 0.5 * top.h
        covers = s.box[0] - 0.5 * top.h <= (x0 + x1) / 2 <= s.box[2] + 0.5 * top.h
        if not (inside or covers) or s.box[2] - s.box[0] > 4 * width + 4 * top.h:
            continue
        if best is None or s.box[3] > best.box[3]:
            best = s
    if best is None or best.colon or top.box[1] - best.box[3] > 8 * top.h:
        return None
    short_code = len(best.text) <= 8 and bool(_LETTER.search(best.text))  # "TA98", "Q3"
    if _is_cell(best) or not (label_like(_key_text(best)) or short_code):
        return None
    return best


def _row_label(st: _State, page: int, row: list[_Seg], grid: set[int]) -> list[_Seg] | None:
    """The label left of a row of cells, with its continuation lines below."""
    first = min((c for c in row if c.id in grid), key=lambda s: s.box[0])
    best: _Seg | None = None
    for j in st.by_page[page]:
        s = st.segs[j]
        if s.id in grid or s.box[2] > first.box[0] + 0.3 * first.h:
            continue
        if _v_overlap(s.box, first.box) < 0.4:
            continue
        if best is None or s.box[2] > best.box[2]:
            best = s
    if best is None or not best.label:
        return None
    if any(
        st.segs[g].box[2] <= best.box[0] and _v_overlap(st.segs[g].box, best.box) >= 0.4
        for g in grid
    ):
        return None  # text between cells: a column of the table, not the row's label
    out = [best]
    cur = best
    while len(out) < 2:  # a label set on two lines: its first line above
        prev = None
        for j in st.by_page[page]:
            s = st.segs[j]
            gap = cur.box[1] - s.box[3]
            if s.id in grid or s.id == cur.id or not -0.4 * cur.h <= gap <= 0.5 * cur.h:
                continue
            if abs(s.box[0] - best.box[0]) > 1.5 * best.h or s.colon or s.label:
                continue
            if any(_v_overlap(s.box, st.segs[g].box) >= 0.5 for g in grid):
                continue
            prev = s
            break
        if prev is None:
            break
        out.insert(0, prev)
        cur = prev
    cur = best
    while len(out) < 3:
        nxt = None
        for j in st.by_page[page]:
            s = st.segs[j]
            gap = s.box[1] - cur.box[3]
            if s.id in grid or s.id == cur.id or not -0.4 * cur.h <= gap <= 0.5 * cur.h:
                continue
            if abs(s.box[0] - best.box[0]) > 1.5 * best.h or s.colon:
                continue
            if any(_v_overlap(s.box, st.segs[g].box) >= 0.5 for g in grid):
                continue
            nxt = s
            break
        if nxt is None:
            break
        out.append(nxt)
        cur = nxt
    return out


def extract_key_values(view: DocView, ctx: ExtractContext) -> Extraction:
    """Key-value pairs of any analysed document (see the module docstring)."""
    del ctx
    st = _segments(view)
    cands = _candidates(view, st)
    cands.sort(key=lambda c: -c.score)
    used: set[int] = set()  # segment ids used as key or value
    used_marks: set[int] = set()
    header_rows: list[tuple[int, float, float]] = []
    pairs: list[KeyValue] = _matrix(st, used, header_rows) if _COLUMNS_IN_TABLES else []
    # column headers over a stack of values: one pair per value; then, in a header row that
    # has proven value columns, the other headers over text columns
    for relaxed in (False, True):
        for k in st.segs:
            if not k.label or k.colon or k.id in used:
                continue
            if relaxed and not any(
                p == k.page and min(y1, k.box[3]) - max(y0, k.box[1]) > 0.4 * k.h
                for p, y0, y1 in header_rows
            ):
                continue
            if (
                not _COLUMNS_IN_TABLES
                and k.cell is not None
                and _is_data_table(view.tables[k.cell[0]])
            ):
                continue  # a real table is reported as a table, not as pairs
            col = _column(st, k, used, relaxed)
            if not col:
                continue
            if _has_left_label(st, k) and all(_has_left_label(st, v) for v in col):
                continue  # a column of values of a label column, not a table column
            header_rows.append((k.page, k.box[1], k.box[3]))
            pairs.extend(_column_pairs(st, k, col, used))
    for c in cands:
        if c.key in used:
            continue
        k = st.segs[c.key]
        if c.mark is not None:
            if c.mark in used_marks:
                continue
            used_marks.add(c.mark)
            used.add(c.key)
            mark = view.marks[c.mark]
            conf = _confidence(c, k, []) * (0.8 + 0.2 * min(1.0, mark.confidence))
            pairs.append(KeyValue(_key_tokens(k), [mark], round(conf, 3)))
            continue
        if c.value is None or c.value in used or c.value == c.key:
            continue
        used.add(c.key)
        used.add(c.value)
        vsegs = _extend_value(st, st.segs[c.value], used)
        vtoks = [t for s in vsegs for t in s.tokens]
        pairs.append(KeyValue(_key_tokens(k), vtoks, _confidence(c, k, vtoks)))
        if k.colon and len(vsegs) == 1 and c.kind in ("right", "below", "inline"):
            for item in _list_items(st, vsegs[0], used):
                used.add(item.id)
                lc = _Cand(0.5, k.id, item.id, kind="list")
                pairs.append(KeyValue(_key_tokens(k), item.tokens, _confidence(lc, k, item.tokens)))
    for s in st.segs:
        if (s.colon or (s.label and s.fill_after)) and s.id not in used:
            conf = _confidence(_Cand(0.5, s.id, None, kind="empty"), s, [])
            pairs.append(KeyValue(_key_tokens(s), [], conf))
    pairs.sort(key=lambda kv: kv.key[0].span.offset if kv.key and kv.key[0].span else 0)
    return Extraction(key_value_pairs=pairs)
