"""Format sniffing from magic numbers (API_CONTRACT.md §4.1)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from docintel.core.errors import InvalidContentError
from docintel.ingest.formats import DocFormat, sniff, sniff_path


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "<x/>")
    return buf.getvalue()


def _ftyp(major: bytes, compatible: list[bytes]) -> bytes:
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00" * 32


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", DocFormat.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", DocFormat.JPEG),
        (b"\x89PNG\r\n\x1a\n", DocFormat.PNG),
        (b"II*\x00\x08\x00\x00\x00", DocFormat.TIFF),
        (b"MM\x00*\x00\x00\x00\x08", DocFormat.TIFF),
        (b"II+\x00\x08\x00\x00\x00", DocFormat.TIFF),
        (b"BM6\x00\x00\x00", DocFormat.BMP),
    ],
)
def test_magic_numbers(head: bytes, fmt: DocFormat) -> None:
    """Each fixed signature maps to its format, whatever follows."""
    assert sniff(head + b"\x00" * 64) is fmt


@pytest.mark.parametrize("brand", [b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"])
def test_heif_major_brands(brand: bytes) -> None:
    """An ISO-BMFF ftyp box with a HEIF major brand is HEIF."""
    assert sniff(_ftyp(brand, [b"mif1"])) is DocFormat.HEIF


def test_heif_by_compatible_brand() -> None:
    """A neutral major brand with a HEVC compatible brand is HEIF."""
    assert sniff(_ftyp(b"iso8", [b"mif1", b"heic"])) is DocFormat.HEIF


@pytest.mark.parametrize("data", [_ftyp(b"avif", [b"mif1"]), _ftyp(b"mp42", [b"isom"])])
def test_other_isobmff_is_unknown(data: bytes) -> None:
    """AVIF and MP4 share the box layout but are not HEIF."""
    with pytest.raises(InvalidContentError):
        sniff(data)


@pytest.mark.parametrize(
    ("names", "fmt"),
    [
        (["[Content_Types].xml", "word/document.xml"], DocFormat.DOCX),
        (["[Content_Types].xml", "xl/workbook.xml"], DocFormat.XLSX),
        (["[Content_Types].xml", "ppt/presentation.xml"], DocFormat.PPTX),
    ],
)
def test_office_zips(names: list[str], fmt: DocFormat, tmp_path: Path) -> None:
    """Office files are zips told apart by their top-level folder (bytes and path alike)."""
    data = _zip(names)
    assert sniff(data) is fmt
    p = tmp_path / "f.bin"
    p.write_bytes(data)
    assert sniff_path(p) is fmt


def test_plain_zip_is_unknown() -> None:
    """A zip without an Office folder is not a supported format."""
    with pytest.raises(InvalidContentError):
        sniff(_zip(["readme.txt", "docs/word.txt"]))


def test_corrupt_zip_is_invalid_content() -> None:
    """A local-file header without a central directory is reported as corrupt."""
    with pytest.raises(InvalidContentError, match="zip"):
        sniff(b"PK\x03\x04" + b"\x00" * 100)


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html></html>",
        b"<!doctype HTML>\n<p>x",
        b"  \n\t<html lang='en'>",
        b"\xef\xbb\xbf<html>",
        "\ufeff<!DOCTYPE html>".encode("utf-16-le"),
        "\ufeff<html>".encode("utf-16-be"),
    ],
)
def test_html(data: bytes) -> None:
    """HTML is text starting (after BOM/whitespace) with a doctype or <html>."""
    assert sniff(data) is DocFormat.HTML


def test_pdf_header_after_junk() -> None:
    """A PDF header within the first KiB is still a PDF (as Acrobat accepts)."""
    assert sniff(b"\x00junk\r\n" * 10 + b"%PDF-1.4\n") is DocFormat.PDF


def test_empty_file() -> None:
    """Empty input has its own message."""
    with pytest.raises(InvalidContentError, match="empty"):
        sniff(b"")


@pytest.mark.parametrize("data", [b"hello world", b"<xml/>", b"GIF89a\x01\x00", b"\x00" * 10])
def test_unknown(data: bytes) -> None:
    """Anything else is InvalidContent with the Azure inner code."""
    with pytest.raises(InvalidContentError) as ei:
        sniff(data)
    assert ei.value.to_error_body()["innererror"]["code"] == "InvalidContent"
