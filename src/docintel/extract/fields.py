"""The internal field tree extractors build, and its conversion to the REST schema.

An extractor returns ``Field`` objects that point at ``Piece`` s of the document (words or
selection marks, each with its code-point span and polygon); this module turns them into
``DocumentField`` / ``DocumentKeyValuePair`` / ``AnalyzedDocument`` with ``content``, one merged
span list and one bounding polygon per page, exactly as the layout elements are reported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from docintel.core.geometry import BBox, Polygon, bbox_polygon, rotate, union_bbox
from docintel.extract.docview import DocView, Mark, SubToken, Token
from docintel.layout.content import Span
from docintel.models.assemble import confidence_out, polygon_out, to_doc_spans
from docintel.schema import BoundingRegion, DocumentKeyValuePair, DocumentSpan
from docintel.schema.analyze import DocumentKeyValueElement
from docintel.schema.fields import (
    AddressValue,
    AnalyzedDocument,
    CurrencyValue,
    DocumentField,
    FieldType,
)


class Piece(Protocol):
    """Something located in the document: a word or a selection mark."""

    @property
    def page(self) -> int: ...

    @property
    def box(self) -> BBox: ...

    @property
    def span(self) -> Span | None: ...


def piece_text(p: Piece) -> str:
    """The text a piece contributes to a field's content."""
    if isinstance(p, Mark):
        return f":{p.state}:"
    if isinstance(p, Token | SubToken):
        return p.text
    raise TypeError(type(p))


@dataclass(slots=True)
class Field:
    """A typed field.

    ``value`` holds the Python value for ``type``: ``str`` (string, phoneNumber,
    countryRegion, selectionMark, signature), ``datetime.date``, ``datetime.time``, ``float``
    (number), ``int`` (integer), ``bool``, a ``Money``-like object (``amount``, ``symbol``,
    ``code``), an ``Address``-like dataclass, ``list[Field]`` (array) or ``dict[str, Field]``
    (object). ``None`` means the text was found but could not be normalised: the field is then
    reported with ``content`` only, as Azure does. ``pieces`` locate it (may be empty for
    values that are not printed, e.g. a derived ``Locale``); ``content`` overrides the text
    joined from the pieces.
    """

    type: FieldType
    value: Any = None
    pieces: Sequence[Piece] = ()
    confidence: float = 0.5
    content: str | None = None

    def text(self) -> str:
        """The field's content."""
        if self.content is not None:
            return self.content
        return " ".join(piece_text(p) for p in self.pieces)


@dataclass(slots=True)
class KeyValue:
    """A key-value pair; ``value`` is empty when the key has no value."""

    key: Sequence[Piece]
    value: Sequence[Piece]
    confidence: float


@dataclass(slots=True)
class ExtractedDocument:
    """One document found by a prebuilt model: its docType, fields and pages."""

    doc_type: str
    fields: dict[str, Field]
    confidence: float
    pages: list[int]


@dataclass(slots=True)
class Extraction:
    """What an extractor returns."""

    documents: list[ExtractedDocument] = field(default_factory=list)
    key_value_pairs: list[KeyValue] | None = None


@dataclass(frozen=True, slots=True)
class ExtractContext:
    """Request facts an extractor may use."""

    api_version: str
    locale: str | None = None
    features: tuple[str, ...] = ()


Extractor = Callable[[DocView, ExtractContext], Extraction]


# --- conversion -----------------------------------------------------------------------------


