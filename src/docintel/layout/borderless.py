"""Borderless tables from text alignment (and the horizontal rules that often frame them).

A chain of small pure functions on upright pages, in page units:

``text_rows`` (lines → visual rows of word runs) → ``row_blocks`` (consecutive rows that may be
table rows: no selection marks, no running text, close together) → ``column_gaps`` (x-gaps free
of words in every body row, at least ``GUTTER`` text heights wide) → ``column_bounds`` (cut each
gap where the neighbouring columns' alignment puts it: a right-aligned column owns the gap on its
left, a left-aligned one the gap on its right) → ``assign_runs`` (runs → cells; a header run
crossing a gap spans those columns) → ``find_borderless_tables``.

A block becomes a table only when it has at least ``MIN_COLUMNS`` columns each backed by words
in ``MIN_SUPPORT`` rows, at least ``MIN_ROWS`` rows with two or more filled cells, short cells
(running text in columns is not a table) and no column of form labels (``Name:``).

The first row is the column header; with rules, every row above the first rule inside the table
is, and a header row with spanning cells takes the next row with it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from statistics import median

from docintel.core.geometry import BBox, angle_of, bbox, bbox_polygon
from docintel.core.types import ContentItem, Line, SelectionMark, Table, TableCell
from docintel.layout._frame import enclosing_quad, median_text_height

GUTTER = 0.45  # min width of a column gap, in text heights (word spaces are ~0.3)
RUN_GAP = 0.8  # words closer than this (text heights) form one run of a cell
MAX_ROW_GAP = 1.6  # max vertical gap between rows of one table, in text heights
HEADER_ROW_GAP = 3.2  # a header row of labels may stand further off the first body row
TEXT_WORDS = 8  # a run of this many words is running text, not a cell
MAX_CELL_WORDS = 4.0  # mean words per filled cell above which the block is text
MIN_COLUMNS = 3
MIN_ROWS = 3  # rows with at least two filled cells
MIN_SUPPORT = 3  # rows with words in each column
ALIGN_TOL = 0.5  # edges within this many text heights are aligned
MAX_LABEL_SHARE = 0.5  # a column whose cells mostly end with ':' is a form's labels


@dataclass(slots=True)
class Run:
    """Consecutive words of one line closer than ``RUN_GAP``: the atom of a cell."""

    item: int
    start: int
    stop: int
    box: BBox
    words: int


@dataclass(slots=True)
class Row:
    """A visual row: runs sharing a band, left to right."""

    runs: list[Run] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0
    blocked: bool = False  # holds a selection mark or running text


def line_runs(line: Line, index: int, h: float) -> list[Run]:
    """Split a line's words into runs at gaps of at least ``RUN_GAP`` text heights."""
    # Quads run clockwise from the top-left: on a (nearly) upright line the left edge is
    # corners 0 and 3, the right edge corners 1 and 2. Runs share the line's band.
    xs = [(min(p[0], p[6]), max(p[2], p[4])) for p in (w.polygon for w in line.words)]
    _, top, _, bottom = bbox(line.polygon)
    out: list[Run] = []
    start = 0
    gap = RUN_GAP * h
    for k in range(1, len(xs) + 1):
        if k == len(xs) or xs[k][0] - xs[k - 1][1] >= gap:
            part = xs[start:k]
            box = (min(a for a, _ in part), top, max(b for _, b in part), bottom)
            out.append(Run(index, start, k, box, k - start))
            start = k
    return out


def text_rows(items: list[ContentItem], free: list[int], h: float) -> list[Row]:
    """Visual rows (top to bottom) of the ``free`` items: vertical overlap ≥ half the smaller."""
    entries: list[tuple[BBox, int]] = [(bbox(items[i].polygon), i) for i in free]
    entries.sort(key=lambda e: (e[0][1] + e[0][3]) / 2)
    rows: list[Row] = []
    for box, i in entries:
        row = rows[-1] if rows else None
        if row is not None:
            inter = min(row.bottom, box[3]) - max(row.top, box[1])
            if inter < 0.5 * min(row.bottom - row.top, box[3] - box[1]):
                row = None
        if row is None:
            row = Row(top=box[1], bottom=box[3])
            rows.append(row)
        else:
            row.top, row.bottom = min(row.top, box[1]), max(row.bottom, box[3])
        it = items[i]
        if isinstance(it, SelectionMark):
            row.blocked = True
            continue
        for run in line_runs(it, i, h):
            if run.words >= TEXT_WORDS:
                row.blocked = True
            row.runs.append(run)
    for row in rows:
        row.runs.sort(key=lambda r: r.box[0])
    return rows


