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
