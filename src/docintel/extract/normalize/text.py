"""Small text helpers shared by the field normalizers."""

from __future__ import annotations

import re
import unicodedata

from ._cache import typed_cache

__all__ = ["normalize_label", "strip_accents"]

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s:#.\-–—*]+$")
_LEADING = re.compile(r"^[\s:#.\-–—*]+")


@typed_cache(16384)
def strip_accents(text: str) -> str:
    """Remove combining accents (``"Straße"`` keeps ``ß``; ``"März"`` -> ``"Marz"``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@typed_cache(16384)
def normalize_label(text: str) -> str:
    """Normalise a key/label for matching.

    Casefolds, strips accents, collapses whitespace and removes leading/trailing ``:``, ``#``,
    ``.``, dashes and ``*`` — so ``"  Invoice  No.:"`` and ``"invoice no"`` compare equal.
    """
    out = strip_accents(text).casefold()
    out = _SPACES.sub(" ", out)
    out = _TRAILING.sub("", out)
    out = _LEADING.sub("", out)
    return out
