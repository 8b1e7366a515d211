"""PDF ingest through PDFium on real files (eval set) and on PDFs generated here."""

from __future__ import annotations

import io
import json
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from docintel.core.errors import (
    InvalidContentDimensionsError,
    InvalidContentError,
    InvalidRequestError,
)
from docintel.core.geometry import angle_of, bbox
from docintel.core.types import Word
from docintel.ingest import Limits, open_document
from docintel.ingest.formats import DocFormat
from docintel.ingest.pdf import PdfPage
from tests.helpers.documents import born_digital_pdf, encrypted_pdf, sample_pages, scanned_pdf

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
needs_eval = pytest.mark.skipif(not EVAL.is_dir(), reason="../shared/eval is not present")
TOL_IN = 0.05


def _pdf_page(data: bytes | Path, number: int = 1) -> Iterator[PdfPage]:
    with open_document(data) as doc:
        page = doc.page(number)
        assert isinstance(page, PdfPage)
        yield page


def _gt_lines(gt: dict[str, Any]) -> list[dict[str, Any]]:
    """Text lines of an invoices GT (``lines``) or a layout GT (``paragraphs[].lines``)."""
    if "lines" in gt:
        return list(gt["lines"])
    return [ln for p in gt["paragraphs"] for ln in p["lines"]]


def _find_line(words: list[Word], text: str, poly: list[float]) -> float | None:
    """Largest corner deviation (in) of the best run of words spelling ``text``, or None."""
    toks = text.split()
    best: float | None = None
    for i in range(len(words) - len(toks) + 1):
        if [w.text for w in words[i : i + len(toks)]] != toks:
            continue
        x0 = min(bbox(w.polygon)[0] for w in words[i : i + len(toks)])
        y0 = min(bbox(w.polygon)[1] for w in words[i : i + len(toks)])
        x1 = max(bbox(w.polygon)[2] for w in words[i : i + len(toks)])
        y1 = max(bbox(w.polygon)[3] for w in words[i : i + len(toks)])
        gx0, gy0, gx1, gy1 = bbox(poly)
        dev = max(abs(x0 - gx0), abs(y0 - gy0), abs(x1 - gx1), abs(y1 - gy1))
        best = dev if best is None else min(best, dev)
    return best


def _gt_files() -> list[Path]:
    if not EVAL.is_dir():
        return []
    files = sorted((EVAL / "invoices" / "gt").glob("*.json"))
    files += [
        p
        for p in sorted((EVAL / "layout" / "gt").glob("*.json"))
        if json.loads(p.read_text())["kind"] == "born-digital"
    ]
    return files


@needs_eval
@pytest.mark.parametrize("gt_path", _gt_files(), ids=lambda p: p.stem)
def test_text_words_match_ground_truth(gt_path: Path) -> None:
    """Every GT line is found as consecutive words with the same text within 0.05 in."""
    gt = json.loads(gt_path.read_text())
    doc_path = gt_path.parents[1] / gt["document"]
    with open_document(doc_path) as doc:
        assert doc.format is DocFormat.PDF
        by_page = {n: doc.page(n).text_words() for n in range(1, doc.page_count + 1)}
        for n in by_page:
            page = doc.page(n)
            assert page.unit == "inch"
            assert page.has_text_layer()
            if "pages" in gt and isinstance(gt["pages"], list):
                size = gt["pages"][n - 1]
                assert page.width == pytest.approx(size["width"], abs=0.01)
                assert page.height == pytest.approx(size["height"], abs=0.01)
    lines = _gt_lines(gt)
    assert lines
    for ln in lines:
        text = str(ln.get("text") or ln.get("content"))
        dev = _find_line(by_page[int(ln.get("page", 1))], text, ln["polygon"])
        assert dev is not None, f"line not found: {text!r}"
        assert dev <= TOL_IN, f"{text!r} off by {dev:.3f} in"


@needs_eval
def test_words_carry_font_attributes() -> None:
    """Font size (inches), name, bold and confidence come from the text layer."""
    gt = json.loads((EVAL / "invoices" / "gt" / "invoice_a01.json").read_text())
    with open_document(EVAL / "invoices" / gt["document"]) as doc:
        words = doc.page(1).text_words()
    assert all(w.confidence == 1.0 and w.font_name for w in words)
    title = next(w for w in words if w.text == "INVOICE")
    body = [w for w in words if not w.bold]
    assert title.bold
    assert body
    assert title.font_size is not None
    assert all(w.font_size is not None and w.font_size < title.font_size for w in body)
    # Heights follow the em size: roughly 0.9-1.3 em for Latin fonts.
    for w in words:
        assert w.font_size is not None
        h = bbox(w.polygon)[3] - bbox(w.polygon)[1]
        assert 0.8 * w.font_size < h < 1.4 * w.font_size, w.text


