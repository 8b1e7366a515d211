"""Generators of small test documents with known text (no files from the network).

Each generator returns bytes. The text drawn is returned alongside where a test needs ground
truth. Fonts: DejaVu Sans from the system (Debian's fonts-dejavu-core), else Pillow's default.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

PARAGRAPHS = [
    "Quarterly Report",
    "The committee reviewed the budget for the coming year.",
    "Revenue increased by twelve percent compared to last year.",
    "Invoice number 4711 was paid on March 3rd.",
    "Please contact the office for further details.",
]


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans at ``size`` px, or Pillow's built-in font when DejaVu is missing."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for d in FONT_DIRS:
        if (d / name).exists():
            return ImageFont.truetype(str(d / name), size)
    return ImageFont.load_default(size)


def text_image(
    lines: list[str] | None = None,
    *,
    size: tuple[int, int] = (1275, 1650),
    font_px: int = 36,
    mode: str = "RGB",
) -> Image.Image:
    """A page image (default: US letter at 150 dpi) with one text line per entry."""
    lines = lines or PARAGRAPHS
    img = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(img)
    f = font(font_px)
    y = 120
    for line in lines:
        draw.text((110, y), line, fill="black", font=f)
        y += int(font_px * 2.2)
    return img


def image_bytes(fmt: str, lines: list[str] | None = None, **kw: object) -> bytes:
    """The text page encoded as ``fmt`` (JPEG, PNG, BMP, TIFF, HEIF)."""
    img = text_image(lines, **kw)  # type: ignore[arg-type]
    buf = io.BytesIO()
    if fmt.upper() == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
        img.save(buf, format="HEIF", quality=90)
    elif fmt.upper() == "JPEG":
        img.save(buf, format="JPEG", quality=90)
    else:
        img.save(buf, format=fmt.upper())
    return buf.getvalue()


def multipage_tiff(pages: list[list[str]]) -> bytes:
    """A multi-frame TIFF, one text page per frame."""
    frames = [text_image(p) for p in pages]
    buf = io.BytesIO()
    frames[0].save(
        buf, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw"
    )
    return buf.getvalue()


def born_digital_pdf(pages: list[list[str]]) -> bytes:
    """A text-layer PDF (US letter), lines drawn in Helvetica 14 pt from 1 inch down."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for lines in pages:
        y = letter[1] - 72
        for line in lines:
            c.setFont("Helvetica", 14)
            c.drawString(72, y, line)
            y -= 28
        c.showPage()
    c.save()
    return buf.getvalue()


def scanned_pdf(pages: list[list[str]], dpi: int = 200) -> bytes:
    """An image-only PDF: each page is a JPEG of rendered text (no text layer)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    w_px, h_px = int(8.5 * dpi), int(11 * dpi)
    for lines in pages:
        img = text_image(lines, size=(w_px, h_px), font_px=int(dpi * 0.2))
        jpg = io.BytesIO()
        img.convert("L").save(jpg, format="JPEG", quality=85)
        jpg.seek(0)
        c.drawImage(ImageReader(jpg), 0, 0, width=letter[0], height=letter[1])
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    """A password-protected PDF (user password set)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, encrypt="secret")
    c.drawString(72, 700, "Confidential")
    c.showPage()
    c.save()
    return buf.getvalue()


def sample_pages(n: int) -> list[list[str]]:
    """``n`` pages of distinct known text."""
    return [[f"Page {i + 1} heading", *PARAGRAPHS[1:]] for i in range(n)]


