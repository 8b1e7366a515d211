"""Real OCR engines on real and synthesised images."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
import pytest
from benchmarks.metrics import edit_distance

from docintel.core.geometry import bbox, iou
from docintel.core.types import Line, Word
from docintel.ocr.base import OcrEngine, OcrOptions, create_engine
from docintel.ocr.page import read_page

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
RECEIPTS = EVAL / "receipts"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

pytestmark = pytest.mark.engine

# Measured 0.0265 CER with 192/257 GT lines matched (PP-OCRv6 small, det_text_height 12).
RECEIPT_CER_FLOOR = 0.035
RECEIPT_IDS = (
    "sroie_test_001",
    "sroie_test_005",
    "sroie_test_008",
    "sroie_test_011",
    "sroie_test_014",
)


@cache
def rapid() -> OcrEngine:
    return create_engine(OcrOptions(engine="rapidocr"))


@dataclass(slots=True)
class ImageRaster:
    pixels: np.ndarray
    units_per_pixel: float = 1.0


@dataclass(slots=True)
class ImagePage:
    """An image page as ``docintel.ingest`` presents one (pixel units, no text layer)."""

    image: np.ndarray
    number: int = 1
    unit: Literal["inch", "pixel"] = "pixel"

    @property
    def width(self) -> float:
        return float(self.image.shape[1])

    @property
    def height(self) -> float:
        return float(self.image.shape[0])

    def text_words(self) -> list[Word]:
        return []

    def has_text_layer(self) -> bool:
        return False

    def render(self, dpi: float | None = None) -> ImageRaster:
        return ImageRaster(self.image)

    def ocr_dpi(self) -> float:
        return 72.0


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


def matched_cer(lines: list[Line], gt: list[dict[str, object]]) -> tuple[int, int, int]:
    """Edit distance and GT length over GT lines matched (IoU >= 0.5); and the match count."""
    errors = total = matched = 0
    for g in gt:
        gbox = bbox(g["polygon"])  # type: ignore[arg-type]
        scored = [(iou(gbox, bbox(ln.polygon)), ln) for ln in lines]
        best = max(scored, key=lambda s: s[0], default=(0.0, None))
        if best[1] is None or best[0] < 0.5:
            continue
        matched += 1
        truth = normalise(str(g["text"]))
        errors += edit_distance(normalise(best[1].text), truth)
        total += len(truth)
    return errors, total, matched


def load_rgb(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.array(im.convert("RGB"))


@pytest.mark.slow
def test_rapidocr_reads_sroie_receipts_within_cer_floor() -> None:
    if not RECEIPTS.is_dir():
        pytest.skip("shared eval set not present")
    errors = total = matched = gt_lines = 0
    for rid in RECEIPT_IDS:
        gt = json.loads((RECEIPTS / "gt" / f"{rid}.json").read_text())
        lines = rapid().recognize(load_rgb(RECEIPTS / "images" / f"{rid}.jpg"))
        for ln in lines:
            assert ln.words and all(
                w.text and not any(c.isspace() for c in w.text) for w in ln.words
            )
            assert all(0.0 <= w.confidence <= 1.0 for w in ln.words)
        e, t, m = matched_cer(lines, gt["lines"])
        errors, total, matched, gt_lines = (
            errors + e,
            total + t,
            matched + m,
            gt_lines + len(gt["lines"]),
        )
    assert matched >= 0.7 * gt_lines, f"only {matched}/{gt_lines} GT lines matched"
    cer = errors / total
    assert cer <= RECEIPT_CER_FLOOR, f"line CER {cer:.4f}"


SENTENCES = (
    ("Invoice", "number", "48213"),
    ("Total", "amount", "due"),
    ("Payment", "received", "today"),
)


def synthetic_page() -> tuple[np.ndarray, list[tuple[str, tuple[float, float, float, float]]]]:
    """Black text on white with the exact box of every word (upright)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 40)
    img = Image.new("RGB", (900, 420), "white")
    draw = ImageDraw.Draw(img)
    words: list[tuple[str, tuple[float, float, float, float]]] = []
    y = 60
    for sentence in SENTENCES:
        x = 70
        for word in sentence:
            draw.text((x, y), word, fill="black", font=font)
            x0, y0, x1, y1 = draw.textbbox((x, y), word, font=font)
            words.append((word, (float(x0), float(y0), float(x1), float(y1))))
            x = x1 + int(font.getlength(" "))
        y += 110
    return np.array(img), words


def rotate_clockwise(image: np.ndarray, angle: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(image, k=-(angle // 90)))


def point_after_rotation(x: float, y: float, angle: int, w: float, h: float) -> tuple[float, float]:
    """Where (x, y) of a w x h image lands when the image is turned ``angle`` clockwise."""
    if angle == 90:
        return (h - y, x)
    if angle == 180:
        return (w - x, h - y)
    if angle == 270:
        return (y, w - x)
    return (x, y)


def find_word(lines: list[Line], text: str) -> Word:
    hits = [w for ln in lines for w in ln.words if w.text == text]
    assert hits, f"{text!r} not found in {[ln.text for ln in lines]}"
    return hits[0]


@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_read_page_rights_rotated_page_and_maps_polygons_back(angle: int) -> None:
    if not FONT.is_file():
        pytest.skip("DejaVuSans not installed")
    upright_img, truth = synthetic_page()
    h, w = upright_img.shape[:2]
    page = ImagePage(rotate_clockwise(upright_img, angle))
    text, raster = read_page(page, rapid())
    assert raster is not None
    assert text.source == "ocr"
    assert abs(((text.angle - angle) + 180) % 360 - 180) < 3, text.angle
    for word, (x0, y0, x1, y1) in truth:
        got = find_word(text.lines, word)
        want_tl = point_after_rotation(x0, y0, angle, w, h)
        want_tr = point_after_rotation(x1, y0, angle, w, h)
        tol = 0.6 * (y1 - y0)
        assert math.dist(got.polygon[0:2], want_tl) < tol, (word, got.polygon, want_tl)
        assert math.dist(got.polygon[2:4], want_tr) < tol, (word, got.polygon, want_tr)
        assert all(0 <= v <= max(page.width, page.height) for v in got.polygon)
    for ln in text.lines:
        lb = bbox(ln.polygon)
        for wd in ln.words:
            b = bbox(wd.polygon)
            assert (
                lb[0] - 1 <= b[0] and b[2] <= lb[2] + 1 and lb[1] - 1 <= b[1] and b[3] <= lb[3] + 1
            )


def test_tesseract_reads_synthetic_page() -> None:
    if not FONT.is_file():
        pytest.skip("DejaVuSans not installed")
    image, truth = synthetic_page()
    engine = create_engine(OcrOptions(engine="tesseract"))
    assert engine.name == "tesseract"
    lines = engine.recognize(image)
    assert [ln.text for ln in lines] == [" ".join(s) for s in SENTENCES]
    for word, box in truth:
        got = find_word(lines, word)
        assert iou(bbox(got.polygon), box) > 0.5
        assert 0.5 < got.confidence <= 1.0


def test_rapidocr_writes_nothing_to_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    script = (
        "import numpy as np\n"
        "from docintel.ocr.base import OcrOptions, create_engine\n"
        "e = create_engine(OcrOptions())\n"
        "img = np.full((200, 400, 3), 255, np.uint8); img[90:110, 50:350] = 0\n"
        "e.recognize(img)\n"
        "from docintel.ocr.orientation import orientation_classifier\n"
        "orientation_classifier().classify(img)\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "HOME"))}
    env |= {
        "HOME": str(home),
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout
    assert list(home.iterdir()) == []
