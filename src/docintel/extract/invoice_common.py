"""Shared geometry and value helpers of the invoice extractor (rows, neighbours, money)."""

from __future__ import annotations

import bisect
import dataclasses
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from docintel.core.geometry import BBox, bbox_polygon, union_bbox
from docintel.extract.docview import DocView, SubToken, TextLine, Token
from docintel.extract.normalize import Money, parse_money
from docintel.layout.content import Span

_ISO_TAIL = re.compile(r"^(.*?\d.*?)\s*\b([A-Z]{3})$")
_ISO_HEAD = re.compile(r"^([A-Z]{3})\b\s*(.*\d.*)$")
_MONEY_CHARS = re.compile(r"^[\s\d.,'’\u00a0\u202f()+\-−]*$")


@dataclass
class DocFacts:
    """Document-wide facts votes once: decimal separator, currency, date order, text height."""

    decimal: str | None = None
    currency: str | None = None
    date_order: str | None = None
    country: str | None = None
    line_height: dict[int, float] = field(default_factory=dict)
    char_width: dict[int, float] = field(default_factory=dict)

    def h(self, page: int) -> float:
        """Median line height of a page."""
        return self.line_height.get(page, 1.0)


def median_heights(view: DocView) -> dict[int, float]:
    """Median text-line height per page."""
    out: dict[int, float] = {}
    for p in view.pages:
        hs = [view.lines[i].height for i in p.lines if view.lines[i].height > 0]
        out[p.number] = statistics.median(hs) if hs else 1.0
    return out


def split_token(tok: Token, cut: int) -> tuple[Token, Token]:
    """Two words from one at character ``cut``, cut as ``SubToken`` cuts them (boxes split in
    proportion to the text); they stay ``Token`` s so the row and column logic takes them."""

    def part(start: int, end: int) -> Token:
        sub = SubToken(tok, start, end)
        x0, y0, x1, y1 = sub.box
        return dataclasses.replace(
            tok, text=sub.text, box=sub.box, polygon=(x0, y0, x1, y0, x1, y1, x0, y1), span=sub.span
        )

    return part(0, cut), part(cut, len(tok.text))


def median_char_widths(view: DocView) -> dict[int, float]:
    """Median width per character of the lines of each page (lines of 4+ characters)."""
    out: dict[int, float] = {}
    for p in view.pages:
        ws = [
            (ln.box[2] - ln.box[0]) / len(ln.text)
            for ln in (view.lines[i] for i in p.lines)
            if len(ln.text) >= 4 and ln.box[2] > ln.box[0]
        ]
        if ws:
            out[p.number] = statistics.median(ws)
    return out


def money_of(text: str, facts: DocFacts) -> Money | None:
    """Parse a printed amount; a trailing/leading ISO code (``"$3.00 CAD"``) sets the code."""
    t = text.strip()
    if not t or not any(ch.isdigit() for ch in t):
        return None
    m = parse_money(
        t,
        decimal=facts.decimal,  # type: ignore[arg-type]
        default_code=facts.currency,
        country=facts.country,
    )
    if m is not None:
        return m
    for rx, num_group, code_group in ((_ISO_TAIL, 1, 2), (_ISO_HEAD, 2, 1)):
        mm = rx.match(t)
        if mm is None:
            continue
        code = mm.group(code_group)
        probe = parse_money(f"{code} 1")
        if probe is None or probe.code != code:
            continue
        inner = parse_money(mm.group(num_group), decimal=facts.decimal, default_code=code)  # type: ignore[arg-type]
        if inner is not None:
            return Money(inner.amount, inner.symbol, code)
    return None


def is_amount_text(text: str) -> bool:
    """Whether a text is only a number/amount (no words apart from a currency)."""
    if not any(ch.isdigit() for ch in text):
        return False
    if _MONEY_CHARS.match(text):
        return True
    rest = re.sub(r"\b[A-Z]{3}\b", "", text, count=1)
    return len(re.sub(r"[\d\s.,'’()+\-−]", "", rest)) <= 3


def v_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Vertical overlap over the smaller height."""
    inter = min(a[3], b[3]) - max(a[1], b[1])
    hmin = min(a[3] - a[1], b[3] - b[1])
    return inter / hmin if hmin > 0 else 0.0


def h_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Horizontal overlap length."""
    return min(a[2], b[2]) - max(a[0], b[0])


