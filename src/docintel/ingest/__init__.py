"""Ingest: bytes → pages. Sniff the format, enforce limits, open PDFs (PDFium) and images (Pillow).

Entry point: :func:`open_document` returns a :class:`SourceDocument` whose pages expose their
size in Azure units, text-layer words, embedded-image regions and renders.
"""

from docintel.ingest.formats import DocFormat, sniff
from docintel.ingest.limits import Limits, check_size
from docintel.ingest.pages import parse_pages, select_pages
from docintel.ingest.source import RasterPage, SourceDocument, SourcePage, open_document

__all__ = [
    "DocFormat",
    "Limits",
    "RasterPage",
    "SourceDocument",
    "SourcePage",
    "check_size",
    "open_document",
    "parse_pages",
    "select_pages",
    "sniff",
]
