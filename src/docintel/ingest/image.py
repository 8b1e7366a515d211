"""Raster inputs through Pillow (+ pillow-heif): JPEG, PNG, BMP, TIFF (every frame a page), HEIF.

Sizes are checked from the headers before any pixel is decoded: a side outside
``min_side_px..max_side_px`` or more than ``max_pixels`` pixels raises
``InvalidContentDimensionsError``; so does Pillow's own ``DecompressionBombError`` (an image
far past its pixel cap). Truncated or undecodable data raises ``InvalidContentError``.
Page sizes are reported after EXIF orientation, in pixels.
"""

from __future__ import annotations

import io
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt
from PIL import Image

from docintel.core.errors import InvalidContentDimensionsError, InvalidContentError
from docintel.core.geometry import BBox
from docintel.core.types import Unit, Word
from docintel.ingest.formats import DocFormat
from docintel.ingest.limits import Limits
from docintel.ingest.source import RasterPage, SourceDocument, check_page_count

_EXIF_ORIENTATION = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPPING_ORIENTATIONS = frozenset({5, 6, 7, 8})
_PIL_FORMATS: dict[DocFormat, tuple[str, ...]] = {
    DocFormat.JPEG: ("JPEG",),
    DocFormat.PNG: ("PNG",),
    DocFormat.BMP: ("BMP", "DIB"),
    DocFormat.TIFF: ("TIFF",),
    DocFormat.HEIF: ("HEIF",),
}
# Pillow's decoders (and libheif) raise many exception types on hostile data.
_DECODE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    ValueError,
    EOFError,
    SyntaxError,
    TypeError,
    KeyError,
    IndexError,
    ZeroDivisionError,
    RuntimeError,
    struct.error,
)
_DECODE_OR_MEMORY_ERRORS: tuple[type[Exception], ...] = (*_DECODE_ERRORS, MemoryError)
_heif_lock = threading.Lock()
_heif_registered = False


def register_heif() -> None:
    """Register pillow-heif's opener with Pillow once per process."""
    global _heif_registered
    with _heif_lock:
        if not _heif_registered:
            import pillow_heif

            pillow_heif.register_heif_opener()
            _heif_registered = True


class ImageSourceDocument(SourceDocument):
    """An image file opened lazily with Pillow; a multi-frame TIFF has one page per frame."""

    def __init__(self, data: bytes | Path, fmt: DocFormat, limits: Limits) -> None:
        self.format = fmt
        self._limits = limits
        if fmt is DocFormat.HEIF:
            register_heif()
        self._fh: IO[bytes] = data.open("rb") if isinstance(data, Path) else io.BytesIO(data)
        try:
            self._img = _open(self._fh, fmt)
            self.page_count = self._count_frames() if fmt is DocFormat.TIFF else 1
            check_page_count(self.page_count, limits)
            # (displayed width, displayed height, EXIF orientation) per frame, from headers only
            self._frames = [self._frame_info(i) for i in range(self.page_count)]
        except Exception:
            self.close()
            raise

    def page(self, number: int) -> ImagePage:
        """The page (TIFF frame) with 1-based ``number``."""
        self._check_number(number)
        w, h, _ = self._frames[number - 1]
        return ImagePage(self, number, w, h)

    def close(self) -> None:
        """Close the Pillow image and the underlying file."""
        img = getattr(self, "_img", None)
        if img is not None:
            img.close()
        self._fh.close()

    def _count_frames(self) -> int:
        """Number of TIFF frames (walks the IFD chain; Pillow guards against loops)."""
        try:
            with _quiet_pillow():
                n = getattr(self._img, "n_frames", 1)
        except _DECODE_ERRORS as e:
            raise InvalidContentError("The TIFF image is corrupted and cannot be read.") from e
        return n if isinstance(n, int) and n >= 1 else 1

    def _frame_info(self, index: int) -> tuple[int, int, int]:
        """Stored size and EXIF orientation of a frame, size checked against the limits."""
        try:
            with _quiet_pillow():
                self._img.seek(index)
            w, h = self._img.size
        except _DECODE_ERRORS as e:
            raise InvalidContentError(
                f"The image (frame {index + 1}) is truncated or corrupted and cannot be read."
            ) from e
        lim = self._limits
        sides_ok = lim.min_side_px <= min(w, h) and max(w, h) <= lim.max_side_px
        if not sides_ok or w * h > lim.max_pixels:
            raise InvalidContentDimensionsError(
                f"The image is {w} × {h} pixels; each side must be between {lim.min_side_px} "
                f"and {lim.max_side_px} pixels."
            )
        orientation = self._orientation()
        if orientation in _SWAPPING_ORIENTATIONS and not self._pillow_swapped(w, h):
            w, h = h, w
        return w, h, orientation

    def _pillow_swapped(self, w: int, h: int) -> bool:
        """Whether Pillow already reports a TIFF frame's size rotated (Pillow ≥ 11 does)."""
        tags = getattr(self._img, "tag_v2", None)
        if tags is None:
            return False
        return (w, h) != (tags.get(256, w), tags.get(257, h))

    def _orientation(self) -> int:
        """EXIF orientation (1..8) known from the header; never decodes pixels to find it."""
        # Pillow loads a whole PNG to look for an eXIf chunk after the image data: only trust
        # one that came before it. pillow-heif applies the rotation itself and reports 1.
        if self.format is DocFormat.PNG and "exif" not in self._img.info:
            return 1
        if self.format is DocFormat.BMP:
            return 1
        try:
            with _quiet_pillow():
                value = self._img.getexif().get(_EXIF_ORIENTATION, 1)
        except _DECODE_ERRORS:
            return 1  # a broken EXIF block is ignored, as viewers do
        return value if isinstance(value, int) and 1 <= value <= 8 else 1

    def decode_frame(self, index: int) -> npt.NDArray[np.uint8]:
        """Decode one frame to RGB: orientation applied, alpha composited on white."""
        try:
            with _quiet_pillow():
                self._img.seek(index)
                self._img.load()
            orientation = self._frames[index][2]
            tags = getattr(self._img, "tag_v2", None)
            if tags is not None and _EXIF_ORIENTATION not in tags:
                orientation = 1  # Pillow applied the TIFF orientation while loading
            with _quiet_pillow():
                rgb = to_rgb(self._img)
            transpose = _TRANSPOSE.get(orientation)
            if transpose is not None:
                rgb = np.ascontiguousarray(_transpose_array(rgb, transpose))
            return rgb
        except Image.DecompressionBombError as e:
            raise InvalidContentDimensionsError("The image has too many pixels.") from e
        except _DECODE_OR_MEMORY_ERRORS as e:
            raise InvalidContentError(
                "The image is truncated or corrupted and cannot be decoded."
            ) from e