def row_blocks(
    rows: list[Row], h: float, items: list[ContentItem] | None = None
) -> list[list[Row]]:
    """Maximal runs of consecutive unblocked rows no more than ``MAX_ROW_GAP`` apart.

    A lone row of several word-only runs (a column header, often set off by a rule or shading)
    may stand up to ``HEADER_ROW_GAP`` above the next row.
    """
    blocks: list[list[Row]] = []
    cur: list[Row] = []
    for row in rows:
        if row.blocked or not row.runs:
            if cur:
                blocks.append(cur)
            cur = []
            continue
        gap = row.top - cur[-1].bottom if cur else 0.0
        limit = MAX_ROW_GAP * h
        if len(cur) == 1 and items is not None and _is_label_row(cur[0], items):
            limit = HEADER_ROW_GAP * h
        if cur and gap > limit:
            blocks.append(cur)
            cur = []
        cur.append(row)
    if cur:
        blocks.append(cur)
    return blocks


def _is_label_row(row: Row, items: list[ContentItem]) -> bool:
    """At least three short runs of words without digits (what a column header looks like)."""
    if len(row.runs) < MIN_COLUMNS:
        return False
    for run in row.runs:
        line = items[run.item]
        if not isinstance(line, Line) or run.words > 3:
            return False
        text = " ".join(w.text for w in line.words[run.start : run.stop])
        if any(c.isdigit() for c in text) or text.endswith(":"):
            return False
    return True


def column_gaps(rows: list[Row], h: float) -> list[tuple[float, float]]:
    """X-intervals free of runs in every row given, at least ``GUTTER`` text heights wide."""
    ivs = sorted((r.box[0], r.box[2]) for row in rows for r in row.runs)
    if not ivs:
        return []
    out: list[tuple[float, float]] = []
    end = ivs[0][1]
    for a, b in ivs[1:]:
        if a - end >= GUTTER * h:
            out.append((end, a))
        end = max(end, b)
    return out


def _alignment(edges: list[tuple[float, float]], h: float) -> str:
    """``left``, ``right``, ``center`` or ``none``: the edge most runs of a column share."""
    if not edges:
        return "none"
    tol = ALIGN_TOL * h
    best, kind = 0, "none"
    for name, vals in (
        ("right", [b for _, b in edges]),
        ("left", [a for a, _ in edges]),
        ("center", [(a + b) / 2 for a, b in edges]),
    ):
        m = median(vals)
        n = sum(abs(v - m) <= tol for v in vals)
        if n > best:
            best, kind = n, name
    return kind if best >= 0.8 * len(edges) else "none"


def column_bounds(
    gaps: list[tuple[float, float]], extents: list[list[tuple[float, float]]], h: float
) -> list[float]:
    """Cut positions between columns: a right-aligned column owns the gap on its left, a
    left-aligned one the gap on its right; otherwise the gap's middle. ``extents`` holds each
    column's run intervals (body rows)."""
    aligns = [_alignment(e, h) for e in extents]
    cuts: list[float] = []
    for k, (a, b) in enumerate(gaps):
        left, right = aligns[k], aligns[k + 1]
        if right == "right" and left != "left":
            cuts.append(a + 0.25 * h)
        elif left == "left" and right != "right":
            cuts.append(b - 0.25 * h)
        else:
            cuts.append((a + b) / 2)
    return cuts


def _column_of(x: float, cuts: list[float]) -> int:
    k = 0
    while k < len(cuts) and x > cuts[k]:
        k += 1
    return k