@needs_eval
def test_tabula_cells_hold_their_words() -> None:
    """Words fall inside the GT cell boxes (incl. a /Rotate 90 page and Japanese text)."""
    for gt_path in sorted((EVAL / "tables" / "tabula" / "gt").glob("*.json")):
        gt = json.loads(gt_path.read_text())
        with open_document(EVAL / "tables" / gt["document"]) as doc:
            words = doc.page(gt["page"]).text_words()
        cells = [c for c in gt["cells"] if c["text"].strip() and c["bbox"]]
        good = 0
        for c in cells:
            x0, y0, x1, y1 = c["bbox"]
            inside = []
            for w in words:
                cx, cy = sum(w.polygon[0::2]) / 4, sum(w.polygon[1::2]) / 4
                if x0 - 0.02 <= cx <= x1 + 0.02 and y0 - 0.02 <= cy <= y1 + 0.02:
                    inside.append(w.text)
            got = unicodedata.normalize("NFKC", "".join(inside))
            good += got == unicodedata.normalize("NFKC", "".join(c["text"].split()))
        # A few schools.pdf cells hold text that runs on into the next cell without a gap.
        assert good >= 0.95 * len(cells), gt_path.stem


@needs_eval
def test_text_words_speed_report(capsys: pytest.CaptureFixture[str]) -> None:
    """Measure ms/page of text_words on the eval PDFs (reported, not asserted)."""
    files = sorted((EVAL / "invoices" / "pdf").glob("*.pdf"))
    files += sorted((EVAL / "layout" / "pdf").glob("*.pdf"))
    files += sorted((EVAL / "tables" / "tabula" / "pdf").glob("*.pdf"))
    times: list[float] = []
    n_words = 0
    for f in files:
        with open_document(f) as doc:
            for n in range(1, doc.page_count + 1):
                page = doc.page(n)
                t0 = time.perf_counter()
                n_words += len(page.text_words())
                times.append(time.perf_counter() - t0)
    assert n_words > 0
    with capsys.disabled():
        print(
            f"\ntext_words: {len(times)} pages, {n_words} words, "
            f"mean {1e3 * sum(times) / len(times):.2f} ms/page, "
            f"median {1e3 * sorted(times)[len(times) // 2]:.2f}, max {1e3 * max(times):.2f}"
        )


# ---------------------------------------------------------------- generated PDFs


def _rotated_copy(data: bytes, rotation: int) -> bytes:
    """The PDF with ``/Rotate`` set on every page (via PDFium)."""
    pdf = pdfium.PdfDocument(data)
    for i in range(len(pdf)):
        pdf[i].set_rotation(rotation)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    return buf.getvalue()


def _ink_inside_words(page: PdfPage, words: list[Word]) -> tuple[float, bool]:
    """Share of dark pixels of a render inside word boxes, and whether every box has ink."""
    dpi = 100.0
    raster = page.render(dpi)
    dark = raster.pixels.min(axis=2) < 128
    mask = np.zeros_like(dark)
    every_box_inked = True
    for w in words:
        x0, y0, x1, y1 = (round(v / raster.units_per_pixel) for v in bbox(w.polygon))
        mask[max(0, y0 - 1) : y1 + 2, max(0, x0 - 1) : x1 + 2] = True
        every_box_inked &= bool(dark[max(0, y0) : y1 + 1, max(0, x0) : x1 + 1].any())
    return float((dark & mask).sum() / max(1, dark.sum())), every_box_inked


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotate_attribute_maps_words_to_displayed_page(rotation: int) -> None:
    """With /Rotate the page is reported as displayed and words sit on their rendered ink."""
    data = _rotated_copy(born_digital_pdf(sample_pages(1)), rotation)
    for page in _pdf_page(data):
        portrait = rotation in (0, 180)
        assert (page.width, page.height) == ((8.5, 11.0) if portrait else (11.0, 8.5))
        words = page.text_words()
        # PDFium may order lines differently on rotated pages; layout decides reading order.
        expected = " ".join(sample_pages(1)[0]).split()
        assert sorted(w.text for w in words) == sorted(expected)
        for w in words:
            assert angle_of(w.polygon) % 360 == pytest.approx(rotation, abs=0.01)
            assert all(0 <= v <= max(page.width, page.height) for v in w.polygon)
        share, every_box_inked = _ink_inside_words(page, words)
        assert every_box_inked
        assert share > 0.97


