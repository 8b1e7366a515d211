"""PDF pages through PDFium (pypdfium2): text-layer words, embedded images, rendering.

Coordinates: PDFium reports PDF user space (points, y up, unrotated). Pages are reported as
displayed: the visible box (CropBox ∩ MediaBox) turned by ``/Rotate``, in inches from the top-left
corner. Words are grouped in user space with y flipped (so angles read clockwise, as in Azure)
and only their quads are mapped to the displayed page.

PDFium is not thread-safe: a document and its pages belong to the thread that opened them.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from docintel.core.errors import InvalidContentDimensionsError, InvalidContentError
from docintel.core.geometry import BBox, Polygon
from docintel.core.types import Unit, Word
from docintel.ingest.formats import DocFormat
from docintel.ingest.limits import Limits
from docintel.ingest.source import RasterPage, SourceDocument, check_page_count
from docintel.ingest.textlayer import (
    STANDARD_FONT_METRICS,
    CharTuple,
    WordRun,
    extent_quad,
    is_separator,
    join_surrogates,
    normalize_word,
    real_char_count,
    refit_extent,
    split_words,
)
from docintel.ingest.vector import Matrix, VectorGraphics, compose, page_vector_graphics

PT_PER_INCH = 72.0
DEFAULT_OCR_DPI = 300.0
MIN_OCR_DPI = 150.0
MAX_OCR_DPI = 400.0
# A page is a scan when one image covers at least this share of it.
SCAN_COVERAGE = 0.5
# A text layer is usable with at least this many real characters, at most this garbage share.
MIN_TEXT_CHARS = 5
MAX_GARBAGE_SHARE = 0.3
# Bounds on walking nested form XObjects for images (hostile files can nest deeply).
MAX_FORM_DEPTH = 8
MAX_PAGE_OBJECTS = 50_000


@dataclass(frozen=True, slots=True)
class _FontInfo:
    """What a word needs from its font: name, style, and PDFium's vs the true metrics."""

    name: str | None
    bold: bool
    italic: bool
    ascent: float
    descent: float
    refit: tuple[float, float] | None


class PdfSourceDocument(SourceDocument):
    """A PDF opened with PDFium; see :func:`docintel.ingest.source.open_document`."""

    def __init__(self, data: bytes | Path, limits: Limits) -> None:
        self.format = DocFormat.PDF
        self._limits = limits
        try:
            self._pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as e:
            raise _load_error(e) from e
        self.page_count = len(self._pdf)
        if self.page_count < 1:
            self._pdf.close()
            raise InvalidContentError("The PDF has no pages.")
        try:
            check_page_count(self.page_count, limits)
        except Exception:
            self._pdf.close()
            raise

    def page(self, number: int) -> PdfPage:
        """The page with 1-based ``number`` (loaded on each call; keep the object to reuse it)."""
        self._check_number(number)
        try:
            raw_page = self._pdf[number - 1]
        except pdfium.PdfiumError as e:
            raise InvalidContentError(f"Page {number} of the PDF cannot be read.") from e
        return PdfPage(number, raw_page, self._limits)

    def close(self) -> None:
        """Close the PDFium document (pages and text pages close with it)."""
        self._pdf.close()


