"""Result assembly from hand-built page layouts: spans, tables, styles, gating, SDK round trip."""

from __future__ import annotations

import json
from typing import Any

import pytest

from docintel.core.types import (
    Line,
    PageLayout,
    Paragraph,
    SelectionMark,
    Table,
    TableCell,
    Word,
)
from docintel.layout.content import INDEX_TYPES, slice_units, text_units
from docintel.models.assemble import (
    INCLUDE_ALL,
    assemble,
    assemble_result,
    font_family,
    polygon_out,
)
from docintel.schema import API_V30, API_V31, dump, dump_json

LAYOUT = set(INCLUDE_ALL)
READ = {"paragraphs", "styles"}


def box(x: float, y: float, w: float = 1.0, h: float = 0.2) -> tuple[float, ...]:
    """A clockwise quad from the top-left corner."""
    return (x, y, x + w, y, x + w, y + h, x, y + h)


def line(y: float, *texts: str, handwritten: bool = False, bold: bool = False) -> Line:
    """A line of words laid out left to right at height ``y``."""
    words = [
        Word(t, box(0.5 + i, y, 0.9), 0.98765, handwritten=handwritten, bold=bold)
        for i, t in enumerate(texts)
    ]
    return Line(words, box(0.5, y, len(texts) * 1.0))


def layout_page() -> PageLayout:
    """An inch page: title, a paragraph with a checkbox inside, and a 3x2 table."""
    items: list[Line | SelectionMark] = [
        line(0.5, "Quarterly", "Report"),  # 0 title
        line(1.0, "First", "line", "of", "text"),  # 1 paragraph ...
        line(1.3, "second", "line"),  # 2
        SelectionMark("selected", box(0.5, 1.6, 0.2, 0.2), 0.95),  # 3 (mark inside paragraph)
        line(1.6, "third", "line"),  # 4
        line(3.0, "Item"),  # 5 header
        line(3.0, "Qty"),  # 6 header
        line(3.3, "Widget"),  # 7
        line(3.3, "2"),  # 8
        SelectionMark("unselected", box(3.0, 3.3, 0.2, 0.2), 0.8),  # 9 (in cell with "2")
        line(3.6, "Gadget"),  # 10 (row 2: qty cell empty)
        line(10.5, "Page", "1"),  # 11 page number
    ]
    paragraphs = [
        Paragraph([0], box(0.5, 0.5, 2.0), "title"),
        Paragraph([1, 2, 3, 4], box(0.5, 1.0, 4.0, 0.8)),
        Paragraph([11], box(0.5, 10.5, 2.0), "pageNumber"),
    ]
    cells = [
        TableCell(0, 0, box(0.5, 3.0, 2.0, 0.3), [5], kind="columnHeader"),
        TableCell(0, 1, box(2.5, 3.0, 2.0, 0.3), [6], kind="columnHeader"),
        TableCell(1, 1, box(2.5, 3.3, 2.0, 0.3), [8, 9]),
        TableCell(1, 0, box(0.5, 3.3, 2.0, 0.3), [7]),
        TableCell(2, 0, box(0.5, 3.6, 2.0, 0.3), [10]),
        TableCell(2, 1, box(2.5, 3.6, 2.0, 0.3), []),
    ]
    table = Table(3, 2, cells, box(0.5, 3.0, 4.0, 0.9))
    return PageLayout(1, 8.5, 11.0, "inch", 0.0, items, paragraphs, [table], "textLayer")


def unicode_page() -> PageLayout:
    """A pixel page with non-BMP, combining, ZWJ, CJK and handwritten words."""
    items: list[Line | SelectionMark] = [
        line(100, "Smile", "😀", "cafe\u0301"),
        line(140, "👨\u200d👩\u200d👧", "中文", "𝔘𝔫𝔦"),
        line(180, "signed", "by", "hand", handwritten=True),
    ]
    paragraphs = [Paragraph([0, 1], box(10, 100, 300, 60)), Paragraph([2], box(10, 180, 300))]
    return PageLayout(2, 1000.0, 1400.0, "pixel", -0.00004, items, paragraphs, [], "ocr")


