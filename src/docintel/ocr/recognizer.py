"""PP-OCR line recognition on our own ONNX Runtime session, for re-reading single line crops.

The cascade (``docintel.ocr.cascade``) re-reads only the lines Tesseract is unsure of, so it
needs PP-OCR's recogniser without rapidocr's detector or pipeline. This module runs rapidocr's
bundled recognition model directly: crops are resized to the model's 48 px height, batched by
similar width (little padding), and decoded greedily (CTC) with per-character positions, so
words can be cut from the line box as for rapidocr's own output.

The model can be int8-quantized once (ONNX Runtime's dynamic quantizer) into a cache
directory; see :func:`quantized_model`.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from docintel.core.errors import EngineUnavailableError

_LOG = logging.getLogger(__name__)
REC_HEIGHT = 48
# rapidocr pads every crop to at least 320 px; for single words that triples the work. 96 px
# read low-confidence words as well as 160 or 320 px did (12 vs 26 ms a word, measured).
MIN_REC_WIDTH = 96
# Quantizer settings are part of the cache key: a change produces a new file.
_QUANT_VERSION = "dyn-qint8-matmul-v1"


@dataclass(frozen=True, slots=True)
class RecognizedLine:
    """One crop's text, mean character confidence, and per-character spans along the crop.

    ``char_spans`` holds one ``(t0, t1)`` per non-space character of ``text``: fractions of
    the crop's width.
    """

    text: str
    confidence: float
    char_spans: tuple[tuple[float, float], ...]
    char_confidences: tuple[float, ...]


def plan_batches(
    aspect_ratios: Sequence[float], max_batch: int, max_padding: float = 0.25
) -> list[list[int]]:
    """Group crop indices into batches of similar width (sorted by aspect ratio).

    A batch is padded to its widest crop; a crop joins the current batch only while the
    padding that adds stays within ``max_padding`` of the batch's columns and the batch holds
    fewer than ``max_batch`` crops.
    """
    order = sorted(range(len(aspect_ratios)), key=lambda i: aspect_ratios[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current:
            widest = aspect_ratios[i]  # sorted: the newcomer is the widest
            used = sum(aspect_ratios[j] for j in current) + widest
            padded = widest * (len(current) + 1)
            if len(current) >= max_batch or (padded - used) > max_padding * padded:
                batches.append(current)
                current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def ctc_decode(
    indices: np.ndarray, probs: np.ndarray, characters: Sequence[str], valid_steps: int
) -> tuple[str, list[float], list[tuple[float, float]]]:
    """Greedy CTC decode of one sequence: text, per-character probabilities and step spans.

    Index 0 is the blank; repeats collapse. Only the first ``valid_steps`` time steps (the
    unpadded part of the crop) are read. Spans are ``(first_step, last_step + 1)`` of each
    emitted character, for every character including spaces.
    """
    text: list[str] = []
    confs: list[float] = []
    spans: list[tuple[float, float]] = []
    prev = -1
    for t in range(min(valid_steps, len(indices))):
        k = int(indices[t])
        if k != 0 and k == prev and spans:
            spans[-1] = (spans[-1][0], float(t + 1))
        elif k != 0 and k < len(characters):
            text.append(characters[k])
            confs.append(float(probs[t]))
            spans.append((float(t), float(t + 1)))
        prev = k
    return "".join(text), confs, spans


def _crop_tensor(crop: np.ndarray, width: int) -> np.ndarray:
    import cv2

    h, w = crop.shape[:2]
    resized_w = min(width, max(1, math.ceil(REC_HEIGHT * w / max(h, 1))))
    img = cv2.resize(crop, (resized_w, REC_HEIGHT), interpolation=cv2.INTER_LINEAR)
    out = np.zeros((3, REC_HEIGHT, width), dtype=np.float32)
    out[:, :, :resized_w] = img.astype(np.float32).transpose(2, 0, 1) / 127.5 - 1.0
    return out


class LineRecognizer:
    """PP-OCR text-line recogniser (rapidocr's bundled model); load once per process."""

    def __init__(self, model_path: Path, threads: int = 1, max_batch: int = 8) -> None:
        try:
            import onnxruntime as ort
        except ImportError as e:  # pragma: no cover - hard dependency
            raise EngineUnavailableError("PP-OCR recognition needs onnxruntime") from e
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self._session: Any = ort.InferenceSession(
            str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        meta = self._session.get_modelmeta().custom_metadata_map
        chars = meta.get("character")
        if not chars:
            raise EngineUnavailableError(f"{model_path} has no character list in its metadata")
        # Same layout as rapidocr's CTCLabelDecode: blank first, space last.
        self._characters = ["", *chars.splitlines(), " "]
        self._input = self._session.get_inputs()[0].name
        self.max_batch = max(1, max_batch)
        self.model_path = model_path

    def recognize(self, crops: Sequence[np.ndarray]) -> list[RecognizedLine]:
        """Read each BGR/RGB-agnostic H x W x 3 uint8 crop (upright text line)."""
        ratios = [c.shape[1] / max(c.shape[0], 1) for c in crops]
        out: list[RecognizedLine | None] = [None] * len(crops)
        for batch in plan_batches(ratios, self.max_batch):
            widest = REC_HEIGHT * max(ratios[i] for i in batch)
            width = max(MIN_REC_WIDTH, math.ceil(widest / 8) * 8)
            tensor = np.stack([_crop_tensor(crops[i], width) for i in batch])
            preds = np.asarray(self._session.run(None, {self._input: tensor})[0])
            steps = preds.shape[1]
            idx = preds.argmax(axis=2)
            prob = preds.max(axis=2)
            for row, i in enumerate(batch):
                used = min(1.0, REC_HEIGHT * ratios[i] / width)
                valid = max(1, math.ceil(steps * used))
                text, confs, spans = ctc_decode(idx[row], prob[row], self._characters, valid)
                out[i] = _recognized(text, confs, spans, valid)
        return [r if r is not None else RecognizedLine("", 0.0, (), ()) for r in out]


def _recognized(
    text: str, confs: list[float], spans: list[tuple[float, float]], steps: int
) -> RecognizedLine:
    keep = [k for k, ch in enumerate(text) if not ch.isspace()]
    # Strip leading/trailing spaces the model may emit at the crop's padded edges.
    stripped = text.strip()
    if not keep:
        return RecognizedLine(stripped, 0.0, (), ())
    mean = float(np.mean([confs[k] for k in keep]))
    return RecognizedLine(
        stripped,
        mean,
        tuple((spans[k][0] / steps, spans[k][1] / steps) for k in keep),
        tuple(confs[k] for k in keep),
    )


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def quantized_model(source: Path, cache_dir: Path) -> Path | None:
    """An int8 (dynamic, MatMul weights) copy of ``source`` in ``cache_dir``; ``None`` on failure.

    Built once: the file name carries the source's digest and the quantizer settings, and the
    file is written to a temporary name and renamed, so concurrent workers never read a
    half-written model. Quantizing is deterministic and local (no download).
    """
    try:
        target = cache_dir / f"{source.stem}.{_file_digest(source)}.{_QUANT_VERSION}.onnx"
        if target.is_file():
            return target
        from onnxruntime.quantization import QuantType, quantize_dynamic

        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix=".onnx", dir=cache_dir)
        os.close(fd)
        tmp = Path(name)
        try:
            # Only MatMul: int8 Conv (ConvInteger) made this model 4x slower than fp32.
            quantize_dynamic(
                source, tmp, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"]
            )
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return target
    except Exception as e:  # any quantizer failure (onnx missing, disk full ...) means fp32
        _LOG.warning("int8 quantization of %s failed, using fp32: %s", source.name, e)
        return None
