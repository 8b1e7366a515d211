"""The default OCR engine: rapidocr 3.10 with its bundled PP-OCRv6 models on ONNX Runtime.

Only the model files inside the installed wheel are used (explicit paths), so rapidocr's
download code is never reached. Two departures from rapidocr's defaults, both measured on a
300-DPI page (see ``OcrOptions``):

- rapidocr shrinks any image whose long side exceeds 2000 px *before* cropping lines for
  recognition, which blurs small text. We switch that off and instead size only the
  detector's input from the page's text height; recognition crops come from the full image.
- The per-line 0/180 classifier is off: ``read_page`` rights the page first.

Word boxes: rapidocr's own word boxes split words at CTC gaps as well as at spaces, and its
per-line word lists can fall out of step with the lines. We ask for its per-character boxes
(one per non-space character, positioned from the CTC columns), check that they match the
line text character for character, and cut words from the line quad ourselves
(``docintel.ocr.text``). Lines whose character boxes do not match fall back to apportioning
the quad by typical character widths.
"""

from __future__ import annotations

import logging
import math
import sys
from pathlib import Path
from typing import Any, cast

import numpy as np

from docintel.core.errors import EngineUnavailableError
from docintel.core.geometry import Polygon
from docintel.core.types import Line
from docintel.ocr.base import OcrOptions
from docintel.ocr.text import char_spans_from_boxes, line_from_text

_INSTALL_HINT = "pip install rapidocr==3.10.0 onnxruntime"
_MODELS = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


def rapidocr_model_path(stage: str, options: OcrOptions) -> Path:
    """The bundled model file for ``stage`` ("Det", "Rec", "Cls"), or its int8 cache copy.

    With ``options.quantize`` the recognition model is quantized once into
    ``options.model_cache_dir`` (default: ``share/docintel/models`` inside the install); if
    that fails the fp32 file is used.
    """
    try:
        import rapidocr
    except ImportError as e:
        raise EngineUnavailableError(
            f"The rapidocr OCR engine is not installed: {_INSTALL_HINT}"
        ) from e
    path = Path(rapidocr.__file__).parent / "models" / _MODELS[stage]
    if not path.is_file():
        raise EngineUnavailableError(
            f"rapidocr's bundled model {path.name} is missing; reinstall: {_INSTALL_HINT}"
        )
    if stage == "Rec" and options.quantize:
        from docintel.ocr.recognizer import quantized_model

        cache = (
            Path(options.model_cache_dir)
            if options.model_cache_dir
            else Path(sys.prefix) / "share" / "docintel" / "models"
        )
        return quantized_model(path, cache) or path
    return path


def estimate_text_height(gray: np.ndarray) -> float | None:
    """Median height in pixels of glyph-sized dark blobs; ``None`` when there are too few.

    Works on a copy shrunk to at most ~1200 px so it costs a few milliseconds.
    """
    import cv2

    h, w = gray.shape[:2]
    f = min(1.0, 1200.0 / max(h, w))
    small = cv2.resize(
        gray, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA
    )
    _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n < 2:
        return None
    bw, bh, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    glyph = (bh >= 3) & (bh <= small.shape[0] * 0.1) & (bw <= bh * 3) & (area >= bw * bh * 0.1)
    if int(glyph.sum()) < 10:
        return None
    return float(np.median(bh[glyph])) / float(f)


def detection_limit(
    height: int, width: int, text_height: float | None, options: OcrOptions
) -> tuple[str, int]:
    """rapidocr detector resize rule ``(limit_type, limit_side_len)`` for an image.

    Scales so the median glyph is ``options.det_text_height`` px tall, never above 2x, with
    the long side within [det_min_side, det_max_side] (the upper bound caps time and memory).
    """
    long_side = max(height, width)
    scale = 1.0 if text_height is None else options.det_text_height / max(text_height, 1.0)
    scale = min(scale, 2.0)
    target = long_side * scale
    target = min(max(target, float(options.det_min_side)), float(options.det_max_side))
    if target >= long_side:
        # Upscaling: rapidocr's "min" rule scales the short side up to the limit.
        short = min(height, width)
        return "min", max(32, math.ceil(short * target / long_side))
    return "max", max(32, round(target))


