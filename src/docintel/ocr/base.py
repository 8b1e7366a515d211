"""The OCR engine protocol, its options, and the registry that builds engines by name.

Engines are heavy (ONNX sessions, Tesseract data): a worker process builds one with
:func:`create_engine` at start and reuses it for every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from docintel.core.errors import ConfigurationError
from docintel.core.types import Line


@dataclass(frozen=True, slots=True)
class OcrOptions:
    """Engine choice and tuning knobs (defaults are the measured best on a 2-core CPU box).

    - ``engine``: "cascade" (Tesseract first, PP-OCR on unsure words and on photo/receipt/
      small-print pages; ~4x rapidocr's speed on 300-DPI office scans), "rapidocr" (PP-OCR
      on every page: most accurate, slowest) or "tesseract".

    - ``threads``: ONNX Runtime intra-op threads per engine; workers are processes, so 1.
    - ``detect_orientation``: ``read_page`` rights 90/180/270-degree pages before OCR.
    - ``use_angle_classifier``: rapidocr's per-line 0/180 classifier. Off by default: pages are
      righted first, and on upright pages it flipped correct lines (word F1 0.93 → 0.99 without).
    - ``det_text_height``: detection runs at the scale that makes the median glyph this many
      pixels tall; ``det_max_side``/``det_min_side`` bound the detector's input size. 2000
      rather than 2400 read SROIE/ID-card/FUNSD pages as well and cut peak RSS ~1.19 to ~1.0 GB.
    - ``rec_batch_size``: recognition batch; 1 was fastest (no padding of long lines).
    - ``min_line_score``: lines recognised with a lower mean confidence are dropped.
    - ``quantize``: use an int8 (dynamic, MatMul-only) copy of the PP-OCR recognition model,
      built once into ``model_cache_dir`` (default ``share/docintel/models`` in the install).
      Off: ~10 % faster recognition for a measurable accuracy loss (docs/BENCHMARKS.md).
    """

    engine: str = "cascade"
    threads: int = 1
    detect_orientation: bool = True
    use_angle_classifier: bool = False
    det_text_height: float = 12.0
    det_max_side: int = 2000
    det_min_side: int = 736
    rec_batch_size: int = 1
    min_line_score: float = 0.5
    language: str = "eng"
    quantize: bool = False
    model_cache_dir: str | None = None


class OcrEngine(Protocol):
    """Recognises text in an image.

    ``recognize`` takes an H x W x 3 uint8 RGB image and returns visual lines of words in pixel
    coordinates of that image. Each word has a clockwise 4-point polygon starting at its
    top-left corner as rotated with the text, and a confidence in [0, 1]; each line's polygon
    encloses its words.
    """

    name: str
    options: OcrOptions

    def recognize(self, image: np.ndarray) -> list[Line]:
        """Lines of words found in ``image`` (pixel coordinates)."""
        ...


def _rapidocr(options: OcrOptions) -> OcrEngine:
    from docintel.ocr.rapid import RapidOcrEngine

    return RapidOcrEngine(options)


def _cascade(options: OcrOptions) -> OcrEngine:
    from docintel.ocr.cascade import CascadeEngine

    return CascadeEngine(options)


def _tesseract(options: OcrOptions) -> OcrEngine:
    from docintel.ocr.tesseract import TesseractEngine

    return TesseractEngine(options)


# Fixed names → factories; imports are lazy so an optional engine costs nothing unless chosen.
ENGINES: dict[str, Callable[[OcrOptions], OcrEngine]] = {
    "cascade": _cascade,
    "rapidocr": _rapidocr,
    "tesseract": _tesseract,
}


def create_engine(options: OcrOptions) -> OcrEngine:
    """Build the engine named by ``options.engine``.

    Raises ``ConfigurationError`` for an unknown name and ``EngineUnavailableError`` (with the
    ``pip install`` hint) when the engine's package is not installed.
    """
    factory = ENGINES.get(options.engine.strip().lower())
    if factory is None:
        known = ", ".join(sorted(ENGINES))
        raise ConfigurationError(f"Unknown OCR engine {options.engine!r}; choose one of: {known}.")
    if options.threads < 1:
        raise ConfigurationError(f"OCR threads must be at least 1, got {options.threads}.")
    return factory(options)