def _rotated_text_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setFont("Helvetica", 16)
    for ang in (0, 90, 180, 270, 30):
        c.saveState()
        c.translate(306, 396)
        c.rotate(-ang)  # reportlab turns counter-clockwise; Azure angles are clockwise
        c.drawString(40, 0, f"Turned {ang} degrees")
        c.restoreState()
    c.showPage()
    c.save()
    return buf.getvalue()


def test_rotated_text_words_follow_their_direction() -> None:
    """Text drawn at 0/90/180/270/30° gives quads whose top edge points that way."""
    for page in _pdf_page(_rotated_text_pdf()):
        words = page.text_words()
        by_text: dict[str, list[Word]] = {}
        for w in words:
            by_text.setdefault(w.text, []).append(w)
        assert sorted(by_text["Turned"], key=lambda w: angle_of(w.polygon) % 360)
        angles = sorted(round(angle_of(w.polygon) % 360) for w in by_text["Turned"])
        assert angles == [0, 30, 90, 180, 270]
        for num in ("0", "90", "180", "270", "30"):
            (w,) = by_text[num]
            assert round(angle_of(w.polygon) % 360) == int(num)
        _, every_box_inked = _ink_inside_words(page, [w for w in words if "30" not in w.text])
        assert every_box_inked


def test_scanned_pdf_has_no_text_layer() -> None:
    """A JPEG-only PDF: no words, image covers the page, OCR dpi is the scan's dpi."""
    for page in _pdf_page(scanned_pdf(sample_pages(1), dpi=200)):
        assert not page.has_text_layer()
        assert page.text_words() == []
        assert page.ocr_dpi() == pytest.approx(200.0, abs=0.5)
        (region,) = page.image_regions()
        assert region == pytest.approx((0.0, 0.0, 8.5, 11.0), abs=0.01)
        raster = page.render()
        assert raster.pixels.shape == (2200, 1700, 3)
        assert raster.pixels.dtype == np.uint8
        assert raster.units_per_pixel == pytest.approx(1 / 200)


def test_invisible_ocr_text_counts_as_text_layer() -> None:
    """An OCR'd scan (image + render-mode-3 text) has a text layer and words under the ink."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    scan = Image.new("L", (850, 1100), 255)
    jpg = io.BytesIO()
    scan.save(jpg, format="JPEG")
    jpg.seek(0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.drawImage(ImageReader(jpg), 0, 0, width=letter[0], height=letter[1])
    t = c.beginText(72, 792 - 100)
    t.setTextRenderMode(3)
    t.setFont("Helvetica", 12)
    t.textLine("Invisible searchable words")
    c.drawText(t)
    c.showPage()
    c.save()
    for page in _pdf_page(buf.getvalue()):
        assert page.has_text_layer()
        assert [w.text for w in page.text_words()] == ["Invisible", "searchable", "words"]
        assert page.ocr_dpi() == 150.0  # a 100-dpi scan, clamped up
        assert len(page.image_regions()) == 1


def test_too_little_text_is_not_a_usable_layer() -> None:
    """A page whose only text is a stray character needs OCR (garbage: see the unit tests)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "7")
    c.showPage()
    c.save()
    for page in _pdf_page(buf.getvalue()):
        assert [w.text for w in page.text_words()] == ["7"]
        assert not page.has_text_layer()


def test_scan_dpi_is_clamped_and_born_digital_defaults() -> None:
    """Low-dpi scans render at 150 at least; pages without a big image at 300."""
    for page in _pdf_page(scanned_pdf(sample_pages(1), dpi=100)):
        assert page.ocr_dpi() == 150.0
    for page in _pdf_page(born_digital_pdf(sample_pages(1))):
        assert page.ocr_dpi() == 300.0
        assert page.image_regions() == []
        assert page.has_text_layer()


