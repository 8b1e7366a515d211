"""Extracted documents and their typed fields (API_CONTRACT.md §5.6)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from pydantic import field_serializer

from docintel.schema.base import GatedModel, Number
from docintel.schema.common import BoundingRegion, DocumentSpan

FieldType = Literal[
    "string",
    "date",
    "time",
    "phoneNumber",
    "number",
    "integer",
    "selectionMark",
    "countryRegion",
    "signature",
    "array",
    "object",
    "currency",
    "address",
    "boolean",
]


class CurrencyValue(GatedModel):
    """A money amount; ``currencyCode`` (ISO 4217) is [3.1]."""

    v31_only: ClassVar[frozenset[str]] = frozenset({"currencyCode"})

    amount: Number
    currency_symbol: str | None = None
    currency_code: str | None = None


class AddressValue(GatedModel):
    """A parsed address; the last six properties are [3.1]."""

    v31_only: ClassVar[frozenset[str]] = frozenset(
        {"unit", "cityDistrict", "stateDistrict", "suburb", "house", "level"}
    )

    house_number: str | None = None
    po_box: str | None = None
    road: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country_region: str | None = None
    street_address: str | None = None
    unit: str | None = None
    city_district: str | None = None
    state_district: str | None = None
    suburb: str | None = None
    house: str | None = None
    level: str | None = None


class DocumentField(GatedModel):
    """A typed field: ``type``, at most one ``value*`` matching it, and where it was found.

    ``valueDate`` is a ``date`` (wire ``YYYY-MM-DD``) and ``valueTime`` a ``time`` (wire
    ``hh:mm:ss``): the SDK rejects the whole result on any other shape.
    """

    v31_only: ClassVar[frozenset[str]] = frozenset({"valueBoolean"})
    keep_empty: ClassVar[frozenset[str]] = frozenset({"valueArray"})

    type: FieldType
    value_string: str | None = None
    value_date: dt.date | None = None
    value_time: dt.time | None = None
    value_phone_number: str | None = None
    value_number: Number | None = None
    value_integer: int | None = None
    value_selection_mark: Literal["selected", "unselected"] | None = None
    value_signature: Literal["signed", "unsigned"] | None = None
    value_country_region: str | None = None
    value_array: list[DocumentField] | None = None
    value_object: dict[str, DocumentField] | None = None
    value_currency: CurrencyValue | None = None
    value_address: AddressValue | None = None
    value_boolean: bool | None = None
    content: str | None = None
    bounding_regions: list[BoundingRegion] | None = None
    confidence: Number | None = None
    spans: list[DocumentSpan] | None = None

    @field_serializer("value_time", when_used="json-unless-none")
    def _time_hms(self, value: dt.time) -> str:
        return value.strftime("%H:%M:%S")

    def downgrade(self, data: dict[str, Any]) -> None:
        """3.0 has no ``boolean`` type: report it as the string ``true``/``false``."""
        if data.get("type") == "boolean":
            data["type"] = "string"
            if "valueBoolean" in data:
                data["valueString"] = "true" if data["valueBoolean"] else "false"
        data.pop("valueBoolean", None)


class AnalyzedDocument(GatedModel):
    """A document found by a prebuilt or custom model (the swagger's ``Document``)."""

    doc_type: str
    bounding_regions: list[BoundingRegion] | None = None
    fields: dict[str, DocumentField] | None = None
    confidence: Number
    spans: list[DocumentSpan]