class FieldWriter:
    """Converts extractor output to schema objects against one assembled result."""

    def __init__(self, view: DocView, converter: Any) -> None:
        self.view = view
        self.converter = converter
        self._pages = {p.number: p for p in view.pages}

    def spans(self, pieces: Sequence[Piece]) -> list[DocumentSpan]:
        """Merged REST spans of the pieces."""
        cp = [p.span for p in pieces if p.span is not None]
        return to_doc_spans(self.view.content, self.converter, cp)

    def regions(self, pieces: Sequence[Piece]) -> list[BoundingRegion]:
        """One polygon per page enclosing the pieces found there, in page order."""
        by_page: dict[int, list[BBox]] = {}
        for p in pieces:
            by_page.setdefault(p.page, []).append(p.box)
        out: list[BoundingRegion] = []
        for number in sorted(by_page):
            page = self._pages[number]
            poly: Polygon = bbox_polygon(union_bbox(by_page[number]))
            if abs(page.angle) >= 0.3:
                # Boxes live in the upright frame; turn the enclosing box back onto the page.
                poly = rotate(poly, page.width / 2, page.height / 2, page.angle)
            out.append(BoundingRegion(page_number=number, polygon=polygon_out(poly, page.unit)))
        return out

    def page_region(self, number: int) -> BoundingRegion:
        """The whole-page rectangle."""
        page = self._pages[number]
        poly = bbox_polygon((0.0, 0.0, page.width, page.height))
        return BoundingRegion(page_number=number, polygon=polygon_out(poly, page.unit))

    def field(self, f: Field) -> DocumentField:
        """A ``DocumentField`` (recursively for arrays and objects)."""
        out = DocumentField(type=f.type, confidence=confidence_out(f.confidence))
        _set_value(out, f, self.field)
        pieces = f.pieces
        if not pieces and f.type == "object" and isinstance(f.value, dict):
            # An object (an item row) is located where its parts are, as Azure reports
            # ``Items[i]``: content in document order, one span list, one region per page.
            pieces = _descendant_pieces(f)
        if pieces:
            out.content = f.text() if f.pieces else " ".join(piece_text(p) for p in pieces)
            out.bounding_regions = self.regions(pieces)
            out.spans = self.spans(pieces)
        elif f.content is not None:
            out.content = f.content
        return out

    def key_value(self, kv: KeyValue) -> DocumentKeyValuePair:
        """A ``DocumentKeyValuePair``."""
        return DocumentKeyValuePair(
            key=self._element(kv.key),
            value=self._element(kv.value) if kv.value else None,
            confidence=confidence_out(kv.confidence),
        )

    def _element(self, pieces: Sequence[Piece]) -> DocumentKeyValueElement:
        return DocumentKeyValueElement(
            content=" ".join(piece_text(p) for p in pieces),
            bounding_regions=self.regions(pieces),
            spans=self.spans(pieces),
        )

    def document(self, doc: ExtractedDocument) -> AnalyzedDocument:
        """An ``AnalyzedDocument`` covering its pages."""
        cp = [self._pages[n].span for n in doc.pages if n in self._pages]
        return AnalyzedDocument(
            doc_type=doc.doc_type,
            bounding_regions=[self.page_region(n) for n in doc.pages if n in self._pages],
            fields={name: self.field(f) for name, f in doc.fields.items()},
            confidence=confidence_out(doc.confidence),
            spans=to_doc_spans(self.view.content, self.converter, [s for s in cp if s.length]),
        )


def _descendant_pieces(f: Field) -> list[Piece]:
    """Every piece under an object field, once each, in document order."""
    seen: dict[tuple[int, int, int], Piece] = {}
    stack: list[Field] = list(f.value.values()) if isinstance(f.value, dict) else []
    while stack:
        sub = stack.pop()
        for p in sub.pieces:
            if p.span is not None:
                seen.setdefault((p.page, p.span.offset, p.span.length), p)
        if isinstance(sub.value, dict):
            stack.extend(sub.value.values())
        elif isinstance(sub.value, list):
            stack.extend(v for v in sub.value if isinstance(v, Field))
    return [seen[k] for k in sorted(seen, key=lambda k: k[1])]


def _set_value(out: DocumentField, f: Field, convert: Callable[[Field], DocumentField]) -> None:
    v = f.value
    if v is None:
        return
    t = f.type
    if t == "string":
        out.value_string = str(v)
    elif t == "date":
        assert isinstance(v, dt.date)
        out.value_date = v
    elif t == "time":
        assert isinstance(v, dt.time)
        out.value_time = v
    elif t == "phoneNumber":
        out.value_phone_number = str(v)
    elif t == "number":
        out.value_number = float(v)
    elif t == "integer":
        out.value_integer = int(v)
    elif t == "selectionMark":
        out.value_selection_mark = "selected" if v == "selected" else "unselected"
    elif t == "signature":
        out.value_signature = "signed" if v == "signed" else "unsigned"
    elif t == "countryRegion":
        out.value_country_region = str(v)
    elif t == "boolean":
        out.value_boolean = bool(v)
    elif t == "currency":
        out.value_currency = CurrencyValue(
            amount=_compact_amount(float(v.amount)),
            currency_symbol=v.symbol,
            currency_code=v.code,
        )
    elif t == "address":
        values = {k: val for k, val in dataclasses.asdict(v).items() if val}
        out.value_address = AddressValue(**values)
    elif t == "array":
        out.value_array = [convert(item) for item in v]
    elif t == "object":
        out.value_object = {name: convert(item) for name, item in v.items()}


def _compact_amount(v: float) -> int | float:
    r = round(v, 6) + 0.0
    return int(r) if r.is_integer() else r
