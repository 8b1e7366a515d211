"""Line items of an invoice: item-table header → column map → rows, across pages.

Works on geometry rather than on detected table cells, so ruled, borderless and split tables
(and tables layout did not detect) are read the same way: a header row is a visual row whose
cells name item columns (multilingual lexicon), each later word goes to the column whose header
it lies under, a row with an amount is an item, a description-only row next to an item is its
wrapped description, and the totals block ends the table. A page without a header continues
the previous page's column map until totals are reached.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from docintel.extract.docview import DocView, TextLine, Token
from docintel.extract.invoice_common import (
    DocFacts,
    cluster_rows,
    h_overlap,
    is_amount_text,
    money_of,
    split_token,
    tokens_text,
)
from docintel.extract.invoice_labels import AMOUNTS, COLUMNS, norm_words
from docintel.extract.normalize import Money, parse_number

NUMERIC = frozenset({"Quantity", "UnitPrice", "Amount", "Tax", "TaxRate"})
_QTY_UNIT = re.compile(r"^\s*([-+]?\d[\d.,']*)\s*([^\W\d_][\w./]*)\s*$")
_PAREN = re.compile(r"\([^)]*\)")
_WEAK_DESCRIPTION = frozenset(
    {
        "item",
        "items",
        "article",
        "artikel",
        "articulo",
        "articolo",
        "artigo",
        "position",
        "product",
        "produkt",
        "produit",
        "producto",
    }
)


@dataclass
class Column:
    """One item-table column: its field and the x-range of its header."""

    kind: str
    x0: float
    x1: float
    key: str = ""


@dataclass
class RawItem:
    """An item row: the words of each column, its lines and checks."""

    page: int
    cells: dict[str, list[Token]] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0
    amount: Money | None = None


@dataclass
class ItemsResult:
    """Items found, the lines they use (header and body), and the column maps per page."""

    items: list[RawItem]
    used_lines: set[int]
    header_score: float
    end_page: int | None = None
    end_y: float | None = None


def _truncated_column(words: Sequence[str]) -> tuple[float, str] | None:
    """A one-word column name cut short by OCR or a narrow cell ("Eenhei", "Beschreib")."""
    if len(words) != 1 or len(words[0]) < 5 or not words[0].isalpha():
        return None
    return _truncated_word(words[0])


@functools.lru_cache(maxsize=4096)
def _truncated_word(w: str) -> tuple[float, str] | None:
    keys = [k for k in COLUMNS.alpha_keys if k.startswith(w) and len(k) - len(w) <= 3]
    return (0.8, keys[0]) if len(keys) == 1 else None


def _header_labels(
    line: TextLine, allow_unknown: bool = False
) -> list[tuple[str, float, float, float, str]] | None:
    """``[(kind, x0, x1, score, label)]`` when every word of the line is part of a column name
    (``allow_unknown``: a word that is not becomes an ``"?"`` entry of its own)."""
    toks = line.tokens
    words_per_tok = [norm_words(_PAREN.sub("", t.text)) for t in toks]
    out: list[tuple[str, float, float, float, str]] = []
    i = 0
    while i < len(toks):
        if not words_per_tok[i]:
            i += 1
            continue
        best: tuple[int, float, str] | None = None
        for k in range(min(4, len(toks) - i), 0, -1):
            words = [w for ws in words_per_tok[i : i + k] for w in ws]
            got = COLUMNS.whole(words) or _truncated_column(words)
            if got is not None:
                best = (k, got[0], got[1])
                break
        if best is None:
            if not allow_unknown:
                return None
            out.append(("?", toks[i].box[0], toks[i].box[2], 0.0, ""))
            i += 1
            continue
        k, score, key = best
        kinds = COLUMNS.groups(key)
        kind = kinds[0] if kinds else "Ignore"
        out.append((kind, toks[i].box[0], toks[i + k - 1].box[2], score, key))
        i += k
    return out


def _header_columns(row: list[TextLine]) -> tuple[list[Column], float] | None:
    """The column map of a header row, or ``None`` when the row is not an item header."""
    cols: list[Column] = []
    scores: list[float] = []
    misses = 0
    for ln in row:
        got = _header_labels(ln)
        if got is None and len(ln.tokens) > 1:
            # One unknown word among column names ("Aantal Eenh"): keep the names.
            part = _header_labels(ln, allow_unknown=True)
            if part is not None and sum(1 for g in part if g[0] == "?") == 1 and len(part) > 1:
                got = part
        if got is None:
            misses += 1
            # An unknown column keeps its values out of its neighbours.
            cols.append(Column("Ignore", ln.box[0], ln.box[2], ""))
            scores.append(0.0)
            continue
        for kind, x0, x1, s, key in got:
            if kind == "?":
                misses += 1
                cols.append(Column("Ignore", x0, x1, ""))
                scores.append(0.0)
                continue
            cols.append(Column(kind, x0, x1, key))
            scores.append(s)
    kinds = {c.kind for c in cols} - {"Ignore"}
    if len(kinds) < 2 or misses > 1 or misses * 2 >= len(cols) - misses:
        return None
    if not kinds & {"Amount", "UnitPrice", "Quantity"}:
        return None
    if "Description" not in kinds and len(kinds) < 3:
        return None
    cols.sort(key=lambda c: c.x0)
    _dedupe(cols)
    known = [s for s in scores if s > 0]
    return cols, sum(known) / len(known) - 0.05 * misses


def _dedupe(cols: list[Column]) -> None:
    """Resolve kinds named twice: the rightmost amount wins; an earlier one is the unit price."""
    amounts = [c for c in cols if c.kind == "Amount"]
    if len(amounts) > 1:
        has_price = any(c.kind == "UnitPrice" for c in cols)
        for c in amounts[:-1]:
            c.kind = "Ignore" if has_price else "UnitPrice"
            has_price = True
    descs = [c for c in cols if c.kind == "Description"]
    if len(descs) > 1:
        # "Item | Description": the generic one is the product code.
        strong = [c for c in descs if c.key not in _WEAK_DESCRIPTION] or descs[-1:]
        keep = max(strong, key=lambda c: c.x1 - c.x0)
        has_code = any(c.kind == "ProductCode" for c in cols)
        for c in descs:
            if c is not keep:
                c.kind = "ProductCode" if c.x0 < keep.x0 and not has_code else "Ignore"
                has_code = has_code or c.kind == "ProductCode"
    seen: set[str] = set()
    for c in cols:
        if c.kind in seen and c.kind != "Ignore":
            c.kind = "Ignore"
        seen.add(c.kind)


def _compatible(kind: str, text: str) -> bool:
    if kind in NUMERIC:
        return any(ch.isdigit() for ch in text)
    if kind == "Unit":
        return len(text) <= 12 and not any(ch.isdigit() for ch in text)
    return True


def _nearest(cols: list[Column], box: tuple[float, float, float, float], text: str) -> Column:
    best: tuple[float, int] | None = None
    pick = cols[0]
    for i, c in enumerate(cols):
        ov = h_overlap(box, (c.x0, 0.0, c.x1, 0.0))
        dist = 0.0 if ov > 0 else max(c.x0 - box[2], box[0] - c.x1)
        penalty = 0.0 if _compatible(c.kind, text) else 1e6
        key = (dist + penalty - max(ov, 0.0), i)
        if best is None or key < best:
            best = key
            pick = c
    return pick


_BARE_NUMBER = re.compile(r"^\d{1,5}(?:[.,]\d{1,3})?$")
_CODE = re.compile(r"^(?=.*\d)[A-Z0-9][A-Za-z0-9\-_/.]{2,}$")


def _orphan_kind(
    cols: list[Column], box: tuple[float, float, float, float], text: str
) -> str | None:
    """The kind of a value under no header when OCR lost that header word: a bare number
    between the description and the prices is the quantity, a code left of the description
    the product code."""
    kinds = {c.kind for c in cols}
    desc = next((c for c in cols if c.kind == "Description"), None)
    if desc is None:
        return None
    prices = [c.x0 for c in cols if c.kind in ("UnitPrice", "Amount")]
    if (
        "Quantity" not in kinds
        and _BARE_NUMBER.match(text)
        and prices
        and desc.x0 < box[0]
        and box[2] < min(prices)
    ):
        return "Quantity"
    if "ProductCode" not in kinds and _CODE.match(text) and box[2] < desc.x0:
        return "ProductCode"
    return None


_POS_GLUED = re.compile(r"^(\d{1,3})([A-Za-z][A-Za-z0-9\-_/.]*\d[A-Za-z0-9\-_/.]*)$")


def _unglue_positions(cols: list[Column], tokens: list[Token]) -> list[Token]:
    """Words with a row number glued to a product code ("26A-41433" over the "Pos." and
    "Art.-Nr." columns) split in two, so the code goes to its column alone."""
    out: list[Token] = []
    for t in tokens:
        m = _POS_GLUED.match(t.text)
        over = [c for c in cols if h_overlap(t.box, (c.x0, 0.0, c.x1, 0.0)) > 0]
        if (
            m is not None
            and len(t.text) == t.span.length
            and len(over) >= 2
            and over[0].kind == "Ignore"
            and over[1].kind == "ProductCode"
        ):
            out.extend(split_token(t, len(m.group(1))))
        else:
            out.append(t)
    return out


def _assign(cols: list[Column], row: list[TextLine]) -> dict[str, list[Token]]:
    """The words of a row by column kind."""
    out: dict[str, list[Token]] = {}
    for ln in row:
        over = [c for c in cols if h_overlap(ln.box, (c.x0, 0.0, c.x1, 0.0)) > 0]
        if not over:
            orphan = _orphan_kind(cols, ln.box, ln.text)
            if orphan is not None:
                out.setdefault(orphan, []).extend(ln.tokens)
                continue
        first = ln.tokens[0] if ln.tokens else None
        if (
            len(over) == 1
            and first is not None
            and len(ln.tokens) > 1
            and not any(h_overlap(first.box, (c.x0, 0.0, c.x1, 0.0)) > 0 for c in cols)
            and _orphan_kind(cols, first.box, first.text) is not None
        ):
            over = [*over, over[0]]  # "3 m" under "Unit" with no quantity header: word by word
        if len(over) <= 1:
            col = over[0] if over else _nearest(cols, ln.box, ln.text)
            if not _compatible(col.kind, ln.text) and not over:
                col = _nearest(cols, ln.box, ln.text)
            out.setdefault(col.kind, []).extend(ln.tokens)
            continue
        prev: Column | None = None
        for t in _unglue_positions(cols, ln.tokens):
            tover = [c for c in cols if h_overlap(t.box, (c.x0, 0.0, c.x1, 0.0)) > 0]
            if tover:
                col = max(tover, key=lambda c: h_overlap(t.box, (c.x0, 0.0, c.x1, 0.0)))
            elif prev is not None and prev.kind in ("Description", "ProductCode"):
                col = prev
            elif (orphan := _orphan_kind(cols, t.box, t.text)) is not None:
                out.setdefault(orphan, []).append(t)
                prev = None
                continue
            else:
                col = _nearest(cols, t.box, t.text)
            out.setdefault(col.kind, []).append(t)
            prev = col
    return out


def totals_row(row: list[TextLine]) -> str | None:
    """The amount label group of a totals-block row (a total/tax/subtotal/carried-forward
    label with only numbers after it), else ``None``."""
    for ln in row:
        words = norm_words(ln.text)
        got = AMOUNTS.prefix(words)
        if got is None:
            continue
        rest = words[got[0] :]
        if all(any(ch.isdigit() for ch in w) or len(w) <= 3 for w in rest):
            groups = AMOUNTS.groups(got[2])
            return groups[0] if groups else "Total"
    return None


def _item_amount(cells: dict[str, list[Token]], facts: DocFacts) -> Money | None:
    for kind in ("Amount", "UnitPrice"):
        toks = cells.get(kind)
        if toks:
            text = tokens_text(toks)
            if is_amount_text(text):
                m = money_of(text, facts)
                if m is not None:
                    return m
        if kind == "Amount" and "Amount" in cells:
            return _repaired_amount(cells, facts)
    return None


def _repaired_amount(cells: dict[str, list[Token]], facts: DocFacts) -> Money | None:
    """An amount OCR misread ("5.587.25", "10.659.50€ €") whose digits are exactly those of
    quantity × unit price: that product."""
    text = tokens_text(cells.get("Amount", []))
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 3 or not cells.get("Quantity") or not cells.get("UnitPrice"):
        return None
    q, _unit = quantity_unit(cells["Quantity"], facts)
    price = money_of(tokens_text(cells["UnitPrice"]), facts)
    if q is None or price is None:
        return None
    value = round(q * price.amount, 2)
    if f"{abs(value):.2f}".replace(".", "") != digits:
        return None
    return Money(value, price.symbol, price.code)


def extract_rows(view: DocView, facts: DocFacts) -> ItemsResult:
    """Find the item table(s) of the document and their rows."""
    items: list[RawItem] = []
    used: set[int] = set()
    cols: list[Column] | None = None
    done = False
    header_score = 0.0
    end_page: int | None = None
    end_y: float | None = None
    for page in view.pages:
        rows = cluster_rows(view.lines[i] for i in page.lines)
        h = facts.h(page.number)
        start = 0
        page_cols: list[Column] | None = None
        for ri, row in enumerate(rows):
            got = _header_columns(row)
            if got is not None:
                page_cols, header_score = got
                start = ri + 1
                used.update(ln.index for ln in row)
                break
        if page_cols is not None:
            cols = page_cols
            done = False
        elif cols is None or done:
            continue
        pending: list[tuple[dict[str, list[Token]], list[TextLine]]] = []
        last_bottom: float | None = None
        for row in rows[start:]:
            if _header_columns(row) is not None:
                used.update(ln.index for ln in row)
                continue
            group = totals_row(row)
            if group == "Carry":
                break  # "Carried forward": the table goes on on the next page
            if group is not None:
                done = True
                end_page, end_y = page.number, min(ln.box[1] for ln in row)
                break
            cells = _assign(cols, row)
            top = min(ln.box[1] for ln in row)
            bottom = max(ln.box[3] for ln in row)
            amount = _item_amount(cells, facts)
            if amount is not None:
                it = RawItem(page.number, cells, [ln.index for ln in row], top, bottom, amount)
                # Description-only rows between two items: the leading run that hangs under
                # the previous item continues it, the rest starts this one.
                chain = last_bottom
                to_next: list[tuple[dict[str, list[Token]], list[TextLine]]] = []
                for pc, prow in pending:
                    ptop = min(ln.box[1] for ln in prow)
                    pbottom = max(ln.box[3] for ln in prow)
                    prev_gap = ptop - chain if chain is not None else 1e9
                    next_gap = top - pbottom
                    prev_ok = items and items[-1].page == page.number and prev_gap < 1.2 * h
                    if not to_next and prev_ok and prev_gap <= next_gap:
                        _append(items[-1], pc, prow)
                        chain = pbottom
                    else:
                        to_next.append((pc, prow))
                if to_next and top - max(ln.box[3] for ln in to_next[-1][1]) < 1.2 * h:
                    for pc, prow in reversed(to_next):
                        _prepend(it, pc, prow)
                pending = []
                items.append(it)
                used.update(it.lines)
                last_bottom = bottom
                continue
            kinds = {k for k, v in cells.items() if v}
            if (
                kinds
                and kinds <= {"Description", "ProductCode", "Ignore"}
                and ("Description" in kinds)
            ):
                if (
                    last_bottom is not None
                    and top - last_bottom > 3 * h
                    and not pending
                    and items
                    and items[-1].page == page.number
                ):
                    break
                pending.append((cells, row))
                continue
            if (
                items
                and items[-1].page == page.number
                and last_bottom is not None
                and top - last_bottom > 4 * h
            ):
                break
        for pc, prow in pending:
            ptop = min(ln.box[1] for ln in prow)
            if items and last_bottom is not None and ptop - last_bottom < 1.2 * h:
                _append(items[-1], pc, prow)
                last_bottom = max(ln.box[3] for ln in prow)
    return ItemsResult(items, used, header_score, end_page, end_y)


def _append(it: RawItem, cells: dict[str, list[Token]], row: list[TextLine]) -> None:
    for k, toks in cells.items():
        if k in ("Description", "ProductCode"):
            it.cells.setdefault(k, []).extend(toks)
    it.lines.extend(ln.index for ln in row)
    it.bottom = max(it.bottom, max(ln.box[3] for ln in row))


def _prepend(it: RawItem, cells: dict[str, list[Token]], row: list[TextLine]) -> None:
    for k, toks in cells.items():
        if k in ("Description", "ProductCode"):
            it.cells[k] = list(toks) + it.cells.get(k, [])
    it.lines[:0] = [ln.index for ln in row]
    it.top = min(it.top, min(ln.box[1] for ln in row))


def quantity_unit(tokens: list[Token], facts: DocFacts) -> tuple[float | None, str | None]:
    """A quantity and an optional unit glued to it (``"3 pal"``, ``"2h"``)."""
    text = tokens_text(tokens)
    q = parse_number(text, decimal=facts.decimal)  # type: ignore[arg-type]
    if q is not None:
        return q, None
    m = _QTY_UNIT.match(text)
    if m:
        q = parse_number(m.group(1), decimal=facts.decimal)  # type: ignore[arg-type]
        if q is not None:
            return q, m.group(2)
    return None, None