class ImagePage:
    """One image (or TIFF frame) as a page in pixel units; it has no text layer."""

    unit: Unit = "pixel"

    def __init__(self, doc: ImageSourceDocument, number: int, width: int, height: int) -> None:
        self.number = number
        self.width = float(width)
        self.height = float(height)
        self._doc = doc

    def text_words(self) -> list[Word]:
        """Images carry no text layer."""
        return []

    def has_text_layer(self) -> bool:
        """Images carry no text layer."""
        return False

    def render(self, dpi: float | None = None) -> RasterPage:
        """The native pixels (``dpi`` is ignored); one pixel is one page unit."""
        return RasterPage(pixels=self._doc.decode_frame(self.number - 1), units_per_pixel=1.0)

    def ocr_dpi(self) -> float:
        """Images are OCR'd at their native resolution."""
        return 0.0

    def image_regions(self) -> list[BBox]:
        """The whole page is an image; no sub-regions are reported."""
        return []

    def vector_graphics(self) -> None:
        """Images have no vector graphics."""
        return None


@contextmanager
def _quiet_pillow() -> Iterator[None]:
    """Silence Pillow's warnings: our own pixel cap replaces its bomb warning, and damaged
    EXIF/TIFF tags either fail properly at decode or do not matter."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        yield


def _transpose_array(arr: npt.NDArray[np.uint8], op: Image.Transpose) -> npt.NDArray[np.uint8]:
    """Apply a Pillow transpose to an H × W × C array (cheaper than converting back)."""
    if op is Image.Transpose.FLIP_LEFT_RIGHT:
        return arr[:, ::-1]
    if op is Image.Transpose.FLIP_TOP_BOTTOM:
        return arr[::-1]
    if op is Image.Transpose.ROTATE_180:
        return arr[::-1, ::-1]
    if op is Image.Transpose.ROTATE_90:  # counter-clockwise
        return np.rot90(arr, 1)
    if op is Image.Transpose.ROTATE_270:
        return np.rot90(arr, -1)
    if op is Image.Transpose.TRANSPOSE:
        return arr.transpose(1, 0, 2)
    return np.rot90(arr, 2).transpose(1, 0, 2)  # TRANSVERSE


def _open(fh: IO[bytes], fmt: DocFormat) -> Image.Image:
    """Open (header only) with Pillow restricted to the sniffed format's decoders."""
    try:
        with _quiet_pillow():
            return Image.open(fh, formats=list(_PIL_FORMATS[fmt]))
    except Image.DecompressionBombError as e:
        raise InvalidContentDimensionsError("The image has too many pixels.") from e
    except _DECODE_ERRORS as e:
        raise InvalidContentError(
            f"The {fmt.value.upper()} image is corrupted and cannot be read."
        ) from e


def to_rgb(img: Image.Image) -> npt.NDArray[np.uint8]:
    """H × W × 3 uint8 RGB of any Pillow mode (16-bit scaled down, alpha over white)."""
    mode = img.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        arr = np.asarray(img)
        if mode == "F":
            hi = float(arr.max()) if arr.size else 1.0
            scaled = arr / (hi if hi > 1.0 else 1.0) * 255.0
        else:
            scaled = arr.astype(np.float64) / 257.0 if int(arr.max(initial=0)) > 255 else arr
        gray = np.clip(scaled, 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    if img.mode != "RGB":
        img = img.convert("RGB")
    return np.asarray(img, dtype=np.uint8).copy()
