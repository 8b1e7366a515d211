"""Content construction and span conversion in all three string index types."""

from __future__ import annotations

import pytest

from docintel.core.types import Line, PageLayout, SelectionMark, Word
from docintel.layout.content import (
    INDEX_TYPES,
    Span,
    SpanConverter,
    build_content,
    merge_spans,
    slice_units,
    spans_text,
    text_units,
)

BOX = (0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0)

# Words chosen to make the three units disagree: non-BMP emoji (2 UTF-16 units, 1 code point),
# a combining accent (2 code points, 1 cluster), a ZWJ family (5 code points, 1 cluster),
# regional-indicator flag (2 code points / 4 UTF-16 units / 1 cluster), CJK, Hangul.
TRICKY_LINES = [
    ["Hello", "😀", "wörld"],
    ["cafe\u0301", "👨\u200d👩\u200d👧", "🇫🇷"],
    ["中文", "テキスト", "한국어"],
    ["𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "x"],
]


def line(*texts: str) -> Line:
    """A line of words with dummy geometry."""
    return Line([Word(t, BOX) for t in texts], BOX)


def mark(state: str = "selected") -> SelectionMark:
    """A selection mark with dummy geometry."""
    return SelectionMark("selected" if state == "selected" else "unselected", BOX, 0.9)


def page(number: int, items: list[Line | SelectionMark]) -> PageLayout:
    """A page with the given reading order."""
    return PageLayout(number, 8.5, 11.0, "inch", 0.0, items)


def tricky_pages() -> list[PageLayout]:
    """Two pages of tricky text, with a selection mark between lines."""
    first = [line(*TRICKY_LINES[0]), mark(), line(*TRICKY_LINES[1])]
    second = [line(*TRICKY_LINES[2]), mark("unselected"), line(*TRICKY_LINES[3])]
    return [page(1, list(first)), page(2, list(second))]


def test_content_joins_words_items_and_pages() -> None:
    index = build_content(tricky_pages())
    expected = "\n".join(
        [
            " ".join(TRICKY_LINES[0]),
            ":selected:",
            " ".join(TRICKY_LINES[1]),
            " ".join(TRICKY_LINES[2]),
            ":unselected:",
            " ".join(TRICKY_LINES[3]),
        ]
    )
    assert index.content == expected
    assert not index.content.endswith("\n")


def test_code_point_spans_slice_exactly() -> None:
    pages = tricky_pages()
    index = build_content(pages)
    c = index.content
    for pg, spans in zip(pages, index.pages, strict=True):
        for item, s, words in zip(pg.items, spans.item_spans, spans.word_spans, strict=True):
            assert s is not None
            assert c[s.offset : s.end] == item.text
            if isinstance(item, Line):
                assert [c[w.offset : w.end] for w in words] == [w.text for w in item.words]
                assert all(s.offset <= w.offset and w.end <= s.end for w in words)
            else:
                assert words == []
    first, second = index.pages
    assert c[first.page_span.offset : first.page_span.end] == "\n".join(
        it.text for it in pages[0].items
    )
    assert second.page_span.offset == first.page_span.end + 1
    assert second.page_span.end == len(c)


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_every_span_slices_its_text_in_every_unit(index_type: str) -> None:
    pages = tricky_pages()
    index = build_content(pages)
    conv = SpanConverter(index.content, index_type)
    units = text_units(index.content, index_type)
    assert conv.span(0, len(index.content)) == (0, len(units))
    for pg, spans in zip(pages, index.pages, strict=True):
        for item, s, words in zip(pg.items, spans.item_spans, spans.word_spans, strict=True):
            assert s is not None
            assert slice_units(units, *conv.span(s.offset, s.length)) == item.text
            if isinstance(item, Line):
                got = [slice_units(units, *conv.span(w.offset, w.length)) for w in words]
                assert got == [w.text for w in item.words]
        page_text = "\n".join(it.text for it in pg.items)
        assert slice_units(units, *conv.span(spans.page_span.offset, spans.page_span.length)) == (
            page_text
        )


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_merged_multi_line_span_reads_lines_with_newlines(index_type: str) -> None:
    pages = tricky_pages()
    index = build_content(pages)
    item_spans = [s for s in index.pages[0].item_spans if s is not None]
    merged = merge_spans(item_spans, index.content)
    assert len(merged) == 1
    conv = SpanConverter(index.content, index_type)
    units = text_units(index.content, index_type)
    text = spans_text(units, [conv.span(s.offset, s.length) for s in merged])
    assert text == "\n".join(it.text for it in pages[0].items)
    assert text.replace("\n", " ") == " ".join(it.text for it in pages[0].items)


def test_units_counts_differ_as_unicode_says() -> None:
    assert len(text_units("😀", "unicodeCodePoint")) == 1
    assert len(text_units("😀", "utf16CodeUnit")) == 2
    assert len(text_units("😀", "textElements")) == 1
    assert len(text_units("e\u0301", "unicodeCodePoint")) == 2
    assert len(text_units("e\u0301", "textElements")) == 1
    assert len(text_units("👨\u200d👩\u200d👧", "textElements")) == 1
    assert len(text_units("👨\u200d👩\u200d👧", "utf16CodeUnit")) == 8
    assert len(text_units("🇫🇷", "textElements")) == 1
    assert len(text_units("한국어", "textElements")) == 3


def test_utf16_offsets_count_surrogates() -> None:
    content = "a😀b 😀😀 c"
    conv = SpanConverter(content, "utf16CodeUnit")
    assert conv.span(0, 1) == (0, 1)
    assert conv.span(1, 1) == (1, 2)  # the emoji
    assert conv.span(2, 1) == (3, 1)  # "b"
    assert conv.span(4, 2) == (5, 4)
    assert conv.span(7, 1) == (10, 1)
    assert content.encode("utf-16-le")[10 * 2 : 11 * 2].decode("utf-16-le") == "c"


def test_text_elements_never_cut_a_cluster() -> None:
    content = "ab\u0301c"  # clusters: a, b́, c
    conv = SpanConverter(content, "textElements")
    assert conv.span(0, 4) == (0, 3)
    assert conv.span(1, 2) == (1, 1)
    # A span ending between "b" and its accent is widened to the whole cluster...
    assert conv.span(0, 2) == (0, 2)
    # ...and one starting on the accent is moved back to the cluster's start.
    assert conv.span(2, 2) == (1, 2)
    assert conv.span(3, 0) == (2, 0)


@pytest.mark.parametrize("index_type", INDEX_TYPES)
def test_ascii_and_bmp_text_needs_no_table(index_type: str) -> None:
    conv = SpanConverter("plain text\nsecond line", index_type)
    assert conv.identity
    assert conv.span(6, 4) == (6, 4)


def test_precomposed_accents_keep_identity_for_text_elements() -> None:
    # Non-ASCII but no character that joins a neighbour: clusters are code points.
    conv = SpanConverter("été – ½ 中文", "textElements")
    assert conv.identity


def test_joining_sequences_build_a_table() -> None:
    # Precomposed syllables are one code point each; conjoining jamo are not.
    assert SpanConverter("한국어", "textElements").identity
    assert not SpanConverter("\u1100\u1161", "textElements").identity
    assert not SpanConverter("e\u0301", "textElements").identity
    assert SpanConverter("😀", "unicodeCodePoint").identity
    assert not SpanConverter("😀", "utf16CodeUnit").identity


def test_unknown_index_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="stringIndexType"):
        SpanConverter("x", "bytes")
    with pytest.raises(ValueError, match="stringIndexType"):
        text_units("x", "bytes")