def cluster_rows(lines: Iterable[TextLine]) -> list[list[TextLine]]:
    """Group lines into visual rows (same baseline band), top to bottom, each left to right."""
    rows: list[list[TextLine]] = []
    bands: list[tuple[float, float]] = []
    all_lines = list(lines)
    hs = [ln.height for ln in all_lines if ln.height > 0]
    hmed = statistics.median(hs) if hs else 0.0
    # OCR boxes some short lines as tall as two rows: they join a row after the others.
    tall = [ln for ln in all_lines if hmed > 0 and ln.height > 1.6 * hmed]
    tall_ids = {id(ln) for ln in tall}
    normal = [ln for ln in all_lines if id(ln) not in tall_ids]
    for ln in sorted(normal, key=lambda x: (x.box[1] + x.box[3]) / 2):
        cy = (ln.box[1] + ln.box[3]) / 2
        if rows:
            y0, y1 = bands[-1]
            if y0 <= cy <= y1 and v_overlap(rows[-1][-1].box, ln.box) > 0.4:
                rows[-1].append(ln)
                bands[-1] = (min(y0, ln.box[1]), max(y1, ln.box[3]))
                continue
        rows.append([ln])
        bands.append((ln.box[1], ln.box[3]))
    for ln in tall:
        best: tuple[float, int] | None = None
        for i, (y0, y1) in enumerate(bands):
            ov = min(y1, ln.box[3]) - max(y0, ln.box[1])
            if ov > 0 and (best is None or ov > best[0]):
                best = (ov, i)
        if best is None:
            rows.append([ln])
            bands.append((ln.box[1], ln.box[3]))
        else:
            rows[best[1]].append(ln)
    order = sorted(range(len(rows)), key=lambda i: (bands[i][0] + bands[i][1]) / 2)
    rows = [rows[i] for i in order]
    for r in rows:
        r.sort(key=lambda x: x.box[0])
    return rows


def tokens_text(tokens: Sequence[Token]) -> str:
    """Words joined by spaces."""
    return " ".join(t.text for t in tokens)


def mean_conf(tokens: Sequence[Token]) -> float:
    """Mean OCR confidence of words (1 when there are none)."""
    return sum(t.confidence for t in tokens) / len(tokens) if tokens else 1.0


# --- OCR clean-up: ghost lines and lines spanning two columns ---------------------------------

# Words further apart than this many text heights belong to different columns.
COLUMN_GAP = 2.5


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _inside(inner: BBox, outer: BBox) -> float:
    """The fraction of ``inner``'s area that lies in ``outer``."""
    w = min(inner[2], outer[2]) - max(inner[0], outer[0])
    h = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = (inner[2] - inner[0]) * (inner[3] - inner[1])
    return w * h / area if w > 0 and h > 0 and area > 0 else 0.0


def ghost_lines(view: DocView) -> set[int]:
    """Lines an OCR pass read twice: a tall line that holds two or more other lines whose
    text it repeats ("Unit priceTotal" over "Unit price" and "Total")."""
    out: set[int] = set()
    heights = median_heights(view)
    for page in view.pages:
        lines = [view.lines[i] for i in page.lines]
        h = heights.get(page.number, 1.0)
        for ln in lines:
            if (len(ln.tokens) < 2 and len(ln.text) < 6) or ln.height < 1.5 * h:
                continue  # a line read twice spans the rows of the lines it repeats
            inner = [
                o
                for o in lines
                if o.index != ln.index and o.index not in out and _inside(o.box, ln.box) >= 0.6
            ]
            if len(inner) < 2:
                continue
            have = Counter("".join(_alnum(o.text) for o in inner))
            want = Counter(_alnum(ln.text))
            if not want:
                continue
            covered = sum(min(n, have[ch]) for ch, n in want.items())
            if covered >= 0.7 * sum(want.values()):
                out.add(ln.index)
    return out


