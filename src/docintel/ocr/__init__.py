"""OCR engines (rapidocr default, Tesseract optional) and the per-page text stage.

ONNX Runtime 1.32 writes a telemetry device id under ``~/.cache/Microsoft`` when its
environment is created unless ``ORT_DISABLE_TELEMETRY`` is set before ``onnxruntime`` is first
imported; an offline service must write nothing to HOME, so it is set here, ahead of every
engine import.
"""

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
