"""Analyze (POST, 202 + Operation-Location) and its result polling (GET)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time

from fastapi import APIRouter, Request, Response

from docintel.api.errors import JSON_TYPE
from docintel.api.intake import receive_document
from docintel.api.state import ApiVersion, State, base_url
from docintel.core.errors import (
    InvalidParameterError,
    OperationNotFoundError,
    ServiceUnavailableError,
)
from docintel.ingest.pages import parse_pages
from docintel.jobs.store import OperationRecord
from docintel.models.pipeline import AnalyzeOptions
from docintel.models.registry import get_model

router = APIRouter(prefix="/formrecognizer")

INDEX_TYPES = ("textElements", "unicodeCodePoint", "utf16CodeUnit")
FEATURES = ("ocrHighResolution", "languages", "barcodes", "formulas", "keyValuePairs", "styleFont")
# Features docintel does not compute yet: refused rather than silently ignored.
UNSUPPORTED_FEATURES = ("barcodes", "formulas")
_LOCALE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
# Validating a document must not hold a request for long: past this, the worker decides.
VALIDATE_TIMEOUT_S = 20.0


def parse_features(raw: str | None, api_version: str) -> tuple[str, ...]:
    """The ``features`` query (3.1 only; ignored under 3.0 as the 3.0 API has no such parameter)."""
    if not raw or api_version == "2022-08-31":
        return ()
    out: list[str] = []
    for name in (f.strip() for f in raw.split(",")):
        match = next((f for f in FEATURES if f.lower() == name.lower()), None)
        if match is None:
            raise InvalidParameterError("features", f"unknown feature {name!r}.")
        if match in UNSUPPORTED_FEATURES:
            raise InvalidParameterError("features", f"the {match} add-on is not supported yet.")
        if match not in out:
            out.append(match)
    return tuple(out)


def parse_options(request: Request, model_id: str, api_version: str) -> AnalyzeOptions:
    """Validate the analyze query parameters (400 InvalidArgument on any bad value)."""
    state = request.app.state.service
    model = get_model(model_id, state.settings.container_kind)
    q = request.query_params
    index_type = q.get("stringIndexType", "textElements")
    if index_type not in INDEX_TYPES:
        raise InvalidParameterError("stringIndexType", f"must be one of {', '.join(INDEX_TYPES)}.")
    pages = q.get("pages")
    if pages is not None:
        parse_pages(pages)  # syntax only; ranges are checked against the document later
    locale = q.get("locale")
    if locale is not None and not _LOCALE.match(locale):
        raise InvalidParameterError("locale", "must be a language tag such as en or en-US.")
    return AnalyzeOptions(
        model_id=model.model_id,
        recipe=model.recipe,
        api_version=api_version,
        string_index_type=index_type,
        pages=pages or None,
        locale=locale,
        features=parse_features(q.get("features"), api_version),
    )


def _check_document(path: object, limits: object) -> None:
    from pathlib import Path

    from docintel.ingest.limits import Limits
    from docintel.ingest.source import open_document

    assert isinstance(path, Path) and isinstance(limits, Limits)
    with open_document(path, limits):
        pass


@router.post("/documentModels/{model_id}:analyze", status_code=202)
async def analyze(model_id: str, request: Request, version: ApiVersion, state: State) -> Response:
    """Store the document and options, queue the work, answer 202 with Operation-Location."""
    if not state.runner.accepting:
        raise ServiceUnavailableError("The service is shutting down.")
    # An invalid or expired license stops new work only; results stay retrievable.
    state.require_license()
    options = parse_options(request, model_id, version)
    op_id, tmp = state.store.new_input_file()
    try:
        await receive_document(request, state.settings, version, tmp)
        # Quick structural check (type, encryption, corruption, size limits) so that a bad
        # file is a 400 now rather than a failed operation later.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                state.validate(_check_document, tmp, state.runner.config.limits),
                VALIDATE_TIMEOUT_S,
            )
        await asyncio.to_thread(state.store.commit_input, op_id, tmp)
    finally:
        tmp.unlink(missing_ok=True)
    await asyncio.to_thread(
        state.store.create,
        op_id,
        kind="analyze",
        model_id=options.model_id,
        api_version=version,
        options=options.to_json(),
        input_name=f"{op_id}.bin",
    )
    state.runner.submit(op_id)
    location = (
        f"{base_url(request, state.settings)}/formrecognizer/documentModels/"
        f"{options.model_id}/analyzeResults/{op_id}?api-version={version}"
    )
    return Response(
        status_code=202,
        headers={"Operation-Location": location, "Retry-After": "1", "apim-request-id": op_id},
    )


def iso_utc(ts: float) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` (the exact shape the SDK's strptime expects)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _status_prefix(rec: OperationRecord) -> bytes:
    created = iso_utc(rec.created)
    updated = iso_utc(max(rec.updated, rec.created))
    return (
        f'{{"status":"{rec.status}","createdDateTime":"{created}","lastUpdatedDateTime":"{updated}"'
    ).encode()


@router.get("/documentModels/{model_id}/analyzeResults/{result_id}")
async def analyze_result(
    model_id: str, result_id: str, version: ApiVersion, state: State
) -> Response:
    """The operation's status; ``analyzeResult`` once succeeded, ``error`` once failed."""
    rec = await asyncio.to_thread(state.store.get, result_id.lower())
    ttl = state.settings.result_ttl_minutes * 60
    if (
        rec is None
        or rec.kind != "analyze"
        or rec.model_id != model_id
        or rec.created < time.time() - ttl
    ):
        raise OperationNotFoundError()
    head = _status_prefix(rec)
    if rec.status == "succeeded":
        data = await asyncio.to_thread(state.store.result_json, rec)
        if data is None:
            raise OperationNotFoundError()
        return Response(head + b',"analyzeResult":' + data + b"}", media_type=JSON_TYPE)
    if rec.status == "failed":
        import json

        err = json.dumps(rec.error or {"code": "InternalServerError", "message": "Failed."})
        return Response(head + b',"error":' + err.encode() + b"}", media_type=JSON_TYPE)
    return Response(head + b"}", media_type=JSON_TYPE, headers={"Retry-After": "1"})