def _split_groups(line: TextLine, h: float) -> list[list[Token]]:
    groups: list[list[Token]] = [[line.tokens[0]]] if line.tokens else []
    for a, b in zip(line.tokens, line.tokens[1:], strict=False):
        if b.box[0] - a.box[2] > COLUMN_GAP * h:
            groups.append([b])
        else:
            groups[-1].append(b)
    return groups


def _tight_boxes(line: TextLine, h: float, slope: float) -> dict[int, BBox]:
    """Boxes for words whose OCR box is the whole line's (a merged line's fallback), placed
    on the line through the words that have their own boxes (skew ``slope`` when alone)."""
    toks = line.tokens
    tall = [t for t in toks if t.box[3] - t.box[1] > 1.6 * h]
    good = [t for t in toks if t.box[3] - t.box[1] <= 1.6 * h]
    if not tall or not good:
        return {}
    xs = [(t.box[0] + t.box[2]) / 2 for t in good]
    ys = [(t.box[1] + t.box[3]) / 2 for t in good]
    hh = statistics.median(t.box[3] - t.box[1] for t in good)
    b = slope
    if len(good) >= 2 and max(xs) - min(xs) > 3 * h:
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        den = sum((x - mx) ** 2 for x in xs)
        b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    out: dict[int, BBox] = {}
    for t in tall:
        cy = my + b * ((t.box[0] + t.box[2]) / 2 - mx)
        cy = min(max(cy, t.box[1] + hh / 2), t.box[3] - hh / 2)
        out[t.index] = (t.box[0], cy - hh / 2, t.box[2], cy + hh / 2)
    return out


def page_skew(groups: Sequence[Sequence[Token]], h: float) -> float:
    """The slope (dy/dx) of text rows on a page: the median over pairs of word groups far
    apart on one row (a description and its amount), which OCR word boxes (tight to the ink,
    so ragged) cannot give line by line. 0 when small or not measurable."""
    pts: list[tuple[float, float, float]] = []  # (centre y, x0, x1)
    for g in groups:
        good = [t for t in g if t.box[3] - t.box[1] <= 1.6 * h]
        if not good:
            continue
        y0 = min(t.box[1] for t in good)
        y1 = max(t.box[3] for t in good)
        pts.append(((y0 + y1) / 2, good[0].box[0], good[-1].box[2]))
    pts.sort()
    ys = [p[0] for p in pts]
    slopes: list[float] = []
    for cy, x0, x1 in pts:
        lo = bisect.bisect_left(ys, cy - 1.6 * h)
        hi = bisect.bisect_right(ys, cy + 1.6 * h)
        for cy2, bx0, bx1 in pts[lo:hi]:
            if bx0 - x1 < 15 * h:
                continue
            slopes.append((cy2 - cy) / ((bx0 + bx1) / 2 - (x0 + x1) / 2))
    if len(slopes) < 5:
        return 0.0
    # Pairs of one row agree on the slope; a pair across neighbouring rows gives a slope that
    # varies with its distance: take the densest slope, not the median.
    slopes.sort()
    best: tuple[int, float] | None = None
    for v in slopes:
        n = bisect.bisect_right(slopes, v + 0.0015) - bisect.bisect_left(slopes, v - 0.0015)
        if best is None or (n, -abs(v)) > (best[0], -abs(best[1])):
            best = (n, v)
    assert best is not None
    near = [v for v in slopes if abs(v - best[1]) <= 0.002]
    if len(near) < 3:
        return 0.0
    s = statistics.median(near)
    return s if abs(s) > 0.003 else 0.0


def _all_tall(line: TextLine, h: float) -> bool:
    return bool(line.tokens) and all(t.box[3] - t.box[1] > 1.6 * h for t in line.tokens)