def pages() -> list[PageLayout]:
    """A two-page document (page-ordered)."""
    return [layout_page(), unicode_page()]


def result_json(index_type: str, include: set[str] = LAYOUT, version: str = API_V31) -> Any:
    """The dumped analyzeResult of the synthetic document."""
    result = assemble_result(
        pages(),
        model_id="prebuilt-layout",
        api_version=version,
        string_index_type=index_type,
        include=include,
    )
    return dump(result)


def read_spans(units: list[str], spans: list[dict[str, int]]) -> str:
    """Text of REST spans: lines of one span read with spaces, spans joined by a space."""
    return " ".join(slice_units(units, s["offset"], s["length"]).replace("\n", " ") for s in spans)


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_every_element_reads_back_its_content(index_type: str) -> None:
    out = result_json(index_type)
    assert out["stringIndexType"] == index_type
    units = text_units(out["content"], index_type)
    for page in out["pages"]:
        for word in page["words"]:
            assert slice_units(units, **word["span"]) == word["content"]
        for ln in page["lines"]:
            assert len(ln["spans"]) == 1
            assert slice_units(units, **ln["spans"][0]) == ln["content"]
        for mark in page.get("selectionMarks", []):
            assert slice_units(units, **mark["span"]) == f":{mark['state']}:"
    for para in out["paragraphs"]:
        assert read_spans(units, para["spans"]) == para["content"]
    for table in out["tables"]:
        for cell in table["cells"]:
            assert read_spans(units, cell["spans"]) == cell["content"]
    page_texts = [read_spans(units, p["spans"]) for p in out["pages"]]
    assert " ".join(page_texts) == out["content"].replace("\n", " ")


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_word_spans_nest_in_their_line_span(index_type: str) -> None:
    out = result_json(index_type)
    for page in out["pages"]:
        words = iter(page["words"])
        for ln in page["lines"]:
            (span,) = ln["spans"]
            for _ in ln["content"].split(" "):
                w = next(words)["span"]
                assert span["offset"] <= w["offset"]
                assert w["offset"] + w["length"] <= span["offset"] + span["length"]


def test_unit_counts_differ_for_non_bmp_text() -> None:
    lengths = {t: len(text_units(result_json(t)["content"], t)) for t in INDEX_TYPES}
    assert lengths["utf16CodeUnit"] > lengths["unicodeCodePoint"] > lengths["textElements"]
    for t in INDEX_TYPES:
        last_page = result_json(t)["pages"][1]["spans"][0]
        assert last_page["offset"] + last_page["length"] == lengths[t]


def test_content_and_page_spans_continue_across_pages() -> None:
    out = result_json("unicodeCodePoint")
    first, second = (p["spans"] for p in out["pages"])
    assert len(first) == len(second) == 1
    assert second[0]["offset"] == first[0]["offset"] + first[0]["length"] + 1
    assert out["content"].split("\n")[0] == "Quarterly Report"
    assert not out["content"].endswith("\n")
    assert out["content"].count(":selected:") == 1
    assert out["content"].count(":unselected:") == 1


def test_paragraphs_are_merged_spans_with_roles() -> None:
    out = result_json("unicodeCodePoint")
    paras = out["paragraphs"]
    assert [p.get("role") for p in paras] == ["title", None, "pageNumber", None, None]
    body = paras[1]
    assert body["content"] == "First line of text second line :selected: third line"
    assert len(body["spans"]) == 1  # four consecutive items → one span
    assert body["boundingRegions"] == [
        {"pageNumber": 1, "polygon": [0.5, 1, 4.5, 1, 4.5, 1.8, 0.5, 1.8]}
    ]
    assert paras[3]["boundingRegions"][0]["pageNumber"] == 2
    assert "role" not in paras[3]


