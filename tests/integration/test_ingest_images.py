"""Image ingest through Pillow / pillow-heif: formats, modes, orientation, limits, bad input."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from docintel.core.errors import InvalidContentDimensionsError, InvalidContentError
from docintel.ingest import Limits, open_document
from docintel.ingest.formats import DocFormat
from docintel.ingest.image import ImagePage, register_heif
from tests.helpers.documents import image_bytes, multipage_tiff, sample_pages

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
needs_eval = pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval is not present")

RED, BLUE = (255, 0, 0), (0, 0, 255)


def _encode(img: Image.Image, fmt: str, **kw: object) -> bytes:
    if fmt == "HEIF":
        register_heif()
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _marked(size: tuple[int, int] = (200, 100)) -> Image.Image:
    """Red image with a blue square in the top-left corner (to see orientation)."""
    img = Image.new("RGB", size, RED)
    img.paste(BLUE, (0, 0, 20, 20))
    return img


def _render(data: bytes, number: int = 1) -> tuple[ImagePage, np.ndarray]:
    with open_document(data) as doc:
        page = doc.page(number)
        assert isinstance(page, ImagePage)
        return page, page.render().pixels


def _close(px: np.ndarray, rgb: tuple[int, int, int], tol: int = 12) -> bool:
    return bool(np.abs(px.astype(int) - np.array(rgb)).max() <= tol)


@pytest.mark.parametrize(
    ("fmt", "doc_fmt"),
    [
        ("PNG", DocFormat.PNG),
        ("JPEG", DocFormat.JPEG),
        ("BMP", DocFormat.BMP),
        ("TIFF", DocFormat.TIFF),
        ("HEIF", DocFormat.HEIF),
    ],
)
def test_formats_open_as_pixel_pages(fmt: str, doc_fmt: DocFormat) -> None:
    """Each image format is one page in pixel units with RGB uint8 pixels."""
    data = _encode(_marked(), fmt)
    with open_document(data) as doc:
        assert (doc.format, doc.page_count) == (doc_fmt, 1)
        page = doc.page(1)
        assert (page.width, page.height, page.unit) == (200.0, 100.0, "pixel")
        assert page.text_words() == []
        assert not page.has_text_layer()
        assert page.image_regions() == []
        assert page.ocr_dpi() == 0.0
        raster = page.render(dpi=600)  # dpi is ignored for images
    assert raster.pixels.shape == (100, 200, 3)
    assert raster.pixels.dtype == np.uint8
    assert raster.units_per_pixel == 1.0
    assert _close(raster.pixels[5, 5], BLUE, 30)
    assert _close(raster.pixels[90, 190], RED, 30)


def test_helper_text_images_open() -> None:
    """The shared test-document generators produce pages of the expected size."""
    for fmt in ("PNG", "JPEG", "BMP", "TIFF", "HEIF"):
        with open_document(image_bytes(fmt)) as doc:
            page = doc.page(1)
            assert (page.width, page.height) == (1275.0, 1650.0)


def test_multipage_tiff_frames_are_pages() -> None:
    """Every TIFF frame is a page, with its own size and pixels."""
    frames = [Image.new("RGB", (120, 80 + 10 * i), (40 * i, 0, 0)) for i in range(3)]
    data = _encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])
    with open_document(data) as doc:
        assert doc.page_count == 3
        for i in range(3):
            page = doc.page(i + 1)
            assert (page.number, page.height) == (i + 1, 80 + 10 * i)
            px = page.render().pixels
            assert px.shape == (80 + 10 * i, 120, 3)
            assert _close(px[0, 0], (40 * i, 0, 0), 0)
        with pytest.raises(IndexError):
            doc.page(4)
    with open_document(multipage_tiff(sample_pages(2))) as doc:
        assert doc.page_count == 2


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF"])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(fmt: str, orientation: int) -> None:
    """Sizes and pixels are reported after EXIF orientation, exactly as exif_transpose does."""
    rng = np.random.default_rng(orientation)
    img = Image.fromarray(rng.integers(0, 255, (60, 90, 3), dtype=np.uint8))
    exif = Image.Exif()
    exif[0x0112] = orientation
    extra: dict[str, object] = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        extra["quality"] = 100
    data = _encode(img, fmt, **extra)
    expected = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))
    page, px = _render(data)
    assert (page.height, page.width) == expected.shape[:2]
    assert np.array_equal(px, expected)


def test_heif_orientation() -> None:
    """pillow-heif applies the rotation itself; size and pixels agree."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise: the top-left mark moves to the top-right
    page, px = _render(_encode(_marked(), "HEIF", exif=exif.tobytes()))
    assert (page.width, page.height) == (100.0, 200.0)
    assert px.shape == (200, 100, 3)
    assert _close(px[5, 95], BLUE, 30)