def test_image_inside_form_xobject_is_found() -> None:
    """Images drawn through a form XObject are located in page space."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    img = Image.new("L", (300, 150), 128)
    jpg = io.BytesIO()
    img.save(jpg, format="JPEG")
    jpg.seek(0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.beginForm("logo")
    c.drawImage(ImageReader(jpg), 0, 0, width=144, height=72)
    c.endForm()
    c.saveState()
    c.translate(72, 792 - 72 - 144)
    c.scale(2, 2)
    c.doForm("logo")
    c.restoreState()
    c.showPage()
    c.save()
    for page in _pdf_page(buf.getvalue()):
        (region,) = page.image_regions()
        assert region == pytest.approx((1.0, 1.0, 5.0, 3.0), abs=0.01)
        assert page.ocr_dpi() == 300.0  # covers less than half the page: not a scan


def test_render_is_rgb_in_display_orientation() -> None:
    """Renders are RGB (not BGR) and follow /Rotate like the reported page size."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setFillColorRGB(1, 0, 0)
    c.rect(0, 0, 72, 72, fill=1, stroke=0)  # red square at the bottom-left corner
    c.showPage()
    c.save()
    for page in _pdf_page(buf.getvalue()):
        px = page.render(72).pixels
        assert px.shape == (792, 612, 3)
        assert tuple(px[-10, 10]) == (255, 0, 0)
        assert tuple(px[10, 10]) == (255, 255, 255)
    for page in _pdf_page(_rotated_copy(buf.getvalue(), 90)):
        px = page.render(72).pixels
        assert px.shape == (612, 792, 3)
        assert tuple(px[10, 10]) == (255, 0, 0)  # bottom-left turns to top-left


def test_render_is_capped_for_huge_pages() -> None:
    """A 200 × 200 in page renders within the pixel caps whatever dpi is asked."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(14400, 14400))
    c.drawString(100, 100, "x")
    c.showPage()
    c.save()
    lim = Limits(max_render_pixels=4_000_000)
    with open_document(buf.getvalue(), lim) as doc:
        page = doc.page(1)
        raster = page.render(600)
    h, w, _ = raster.pixels.shape
    assert h * w <= lim.max_render_pixels
    assert raster.units_per_pixel == pytest.approx(200.0 / w)


@pytest.mark.parametrize("size", [(20000.0, 200.0), (200.0, 2.0)])
def test_absurd_page_size(size: tuple[float, float]) -> None:
    """Page sides beyond the PDF spec's range are InvalidContentDimensions."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    c.showPage()
    c.save()
    with open_document(buf.getvalue()) as doc, pytest.raises(InvalidContentDimensionsError):
        doc.page(1)


def test_password_protected_pdf() -> None:
    """A user password makes the PDF unreadable: InvalidContent with a clear message."""
    with pytest.raises(InvalidContentError, match="password-protected") as ei:
        open_document(encrypted_pdf())
    assert ei.value.to_error_body()["innererror"]["code"] == "InvalidContent"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\ngarbage",
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF",
    ],
    ids=["corrupt", "no-pages"],
)
def test_corrupt_or_empty_pdf(data: bytes) -> None:
    """Unreadable and page-less PDFs are InvalidContent."""
    with pytest.raises(InvalidContentError):
        open_document(data)


def test_declared_page_count_is_not_trusted() -> None:
    """An absurd /Count does not inflate the page count (PDFium counts real pages)."""
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1000000000>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF"
    )
    with open_document(data) as doc:
        assert doc.page_count == 1
        assert doc.page(1).text_words() == []
        with pytest.raises(IndexError):
            doc.page(2)


def test_too_many_pages() -> None:
    """More than 2,000 pages in the file is InvalidRequest naming the limit."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for _ in range(2001):
        c.showPage()
    c.save()
    with pytest.raises(InvalidRequestError, match="2,000") as ei:
        open_document(buf.getvalue())
    assert ei.value.to_error_body()["innererror"]["code"] == "InvalidContent"


def test_open_from_path_and_close(tmp_path: Path) -> None:
    """Workers open from a Path; close() is idempotent."""
    f = tmp_path / "doc.pdf"
    f.write_bytes(born_digital_pdf(sample_pages(2)))
    doc = open_document(f)
    assert (doc.format, doc.page_count) == (DocFormat.PDF, 2)
    assert doc.page(2).text_words()[0].text == "Page"
    doc.close()
    doc.close()