def test_tables_follow_the_golden_conventions() -> None:
    out = result_json("unicodeCodePoint")
    (table,) = out["tables"]
    assert (table["rowCount"], table["columnCount"]) == (3, 2)
    cells = table["cells"]
    assert [(c["rowIndex"], c["columnIndex"]) for c in cells] == [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
    ]
    assert cells[0]["kind"] == "columnHeader"
    assert all("kind" not in c for c in cells[2:])
    assert all(c["rowSpan"] == 1 and c["columnSpan"] == 1 for c in cells)
    assert cells[3]["content"] == "2 :unselected:"
    assert cells[5] == {
        "rowIndex": 2,
        "columnIndex": 1,
        "rowSpan": 1,
        "columnSpan": 1,
        "content": "",
        "boundingRegions": [{"pageNumber": 1, "polygon": [2.5, 3.6, 4.5, 3.6, 4.5, 3.9, 2.5, 3.9]}],
        "spans": [],
    }
    # Cells are consecutive items, so the table is one merged span covering all of them.
    (span,) = table["spans"]
    text = out["content"][span["offset"] : span["offset"] + span["length"]]
    assert text == "Item\nQty\nWidget\n2\n:unselected:\nGadget"


def test_read_model_emits_no_marks_tables_or_roles() -> None:
    out = result_json("unicodeCodePoint", include=READ)
    assert ":selected:" not in out["content"]
    assert "tables" not in out
    assert all("selectionMarks" not in p for p in out["pages"])
    assert all("role" not in p for p in out["paragraphs"])
    body = out["paragraphs"][1]
    assert body["content"] == "First line of text second line third line"
    assert len(body["spans"]) == 1
    assert "languages" not in out


def test_handwriting_style_in_both_versions() -> None:
    include = LAYOUT | {"styleFont"}
    for version in (API_V30, API_V31):
        out = result_json("unicodeCodePoint", include=include, version=version)
        hand = [s for s in out["styles"] if s.get("isHandwritten")]
        assert len(hand) == 1
        (span,) = hand[0]["spans"]
        assert out["content"][span["offset"] : span["offset"] + span["length"]] == "signed by hand"
        assert hand[0]["confidence"] == 0.988
        # OCR words carry no font information: no font styles in either version.
        assert len(out["styles"]) == 1


def test_font_styles_from_text_layer_words() -> None:
    page = layout_page()
    first = page.items[0]
    assert isinstance(first, Line)
    for w in first.words:
        w.bold, w.font_name = True, "ABCDEF+TimesNewRomanPS-BoldMT"
    include = LAYOUT | {"styleFont"}
    kwargs: dict[str, Any] = {
        "model_id": "prebuilt-layout",
        "string_index_type": "unicodeCodePoint",
        "include": include,
    }
    v31 = dump(assemble_result([page], api_version=API_V31, **kwargs))
    assert {
        "similarFontFamily": "Times New Roman",
        "spans": [{"offset": 0, "length": 16}],
        "confidence": 1,
    } in v31["styles"]
    assert {"fontWeight": "bold", "spans": [{"offset": 0, "length": 16}], "confidence": 1} in v31[
        "styles"
    ]
    v30 = dump(assemble_result([page], api_version=API_V30, **kwargs))
    assert "styles" not in v30


def test_font_family_names() -> None:
    assert font_family("ABCDEF+TimesNewRomanPS-BoldMT") == "Times New Roman"
    assert font_family("ArialMT") == "Arial"
    assert font_family("Calibri,Bold") == "Calibri"
    assert font_family("Helvetica") == "Helvetica"


def test_numbers_are_rounded_per_unit() -> None:
    out = result_json("unicodeCodePoint")
    inch, pixel = out["pages"]
    assert (inch["width"], inch["height"], inch["angle"]) == (8.5, 11, 0)
    assert isinstance(inch["height"], int)
    assert (pixel["width"], pixel["height"], pixel["angle"]) == (1000, 1400, 0)
    assert all(isinstance(v, int) for w in pixel["words"] for v in w["polygon"])
    assert inch["words"][0]["confidence"] == 0.988
    assert polygon_out((-0.00001, 1.234567, 2, -3), "inch") == [0, 1.2346, 2, 0]
    assert polygon_out((-1.4, 10.6), "pixel") == [0, 11]
    assert "-0.0" not in json.dumps(out)