def assign_runs(row: Row, cuts: list[float], h: float) -> dict[int, tuple[int, list[Run]]]:
    """Cells of one row: ``{first column: (column span, runs)}``.

    A run lies in the column of its centre; a run reaching well into further columns spans
    them while none of its neighbours in the row claims them.
    """
    placed: list[tuple[int, int, Run]] = []
    for run in row.runs:
        c0 = _column_of(run.box[0] + 0.5 * h, cuts)
        c1 = _column_of(run.box[2] - 0.5 * h, cuts)
        mid = _column_of((run.box[0] + run.box[2]) / 2, cuts)
        if c1 < c0:
            c0 = c1 = mid
        placed.append((c0, c1, run))
    cells: dict[int, tuple[int, list[Run]]] = {}
    claimed: dict[int, int] = {}
    # Single-column runs claim their column first; spanning runs take what is left.
    for c0, c1, run in sorted(placed, key=lambda p: (p[1] - p[0], p[2].box[0])):
        cols = [c for c in range(c0, c1 + 1) if c not in claimed]
        if c1 > c0 and len(cols) == c1 - c0 + 1:
            for c in cols:
                claimed[c] = c0
            cells[c0] = (c1 - c0 + 1, [run])
            continue
        mid = _column_of((run.box[0] + run.box[2]) / 2, cuts)
        owner = claimed.get(mid)
        if owner is None:
            claimed[mid] = mid
            cells[mid] = (1, [run])
        else:
            cells[owner][1].append(run)
    for _, runs in cells.values():
        runs.sort(key=lambda r: (r.box[1], r.box[0]))
    return cells


@dataclass(slots=True)
class Grid:
    """A borderless table before it becomes a ``Table``: rows of cells and column cuts."""

    rows: list[Row]
    cells: list[dict[int, tuple[int, list[Run]]]]
    cuts: list[float]
    left: float
    right: float


def framing_rules(block: list[Row], rules: list[tuple[float, float, float]], h: float) -> int:
    """How many horizontal rules span (most of) a block of rows, between or just around them."""
    left = min(r.box[0] for row in block for r in row.runs)
    right = max(r.box[2] for row in block for r in row.runs)
    top, bottom = block[0].top - 1.5 * h, block[-1].bottom + 1.5 * h
    return sum(
        top <= y <= bottom and min(x1, right) - max(x0, left) >= 0.8 * (right - left)
        for y, x0, x1 in rules
    )


def block_grid(
    block: list[Row],
    items: list[ContentItem],
    h: float,
    rules: list[tuple[float, float, float]] | None = None,
) -> Grid | None:
    """The table of a block of rows, or None when the block does not read as a table.

    A block framed by two or more horizontal rules may be a table of two columns or two rows.
    """
    # Leading and trailing single-run rows are captions or text around the table.
    while block and len(block[0].runs) < 2:
        block = block[1:]
    while block and len(block[-1].runs) < 2:
        block = block[:-1]
    if len(block) < 2:
        return None
    framed = framing_rules(block, rules or [], h) >= 2
    min_rows = 2 if framed else MIN_ROWS
    min_cols = 2 if framed else MIN_COLUMNS
    if len(block) < min_rows:
        return None
    body = [r for r in block[1:] if len(r.runs) >= 2]
    if len(body) < min_rows - 1:
        return None
    gaps = column_gaps(body, h)
    if len(gaps) < min_cols - 1:
        return None
    edges: list[list[tuple[float, float]]] = [[] for _ in range(len(gaps) + 1)]
    for row in body:
        for run in row.runs:
            k = _column_of((run.box[0] + run.box[2]) / 2, [(a + b) / 2 for a, b in gaps])
            edges[k].append((run.box[0], run.box[2]))
    supported = [len(e) >= min(MIN_SUPPORT, len(body)) for e in edges]
    if not all(supported):
        return None
    cuts = column_bounds(gaps, edges, h)
    cells = merge_wrapped_rows(block, [assign_runs(row, cuts, h) for row in block], items)
    block = [row for row in block if row.runs]
    if sum(len(c) >= 2 for c in cells) < min_rows:
        return None
    words = [sum(r.words for r in runs) for row in cells for _, runs in row.values()]
    if sum(words) / len(words) > MAX_CELL_WORDS:
        return None
    for col in range(len(cuts) + 1):
        texts = [
            _runs_text(runs, items) for row in cells for c, (_, runs) in row.items() if c == col
        ]
        if texts and sum(t.rstrip().endswith(":") for t in texts) > MAX_LABEL_SHARE * len(texts):
            return None
    left = min(r.box[0] for row in block for r in row.runs)
    right = max(r.box[2] for row in block for r in row.runs)
    return Grid(rows=block, cells=cells, cuts=cuts, left=left, right=right)


