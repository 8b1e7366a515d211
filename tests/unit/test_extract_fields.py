"""The extraction framework: DocView from assembled pages, and Field → schema conversion."""

from __future__ import annotations

import dataclasses
import datetime as dt

from docintel.core.geometry import bbox_polygon
from docintel.core.types import PageLayout, SelectionMark
from docintel.extract.docview import build_view
from docintel.extract.fields import ExtractedDocument, Field, FieldWriter, KeyValue
from docintel.layout.content import SpanConverter, build_content
from docintel.schema import dump
from tests.helpers.extract import page_layout, view_from_lines


@dataclasses.dataclass
class _Money:
    amount: float
    symbol: str | None
    code: str | None


@dataclasses.dataclass
class _Address:
    road: str | None = None
    city: str | None = None
    postal_code: str | None = None


def test_view_lines_tokens_and_spans() -> None:
    """Lines and words in reading order; every span reads its text out of ``content``."""
    view = view_from_lines(
        [("Invoice No: 77", 1.0, 1.0), ("Total 12.50", 1.0, 2.0)], [("Page two", 1.0, 1.0)]
    )
    assert [ln.text for ln in view.lines] == ["Invoice No: 77", "Total 12.50", "Page two"]
    assert [p.number for p in view.pages] == [1, 2]
    for tok in view.tokens:
        assert view.content[tok.span.offset : tok.span.end] == tok.text
        assert view.lines[tok.line].tokens[0].page == tok.page
    assert [ln.index for ln in view.page_lines(2)] == [2]


def test_marks_in_view_and_rotated_pages_upright() -> None:
    """Selection marks keep their span; a page turned 90° gets upright boxes."""
    page = page_layout([("Urgent", 1.5, 1.0)])
    mark = SelectionMark("selected", bbox_polygon((1.2, 1.0, 1.34, 1.14)), 0.9)
    page.items.insert(0, mark)
    page.paragraphs = []
    index = build_content([page])
    view = build_view([page], index)
    assert view.marks[0].span is not None and view.marks[0].state == "selected"
    turned = PageLayout(1, 8.5, 11.0, "inch", 90.0, [mark])
    box = build_view([turned], build_content([turned])).marks[0].box
    # Turned back by -90° about the centre: a box 0.14 wide stays 0.14 on both sides.
    assert abs((box[2] - box[0]) - 0.14) < 1e-6 and abs((box[3] - box[1]) - 0.14) < 1e-6


def test_field_writer_typed_values_spans_and_regions() -> None:
    """Content, merged spans and one region per page; typed values on the right property."""
    view = view_from_lines(
        [("Total: 1.234,56 €", 1.0, 1.0), ("12 Main Road", 1.0, 2.0), ("Oslo 0150", 1.0, 2.2)]
    )
    conv = SpanConverter(view.content, "utf16CodeUnit")
    writer = FieldWriter(view, conv)
    amount = view.lines[0].tokens[1:]
    money = writer.field(Field("currency", _Money(1234.56, "€", "EUR"), amount, 0.93))
    assert money.content == "1.234,56 €"
    assert money.value_currency is not None and money.value_currency.amount == 1234.56
    assert money.spans is not None and len(money.spans) == 1
    s = money.spans[0]
    assert view.content[s.offset : s.offset + s.length] == "1.234,56 €"
    address_tokens = view.lines[1].tokens + view.lines[2].tokens
    addr = writer.field(Field("address", _Address("Main Road", "Oslo", "0150"), address_tokens))
    assert addr.content == "12 Main Road Oslo 0150"
    assert addr.spans is not None and len(addr.spans) == 1  # one span over the "\n"
    assert addr.bounding_regions is not None and len(addr.bounding_regions) == 1
    poly = addr.bounding_regions[0].polygon
    assert poly[0] == 1.0 and poly[1] == 2.0
    data = dump(addr, "2023-07-31")
    assert data["valueAddress"] == {"road": "Main Road", "city": "Oslo", "postalCode": "0150"}
    unparsed = writer.field(Field("date", None, view.lines[0].tokens[:1], 0.2))
    assert "valueDate" not in dump(unparsed, "2023-07-31")
    items = Field(
        "array",
        [Field("object", {"Date": Field("date", dt.date(2024, 1, 2), amount)}, amount)],
    )
    out = dump(writer.field(items), "2022-08-31")
    assert out["valueArray"][0]["valueObject"]["Date"]["valueDate"] == "2024-01-02"
    assert "currencyCode" not in dump(money, "2022-08-31")["valueCurrency"]


def test_key_values_and_documents() -> None:
    """A pair without a value has none; a document covers its pages."""
    view = view_from_lines([("Name: Ada", 1.0, 1.0), ("Signature:", 1.0, 2.0)])
    writer = FieldWriter(view, SpanConverter(view.content, "textElements"))
    toks = view.lines[0].tokens
    kv = writer.key_value(KeyValue(toks[:1], toks[1:], 0.8))
    assert kv.key.content == "Name:" and kv.value is not None and kv.value.content == "Ada"
    empty = writer.key_value(KeyValue(view.lines[1].tokens, [], 0.6))
    assert empty.value is None
    doc = writer.document(ExtractedDocument("invoice", {}, 1.0, [1]))
    assert doc.spans[0].offset == 0 and doc.spans[0].length == len(view.content)
    assert doc.bounding_regions is not None
    assert doc.bounding_regions[0].polygon == [0, 0, 8.5, 0, 8.5, 11, 0, 11]


def test_sub_token_pieces_split_a_glued_word() -> None:
    """A key and value glued into one OCR word become two pieces with their own spans."""
    from docintel.extract.docview import SubToken

    view = view_from_lines([("DATE3/17/82 signed", 1.0, 1.0)])
    word = view.lines[0].tokens[0]
    key, value = SubToken(word, 0, 4), SubToken(word, 4, len(word.text))
    writer = FieldWriter(view, SpanConverter(view.content, "utf16CodeUnit"))
    kv = writer.key_value(KeyValue([key], [value], 0.7))
    assert kv.key.content == "DATE" and kv.value is not None and kv.value.content == "3/17/82"
    s = kv.value.spans[0]
    assert view.content[s.offset : s.offset + s.length] == "3/17/82"
    assert key.box[2] == value.box[0] and key.box[0] == word.box[0]
    assert kv.value.bounding_regions is not None


def test_object_without_pieces_is_located_by_its_parts() -> None:
    """An item row carries the content, spans and region of its sub-fields, in order."""
    view = view_from_lines([("Desk lamp", 1.0, 1.0), ("2", 4.0, 1.0), ("80.00", 6.0, 1.0)])
    writer = FieldWriter(view, SpanConverter(view.content, "textElements"))
    desc, qty, amount = (ln.tokens for ln in view.lines)
    row = Field(
        "object",
        {
            "Amount": Field("number", 80.0, amount),
            "Description": Field("string", "Desk lamp", desc),
            "Quantity": Field("number", 2.0, qty),
        },
        confidence=0.9,
    )
    out = writer.field(Field("array", [row]))
    assert out.content is None and out.spans is None  # the array itself is not located
    assert out.value_array is not None
    item = out.value_array[0]
    assert item.content == "Desk lamp 2 80.00"
    assert item.spans is not None and len(item.spans) == 1
    assert item.bounding_regions is not None
    assert item.bounding_regions[0].polygon[0] == 1.0
