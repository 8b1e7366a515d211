"""Bank identifiers: IBAN and SWIFT/BIC, validated with schwifty."""

from __future__ import annotations

import re

from ._cache import typed_cache

__all__ = ["parse_iban", "parse_swift"]

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_BIC_SHAPE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")
_LABEL = re.compile(r"^(?:iban|bic|swift(?:\s*code)?|swift/bic|bic/swift)\s*[:.#]?\s*", re.I)


@typed_cache(4096)
def parse_iban(text: str) -> str | None:
    """Validate an IBAN (country format and mod-97 checksum); return it compact and upper-case.

    ``"DE89 3704 0044 0532 0130 00"`` -> ``"DE89370400440532013000"``; an optional ``IBAN:``
    label is removed. Invalid checksums or formats return ``None``.
    """
    s = _LABEL.sub("", text.strip())
    compact = re.sub(r"[\s\-.]", "", s).upper()
    if not _IBAN_SHAPE.match(compact):
        return None
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        iban = IBAN(compact, validate_bban=True)
    except (SchwiftyException, ValueError):
        return None
    return str(iban.compact)


@typed_cache(4096)
def parse_swift(text: str) -> str | None:
    """Validate a SWIFT/BIC code (8 or 11 characters, known country); return it upper-case."""
    s = _LABEL.sub("", text.strip())
    compact = re.sub(r"\s", "", s).upper()
    if not _BIC_SHAPE.match(compact):
        return None
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    try:
        bic = BIC(compact)
    except (SchwiftyException, ValueError):
        return None
    return str(bic.compact)