def merge_wrapped_rows(
    rows: list[Row], cells: list[dict[int, tuple[int, list[Run]]]], items: list[ContentItem]
) -> list[dict[int, tuple[int, list[Run]]]]:
    """Fold a row that continues wrapped cells of the row above into it (in place for
    ``rows``: a folded row loses its runs); returns the remaining rows' cells.

    A row continues the one above when it fills fewer cells, only in columns the row above
    fills, and either sits closer to it than half the table's usual row gap or every one of its
    cells starts in lower case.
    """
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(rows)]
    usual = median(gaps) if gaps else 0.0
    out: list[dict[int, tuple[int, list[Run]]]] = []
    kept: list[Row] = []
    for row, row_cells in zip(rows, cells, strict=True):
        if out:
            prev, prev_row = out[-1], kept[-1]
            tight = row.top - prev_row.bottom < 0.5 * usual
            lower = all(_runs_text(runs, items)[:1].islower() for _, runs in row_cells.values())
            inside = set(row_cells) <= set(prev) and len(row_cells) < len(prev)
            if inside and (tight or lower):
                for c, (_, runs) in row_cells.items():
                    prev[c][1].extend(runs)
                prev_row.runs.extend(row.runs)
                prev_row.bottom = max(prev_row.bottom, row.bottom)
                row.runs = []
                continue
        out.append(row_cells)
        kept.append(row)
    return out


def _runs_text(runs: list[Run], items: list[ContentItem]) -> str:
    out: list[str] = []
    for r in runs:
        it = items[r.item]
        if isinstance(it, Line):
            out.extend(w.text for w in it.words[r.start : r.stop])
    return " ".join(out)


def header_rows(grid: Grid, rules: list[tuple[float, float, float]], h: float) -> int:
    """How many leading rows are the column header (see the module docstring)."""
    n = len(grid.rows)
    width = grid.right - grid.left
    for k in range(1, min(n, 4)):
        y0, y1 = grid.rows[k - 1].bottom, grid.rows[k].top
        for y, x0, x1 in rules:
            if y0 - 0.2 * h <= y <= y1 + 0.2 * h and min(x1, grid.right) - max(x0, grid.left) >= (
                0.5 * width
            ):
                return k
    spans = any(span > 1 for span, _ in grid.cells[0].values())
    return 2 if spans and n >= 4 else 1


