"""Borderless tables from text alignment: runs → rows → column gaps → cuts → cells → table."""

from __future__ import annotations

from docintel.core.geometry import bbox_polygon
from docintel.core.types import ContentItem, Line, SelectionMark, Word
from docintel.layout.borderless import (
    Row,
    Run,
    assign_runs,
    column_bounds,
    column_gaps,
    find_borderless_tables,
    line_runs,
    merge_wrapped_rows,
    row_blocks,
    text_rows,
)

H = 10.0  # text height of the synthetic pages
CHAR = 6.0  # width of one character


def words_at(x: float, y: float, text: str) -> list[Word]:
    """Words of ``text`` starting at ``x`` on a row at ``y`` (single spaces between them)."""
    out: list[Word] = []
    for token in text.split():
        w = CHAR * len(token)
        out.append(Word(token, bbox_polygon((x, y, x + w, y + H))))
        x += w + 0.3 * H
    return out


def line(x: float, y: float, text: str) -> Line:
    """One line of text at ``(x, y)``."""
    ws = words_at(x, y, text)
    return Line(ws, bbox_polygon((ws[0].polygon[0], y, ws[-1].polygon[2], y + H)))


def right(x1: float, y: float, text: str) -> Line:
    """One line of text ending at ``x1`` (right-aligned)."""
    return line(x1 - CHAR * len(text) - 0.3 * H * (len(text.split()) - 1), y, text)


def table_page() -> list[ContentItem]:
    """A caption, then a 4-column borderless table: left-aligned names, right-aligned numbers
    with left-aligned headers over them (as in a rules-only table), then a text line."""
    items: list[ContentItem] = [line(50, 20, "Table 1 Sites of the company")]
    items += [line(50, 60, "Site"), line(200, 60, "Opened"), line(300, 60, "Staff")]
    items += [line(400, 60, "Manager")]
    rows = [
        ("Daymouth", "2021", "79", "Donald Weeks"),
        ("North Josephberg", "2007", "182", "Luke Ferguson"),
        ("Ericberg", "2005", "193", "Chris Bailey"),
        ("Caseyberg", "2021", "9", "Mr. Ryan Thomas"),
    ]
    for k, (a, b, c, d) in enumerate(rows):
        y = 80 + 20 * k
        items += [line(50, y, a), right(280, y, b), right(380, y, c), line(400, y, d)]
    items.append(line(50, 200, "This sentence after the table is running text of the page body."))
    return items


def cell_texts(items: list[ContentItem], cells: list[list[int]]) -> list[str]:
    return [" ".join(items[i].text for i in idx) for idx in cells]


def test_line_runs_split_at_wide_gaps_only() -> None:
    ws = words_at(0, 0, "North Josephberg") + words_at(200, 0, "2007")
    runs = line_runs(Line(ws, bbox_polygon((0, 0, 224, H))), 0, H)
    assert [(r.start, r.stop, r.words) for r in runs] == [(0, 2, 2), (2, 3, 1)]


def test_text_rows_group_by_band_and_block_marks() -> None:
    items: list[ContentItem] = [line(0, 0, "a b"), line(100, 1, "c"), line(0, 30, "d")]
    items.append(SelectionMark("selected", bbox_polygon((200, 30, 210, 40)), 0.9))
    rows = text_rows(items, [0, 1, 2, 3], H)
    assert len(rows) == 2
    assert [r.item for r in rows[0].runs] == [0, 1]
    assert not rows[0].blocked and rows[1].blocked


def test_row_blocks_split_at_large_gaps() -> None:
    rows = [
        Row(top=y, bottom=y + H, runs=[Run(0, 0, 1, (0, y, 5, y + H), 1)]) for y in (0, 15, 30, 90)
    ]
    assert [len(b) for b in row_blocks(rows, H)] == [3, 1]


def test_column_gaps_need_every_row() -> None:
    def row(*spans: tuple[float, float]) -> Row:
        return Row(runs=[Run(0, 0, 1, (a, 0, b, H), 1) for a, b in spans])

    rows = [row((0, 50), (100, 120), (200, 230)), row((0, 70), (95, 120), (190, 230))]
    assert column_gaps(rows, H) == [(70, 95), (120, 190)]
    rows.append(row((0, 150)))  # a run crossing the first gap closes it
    assert column_gaps(rows, H) == [(150, 190)]


def test_column_bounds_follow_alignment() -> None:
    left = [(0.0, 40.0), (0.0, 80.0), (0.0, 60.0)]
    numbers = [(170.0, 200.0), (180.0, 200.0), (160.0, 200.0)]
    also_numbers = [(280.0, 300.0), (250.0, 300.0), (270.0, 300.0)]
    cuts = column_bounds([(80.0, 160.0), (200.0, 250.0)], [left, numbers, also_numbers], H)
    # left | right-aligned: the middle; right | right-aligned: the gap belongs to the right.
    assert cuts[0] == 120.0
    assert cuts[1] == 200.0 + 0.25 * H


def test_assign_runs_spanning_header() -> None:
    row = Row(
        runs=[
            Run(0, 0, 1, (0, 0, 30, H), 1),
            Run(1, 0, 2, (110, 0, 280, H), 2),  # reaches over the cut at 200
        ]
    )
    cells = assign_runs(row, [100.0, 200.0, 300.0], H)
    assert {c: span for c, (span, _) in cells.items()} == {0: 1, 1: 2}