def unicode_pdf(text: str, font_file: str = "DejaVuMathTeXGyre.ttf") -> bytes:
    """A text-layer PDF whose text may hold non-BMP characters (e.g. 𝐀 U+1D400).

    ReportLab writes ToUnicode entries of non-BMP characters as bare code points (``<1D400>``)
    instead of UTF-16 surrogate pairs, which readers truncate; the CMap is fixed here and the
    file re-saved through PDFium so that its cross-reference table is right again.
    """
    import re

    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    path = next((d / font_file for d in FONT_DIRS if (d / font_file).exists()), None)
    if path is None:
        raise FileNotFoundError(font_file)
    pdfmetrics.registerFont(TTFont("UnicodeTest", str(path)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pageCompression=0)
    c.setFont("UnicodeTest", 18)
    c.drawString(72, 700, text)
    c.save()

    def utf16(m: re.Match[bytes]) -> bytes:
        cp = int(m.group(1), 16)
        return b"<" + chr(cp).encode("utf-16-be").hex().upper().encode() + b">"

    fixed = re.sub(rb"(?<=> )<([0-9A-F]{5,6})>", utf16, buf.getvalue())
    out = io.BytesIO()
    pdfium.PdfDocument(fixed).save(out)
    return out.getvalue()


# (text, x inches, y inches from the top[, font size pt[, bold]])
Placed = (
    tuple[str, float, float]
    | tuple[str, float, float, float]
    | tuple[str, float, float, float, bool]
)


def placed_pdf(
    pages: list[list[Placed]],
    size: tuple[float, float] = (8.5, 11.0),
    rules: list[tuple[int, float, float, float, float]] | None = None,
) -> bytes:
    """A text-layer PDF with every string placed at (x, y) inches from the top-left.

    ``rules`` are lines ``(page index, x0, y0, x1, y1)`` in inches (table rulings, boxes).
    """
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    w, h = size[0] * 72, size[1] * 72
    c = canvas.Canvas(buf, pagesize=(w, h))
    for index, items in enumerate(pages):
        for item in items:
            text, x, y = item[0], item[1], item[2]
            pt = float(item[3]) if len(item) > 3 else 10.0  # type: ignore[misc]
            bold = bool(item[4]) if len(item) > 4 else False  # type: ignore[misc]
            c.setFont("Helvetica-Bold" if bold else "Helvetica", pt)
            c.drawString(x * 72, h - y * 72 - pt, text)
        for r in rules or []:
            if r[0] == index:
                c.line(r[1] * 72, h - r[2] * 72, r[3] * 72, h - r[4] * 72)
        c.showPage()
    c.save()
    return buf.getvalue()


def render_pdf_page(pdf: bytes, dpi: float = 200, fmt: str = "PNG", angle: float = 0.0) -> bytes:
    """The first page of a PDF rendered to an image (a "scan"), optionally rotated a little."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        img = doc[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        doc.close()
    if angle:
        img = img.rotate(angle, expand=True, fillcolor=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


INVOICE_US: list[Placed] = [
    ("Northwind Lighting Inc.", 0.8, 0.7, 18, True),
    ("4410 Harbor Blvd", 0.8, 1.05),
    ("Portland, OR 97204", 0.8, 1.25),
    ("INVOICE", 5.6, 0.7, 20, True),
    ("Invoice No: NWL-20931", 5.6, 1.1),
    ("Invoice Date: March 14, 2024", 5.6, 1.3),
    ("Due Date: April 13, 2024", 5.6, 1.5),
    ("Bill To:", 0.8, 2.0, 10, True),
    ("Cascade Dental Group", 0.8, 2.2),
    ("88 Pine Street", 0.8, 2.4),
    ("Seattle, WA 98101", 0.8, 2.6),
    ("Description", 0.8, 3.3, 10, True),
    ("Qty", 4.6, 3.3, 10, True),
    ("Unit Price", 5.4, 3.3, 10, True),
    ("Amount", 6.8, 3.3, 10, True),
    ("LED panel 60x60", 0.8, 3.7),
    ("4", 4.6, 3.7),
    ("$120.00", 5.4, 3.7),
    ("$480.00", 6.8, 3.7),
    ("Installation labour", 0.8, 4.0),
    ("3", 4.6, 4.0),
    ("$85.00", 5.4, 4.0),
    ("$255.00", 6.8, 4.0),
    ("Dimmer switch", 0.8, 4.3),
    ("2", 4.6, 4.3),
    ("$32.50", 5.4, 4.3),
    ("$65.00", 6.8, 4.3),
    ("Subtotal", 5.4, 5.0),
    ("$800.00", 6.8, 5.0),
    ("Sales Tax", 5.4, 5.25),
    ("$64.00", 6.8, 5.25),
    ("Total", 5.4, 5.5, 10, True),
    ("$864.00", 6.8, 5.5, 10, True),
]

RECEIPT_LINES: list[Placed] = [
    ("BLUE HERON CAFE", 0.35, 0.3, 12, True),
    ("21 Quay Street", 0.5, 0.55),
    ("Galway H91 X2Y4", 0.5, 0.75),
    ("Tel: +353 91 562 340", 0.5, 0.95),
    ("Date: 02/09/2024  Time: 13:42", 0.2, 1.3),
    ("2 Flat White", 0.2, 1.7),
    ("7.00", 2.3, 1.7),
    ("1 Scone", 0.2, 1.95),
    ("3.20", 2.3, 1.95),
    ("1 Soup of the day", 0.2, 2.2),
    ("6.50", 2.3, 2.2),
    ("Subtotal", 0.2, 2.6),
    ("16.70", 2.3, 2.6),
    ("TOTAL EUR", 0.2, 2.9, 11, True),
    ("16.70", 2.3, 2.9, 11, True),
    ("Thank you!", 0.8, 3.4),
]

FORM_LINES: list[Placed] = [
    ("Equipment Loan Request", 0.8, 0.7, 16, True),
    ("Name: Priya Raman", 0.8, 1.4),
    ("Department: Radiology", 0.8, 1.7),
    ("Employee ID: 55-2318", 4.5, 1.7),
    ("Start date: 05/06/2024", 0.8, 2.0),
    ("Return date:", 4.5, 2.0),
    ("Phone: +1 206 555 0147", 0.8, 2.3),
]
