"""The shared base of every REST model: camelCase aliases, omission rules, version gating.

Two output rules of API_CONTRACT.md §2.6/§5 live here so no caller has to remember them:

* optional properties without a value are **omitted** (``exclude_none``), and optional *lists*
  that are empty are omitted too (``pages``, ``spans`` and ``cells`` are required and stay);
* under api-version 2022-08-31 the [3.1]-only properties are dropped (§5.8).

Models that need either rule derive from ``GatedModel``; leaf models that are created by the
hundred thousand (words, spans, polygons) derive from the cheaper ``ApiModel``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
)
from pydantic.alias_generators import to_camel

API_V30 = "2022-08-31"
API_V31 = "2023-07-31"
API_VERSIONS = (API_V30, API_V31)

StringIndexType = Literal["textElements", "unicodeCodePoint", "utf16CodeUnit"]

# JSON numbers keep their int-ness: the cloud writes ``"angle": 0``, ``"height": 11``.
Number = int | float

_DATETIME_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def format_datetime(dt: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC (the only shape the SDK's ``poller.details`` parses)."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def is_canonical_datetime(value: str) -> bool:
    """Whether ``value`` already has the exact ``YYYY-MM-DDTHH:MM:SSZ`` shape."""
    return bool(_DATETIME_SHAPE.match(value))


def _coerce_datetime(value: Any) -> Any:
    return format_datetime(value) if isinstance(value, datetime) else value


# Date-times travel as strings; a ``datetime`` given in Python is formatted canonically.
DateTime = Annotated[str, BeforeValidator(_coerce_datetime)]


class ApiModel(BaseModel):
    """A REST JSON object: snake_case in Python, camelCase on the wire."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


def _is_optional_list(annotation: Any) -> bool:
    if get_origin(annotation) not in (Union, type(int | None)):
        return False
    args = [a for a in get_args(annotation) if a is not type(None)]
    return len(args) == 1 and get_origin(args[0]) is list


def context_api_version(info: SerializationInfo) -> str | None:
    """The api-version passed to ``dump`` (``None`` when dumping without gating)."""
    ctx = info.context
    return ctx.get("api_version") if isinstance(ctx, dict) else None


class GatedModel(ApiModel):
    """An ``ApiModel`` that omits empty optional lists and gates [3.1]-only properties.

    Subclasses list their [3.1]-only *aliases* in ``v31_only``; ``downgrade`` may be overridden
    for changes that are more than dropping keys.
    """

    v31_only: ClassVar[frozenset[str]] = frozenset()
    keep_empty: ClassVar[frozenset[str]] = frozenset()
    _omit_if_empty: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        omit: list[str] = []
        for name, info in cls.model_fields.items():
            alias = info.alias or name
            if alias in cls.keep_empty or info.is_required():
                continue
            if _is_optional_list(info.annotation):
                omit.append(alias)
        cls._omit_if_empty = tuple(omit)

    @model_serializer(mode="wrap")
    def _gate(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if not isinstance(data, dict):
            return data
        for key in self._omit_if_empty:
            if key in data and not data[key]:
                del data[key]
        if context_api_version(info) == API_V30:
            self.downgrade(data)
        return data

    def downgrade(self, data: dict[str, Any]) -> None:
        """Rewrite this object's JSON (in place) for api-version 2022-08-31."""
        for key in self.v31_only:
            data.pop(key, None)


def dump(model: BaseModel, api_version: str | None = None) -> dict[str, Any]:
    """The wire JSON of ``model``: camelCase, absent optionals omitted, gated to ``api_version``.

    ``api_version`` defaults to the result's own ``apiVersion`` for analyze results; pass it
    explicitly for everything else (a model built under 3.1 is still read under 3.0).
    """
    if api_version is None:
        api_version = _own_api_version(model)
    out: dict[str, Any] = model.model_dump(
        mode="json", by_alias=True, exclude_none=True, context={"api_version": api_version}
    )
    return out


def dump_json(model: BaseModel, api_version: str | None = None) -> bytes:
    """``dump`` straight to compact UTF-8 JSON bytes (same rules, serialised in Rust)."""
    if api_version is None:
        api_version = _own_api_version(model)
    return model.model_dump_json(
        by_alias=True, exclude_none=True, context={"api_version": api_version}
    ).encode("utf-8")


def _own_api_version(model: BaseModel) -> str | None:
    # Only analyze results carry the request's api-version; model objects carry the version
    # they were *built* with, which says nothing about how they are being read.
    from docintel.schema.analyze import AnalyzeResult, AnalyzeResultOperation

    if isinstance(model, AnalyzeResult):
        return model.api_version
    if isinstance(model, AnalyzeResultOperation) and model.analyze_result is not None:
        return model.analyze_result.api_version
    return None