def _vertical(quad: Polygon) -> bool:
    # rapidocr turns a crop whose height is >= 1.5x its width by 90 degrees before recognising
    # it, i.e. it reads the text top-to-bottom.
    w = math.hypot(quad[2] - quad[0], quad[3] - quad[1])
    h = math.hypot(quad[6] - quad[0], quad[7] - quad[1])
    return w > 0 and h / w >= 1.5


class RapidOcrEngine:
    """rapidocr 3.10 (PP-OCRv6 small, bundled) behind the ``OcrEngine`` protocol."""

    name = "rapidocr"

    def __init__(self, options: OcrOptions | None = None) -> None:
        self.options = options or OcrOptions()
        try:
            from rapidocr import RapidOCR
        except ImportError as e:
            raise EngineUnavailableError(
                f"The rapidocr OCR engine is not installed: {_INSTALL_HINT}"
            ) from e
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        params: dict[str, Any] = {
            "Global.log_level": "warning",
            "Global.use_cls": self.options.use_angle_classifier,
            "Global.return_word_box": True,
            "Global.return_single_char_box": True,
            "Global.text_score": self.options.min_line_score,
            # Recognition crops come from the full-resolution image (see module docstring).
            "Global.max_side_len": 1_000_000,
            "Rec.rec_batch_num": max(1, self.options.rec_batch_size),
            "EngineConfig.onnxruntime.intra_op_num_threads": self.options.threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        for stage in _MODELS:
            params[f"{stage}.model_path"] = str(rapidocr_model_path(stage, self.options))
        self._ocr = cast(Any, RapidOCR(params=params))
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        # Load the ONNX sessions now (rapidocr defers it to the first call) so a worker pays
        # the cost once at start, not on its first page.
        self._ocr._load_det_model()
        self._ocr._load_rec_model()
        if self.options.use_angle_classifier:
            self._ocr._load_cls_model()

    def recognize(self, image: np.ndarray) -> list[Line]:
        """Lines of words in ``image`` (H x W x 3 uint8 RGB), in its pixel coordinates."""
        import cv2

        if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 2:
            return []
        height, width = image.shape[:2]
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        limit_type, limit_side = detection_limit(
            height, width, estimate_text_height(gray), self.options
        )
        det = self._ocr.text_det
        det.limit_type, det.limit_side_len = limit_type, limit_side
        bgr = np.ascontiguousarray(image[:, :, ::-1])
        out = self._run(bgr)
        txts = getattr(out, "txts", None)
        boxes = getattr(out, "boxes", None)
        if not txts or boxes is None:
            return []
        return self._lines(list(txts), boxes, list(out.scores), list(out.word_results or ()))

    def _run(self, bgr: np.ndarray) -> Any:
        try:
            return self._ocr(bgr)
        except IndexError:
            # rapidocr 3.10 indexes its per-line char lists by line number after dropping
            # lines whose crop was empty; such a page is read again without character boxes.
            try:
                return self._ocr(bgr, return_word_box=False)
            finally:
                self._ocr.return_word_box = True

    def _lines(
        self, txts: list[str], boxes: Any, scores: list[float], char_results: list[Any]
    ) -> list[Line]:
        lines: list[Line] = []
        j = 0  # rapidocr drops empty per-line char lists, so walk them in step by content
        for text, box, score in zip(txts, boxes, scores, strict=False):
            quad: Polygon = tuple(float(v) for v in np.asarray(box, dtype=float).reshape(-1)[:8])
            chars = [ch for ch in text if not ch.isspace()]
            if _vertical(quad) and len(chars) > 1:
                quad = quad[2:] + quad[:2]  # text runs downwards: its top-left is the quad's TR
            spans = confs = None
            if j < len(char_results):
                entry = char_results[j]
                if [str(e[0]) for e in entry] == chars:
                    j += 1
                    spans = char_spans_from_boxes(
                        quad, [tuple(float(v) for v in np.asarray(e[2]).reshape(-1)) for e in entry]
                    )
                    confs = [float(e[1]) for e in entry]
            line = line_from_text(text, quad, float(score), spans, confs)
            if line is not None:
                lines.append(line)
        return lines