class PdfPage:
    """One PDF page in inches as displayed; text layer, images and rendering."""

    unit: Unit = "inch"

    def __init__(self, number: int, page: pdfium.PdfPage, limits: Limits) -> None:
        self.number = number
        self._page = page
        self._limits = limits
        self._textpage: pdfium.PdfTextPage | None = None
        self._text: str | None = None
        self._ocr_dpi: float | None = None
        self._images: list[tuple[BBox, float]] | None = None
        self.rotation = page.get_rotation() % 360
        left, bottom, right, top = page.get_bbox()
        self._box = (left, bottom, right, top)
        w_pt, h_pt = right - left, top - bottom
        if self.rotation in (90, 270):
            w_pt, h_pt = h_pt, w_pt
        self.width = w_pt / PT_PER_INCH
        self.height = h_pt / PT_PER_INCH
        lo, hi = limits.min_page_side_in, limits.max_page_side_in
        if not (lo <= self.width <= hi and lo <= self.height <= hi):
            raise InvalidContentDimensionsError(
                f"Page {number} is {self.width:.2f} × {self.height:.2f} in; page sides must be "
                f"between {lo:g} and {hi:g} inches."
            )

    # ------------------------------------------------------------------ text layer

    def text_words(self) -> list[Word]:
        """Words of the text layer, polygons in inches on the displayed page."""
        text = self._page_text()
        if not text:
            return []
        tp = self._text_page()
        raw = tp.raw
        rect = pdfium_c.FS_RECTF()
        loose_box = pdfium_c.FPDFText_GetLooseCharBox
        chars: list[CharTuple] = []
        append = chars.append
        for i, ch in enumerate(text):
            if not (ch.isprintable() and ch != " ") and is_separator(ch):
                append((ch, 0.0, 0.0, 0.0, 0.0))
                continue
            loose_box(raw, i, rect)
            # y is negated so that the frame is y-down like the displayed page.
            append((ch, rect.left, -rect.top, rect.right, -rect.bottom))

        def angle_of(i: int) -> float:
            a = pdfium_c.FPDFText_GetCharAngle(raw, i)
            return math.degrees(a) if a >= 0 else 0.0

        fonts: dict[int, _FontInfo] = {}
        words: list[Word] = []
        for run in split_words(chars, angle_of):
            word = self._make_word(chars, run, raw, fonts)
            if word is not None:
                words.append(word)
        return words

    def has_text_layer(self) -> bool:
        """Enough real characters and little garbage (invisible OCR text counts as text)."""
        # Non-BMP characters arrive as surrogate pairs (one per char index); count them once.
        usable, garbage = real_char_count(join_surrogates(self._page_text()))
        return usable >= MIN_TEXT_CHARS and garbage <= MAX_GARBAGE_SHARE * (usable + garbage)

    def _make_word(
        self,
        chars: list[CharTuple],
        run: WordRun,
        raw_tp: pdfium_c.FPDF_TEXTPAGE,
        fonts: dict[int, _FontInfo],
    ) -> Word | None:
        """Build the Word of one run: text, display polygon and font attributes."""
        text = normalize_word("".join([ch[0] for ch in chars[run.start : run.end]]))
        if not text:
            return None
        a0, a1, b0, b1 = run.extent
        font = _font_of(raw_tp, run.start, fonts)
        if font is not None and font.refit is not None:
            b0, b1, em = refit_extent(b0, b1, font.ascent, font.descent, *font.refit)
        elif font is not None and font.ascent > font.descent:
            em = (b1 - b0) / (font.ascent - font.descent)
        else:
            em = b1 - b0
        quad = extent_quad(a0, a1, b0, b1, run.angle)
        return Word(
            text=text,
            polygon=self._to_display(quad),
            confidence=1.0,
            font_size=em / PT_PER_INCH,
            font_name=font.name if font else None,
            bold=font.bold if font else False,
            italic=font.italic if font else False,
        )

    def _to_display(self, quad: Polygon) -> Polygon:
        """Map a quad from y-flipped user space (points) to displayed inches."""
        left, bottom, right, top = self._box
        out: list[float] = []
        for j in range(0, len(quad), 2):
            x, y = quad[j], -quad[j + 1]
            if self.rotation == 0:
                dx, dy = x - left, top - y
            elif self.rotation == 90:
                dx, dy = y - bottom, x - left
            elif self.rotation == 180:
                dx, dy = right - x, y - bottom
            else:
                dx, dy = top - y, right - x
            out.extend((dx / PT_PER_INCH, dy / PT_PER_INCH))
        return tuple(out)

    def _text_page(self) -> pdfium.PdfTextPage:
        """The PDFium text page, loaded once per page object."""
        if self._textpage is None:
            try:
                self._textpage = self._page.get_textpage()
            except pdfium.PdfiumError as e:
                raise InvalidContentError(f"The text of page {self.number} cannot be read.") from e
        return self._textpage

    def _page_text(self) -> str:
        """All characters of the text page, one str character per PDFium char index."""
        if self._text is None:
            tp = self._text_page()
            n = tp.count_chars()
            if n <= 0:
                self._text = ""
                return self._text
            buf = (ctypes.c_ushort * (n + 1))()
            got = pdfium_c.FPDFText_GetText(tp.raw, 0, n, buf)
            text = bytes(buf)[: max(0, got - 1) * 2].decode("utf-16-le", errors="surrogatepass")
            if len(text) != n or any("\ud800" <= ch <= "\udfff" for ch in text):
                # Astral characters take two UTF-16 units: ask char by char instead.
                text = "".join(_safe_chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i)) for i in range(n))
            # PDFium marks a recognised line-end hyphen as U+FFFE in bulk text.
            self._text = text.replace("\ufffe", "\x02")
        return self._text

    # ------------------------------------------------------------------ images and rendering

    def vector_graphics(self) -> VectorGraphics:
        """The page's drawn paths in displayed inches (for rulings and checkboxes)."""
        return page_vector_graphics(self._page)

    def image_regions(self) -> list[BBox]:
        """Boxes (inches, displayed page) of the page's images, forms included, clipped."""
        return [box for box, _ in self._image_info()]

    def ocr_dpi(self) -> float:
        """The scan's effective dpi (clamped to 150..400) when one image covers half the page."""
        if self._ocr_dpi is None:
            self._ocr_dpi = DEFAULT_OCR_DPI
            page_area = self.width * self.height
            best = 0.0
            for (x0, y0, x1, y1), dpi in self._image_info():
                area = (x1 - x0) * (y1 - y0)
                if area >= SCAN_COVERAGE * page_area and area > best and dpi > 0:
                    best = area
                    self._ocr_dpi = min(MAX_OCR_DPI, max(MIN_OCR_DPI, dpi))
        return self._ocr_dpi

    def render(self, dpi: float | None = None) -> RasterPage:
        """RGB pixels at ``dpi`` (default :meth:`ocr_dpi`), lowered to fit the render caps."""
        dpi = dpi if dpi and dpi > 0 else self.ocr_dpi()
        lim = self._limits
        side_cap = lim.max_side_px / max(self.width, self.height)
        area_cap = math.sqrt(lim.max_render_pixels / (self.width * self.height))
        dpi = min(dpi, side_cap, area_cap)
        try:
            bitmap = self._page.render(scale=dpi / PT_PER_INCH, rev_byteorder=True)
        except pdfium.PdfiumError as e:
            raise InvalidContentError(f"Page {self.number} of the PDF cannot be rendered.") from e
        arr = bitmap.to_numpy()
        if arr.ndim == 2:
            pixels = np.repeat(arr[:, :, None], 3, axis=2)
        else:
            pixels = np.ascontiguousarray(arr[:, :, :3])  # copies: the bitmap buffer is freed
        bitmap.close()
        return RasterPage(pixels=pixels, units_per_pixel=self.width / max(1, pixels.shape[1]))

    def _image_info(self) -> list[tuple[BBox, float]]:
        """``(box in inches, effective dpi)`` of every image drawn on the page."""
        if self._images is None:
            found: list[tuple[Matrix, int, int]] = []
            budget = [MAX_PAGE_OBJECTS]
            raw = self._page.raw
            n = pdfium_c.FPDFPage_CountObjects(raw)
            objs = [pdfium_c.FPDFPage_GetObject(raw, i) for i in range(max(0, n))]
            _collect_images(objs, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0, found, budget)
            self._images = []
            for m, px_w, px_h in found:
                box = self._clip(self._matrix_box(m))
                if box is None:
                    continue
                w_in = math.hypot(m[0], m[1]) / PT_PER_INCH
                h_in = math.hypot(m[2], m[3]) / PT_PER_INCH
                dpi = max(px_w / w_in if w_in > 0 else 0.0, px_h / h_in if h_in > 0 else 0.0)
                self._images.append((box, dpi))
        return self._images

    def _matrix_box(self, m: Matrix) -> BBox:
        """Display box (inches) of the unit square drawn through matrix ``m``."""
        corners: list[float] = []
        for ux, uy in ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)):
            corners.extend((m[0] * ux + m[2] * uy + m[4], -(m[1] * ux + m[3] * uy + m[5])))
        disp = self._to_display(tuple(corners))
        xs, ys = disp[0::2], disp[1::2]
        return (min(xs), min(ys), max(xs), max(ys))

    def _clip(self, box: BBox) -> BBox | None:
        """The box cut to the page, or None when nothing visible is left."""
        x0, y0 = max(0.0, box[0]), max(0.0, box[1])
        x1, y1 = min(self.width, box[2]), min(self.height, box[3])
        return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _collect_images(
    objs: list[pdfium_c.FPDF_PAGEOBJECT],
    parent: Matrix,
    depth: int,
    found: list[tuple[Matrix, int, int]],
    budget: list[int],
) -> None:
    """Append ``(matrix in user space, px width, px height)`` of images, descending into forms."""
    for obj in objs:
        budget[0] -= 1
        if budget[0] < 0:
            return
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
            continue
        fm = pdfium_c.FS_MATRIX()
        if not pdfium_c.FPDFPageObj_GetMatrix(obj, fm):
            continue
        m = compose((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), parent)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            w, h = ctypes.c_uint(), ctypes.c_uint()
            if pdfium_c.FPDFImageObj_GetImagePixelSize(obj, w, h):
                found.append((m, w.value, h.value))
        elif depth < MAX_FORM_DEPTH:
            k = pdfium_c.FPDFFormObj_CountObjects(obj)
            kids = [pdfium_c.FPDFFormObj_GetObject(obj, j) for j in range(max(0, k))]
            _collect_images(kids, m, depth + 1, found, budget)


