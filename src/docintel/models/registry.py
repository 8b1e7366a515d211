"""The model registry: model id → description, recipe, and which container kinds serve it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from docintel.core.errors import InvalidParameterError, ModelNotFoundError
from docintel.core.settings import ContainerKind

API_VERSIONS = ("2022-08-31", "2023-07-31")
LATEST_API_VERSION = "2023-07-31"


class Recipe(StrEnum):
    """How a model's pages are processed (the pipeline stages it runs)."""

    READ = "read"
    LAYOUT = "layout"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A prebuilt model as ``GET /documentModels/{id}`` describes it, plus how it runs."""

    model_id: str
    description: str
    recipe: Recipe
    kinds: frozenset[ContainerKind]
    created_30: str
    created_31: str
    meter: str
    # What the result carries beyond pages/words/lines (API_CONTRACT.md §6): any of
    # paragraphs, roles, tables, selectionMarks, styles, keyValuePairs.
    emits: frozenset[str] = frozenset({"paragraphs", "styles"})
    # The field extractor (``docintel.extract.registry``) that fills ``documents``, if any.
    extractor: str | None = None

    def created(self, api_version: str) -> str:
        """``createdDateTime`` reported under the given api-version."""
        return self.created_30 if api_version == "2022-08-31" else self.created_31


_LAYOUT = frozenset({"paragraphs", "styles", "roles", "tables", "selectionMarks"})

PREBUILT: dict[str, ModelInfo] = {
    m.model_id: m
    for m in (
        ModelInfo(
            "prebuilt-read",
            "Extract text from documents.",
            Recipe.READ,
            frozenset(
                {
                    ContainerKind.READ,
                    ContainerKind.RECEIPT,
                    ContainerKind.ID_DOCUMENT,
                    ContainerKind.ALL,
                }
            ),
            "2022-08-31T00:00:00Z",
            "2023-02-28T00:00:00Z",
            "FormRecognizer.Read.Pages",
        ),
        ModelInfo(
            "prebuilt-layout",
            "Extract text and layout information from documents.",
            Recipe.LAYOUT,
            frozenset(
                {
                    ContainerKind.LAYOUT,
                    ContainerKind.DOCUMENT,
                    ContainerKind.INVOICE,
                    ContainerKind.CUSTOM_TEMPLATE,
                    ContainerKind.ALL,
                }
            ),
            "2022-08-31T00:00:00Z",
            "2023-02-28T00:00:00Z",
            "FormRecognizer.Layout.Pages",
            _LAYOUT,
        ),
        ModelInfo(
            "prebuilt-document",
            "Extract text, layout, entities, and general key-value pairs from documents.",
            Recipe.LAYOUT,
            frozenset({ContainerKind.DOCUMENT, ContainerKind.ALL}),
            "2022-08-31T00:00:00Z",
            "2023-02-28T00:00:00Z",
            "FormRecognizer.Document.Pages",
            _LAYOUT | {"keyValuePairs"},
        ),
        ModelInfo(
            "prebuilt-invoice",
            "Extract key information from invoices.",
            Recipe.LAYOUT,
            frozenset({ContainerKind.INVOICE, ContainerKind.ALL}),
            "2022-08-31T00:00:00Z",
            "2023-07-31T00:00:00Z",
            "FormRecognizer.Invoice.Pages",
            frozenset({"paragraphs", "styles", "tables", "selectionMarks"}),
            "invoice",
        ),
        ModelInfo(
            "prebuilt-receipt",
            "Extract key information from receipts.",
            Recipe.READ,
            frozenset({ContainerKind.RECEIPT, ContainerKind.ALL}),
            "2022-08-31T00:00:00Z",
            "2023-07-31T00:00:00Z",
            "FormRecognizer.Receipt.Pages",
            frozenset({"paragraphs", "styles"}),
            "receipt",
        ),
    )
}

_MODEL_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-")


def check_model_id(model_id: str) -> None:
    """Reject ids outside ``^[a-zA-Z0-9][a-zA-Z0-9._~-]{1,63}$`` (400 InvalidArgument)."""
    ok = (
        2 <= len(model_id) <= 64
        and model_id[0].isascii()
        and model_id[0].isalnum()
        and all(c in _MODEL_ID_CHARS for c in model_id)
    )
    if not ok:
        raise InvalidParameterError("modelId", "must match ^[a-zA-Z0-9][a-zA-Z0-9._~-]{1,63}$.")


def visible_models(kind: ContainerKind) -> list[ModelInfo]:
    """Prebuilt models served by a container kind, in catalog order."""
    return [m for m in PREBUILT.values() if kind in m.kinds]


def get_model(model_id: str, kind: ContainerKind) -> ModelInfo:
    """The model, or 404 ``ModelNotFound`` when unknown or not served by this kind."""
    check_model_id(model_id)
    m = PREBUILT.get(model_id)
    if m is None or kind not in m.kinds:
        raise ModelNotFoundError()
    return m
