"""Errors, model management, operations and resource info (API_CONTRACT.md §8, §12)."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from docintel.schema.base import ApiModel, DateTime, GatedModel, Number
from docintel.schema.fields import FieldType

OperationStatus = Literal["notStarted", "running", "failed", "succeeded", "canceled"]
OperationKind = Literal[
    "documentModelBuild", "documentModelCompose", "documentModelCopyTo", "documentClassifierBuild"
]
BuildMode = Literal["template", "neural"]


class InnerError(ApiModel):
    """A more specific error code, possibly nested."""

    code: str
    message: str | None = None
    innererror: InnerError | None = None


class Error(GatedModel):
    """The Azure error object (code, message, target, details, innererror)."""

    code: str
    message: str
    target: str | None = None
    details: list[Error] | None = None
    innererror: InnerError | None = None


class ErrorResponse(ApiModel):
    """The envelope of every 4xx/5xx body: ``{"error": {...}}``."""

    error: Error


class DocumentFieldSchema(ApiModel):
    """The schema of one field of a docType."""

    type: FieldType
    description: str | None = None
    example: str | None = None
    items: DocumentFieldSchema | None = None
    properties: dict[str, DocumentFieldSchema] | None = None


class DocumentTypeDetails(ApiModel):
    """A docType of a model: its field schema and per-field confidence."""

    description: str | None = None
    build_mode: BuildMode | None = None
    field_schema: dict[str, DocumentFieldSchema]
    field_confidence: dict[str, Number] | None = None


class DocumentModelSummary(GatedModel):
    """A list entry of ``GET /documentModels``; ``expirationDateTime`` is [3.1]."""

    v31_only: ClassVar[frozenset[str]] = frozenset({"expirationDateTime"})

    model_id: str
    description: str | None = None
    created_date_time: DateTime
    expiration_date_time: DateTime | None = None
    api_version: str | None = None
    tags: dict[str, str] | None = None


class DocumentModelDetails(DocumentModelSummary):
    """``GET /documentModels/{id}`` and the ``result`` of build/compose/copy operations."""

    doc_types: dict[str, DocumentTypeDetails] | None = None


class GetDocumentModelsResponse(GatedModel):
    """``GET /documentModels``: one page of model summaries."""

    value: list[DocumentModelSummary]
    next_link: str | None = None


class AzureBlobContentSource(ApiModel):
    """Training data in a blob container (optionally under a prefix)."""

    container_url: str
    prefix: str | None = None


class AzureBlobFileListContentSource(ApiModel):
    """[3.1] Training data listed in a JSONL file inside a blob container."""

    container_url: str
    file_list: str


class ClassifierDocumentTypeDetails(ApiModel):
    """[3.1] Where a classifier's training documents of one type live."""

    azure_blob_source: AzureBlobContentSource | None = None
    azure_blob_file_list_source: AzureBlobFileListContentSource | None = None


class DocumentClassifierDetails(ApiModel):
    """[3.1] A document classifier."""

    classifier_id: str
    description: str | None = None
    created_date_time: DateTime
    expiration_date_time: DateTime | None = None
    api_version: str
    doc_types: dict[str, ClassifierDocumentTypeDetails]


class GetDocumentClassifiersResponse(GatedModel):
    """[3.1] ``GET /documentClassifiers``."""

    value: list[DocumentClassifierDetails]
    next_link: str | None = None


class CustomDocumentModelsDetails(ApiModel):
    """How many custom models exist, and how many may."""

    count: int
    limit: int


class QuotaDetails(ApiModel):
    """[3.1] A monthly quota (neural builds)."""

    used: int
    quota: int
    quota_reset_date_time: DateTime


class ResourceDetails(GatedModel):
    """``GET /info``; ``customNeuralDocumentModelBuilds`` is [3.1] (and required there)."""

    v31_only: ClassVar[frozenset[str]] = frozenset({"customNeuralDocumentModelBuilds"})

    custom_document_models: CustomDocumentModelsDetails
    custom_neural_document_model_builds: QuotaDetails | None = None


class OperationSummary(GatedModel):
    """A list entry of ``GET /operations``."""

    operation_id: str
    status: OperationStatus
    percent_completed: int | None = None
    created_date_time: DateTime
    last_updated_date_time: DateTime
    kind: OperationKind
    resource_location: str
    api_version: str | None = None
    tags: dict[str, str] | None = None


class OperationDetails(OperationSummary):
    """``GET /operations/{id}``: the summary plus ``error`` or ``result``.

    ``result`` is a ``DocumentModelDetails``, or a ``DocumentClassifierDetails`` when ``kind``
    is ``documentClassifierBuild``.
    """

    error: Error | None = None
    result: DocumentModelDetails | DocumentClassifierDetails | None = None


class GetOperationsResponse(GatedModel):
    """``GET /operations``: one page of operation summaries."""

    value: list[OperationSummary]
    next_link: str | None = None


class ComponentDocumentModelDetails(ApiModel):
    """A component of a compose request."""

    model_id: str


class BuildDocumentModelRequest(ApiModel):
    """Body of ``POST /documentModels:build``."""

    model_id: str
    description: str | None = None
    build_mode: BuildMode
    azure_blob_source: AzureBlobContentSource | None = None
    azure_blob_file_list_source: AzureBlobFileListContentSource | None = None
    tags: dict[str, str] | None = None


class ComposeDocumentModelRequest(ApiModel):
    """Body of ``POST /documentModels:compose``."""

    model_id: str
    description: str | None = None
    component_models: list[ComponentDocumentModelDetails]
    tags: dict[str, str] | None = None


class AuthorizeCopyRequest(ApiModel):
    """Body of ``POST /documentModels:authorizeCopy``."""

    model_id: str
    description: str | None = None
    tags: dict[str, str] | None = None


class CopyAuthorization(ApiModel):
    """The copy authorization (all six properties are required by the SDK)."""

    target_resource_id: str
    target_resource_region: str
    target_model_id: str
    target_model_location: str
    access_token: str
    expiration_date_time: DateTime


class AnalyzeDocumentRequest(ApiModel):
    """JSON body of an analyze request: a URL or base64 bytes."""

    url_source: str | None = None
    base64_source: str | None = None


def error_envelope(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """``{"error": {...}}`` as JSON, built through the model so omission rules apply."""
    from docintel.schema.base import dump

    return dump(ErrorResponse(error=Error(code=code, message=message, **extra)))