def test_merge_wrapped_rows_folds_lower_case_continuations() -> None:
    items: list[ContentItem] = [
        line(0, 0, "1. Drug treatment is the"),
        line(200, 0, "7.1"),
        line(300, 0, "33"),
        line(0, 14, "most effective way"),
        line(0, 28, "2. Second item"),
        line(200, 28, "45"),
        line(300, 28, "12"),
    ]
    rows = text_rows(items, list(range(len(items))), H)
    cells = [assign_runs(r, [150.0, 250.0], H) for r in rows]
    merged = merge_wrapped_rows(rows, cells, items)
    assert len(merged) == 2
    assert [r.item for r in merged[0][0][1]] == [0, 3]


def test_borderless_table_found_with_cells_and_header() -> None:
    items = table_page()
    new_items, tables = find_borderless_tables(items, set(), [])
    assert len(tables) == 1
    table, cells = tables[0]
    assert (table.row_count, table.column_count) == (5, 4)
    texts = dict(
        zip(((c.row, c.col) for c in table.cells), cell_texts(new_items, cells), strict=True)
    )
    assert texts[(0, 1)] == "Opened" and texts[(0, 2)] == "Staff"
    assert texts[(2, 0)] == "North Josephberg" and texts[(2, 3)] == "Luke Ferguson"
    assert texts[(4, 2)] == "9"
    assert {c.kind for c in table.cells if c.row == 0} == {"columnHeader"}
    assert {c.kind for c in table.cells if c.row > 0} == {"content"}
    # No text lost or duplicated, caption and body line stay outside.
    flat = [i for idx in cells for i in idx]
    assert len(flat) == len(set(flat)) == 20


def test_rules_frame_the_table_and_mark_the_header() -> None:
    items = table_page()
    # Top rule, a rule under the second row (a two-row header), bottom rule.
    rules = [(55.0, 45.0, 470.0), (95.0, 45.0, 470.0), (156.0, 45.0, 470.0)]
    _, tables = find_borderless_tables(items, set(), rules)
    table, _ = tables[0]
    assert table.polygon[1] == 55.0 and table.polygon[5] == 156.0
    assert {c.row for c in table.cells if c.kind == "columnHeader"} == {0, 1}


def test_two_column_table_needs_rules() -> None:
    items: list[ContentItem] = []
    for k, (a, b) in enumerate([("Item", "Value"), ("alpha", "12"), ("beta", "7"), ("gamma", "3")]):
        items += [line(50, 20 + 20 * k, a), right(300, 20 + 20 * k, b)]
    assert find_borderless_tables(items, set(), [])[1] == []
    rules = [(15.0, 45.0, 305.0), (35.0, 45.0, 305.0), (95.0, 45.0, 305.0)]
    assert len(find_borderless_tables(items, set(), rules)[1]) == 1


def test_no_table_in_two_text_columns() -> None:
    items: list[ContentItem] = []
    for k in range(10):
        y = 20 + 14 * k
        items.append(line(50, y, "running text of the left column goes on here"))
        items.append(line(400, y, "and the right column reads the same way too"))
    assert find_borderless_tables(items, set(), [])[1] == []


def test_no_table_in_key_value_form() -> None:
    items: list[ContentItem] = []
    for k, (key, value, key2, value2) in enumerate(
        [
            ("Name:", "Miguel Woodard", "Phone:", "(335) 232-3099"),
            ("Date:", "06 January 1967", "E-mail:", "a@example.com"),
            ("City:", "New Amanda", "Zip:", "48066"),
        ]
    ):
        y = 20 + 20 * k
        items += [line(50, y, key), line(150, y, value), line(300, y, key2), line(400, y, value2)]
    assert find_borderless_tables(items, set(), [])[1] == []


def test_no_table_in_rows_of_checkboxes() -> None:
    items: list[ContentItem] = []
    for k in range(4):
        y = 20 + 20 * k
        for x in (50, 150, 250, 350):
            items.append(SelectionMark("unselected", bbox_polygon((x, y, x + H, y + H)), 0.9))
            items.append(line(x + 15, y, "Option"))
    assert find_borderless_tables(items, set(), [])[1] == []


def test_taken_items_are_ignored() -> None:
    items = table_page()
    assert find_borderless_tables(items, set(range(len(items))), [])[1] == []


def test_header_row_set_off_from_the_body_stays_in_the_table() -> None:
    """An item table's header of labels 2.5 text heights above the first row is its header;
    the same gap above a row with numbers still separates two blocks."""
    items: list[ContentItem] = [
        line(50, 100, "Description"),
        line(250, 100, "Qty"),
        line(320, 100, "Unit Price"),
        line(450, 100, "Amount"),
    ]
    body = [
        ("Desk lamp", "2", "40.00", "80.00"),
        ("Cable set", "5", "3.00", "15.00"),
        ("Monitor arm", "1", "99.00", "99.00"),
        ("Chair mat", "3", "20.00", "60.00"),
    ]
    for k, (name, qty, price, amount) in enumerate(body):
        y = 135 + 16 * k  # 25 units (2.5 text heights) below the header's bottom
        items += [line(50, y, name), right(270, y, qty), right(380, y, price)]
        items += [right(500, y, amount)]
    _, tables = find_borderless_tables(items, set(), [])
    assert len(tables) == 1
    table, _ = tables[0]
    assert table.row_count == 5 and table.column_count == 4
    header = [c for c in table.cells if c.row == 0]
    assert all(c.kind == "columnHeader" for c in header)
    assert all(c.kind == "content" for c in table.cells if c.row > 0)
    rows = text_rows(items, list(range(len(items))), H)
    numbers = [line(50, 100, "2020"), line(250, 100, "12"), line(320, 100, "7")]
    number_rows = text_rows(numbers + items[4:], list(range(len(items) - 1)), H)
    assert len(row_blocks(rows, H, items)) == 1
    assert len(row_blocks(number_rows, H, numbers + items[4:])) == 2