def _font_of(
    raw_tp: pdfium_c.FPDF_TEXTPAGE, index: int, cache: dict[int, _FontInfo]
) -> _FontInfo | None:
    """Font facts of the text object drawing char ``index`` (cached per font handle)."""
    obj = pdfium_c.FPDFText_GetTextObject(raw_tp, index)
    if not obj:
        return None
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not font:
        return None
    key = ctypes.cast(font, ctypes.c_void_p).value or 0
    info = cache.get(key)
    if info is None:
        info = _read_font(font)
        cache[key] = info
    return info


def _read_font(font: pdfium_c.FPDF_FONT) -> _FontInfo:
    """Name, bold/italic and ascent/descent (em fractions) of a PDFium font."""
    buf = ctypes.create_string_buffer(256)
    n = pdfium_c.FPDFFont_GetBaseFontName(font, buf, len(buf))
    raw_name = buf.value.decode("latin-1") if n > 0 else ""
    name = raw_name.split("+", 1)[1] if len(raw_name) > 7 and raw_name[6] == "+" else raw_name
    asc, desc = ctypes.c_float(), ctypes.c_float()
    ok = pdfium_c.FPDFFont_GetAscent(font, 1.0, asc) and pdfium_c.FPDFFont_GetDescent(
        font, 1.0, desc
    )
    ascent, descent = (asc.value, desc.value) if ok else (0.0, 0.0)
    flags = pdfium_c.FPDFFont_GetFlags(font)
    weight = pdfium_c.FPDFFont_GetWeight(font)
    lowered = name.lower()
    bold = (
        weight >= 600
        or (flags > 0 and bool(flags & (1 << 18)))
        or any(k in lowered for k in ("bold", "black", "heavy", "semibold", "demi"))
    )
    italic = (flags > 0 and bool(flags & (1 << 6))) or "italic" in lowered or "oblique" in lowered
    refit = None
    std = STANDARD_FONT_METRICS.get(name)
    if std is not None and not pdfium_c.FPDFFont_GetIsEmbedded(font):
        refit = (std[0] / 1000.0, std[1] / 1000.0)
    return _FontInfo(name or None, bold, italic, ascent, descent, refit)


def _safe_chr(code: int) -> str:
    """``chr`` that maps invalid code points to U+FFFD."""
    return chr(code) if 0 <= code <= 0x10FFFF else "\ufffd"


def _load_error(e: pdfium.PdfiumError) -> InvalidContentError:
    """The typed error for a PDF PDFium refused to open."""
    code = getattr(e, "err_code", None)
    if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
        return InvalidContentError("The PDF is password-protected.")
    if code == pdfium_c.FPDF_ERR_SUCCESS:
        return InvalidContentError("The PDF has no pages.")
    # PDFium also refuses page-less files with a format error, so the message says both.
    return InvalidContentError("The PDF is corrupted or has no pages and cannot be read.")