def test_languages_only_when_asked() -> None:
    out = result_json("utf16CodeUnit", include=LAYOUT)
    assert [lang["locale"] for lang in out["languages"]][:1] == ["en"]
    units = text_units(out["content"], "utf16CodeUnit")
    english = out["languages"][0]
    assert "First line of text" in read_spans(units, english["spans"])
    assert 0 < english["confidence"] <= 1
    assert "languages" not in result_json("utf16CodeUnit", include=LAYOUT - {"languages"})


def test_dump_json_equals_dump() -> None:
    result = assemble_result(
        pages(),
        model_id="prebuilt-layout",
        api_version=API_V31,
        string_index_type="textElements",
        include=LAYOUT,
    )
    assert json.loads(dump_json(result)) == dump(result)


def test_assembly_exposes_spans_for_extractors() -> None:
    assembly = assemble(
        pages(),
        model_id="prebuilt-invoice",
        api_version=API_V31,
        string_index_type="utf16CodeUnit",
        include=LAYOUT,
    )
    second = assembly.index.pages[1]
    emoji_line = second.word_spans[1]
    spans = assembly.doc_spans(emoji_line)
    assert len(spans) == 1  # the three words of the line merge into one span
    units = text_units(assembly.result.content, "utf16CodeUnit")
    assert slice_units(units, spans[0].offset, spans[0].length) == "👨\u200d👩\u200d👧 中文 𝔘𝔫𝔦"


def test_unknown_string_index_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="stringIndexType"):
        result_json("bytes")


def test_empty_document_is_valid() -> None:
    page = PageLayout(1, 8.5, 11.0, "inch", 0.0, [])
    out = dump(
        assemble_result(
            [page],
            model_id="prebuilt-read",
            api_version=API_V31,
            string_index_type="textElements",
            include=LAYOUT,
        )
    )
    assert out["content"] == ""
    assert out["pages"] == [
        {
            "pageNumber": 1,
            "angle": 0,
            "width": 8.5,
            "height": 11,
            "unit": "inch",
            "spans": [{"offset": 0, "length": 0}],
        }
    ]
    assert set(out) == {"apiVersion", "modelId", "stringIndexType", "content", "pages"}


@pytest.mark.parametrize("version", [API_V30, API_V31])
def test_official_sdk_reads_the_result(version: str) -> None:
    pytest.importorskip("azure.ai.formrecognizer")
    from azure.ai.formrecognizer import AnalyzeResult
    from azure.ai.formrecognizer._helpers import _get_deserialize

    analyze_result = result_json("unicodeCodePoint", version=version)
    body = {
        "status": "succeeded",
        "createdDateTime": "2024-01-01T10:00:00Z",
        "lastUpdatedDateTime": "2024-01-01T10:00:02Z",
        "analyzeResult": analyze_result,
    }
    op = _get_deserialize(version)("AnalyzeResultOperation", json.loads(json.dumps(body)))
    result = AnalyzeResult._from_generated(op.analyze_result)
    assert result.api_version == version
    assert [p.page_number for p in result.pages] == [1, 2]
    for page in result.pages:
        for ln in page.lines:
            assert [w.content for w in ln.get_words()] == ln.content.split(" ")
        for word in page.words:
            assert result.content[word.span.offset : word.span.offset + word.span.length] == (
                word.content
            )
    assert [m.state for m in result.pages[0].selection_marks] == ["selected", "unselected"]
    assert result.paragraphs[0].role == "title"
    assert result.tables[0].cells[3].content == "2 :unselected:"
    assert result.tables[0].cells[5].spans == []
    assert result.styles[0].is_handwritten is True
    assert result.languages[0].locale == "en"
