"""The one module that builds ``content`` and computes span offsets.

``content`` (API_CONTRACT.md §5.2): pages in order joined by ``"\\n"``; each page's reading-order
items joined by ``"\\n"``; a line is its words joined by ``" "``; a selection mark is its token
(``:selected:`` / ``:unselected:``). No trailing newline.

Everything here works in **code points** (Python ``str`` indexes). ``SpanConverter`` maps a
code-point span to the unit the client asked for (§2.8):

* ``unicodeCodePoint`` — identity;
* ``utf16CodeUnit`` — characters outside the BMP count 2;
* ``textElements`` — extended grapheme clusters as the ``regex`` package's ``\\X`` defines
  them (its current Unicode version). Azure documents Unicode 8.0 clusters; the two differ
  only for sequences newer rules join (emoji ZWJ sequences and modifiers, Indic conjuncts),
  where we count fewer elements than a Unicode-8.0 segmenter would. A span never cuts a
  cluster: its start is floored and its end ceiled to cluster boundaries.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import regex

from docintel.core.types import ContentItem, Line, PageLayout, SelectionMark

INDEX_TYPES = ("textElements", "unicodeCodePoint", "utf16CodeUnit")
SEPARATORS = " \n"

_CLUSTER = regex.compile(r"\X")
# Characters that can share a grapheme cluster with a neighbour (everything except
# Grapheme_Cluster_Break=Other/LF/Control): combining marks, ZWJ, Hangul jamo and syllables,
# regional indicators, prepend and spacing marks, CR.
_JOINING = regex.compile(
    r"[^\p{Grapheme_Cluster_Break=Other}\p{Grapheme_Cluster_Break=LF}"
    r"\p{Grapheme_Cluster_Break=Control}]"
)


@dataclass(frozen=True, slots=True)
class Span:
    """A code-point range of ``content``."""

    offset: int
    length: int

    @property
    def end(self) -> int:
        """One past the last code point."""
        return self.offset + self.length


@dataclass(slots=True)
class PageSpans:
    """Code-point spans of one page: per item, per word of each line item, and the page.

    ``item_spans[i]`` is ``None`` when item ``i`` was left out of content (a selection mark
    when the model does not emit marks); ``word_spans[i]`` is empty for marks.
    """

    item_spans: list[Span | None]
    word_spans: list[list[Span]]
    page_span: Span


@dataclass(slots=True)
class ContentIndex:
    """``content`` with the code-point spans of everything in it, page by page."""

    content: str
    pages: list[PageSpans]


def item_text(item: ContentItem) -> str:
    """The text an item contributes to ``content``."""
    return item.text


def build_content(pages: Sequence[PageLayout], *, include_marks: bool = True) -> ContentIndex:
    """Join the pages' reading-order items into ``content``, recording every span.

    With ``include_marks=False`` selection marks contribute nothing (models that do not emit
    marks must not leave orphan ``:selected:`` tokens in content).
    """
    parts: list[str] = []
    pos = 0
    out: list[PageSpans] = []
    for page in pages:
        page_start: int | None = None
        item_spans: list[Span | None] = []
        word_spans: list[list[Span]] = []
        for item in page.items:
            if isinstance(item, SelectionMark) and not include_marks:
                item_spans.append(None)
                word_spans.append([])
                continue
            if parts:
                parts.append("\n")
                pos += 1
            if page_start is None:
                page_start = pos
            words: list[Span] = []
            if isinstance(item, Line):
                wpos = pos
                for k, word in enumerate(item.words):
                    if k:
                        wpos += 1
                    words.append(Span(wpos, len(word.text)))
                    wpos += len(word.text)
            text = item_text(item)
            parts.append(text)
            item_spans.append(Span(pos, len(text)))
            word_spans.append(words)
            pos += len(text)
        # An empty page still has a place in content: a zero-length span where it sits.
        start = pos if page_start is None else page_start
        page_span = Span(start, pos - start)
        out.append(PageSpans(item_spans, word_spans, page_span))
    return ContentIndex("".join(parts), out)


def merge_spans(spans: Iterable[Span], content: str | None = None) -> list[Span]:
    """Sort and merge spans that overlap, touch, or are separated by one separator character.

    This is how Azure reports an element made of consecutive lines or words: one span that
    covers the ``"\\n"``/``" "`` between them (a three-line paragraph is one span). With
    ``content`` the gap character is checked to be a separator; without it any one-character
    gap merges (in our content, gaps between items and words are always separators).
    """
    ordered = sorted(spans, key=lambda s: (s.offset, s.length))
    merged: list[Span] = []
    for span in ordered:
        if merged:
            last = merged[-1]
            gap_ok = span.offset <= last.end or (
                span.offset == last.end + 1 and (content is None or content[last.end] in SEPARATORS)
            )
            if gap_ok:
                end = max(last.end, span.end)
                merged[-1] = Span(last.offset, end - last.offset)
                continue
        merged.append(span)
    return merged


class SpanConverter:
    """Maps code-point spans of one ``content`` to spans in a ``stringIndexType``.

    Construction is O(n) (a prefix table, skipped entirely when the unit coincides with code
    points for this content); every conversion after that is O(1).
    """

    __slots__ = ("_exact", "_floor", "_n", "index_type")

    def __init__(self, content: str, index_type: str) -> None:
        if index_type not in INDEX_TYPES:
            raise ValueError(f"unknown stringIndexType {index_type!r}")
        self.index_type = index_type
        self._n = len(content)
        # _floor[p] = units before code point p; None means identity.
        self._floor: array[int] | None = None
        # True when every code point index is a unit boundary (no clusters to round to).
        self._exact = True
        if index_type == "utf16CodeUnit":
            self._floor = _utf16_prefix(content)
        elif index_type == "textElements":
            self._floor = _cluster_prefix(content)
            self._exact = False

    @property
    def identity(self) -> bool:
        """Whether offsets in this unit equal code-point offsets for this content."""
        return self._floor is None

    def _is_boundary(self, p: int) -> bool:
        floor = self._floor
        assert floor is not None
        return p == 0 or p == self._n or floor[p] != floor[p - 1]

    def offset(self, cp: int) -> int:
        """A code-point position in units (floored to a cluster start for textElements)."""
        return cp if self._floor is None else self._floor[cp]

    def span(self, cp_offset: int, cp_length: int) -> tuple[int, int]:
        """``(offset, length)`` in units of the code-point span ``[cp_offset, +cp_length)``."""
        floor = self._floor
        if floor is None:
            return cp_offset, cp_length
        start = floor[cp_offset]
        if cp_length == 0:
            return start, 0
        end_cp = cp_offset + cp_length
        end = floor[end_cp]
        if not self._exact and not self._is_boundary(end_cp):
            end += 1
        return start, end - start

    def convert(self, span: Span) -> Span:
        """``span`` in this converter's units."""
        offset, length = self.span(span.offset, span.length)
        return Span(offset, length)

    def convert_all(self, spans: Iterable[Span]) -> list[Span]:
        """Each span in this converter's units (order kept)."""
        return [self.convert(s) for s in spans]