@pytest.mark.parametrize(
    ("img", "fmt", "corner"),
    [
        (_marked().convert("CMYK"), "JPEG", BLUE),
        (_marked().convert("L"), "PNG", (29, 29, 29)),
        (_marked().convert("1"), "BMP", (0, 0, 0)),
        (_marked().convert("P"), "PNG", BLUE),
        (_marked().convert("RGBA"), "PNG", BLUE),
    ],
    ids=["cmyk-jpeg", "gray", "bilevel", "palette", "rgba"],
)
def test_modes_become_rgb(img: Image.Image, fmt: str, corner: tuple[int, int, int]) -> None:
    """CMYK, grayscale, 1-bit and palette images decode to RGB."""
    _, px = _render(_encode(img, fmt))
    assert px.shape == (100, 200, 3)
    assert _close(px[2, 2], corner, 30)


def test_alpha_is_composited_on_white() -> None:
    """Transparent pixels become white; opaque ones keep their color."""
    img = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    img.paste((0, 0, 0, 255), (0, 0, 50, 100))
    _, px = _render(_encode(img, "PNG"))
    assert _close(px[50, 75], (255, 255, 255), 0)
    assert _close(px[50, 25], (0, 0, 0), 0)
    pal = Image.new("P", (100, 100), 0)
    pal.putpalette([0, 0, 0, 10, 20, 30])
    pal.paste(1, (0, 0, 50, 100))
    _, px = _render(_encode(pal, "PNG", transparency=0))
    assert _close(px[50, 75], (255, 255, 255), 0)
    assert _close(px[50, 25], (10, 20, 30), 0)


def test_sixteen_bit_png_is_scaled() -> None:
    """16-bit grayscale keeps its range, scaled to 8 bits."""
    ramp = np.tile(np.linspace(0, 65535, 256, dtype=np.uint16), (60, 1))
    _, px = _render(_encode(Image.fromarray(ramp), "PNG"))
    assert px.shape == (60, 256, 3)
    assert px[0, 0, 0] == 0
    assert px[0, -1, 0] == 255
    assert np.all(np.diff(px[0, :, 0].astype(int)) >= 0)


def _png_with_header(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares the given size, with a tiny (wrong) image payload."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "size", [(40, 100), (100, 49), (10001, 60), (60, 10001), (100_000, 100_000), (2**31 - 1, 1)]
)
def test_dimensions_checked_from_header(size: tuple[int, int]) -> None:
    """Sizes outside 50..10,000 px (incl. bomb-sized headers) fail before any decoding."""
    with pytest.raises(InvalidContentDimensionsError) as ei:
        open_document(_png_with_header(*size))
    assert ei.value.to_error_body()["innererror"]["code"] == "InvalidContentDimensions"


def test_pixel_cap_applies_within_side_limits() -> None:
    """``max_pixels`` rejects a large area even when each side is allowed."""
    with pytest.raises(InvalidContentDimensionsError):
        open_document(_png_with_header(9000, 9000), Limits(max_pixels=50_000_000))


def test_lying_header_fails_at_decode() -> None:
    """A header that promises more pixels than the data holds fails as InvalidContent."""
    with open_document(_png_with_header(9000, 9000)) as doc:
        page = doc.page(1)
        assert (page.width, page.height) == (9000.0, 9000.0)
        with pytest.raises(InvalidContentError):
            page.render()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF", "BMP", "HEIF"])
def test_truncated_images(fmt: str) -> None:
    """Cut files raise InvalidContent either at open or at render, never anything else."""
    noise = Image.effect_noise((300, 300), 80).convert("RGB")
    data = _encode(noise, fmt)
    for cut in (len(data) // 2, 64):
        with pytest.raises(InvalidContentError), open_document(data[:cut]) as doc:
            doc.page(1).render()


@needs_eval
def test_eval_images_match_gt_sizes() -> None:
    """Invoice renders and receipt scans open with the sizes their GT states."""
    checked = 0
    for gt_path in sorted((EVAL / "invoices" / "gt").glob("*.json"))[:6]:
        gt = json.loads(gt_path.read_text())
        for rel in gt["images"]:
            rel_path = rel if isinstance(rel, str) else rel["image"]
            with Image.open(EVAL / "invoices" / rel_path) as ref:
                size = ref.size
            page, px = _render((EVAL / "invoices" / rel_path).read_bytes())
            assert (page.width, page.height) == size
            assert px.shape == (size[1], size[0], 3)
            checked += 1
    for gt_path in sorted((EVAL / "receipts" / "gt").glob("*.json"))[:10]:
        gt = json.loads(gt_path.read_text())
        path = EVAL / "receipts" / gt["image"]
        with open_document(path) as doc:
            assert doc.format is DocFormat.JPEG
            receipt = doc.page(1)
            assert (receipt.width, receipt.height) == (gt["width"], gt["height"])
            assert receipt.render().pixels.shape == (gt["height"], gt["width"], 3)
        checked += 1
    assert checked >= 10
