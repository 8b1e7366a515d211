"""Detect a document's format from its bytes (magic numbers), never from a declared type.

The rules follow API_CONTRACT.md §4.1. Office formats are zip containers told apart by their
top-level folder (``word/``, ``xl/``, ``ppt/``); only the zip's central directory is read, so a
zip bomb is never inflated here.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from docintel.core.errors import InvalidContentError

# How many leading bytes the magic-number checks look at.
HEAD_BYTES = 1024

# ISO-BMFF brands that mean HEIF/HEIC (major brand, or a compatible brand next to a non-AVIF one).
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
_HEVC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx"})

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class DocFormat(StrEnum):
    """A document format docintel recognises (the value is a short lowercase name)."""

    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    BMP = "bmp"
    TIFF = "tiff"
    HEIF = "heif"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    HTML = "html"


def sniff(data: bytes) -> DocFormat:
    """The format of ``data`` from its magic numbers; empty or unknown → ``InvalidContentError``."""
    return sniff_head(data[:HEAD_BYTES], lambda: _zip_names(io.BytesIO(data)))


def sniff_path(path: Path) -> DocFormat:
    """Like :func:`sniff` for a file: reads the head (and a zip's central directory) only."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    return sniff_head(head, lambda: _zip_names(path))


def sniff_head(head: bytes, zip_names: Callable[[], list[str]]) -> DocFormat:
    """Decide the format from the first bytes; ``zip_names`` lists a zip's entries on demand."""
    if not head:
        raise InvalidContentError("The file is empty.")
    fmt = _magic(head)
    if fmt is not None:
        return fmt
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(zip_names)
    if _looks_like_html(head):
        return DocFormat.HTML
    # Acrobat accepts a PDF header anywhere in the first KiB (some producers prepend junk).
    if b"%PDF-" in head:
        return DocFormat.PDF
    raise InvalidContentError()


def _magic(head: bytes) -> DocFormat | None:
    """Formats identified by a fixed signature at offset 0 (or the ISO-BMFF ``ftyp`` box)."""
    if head.startswith(b"%PDF"):
        return DocFormat.PDF
    if head.startswith(b"\xff\xd8"):
        return DocFormat.JPEG
    if head.startswith(b"\x89PNG"):
        return DocFormat.PNG
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # classic and BigTIFF
        return DocFormat.TIFF
    if head.startswith(b"BM"):
        return DocFormat.BMP
    if _is_heif(head):
        return DocFormat.HEIF
    return None


def _is_heif(head: bytes) -> bool:
    """An ISO-BMFF ``ftyp`` box whose major (or a compatible HEVC) brand is HEIF."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return False
    major = head[8:12]
    if major in HEIF_BRANDS:
        return True
    if major in (b"avif", b"avis"):
        return False
    box_size = int.from_bytes(head[0:4], "big")
    end = min(len(head), max(box_size, 16))
    compatible = {head[i : i + 4] for i in range(16, end - 3, 4)}
    return bool(compatible & _HEVC_BRANDS)


def _office_kind(zip_names: Callable[[], list[str]]) -> DocFormat:
    """DOCX/XLSX/PPTX from the zip's top-level folder; any other zip is unknown content."""
    try:
        names = zip_names()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise InvalidContentError("The file is a corrupted zip archive.") from e
    tops = {n.replace("\\", "/").lstrip("/").split("/", 1)[0] for n in names if "/" in n}
    for top, fmt in (("word", DocFormat.DOCX), ("xl", DocFormat.XLSX), ("ppt", DocFormat.PPTX)):
        if top in tops:
            return fmt
    raise InvalidContentError()


def _zip_names(source: io.BytesIO | Path) -> list[str]:
    """Entry names from a zip's central directory (nothing is decompressed)."""
    with zipfile.ZipFile(source) as zf:
        return zf.namelist()


def _looks_like_html(head: bytes) -> bool:
    """Text that starts, after an optional BOM and whitespace, with a doctype or ``<html``."""
    encoding = "latin-1"
    for bom, enc in _BOMS:
        if head.startswith(bom):
            head, encoding = head[len(bom) :], enc
            break
    text = head.decode(encoding, errors="ignore").lstrip().lower()
    return text.startswith("<!doctype html") or text.startswith("<html")
