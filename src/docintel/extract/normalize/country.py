"""Country/region names and codes to ISO 3166-1 alpha-3.

Names come from pycountry (English name, official and common names, codes) and babel's CLDR
territory names in en, de, fr, es, it, nl, pt and ms, plus a few
abbreviations seen on documents (``U.S.A.``, ``UK``, ``Great Britain``).
"""

from __future__ import annotations

import functools
import re

from ._cache import typed_cache
from .text import strip_accents

__all__ = ["country_alpha2", "country_alpha3"]

_NAME_LOCALES = ("en", "de", "fr", "es", "it", "nl", "pt", "ms")
_ALIASES: dict[str, str] = {
    "usa": "USA",
    "us": "USA",
    "u s": "USA",
    "u s a": "USA",
    "america": "USA",
    "united states of america": "USA",
    "uk": "GBR",
    "u k": "GBR",
    "great britain": "GBR",
    "britain": "GBR",
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "holland": "NLD",
    "the netherlands": "NLD",
    "korea": "KOR",
    "south korea": "KOR",
    "russia": "RUS",
    "czech republic": "CZE",
    "vietnam": "VNM",
    "uae": "ARE",
    "prc": "CHN",
    "p r china": "CHN",
    "west malaysia": "MYS",
    "brd": "DEU",
}
_CLEAN = re.compile(r"[^\w]+")


def _key(text: str) -> str:
    return _CLEAN.sub(" ", strip_accents(text).casefold()).strip()


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(name key -> alpha3, alpha2 -> alpha3, alpha3 -> alpha2)."""
    import pycountry
    from babel import Locale

    a2_to_a3: dict[str, str] = {}
    a3_to_a2: dict[str, str] = {}
    names: dict[str, str] = {}
    for c in pycountry.countries:
        a2_to_a3[c.alpha_2] = c.alpha_3
        a3_to_a2[c.alpha_3] = c.alpha_2
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if isinstance(value, str):
                names.setdefault(_key(value), c.alpha_3)
    for loc in _NAME_LOCALES:
        for code, value in Locale.parse(loc).territories.items():
            a3 = a2_to_a3.get(code)
            if a3 is not None and len(code) == 2:
                names.setdefault(_key(value), a3)
    for alias, a3 in _ALIASES.items():
        names[alias] = a3
    return names, a2_to_a3, a3_to_a2


@typed_cache(4096)
def country_alpha3(text: str) -> str | None:
    """Map a printed country to ISO alpha-3: ``"Deutschland"``/``"DE"``/``"DEU"`` -> ``"DEU"``.

    Accepts English and native names (CLDR names in en, de, fr, es, it, nl, pt, ...), alpha-2 and
    alpha-3 codes (only when printed in capitals, so words such as ``"in"`` or ``"it"`` do not
    match) and common abbreviations (``"U.S.A."``, ``"UK"``). Returns ``None`` otherwise.
    """
    s = text.strip().strip(".,;:()")
    if not s or len(s) > 60:
        return None
    names, a2_to_a3, a3_to_a2 = _tables()
    compact = s.replace(".", "").replace(" ", "")
    if compact.isupper() and compact.isalpha():
        if len(compact) == 2:
            if compact == "UK":
                return "GBR"
            if compact in a2_to_a3:
                return a2_to_a3[compact]
        if len(compact) == 3 and compact in a3_to_a2:
            return compact
    key = _key(s)
    if len(key.replace(" ", "")) <= 3 and not compact.isupper():
        return None  # lower-case short words are not codes
    return names.get(key)


@typed_cache(512)
def country_alpha2(alpha3: str) -> str | None:
    """ISO alpha-3 -> alpha-2 (``"DEU"`` -> ``"DE"``); ``None`` for unknown codes."""
    return _tables()[2].get(alpha3.strip().upper())