def _snap_tall(lines: list[TextLine], tokens: list[Token], heights: dict[int, float]) -> None:
    """Lines OCR boxed two rows tall (every word too) move onto the row of normal lines they
    cover whose centre is nearest ("Due date" boxed over its own row and its value's)."""
    by_page: dict[int, list[TextLine]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    for page, plines in by_page.items():
        h = heights.get(page, 1.0)
        normal = [ln for ln in plines if ln.height <= 1.3 * h]
        for ln in plines:
            if not _all_tall(ln, h):
                continue
            cy = (ln.box[1] + ln.box[3]) / 2
            best: tuple[float, TextLine] | None = None
            for o in normal:
                if h_overlap(o.box, ln.box) > 0 or o.height <= 0:
                    continue
                inside = min(o.box[3], ln.box[3]) - max(o.box[1], ln.box[1])
                if inside < 0.6 * o.height:
                    continue
                d = abs((o.box[1] + o.box[3]) / 2 - cy)
                if best is None or d < best[0]:
                    best = (d, o)
            if best is None:
                continue
            y0, y1 = best[1].box[1], best[1].box[3]
            toks = [dataclasses.replace(t, box=(t.box[0], y0, t.box[2], y1)) for t in ln.tokens]
            for t in toks:
                tokens[t.index] = t
            lines[ln.index] = dataclasses.replace(
                ln, tokens=toks, box=(ln.box[0], y0, ln.box[2], y1)
            )


def clean_view(view: DocView) -> DocView:
    """The view with OCR ghost lines dropped and lines split where their words jump a column
    gap ("Anna Meier            Invoice no.: 4711" read as one line by OCR).

    Words keep their spans and polygons (copies with the new line index), so fields built from
    them point into the document exactly as before; tables and pages refer to the new lines.
    """
    heights = median_heights(view)
    drop = ghost_lines(view)
    plan: list[tuple[TextLine, list[list[Token]]]] = []
    boxes: dict[int, BBox] = {}
    skewed: dict[int, tuple[float, float]] = {}
    for page in view.pages:
        h = heights.get(page.number, 1.0)
        page_groups: list[list[Token]] = []
        for li in page.lines:
            ln = view.lines[li]
            if li in drop or not ln.tokens:
                plan.append((ln, [] if li in drop else [list(ln.tokens)]))
                continue
            groups = _split_groups(ln, h)
            plan.append((ln, groups))
            page_groups.extend(groups)
        slope = page_skew(page_groups, h)
        if slope:
            skewed[page.number] = (slope, page.width / 2)
        for li in page.lines:
            boxes.update(_tight_boxes(view.lines[li], h, slope))
    if (
        not drop
        and not boxes
        and not skewed
        and all(len(g) == 1 for _l, g in plan)
        and not any(_all_tall(ln, heights.get(ln.page, 1.0)) for ln in view.lines)
    ):
        return view

    def fix(t: Token, idx: int) -> Token:
        box = boxes.get(t.index, t.box)
        if t.page in skewed:
            slope, cx = skewed[t.page]
            dy = slope * ((box[0] + box[2]) / 2 - cx)
            box = (box[0], box[1] - dy, box[2], box[3] - dy)
        return dataclasses.replace(t, line=idx, box=box)

    tokens = list(view.tokens)
    lines: list[TextLine] = []
    remap: dict[int, list[int]] = {}
    for ln, groups in plan:
        remap[ln.index] = []
        for g in groups:
            idx = len(lines)
            toks = [fix(t, idx) for t in g]
            for t in toks:
                tokens[t.index] = t
            same = ln.page not in skewed and not any(t.index in boxes for t in g)
            if len(groups) == 1 and ln.tokens and same:
                box, text, poly, span = ln.box, ln.text, ln.polygon, ln.span
            elif len(groups) == 1 and ln.tokens:
                box, text, poly, span = (
                    union_bbox(t.box for t in toks),
                    ln.text,
                    ln.polygon,
                    ln.span,
                )
            else:
                box = union_bbox(t.box for t in toks)
                text = " ".join(t.text for t in toks)
                poly = bbox_polygon(box)
                span = Span(toks[0].span.offset, toks[-1].span.end - toks[0].span.offset)
            lines.append(TextLine(idx, ln.page, text, poly, box, span, toks, ln.paragraph, ln.cell))
            remap[ln.index].append(idx)
    _snap_tall(lines, tokens, heights)
    pages = [
        dataclasses.replace(p, lines=[n for i in p.lines for n in remap.get(i, [])])
        for p in view.pages
    ]
    tables = [
        dataclasses.replace(
            t,
            cells=[
                dataclasses.replace(c, lines=[n for i in c.lines for n in remap.get(i, [])])
                for c in t.cells
            ],
        )
        for t in view.tables
    ]
    return DocView(view.content, pages, lines, tokens, view.marks, tables)
