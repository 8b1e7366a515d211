"""Model management routes: list/get/delete models, resource info, operations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Response

from docintel.api.errors import json_response
from docintel.api.state import ApiVersion, State
from docintel.core.errors import ModelNotFoundError, ModelReadOnlyError, OperationNotFoundError
from docintel.models.registry import PREBUILT, ModelInfo, check_model_id, visible_models
from docintel.models.schemas import doc_types

router = APIRouter(prefix="/formrecognizer")


def model_summary(m: ModelInfo, version: str) -> dict[str, Any]:
    """``DocumentModelSummary`` of a prebuilt model."""
    return {
        "modelId": m.model_id,
        "description": m.description,
        "createdDateTime": m.created(version),
        "apiVersion": version,
        "tags": {},
    }


@router.get("/documentModels")
async def list_models(version: ApiVersion, state: State) -> Response:
    """Prebuilt models served by this container kind (one page, no nextLink)."""
    models = visible_models(state.settings.container_kind)
    return json_response({"value": [model_summary(m, version) for m in models]})


@router.get("/documentModels/{model_id}")
async def get_model_details(model_id: str, version: ApiVersion, state: State) -> Response:
    """``DocumentModelDetails``; 404 ModelNotFound for unknown ids."""
    check_model_id(model_id)
    m = PREBUILT.get(model_id)
    if m is None or state.settings.container_kind not in m.kinds:
        raise ModelNotFoundError()
    body = model_summary(m, version)
    types = doc_types(m.model_id, version)
    if types is not None:
        body["docTypes"] = types
    return json_response(body)


@router.delete("/documentModels/{model_id}", status_code=204)
async def delete_model(model_id: str, version: ApiVersion, state: State) -> Response:
    """Prebuilt models are read-only; unknown ids are 404."""
    check_model_id(model_id)
    if model_id in PREBUILT:
        raise ModelReadOnlyError("The requested model is read-only.")
    raise ModelNotFoundError()


@router.get("/info")
async def info(version: ApiVersion, state: State) -> Response:
    """``ResourceDetails``: custom model count and limit (+ 3.1 neural build quota)."""
    body: dict[str, Any] = {
        "customDocumentModels": {"count": 0, "limit": state.settings.models_limit}
    }
    if version == "2023-07-31":
        today = dt.datetime.now(dt.UTC).date()
        first_next = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
        body["customNeuralDocumentModelBuilds"] = {
            "used": 0,
            "quota": 20,
            "quotaResetDateTime": f"{first_next.isoformat()}T00:00:00Z",
        }
    return json_response(body)


@router.get("/operations")
async def list_operations(version: ApiVersion, state: State) -> Response:
    """Model-management operations (none until custom model builds exist)."""
    return json_response({"value": []})


@router.get("/operations/{operation_id}")
async def get_operation(operation_id: str, version: ApiVersion, state: State) -> Response:
    """Analyze requests are not operations; without builds every id is unknown."""
    raise OperationNotFoundError()