def _utf16_prefix(content: str) -> array[int] | None:
    if not content or max(content) <= "\uffff":
        return None
    cps = np.frombuffer(content.encode("utf-32-le"), dtype=np.uint32)
    units = np.where(cps > 0xFFFF, 2, 1).astype(np.int64)
    return _prefix_array(units)


def _cluster_prefix(content: str) -> array[int] | None:
    if content.isascii() and "\r" not in content:
        return None
    if _JOINING.search(content) is None:
        # Only characters that never join a neighbour: every code point is its own cluster.
        return None
    lengths = np.fromiter(map(len, _CLUSTER.findall(content)), dtype=np.int64)
    if len(lengths) == len(content):
        return None
    # floor[p] = index of the cluster holding code point p; floor[n] = number of clusters.
    floor = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    out = array("q", floor.tobytes())
    out.append(len(lengths))
    return out


def _prefix_array(units: np.ndarray[Any, np.dtype[np.int64]]) -> array[int]:
    prefix = np.zeros(len(units) + 1, dtype=np.int64)
    np.cumsum(units, out=prefix[1:])
    return array("q", prefix.tobytes())


def text_units(text: str, index_type: str) -> list[str]:
    """``text`` as the sequence its ``stringIndexType`` counts (clusters, code points, or
    UTF-16 code units as 1-character strings, surrogates included)."""
    if index_type == "unicodeCodePoint":
        return list(text)
    if index_type == "textElements":
        return [m.group() for m in _CLUSTER.finditer(text)]
    if index_type == "utf16CodeUnit":
        raw = text.encode("utf-16-le", "surrogatepass")
        return [raw[i : i + 2].decode("utf-16-le", "surrogatepass") for i in range(0, len(raw), 2)]
    raise ValueError(f"unknown stringIndexType {index_type!r}")


def slice_units(units: Sequence[str], offset: int, length: int) -> str:
    """The text of ``units[offset:offset + length]`` (``units`` from ``text_units``).

    UTF-16 units are re-paired into characters; a span that splits a surrogate pair raises
    ``UnicodeDecodeError`` (such a span is a bug).
    """
    text = "".join(units[offset : offset + length])
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    return text


def spans_text(units: Sequence[str], spans: Iterable[tuple[int, int]], sep: str = "") -> str:
    """Concatenate the text of several ``(offset, length)`` spans, joined by ``sep``."""
    return sep.join(slice_units(units, o, n) for o, n in spans)