def grid_to_table(
    grid: Grid, rules: list[tuple[float, float, float]], h: float
) -> tuple[Table, list[list[tuple[int, list[Run]]]]]:
    """The ``Table`` (cells without items) and, per cell, its runs (same order as cells)."""
    n = len(grid.rows)
    ncols = len(grid.cuts) + 1
    xs = [grid.left - 0.25 * h, *grid.cuts, grid.right + 0.25 * h]
    ys = [grid.rows[0].top - 0.25 * h]
    for a, b in itertools.pairwise(grid.rows):
        ys.append((a.bottom + b.top) / 2)
    ys.append(grid.rows[-1].bottom + 0.25 * h)
    # Rules just above or below the text frame the table (and widen it).
    width = grid.right - grid.left
    for y, x0, x1 in rules:
        if min(x1, grid.right) - max(x0, grid.left) < 0.8 * width:
            continue
        if ys[0] - 1.0 * h <= y <= grid.rows[0].top:
            ys[0] = y
            xs[0], xs[-1] = min(xs[0], x0), max(xs[-1], x1)
        elif grid.rows[-1].bottom <= y <= ys[-1] + 1.0 * h:
            ys[-1] = y
            xs[0], xs[-1] = min(xs[0], x0), max(xs[-1], x1)
    header = header_rows(grid, rules, h)
    cells: list[TableCell] = []
    runs_of: list[list[tuple[int, list[Run]]]] = []
    for r, row in enumerate(grid.cells):
        covered = {c for c0, (span, _) in row.items() for c in range(c0, c0 + span)}
        slots: list[tuple[int, int, list[Run]]] = [
            (c, 1, []) for c in range(ncols) if c not in covered
        ]
        slots += [(c0, span, runs) for c0, (span, runs) in row.items()]
        for c0, span, runs in sorted(slots, key=lambda sl: sl[0]):
            box = (xs[c0], ys[r], xs[c0 + span], ys[r + 1])
            cells.append(
                TableCell(
                    row=r,
                    col=c0,
                    polygon=bbox_polygon(box),
                    col_span=span,
                    kind="columnHeader" if r < header else "content",
                )
            )
            runs_of.append([(r, runs)])
    table = Table(
        row_count=n,
        column_count=ncols,
        cells=cells,
        polygon=bbox_polygon((xs[0], ys[0], xs[-1], ys[-1])),
    )
    return table, runs_of


def find_borderless_tables(
    items: list[ContentItem],
    taken: set[int],
    rules: list[tuple[float, float, float]],
) -> tuple[list[ContentItem], list[tuple[Table, list[list[int]]]]]:
    """Borderless tables among the items not in ``taken`` (upright pages only).

    ``rules`` are horizontal rules ``(y, x0, x1)`` in page units. Returns ``(new_items,
    tables)``: lines whose runs fall into different cells are split (appended pieces; the
    original line is replaced by its first piece), and each table comes with its cells' item
    indexes into ``new_items``.
    """
    h = median_text_height(items) if items else 1.0
    free = [i for i in range(len(items)) if i not in taken]
    rows = text_rows(items, free, h)
    blocks = row_blocks(rows, h, items)
    grids = [g for b in blocks if (g := block_grid(b, items, h, rules)) is not None]
    if not grids:
        return list(items), []
    built = [grid_to_table(g, rules, h) for g in grids]
    # Runs of one line may fall into different cells: the line is then cut into one piece per
    # run (the first piece takes the line's place, the others are appended).
    parts: dict[int, set[tuple[int, int]]] = {}
    cell_of: dict[int, set[tuple[int, int]]] = {}
    for t, (_, runs_of) in enumerate(built):
        for k, cell_runs in enumerate(runs_of):
            for _, runs in cell_runs:
                for r in runs:
                    parts.setdefault(r.item, set()).add((r.start, r.stop))
                    cell_of.setdefault(r.item, set()).add((t, k))
    new_items = list(items)
    where: dict[tuple[int, int, int], int] = {}
    for item, spans in parts.items():
        line = items[item]
        assert isinstance(line, Line)
        ordered = sorted(spans)
        if len(cell_of[item]) == 1:
            for start, stop in ordered:
                where[(item, start, stop)] = item
            continue
        angle = angle_of(line.polygon)
        for n, (start, stop) in enumerate(ordered):
            words = line.words[start:stop]
            piece = Line(words=words, polygon=enclosing_quad((w.polygon for w in words), angle))
            if n == 0:
                new_items[item] = piece
                where[(item, start, stop)] = item
            else:
                where[(item, start, stop)] = len(new_items)
                new_items.append(piece)
    out: list[tuple[Table, list[list[int]]]] = []
    for table, runs_of in built:
        cell_items = [
            list(
                dict.fromkeys(
                    where[(r.item, r.start, r.stop)] for _, runs in cell_runs for r in runs
                )
            )
            for cell_runs in runs_of
        ]
        out.append((table, cell_items))
    return new_items, out