def test_merge_spans_joins_adjacent_and_separated_by_one_separator() -> None:
    content = "ab cd\nef  gh"
    spans = [Span(3, 2), Span(0, 2), Span(6, 2), Span(10, 2)]
    assert merge_spans(spans, content) == [Span(0, 8), Span(10, 2)]
    assert merge_spans([Span(0, 3), Span(2, 4)]) == [Span(0, 6)]
    assert merge_spans([Span(0, 2), Span(2, 2)]) == [Span(0, 4)]
    assert merge_spans([]) == []


def test_merge_spans_requires_a_separator_in_the_gap() -> None:
    content = "ab-cd"
    assert merge_spans([Span(0, 2), Span(3, 2)], content) == [Span(0, 2), Span(3, 2)]
    assert merge_spans([Span(0, 2), Span(3, 2)]) == [Span(0, 5)]


def test_marks_can_be_left_out_of_content() -> None:
    pages = tricky_pages()
    index = build_content(pages, include_marks=False)
    assert ":selected:" not in index.content
    assert ":unselected:" not in index.content
    first = index.pages[0]
    assert first.item_spans[1] is None
    assert first.word_spans[1] == []
    s = first.item_spans[2]
    assert s is not None
    assert index.content[s.offset : s.end] == " ".join(TRICKY_LINES[1])
    # The line after the dropped mark follows the first line with a single newline.
    first_line = first.item_spans[0]
    assert first_line is not None
    assert s.offset == first_line.end + 1


