"""The cascade engine: Tesseract reads first, PP-OCR re-reads what Tesseract is unsure of.

Per page (decisions in ``docintel.ocr.routing``):

1. ``page_stats`` → ``route_page``: photos, small print, flat or blurred images go straight to
   PP-OCR (rapidocr detection + recognition, ``RapidOcrEngine``).
2. Otherwise Tesseract reads the page. If too many of its words are unsure, PP-OCR reads the
   whole page instead (``page_too_unsure``).
3. Otherwise runs of unsure words (``route_line``) are cropped and re-read by PP-OCR's
   recogniser alone (``LineRecognizer``, batched by width); ``prefer_reread`` picks, per run,
   Tesseract's words, PP-OCR's, or neither (noise).
4. Text-like ink no Tesseract word covers (``missed_text_regions``: Tesseract's page
   segmentation skips some blocks, e.g. labels inside a drawn box) is read by PP-OCR too.

``route_counts`` tallies the paths taken, for benchmarks and logs.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from docintel.core.geometry import Polygon, bbox, scale, union_polygon
from docintel.core.types import Line, Word
from docintel.ocr.base import OcrOptions
from docintel.ocr.rapid import RapidOcrEngine, rapidocr_model_path
from docintel.ocr.recognizer import LineRecognizer, RecognizedLine
from docintel.ocr.routing import (
    DEFAULT_THRESHOLDS,
    PageStats,
    RoutingThresholds,
    missed_text_regions,
    page_stats,
    page_too_unsure,
    prefer_reread,
    route_line,
    route_page,
    typical_word_height,
)
from docintel.ocr.tesseract import TesseractEngine
from docintel.ocr.text import line_from_text

# Crop margins in line heights: PP-OCR was trained on detector boxes that include some
# background around the glyphs; Tesseract's boxes are tight.
_PAD_X = 0.3
_PAD_Y = 0.2
# Word crops batched by width: ~7 % faster than one at a time on 1 thread (measured).
_REREAD_BATCH = 8
# Camera images can be huge (a 35-MP receipt photo peaked at 1.1 GB RSS in PP-OCR); text
# this tall reads as well once shrunk to ``_TARGET_TEXT_HEIGHT``.
_MAX_SIDE = 4000
_TARGET_TEXT_HEIGHT = 32.0


def shrink_factor(height: int, width: int, text_height: float | None) -> float:
    """Scale (<= 1) to apply before reading: only huge images with tall text are shrunk."""
    long_side = max(height, width)
    if long_side <= _MAX_SIDE or text_height is None or text_height <= _TARGET_TEXT_HEIGHT:
        return 1.0
    return max(_TARGET_TEXT_HEIGHT / text_height, _MAX_SIDE / long_side)


def scale_lines(lines: list[Line], k: float) -> list[Line]:
    """Lines with every polygon multiplied by ``k``."""
    return [
        Line(
            words=[Word(w.text, scale(w.polygon, k), w.confidence) for w in ln.words],
            polygon=scale(ln.polygon, k),
        )
        for ln in lines
    ]


def crop_box(words: list[Word], line: Line, width: int, height: int) -> tuple[int, int, int, int]:
    """Pixel box ``(x0, y0, x1, y1)`` PP-OCR reads for a run of words of ``line``."""
    lb = bbox(line.polygon)
    wb = bbox(union_polygon(w.polygon for w in words))
    y0, y1 = min(lb[1], wb[1]), max(lb[3], wb[3])
    h = max(y1 - y0, 1.0)
    return (
        max(0, int(wb[0] - _PAD_X * h)),
        max(0, int(y0 - _PAD_Y * h)),
        min(width, int(np.ceil(wb[2] + _PAD_X * h)) + 1),
        min(height, int(np.ceil(y1 + _PAD_Y * h)) + 1),
    )


def _shift(poly: Polygon, dx: float, dy: float) -> Polygon:
    return tuple(v + (dx if i % 2 == 0 else dy) for i, v in enumerate(poly))


def reread_words(reading: RecognizedLine, box: tuple[int, int, int, int]) -> list[Word]:
    """Words of a PP-OCR reading of the crop ``box``, cut along it by character positions."""
    x0, y0, x1, y1 = (float(v) for v in box)
    quad: Polygon = (x0, y0, x1, y0, x1, y1, x0, y1)
    line = line_from_text(
        reading.text, quad, reading.confidence, reading.char_spans, reading.char_confidences
    )
    return list(line.words) if line is not None else []


class CascadeEngine:
    """Tesseract first, PP-OCR on unsure words and on pages Tesseract reads badly."""

    name = "cascade"

    def __init__(
        self, options: OcrOptions | None = None, thresholds: RoutingThresholds | None = None
    ) -> None:
        self.options = options or OcrOptions(engine="cascade")
        self.thresholds = thresholds or DEFAULT_THRESHOLDS
        self._tesseract = TesseractEngine(self.options)
        self._ppocr = RapidOcrEngine(self.options)
        self._recognizer = LineRecognizer(
            rapidocr_model_path("Rec", self.options),
            threads=self.options.threads,
            max_batch=_REREAD_BATCH,
        )
        self.route_counts: Counter[str] = Counter()

    @property
    def recognizer_model(self) -> Path:
        """The recognition model file in use (fp32 or the int8 cache copy)."""
        return self._recognizer.model_path

    def recognize(self, image: np.ndarray) -> list[Line]:
        """Lines of words in ``image`` (H x W x 3 uint8 RGB), in its pixel coordinates."""
        if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 2:
            return []
        stats = page_stats(image)
        k = shrink_factor(image.shape[0], image.shape[1], stats.text_height)
        if k < 1.0:
            import cv2

            size = (max(2, round(image.shape[1] * k)), max(2, round(image.shape[0] * k)))
            small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
            self.route_counts["page:shrunk"] += 1
            return scale_lines(self._read(small, stats), image.shape[1] / size[0])
        return self._read(image, stats)

    def _read(self, image: np.ndarray, stats: PageStats) -> list[Line]:
        route, reason = route_page(stats, self.thresholds)
        if route == "ppocr":
            self.route_counts[f"page:ppocr:{reason}"] += 1
            return self._ppocr.recognize(image)
        lines = self._tesseract.recognize(image)
        typical = typical_word_height(lines)
        runs = [route_line(ln, typical, self.thresholds) for ln in lines]
        n_words = sum(len(ln.words) for ln in lines)
        n_unsure = sum(b - a for line_runs in runs for a, b in line_runs)
        if page_too_unsure(n_unsure, n_words, self.thresholds):
            self.route_counts["page:ppocr:unsure"] += 1
            return self._ppocr.recognize(image)
        self.route_counts["page:tesseract"] += 1
        self.route_counts["words:tesseract"] += n_words - n_unsure
        self.route_counts["words:reread"] += n_unsure
        merged = self._merge(image, lines, runs)
        return merged + self._read_missed(image, lines, typical)

    def _read_missed(self, image: np.ndarray, lines: list[Line], typical: float) -> list[Line]:
        """Lines PP-OCR reads in text-like ink that no Tesseract word covers."""
        import cv2

        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        regions = missed_text_regions(gray, lines, typical)
        if not regions:
            return []
        self.route_counts["regions:missed"] += len(regions)
        out: list[Line] = []
        single = [r for r in regions if r[3] - r[1] <= 2.5 * typical]
        crops = [np.ascontiguousarray(image[y0:y1, x0:x1]) for x0, y0, x1, y1 in single]
        for box, reading in zip(single, self._recognizer.recognize(crops), strict=True):
            if reading.confidence < self.thresholds.min_reread_confidence:
                continue
            words = [w for w in reread_words(reading, box) if any(c.isalnum() for c in w.text)]
            if words:
                out.append(Line(words=words, polygon=union_polygon(w.polygon for w in words)))
        for x0, y0, x1, y1 in (r for r in regions if r[3] - r[1] > 2.5 * typical):
            crop = np.ascontiguousarray(image[y0:y1, x0:x1])
            out += [
                Line(
                    words=[Word(w.text, _shift(w.polygon, x0, y0), w.confidence) for w in ln.words],
                    polygon=_shift(ln.polygon, x0, y0),
                )
                for ln in self._ppocr.recognize(crop)
            ]
        self.route_counts["lines:missed"] += len(out)
        return out

    def _merge(
        self, image: np.ndarray, lines: list[Line], runs: list[list[tuple[int, int]]]
    ) -> list[Line]:
        height, width = image.shape[:2]
        jobs: list[tuple[int, int, int, tuple[int, int, int, int]]] = []
        for li, (ln, line_runs) in enumerate(zip(lines, runs, strict=True)):
            for a, b in line_runs:
                box = crop_box(list(ln.words[a:b]), ln, width, height)
                if box[2] - box[0] >= 2 and box[3] - box[1] >= 2:
                    jobs.append((li, a, b, box))
        crops = [np.ascontiguousarray(image[y0:y1, x0:x1]) for _, _, _, (x0, y0, x1, y1) in jobs]
        readings = self._recognizer.recognize(crops) if crops else []
        # Per line, the replacement for each run start: (end, new words).
        replace: dict[int, dict[int, tuple[int, list[Word]]]] = {}
        for (li, a, b, box), reading in zip(jobs, readings, strict=True):
            choice = prefer_reread(
                lines[li].words[a:b], reading.text, reading.confidence, self.thresholds
            )
            self.route_counts[f"runs:{choice}"] += 1
            if choice == "replace":
                replace.setdefault(li, {})[a] = (b, reread_words(reading, box))
            elif choice == "drop":
                replace.setdefault(li, {})[a] = (b, [])
        out: list[Line] = []
        for li, ln in enumerate(lines):
            edits = replace.get(li)
            if not edits:
                out.append(ln)
                continue
            words: list[Word] = []
            i = 0
            while i < len(ln.words):
                if i in edits:
                    end, new = edits[i]
                    words.extend(new)
                    i = end
                else:
                    words.append(ln.words[i])
                    i += 1
            if words:
                out.append(Line(words=words, polygon=union_polygon(w.polygon for w in words)))
        return out
