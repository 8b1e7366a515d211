"""docintel: offline document intelligence with the Azure Document Intelligence REST API."""

import os

# ONNX Runtime writes a telemetry device id under ~/.cache/Microsoft when its environment is
# created unless this is set before onnxruntime is first imported; an offline service must write
# nothing to HOME. Set at the package root so it precedes every engine import (API, workers, CLI).
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

__version__ = "0.1.0"