def test_empty_pages_get_a_zero_length_span_in_place() -> None:
    pages = [page(1, []), page(2, [line("a", "b")]), page(3, []), page(4, [line("c")])]
    index = build_content(pages)
    assert index.content == "a b\nc"
    assert [p.page_span for p in index.pages] == [Span(0, 0), Span(0, 3), Span(3, 0), Span(4, 1)]


def test_empty_document_has_empty_content() -> None:
    index = build_content([page(1, [])])
    assert index.content == ""
    assert index.pages[0].page_span == Span(0, 0)
    for index_type in INDEX_TYPES:
        assert SpanConverter("", index_type).span(0, 0) == (0, 0)


def test_utf16_slicing_that_splits_a_pair_is_detected() -> None:
    units = text_units("😀", "utf16CodeUnit")
    with pytest.raises(UnicodeDecodeError):
        slice_units(units, 0, 1)


POOL = [
    "a",
    "word",
    "😀",
    "e\u0301",
    "x\u0308y",
    "👍🏽",
    "👨\u200d👩\u200d👧",
    "🇯🇵",
    "中文",
    "\u1100\u1161\u11a8",
    "क्षि",
    "𝔘",
    ":",
]


@pytest.mark.parametrize("seed", range(5))
def test_random_documents_keep_the_invariant(seed: int) -> None:
    import random

    rng = random.Random(seed)
    pages = []
    for number in range(1, rng.randint(2, 4)):
        items: list[Line | SelectionMark] = []
        for _ in range(rng.randint(0, 6)):
            if rng.random() < 0.2:
                items.append(mark(rng.choice(["selected", "unselected"])))
            else:
                words = ["".join(rng.choices(POOL, k=rng.randint(1, 3))) for _ in range(5)]
                items.append(line(*words[: rng.randint(1, 5)]))
        pages.append(page(number, items))
    index = build_content(pages)
    for index_type in INDEX_TYPES:
        conv = SpanConverter(index.content, index_type)
        units = text_units(index.content, index_type)
        for pg, spans in zip(pages, index.pages, strict=True):
            for item, s, words in zip(pg.items, spans.item_spans, spans.word_spans, strict=True):
                assert s is not None
                assert slice_units(units, *conv.span(s.offset, s.length)) == item.text
                if isinstance(item, Line):
                    for w, ws in zip(item.words, words, strict=True):
                        assert slice_units(units, *conv.span(ws.offset, ws.length)) == w.text


def test_word_starting_with_a_combining_mark_joins_the_space_in_text_elements() -> None:
    # Known, documented limit of textElements: " " + U+0301 is one grapheme cluster, so the
    # word's span is widened to the cluster boundary and includes the space.
    index = build_content([page(1, [line("a", "\u0301b")])])
    word = index.pages[0].word_spans[0][1]
    conv = SpanConverter(index.content, "textElements")
    units = text_units(index.content, "textElements")
    assert slice_units(units, *conv.span(word.offset, word.length)) == " \u0301b"
    cp = SpanConverter(index.content, "unicodeCodePoint")
    assert index.content[slice(*_bounds(cp.span(word.offset, word.length)))] == "\u0301b"


def _bounds(span: tuple[int, int]) -> tuple[int, int]:
    return span[0], span[0] + span[1]
