"""The document abstraction the pipeline reads pages from, and :func:`open_document`.

A :class:`SourceDocument` is bound to the thread that opened it: PDFium is not thread-safe and
a TIFF's frames share one Pillow decoder. Worker processes open the document themselves (from a
``Path``) and use it from one thread; ``close()`` (or the ``with`` block) frees the handles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from docintel.core.errors import InvalidRequestError, UnsupportedContentError
from docintel.core.geometry import BBox
from docintel.core.types import Unit, Word
from docintel.ingest.formats import DocFormat, sniff, sniff_path
from docintel.ingest.limits import Limits, check_size

if TYPE_CHECKING:
    from docintel.ingest.vector import VectorGraphics

IMAGE_FORMATS = frozenset(
    {DocFormat.JPEG, DocFormat.PNG, DocFormat.BMP, DocFormat.TIFF, DocFormat.HEIF}
)


@dataclass(slots=True)
class RasterPage:
    """Pixels of a page: ``H × W × 3`` uint8 RGB, and the page units one pixel spans."""

    pixels: npt.NDArray[np.uint8]
    units_per_pixel: float


class SourcePage(Protocol):
    """One page of a source document, in Azure page units (inch for PDF, pixel for images).

    ``number`` is the 1-based page number in the original file. ``width``/``height`` describe
    the page as displayed: after a PDF's ``/Rotate`` (CropBox size) or an image's EXIF
    orientation.
    """

    number: int
    width: float
    height: float
    unit: Unit

    def text_words(self) -> list[Word]:
        """Words of the PDF text layer in page units (top-left origin, y down); [] if none."""
        ...

    def has_text_layer(self) -> bool:
        """Whether the page carries enough real text to skip OCR (invisible OCR text counts)."""
        ...

    def render(self, dpi: float | None = None) -> RasterPage:
        """The page as RGB pixels (PDF: at ``dpi`` or :meth:`ocr_dpi`; images: native)."""
        ...

    def ocr_dpi(self) -> float:
        """Resolution to render the page at for OCR (PDF); 0.0 for images."""
        ...

    def image_regions(self) -> list[BBox]:
        """Boxes (page units) of the embedded images of a PDF page; [] for images."""
        ...

    def vector_graphics(self) -> VectorGraphics | None:
        """A PDF page's drawn paths (rulings, boxes) in page units; None for images."""
        ...


class SourceDocument:
    """An opened document: a format, a page count and 1-based page access.

    Use it as a context manager or call :meth:`close`. Not thread-safe (see the module doc).
    """

    format: DocFormat
    page_count: int

    def page(self, number: int) -> SourcePage:
        """The page with 1-based ``number``; ``IndexError`` outside ``1..page_count``."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the underlying PDFium / Pillow handles (idempotent)."""

    def __enter__(self) -> SourceDocument:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _check_number(self, number: int) -> None:
        """Raise ``IndexError`` for a page number outside the document."""
        if not 1 <= number <= self.page_count:
            raise IndexError(f"page {number} is outside 1..{self.page_count}")


def check_page_count(count: int, limits: Limits) -> None:
    """Reject documents with more pages than ``limits.max_pages`` (whole file, before ``pages``)."""
    if count > limits.max_pages:
        raise InvalidRequestError(
            f"The document has {count:,} pages; at most {limits.max_pages:,} pages are supported.",
            inner_code="InvalidContent",
        )


def open_document(data: bytes | Path, limits: Limits | None = None) -> SourceDocument:
    """Sniff, check limits and open ``data`` (bytes or a file path) as a :class:`SourceDocument`.

    Raises the typed errors of ``docintel.core.errors``: ``InvalidContentLengthError`` (too big),
    ``InvalidContentError`` (empty, unknown, corrupt, encrypted, no pages),
    ``UnsupportedContentError`` (Office/HTML, not yet supported), ``InvalidRequestError`` (too
    many pages) and ``InvalidContentDimensionsError`` (image or page size out of range).
    """
    limits = limits or Limits()
    if isinstance(data, Path):
        check_size(data.stat().st_size, limits)
        fmt = sniff_path(data)
    else:
        check_size(len(data), limits)
        fmt = sniff(data)
    if fmt is DocFormat.PDF:
        from docintel.ingest.pdf import PdfSourceDocument

        return PdfSourceDocument(data, limits)
    if fmt in IMAGE_FORMATS:
        from docintel.ingest.image import ImageSourceDocument

        return ImageSourceDocument(data, fmt, limits)
    raise UnsupportedContentError(
        f"{fmt.value.upper()} documents are recognised but not supported yet by this service."
    )
