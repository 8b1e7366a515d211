"""Run a model's field extractor (and the key-value extractor) on an assembled result."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docintel.core.types import PageLayout
from docintel.extract.docview import build_view
from docintel.extract.fields import ExtractContext, Extraction, Extractor, FieldWriter

if TYPE_CHECKING:
    from docintel.models.assemble import Assembly
    from docintel.models.pipeline import AnalyzeOptions

log = logging.getLogger(__name__)


def get_extractor(name: str) -> Extractor:
    """The extractor registered under ``name`` (imported on first use)."""
    if name == "invoice":
        from docintel.extract.invoice import extract_invoice

        return extract_invoice
    if name == "receipt":
        from docintel.extract.receipt import extract_receipt

        return extract_receipt
    if name == "keyValuePairs":
        from docintel.extract.kv import extract_key_values

        return extract_key_values
    raise KeyError(name)


def run_extractors(
    assembly: Assembly,
    pages: Sequence[PageLayout],
    options: AnalyzeOptions,
    extractor: str | None,
    key_values: bool,
) -> None:
    """Fill ``documents`` and/or ``keyValuePairs`` of ``assembly.result`` in place."""
    view = build_view(pages, assembly.index)
    ctx = ExtractContext(
        api_version=options.api_version, locale=options.locale, features=options.features
    )
    writer = FieldWriter(view, assembly.converter)
    out = Extraction()
    if extractor is not None:
        out = get_extractor(extractor)(view, ctx)
    if key_values:
        if out.key_value_pairs is None:
            out.key_value_pairs = get_extractor("keyValuePairs")(view, ctx).key_value_pairs
        assembly.result.key_value_pairs = [writer.key_value(kv) for kv in out.key_value_pairs or []]
    if extractor is not None:
        assembly.result.documents = [writer.document(d) for d in out.documents]


def warm_extractors() -> None:
    """Load the normalizers' data (dates, money, countries, phones) once per worker process,
    so the first invoice or receipt does not pay for it (~0.3 s)."""
    from docintel.extract.normalize import (
        country_alpha3,
        parse_address,
        parse_date,
        parse_money,
        parse_phone,
    )

    parse_date("12 March 2024")
    parse_money("$1,234.56")
    country_alpha3("Germany")
    parse_phone("+1 206 555 0147")
    parse_address(["1 Main Street", "Springfield, IL 62701"])
