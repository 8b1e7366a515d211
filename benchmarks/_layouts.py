"""Analysed page layouts of evaluation documents, cached on disk for fast extractor work.

OCR and layout of an eval document take seconds; field extractors run in milliseconds. The
accuracy benchmarks and extractor development read layouts through this cache (keyed by the
file's bytes, the recipe and the OCR engine; under ``$DOCINTEL_LAYOUT_CACHE`` or
``/tmp/docintel-layout-cache``) and run only the assembly + extraction per call. Delete the
cache after changing OCR or layout code.

    python -m benchmarks._layouts warm FILE...    # fill the cache in parallel
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from docintel.core.types import PageLayout
from docintel.models.pipeline import AnalyzeOptions, EngineConfig, init_worker
from docintel.models.registry import PREBUILT, Recipe

CACHE = Path(os.environ.get("DOCINTEL_LAYOUT_CACHE", "/tmp/docintel-layout-cache"))


def _key(path: Path, recipe: Recipe, engine: str) -> Path:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    return CACHE / f"{digest}-{recipe.value}-{engine}.pkl"


def options_for(model_id: str, api_version: str = "2023-07-31", **kw: Any) -> AnalyzeOptions:
    """Analyze options for a registered model."""
    return AnalyzeOptions(
        model_id=model_id, recipe=PREBUILT[model_id].recipe, api_version=api_version, **kw
    )


def layouts(path: Path, recipe: Recipe, engine: str = "cascade") -> list[PageLayout]:
    """The analysed pages of ``path`` (all pages), from the cache or computed and cached."""
    from docintel.ingest.source import open_document
    from docintel.models import pipeline

    key = _key(path, recipe, engine)
    if key.exists():
        with key.open("rb") as f:
            cached: list[PageLayout] = pickle.load(f)
            return cached
    pipeline.init_worker(EngineConfig(ocr_engine=engine), warm=False)
    model = "prebuilt-layout" if recipe is Recipe.LAYOUT else "prebuilt-read"
    options = options_for(model)
    with open_document(path, EngineConfig().limits) as doc:
        pages = pipeline._analyze_open(doc, list(range(1, doc.page_count + 1)), options)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = key.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(pages, f)
    tmp.replace(key)
    return pages


def analyze(
    path: Path, model_id: str, api_version: str = "2023-07-31", **kw: Any
) -> dict[str, Any]:
    """The ``analyzeResult`` JSON of ``model_id`` on ``path`` (layouts from the cache)."""
    import copy

    from docintel.models.pipeline import assemble_json

    options = options_for(model_id, api_version, **kw)
    pages = copy.deepcopy(layouts(path, options.recipe))
    result: dict[str, Any] = json.loads(assemble_json(pages, options))
    return result


def _warm_one(args: tuple[str, str]) -> str:
    path, recipe = args
    layouts(Path(path), Recipe(recipe))
    return path


def warm(paths: list[Path], recipe: Recipe, workers: int = 2) -> None:
    """Fill the cache for ``paths`` using ``workers`` processes."""
    todo = [(str(p), recipe.value) for p in paths if not _key(p, recipe, "cascade").exists()]
    with ProcessPoolExecutor(
        workers, initializer=init_worker, initargs=(EngineConfig(), False)
    ) as pool:
        for done in pool.map(_warm_one, todo):
            print("cached", done, file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "warm":
        warm([Path(p) for p in sys.argv[3:]], Recipe(sys.argv[2]))
    else:
        print(__doc__)
