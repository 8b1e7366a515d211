"""Phone numbers to E.164 with libphonenumber (``phonenumbers``)."""

from __future__ import annotations

import re

from ._cache import typed_cache

__all__ = ["parse_phone"]

# A leading label such as "Tel:", "Phone", "Fax.", "Mobile", "H/P", "Tél." (anything before the
# first digit, "+" or "(" that is made of letters, dots, slashes, colons and spaces).
_LABEL = re.compile(r"^[^\W\d_][^\d+(]*?[:.\s]\s*(?=[+(\d])")
_ALLOWED = re.compile(r"^[+(]?[\d\s().\-/\u2010-\u2015]+(?:\s*(?:ext\.?|x|#)\s*\d{1,6})?$", re.I)


@typed_cache(8192)
def parse_phone(text: str, *, region: str | None = None) -> str | None:
    """Normalise a printed phone number to E.164: ``"(425) 555-0100"`` -> ``"+14255550100"``.

    A leading label (``"Tel:"``, ``"Phone"``, ``"Fax."``) is removed. Numbers without an
    international prefix are read in ``region`` (ISO alpha-2; default ``"US"``). The number must
    be *possible* (not merely locally dialable) with at least 7 national digits, and either
    *valid* for a known number range or written with a ``+``/``0``/``(`` prefix (libphonenumber's
    ranges lag behind some operators, e.g. Malaysian landlines). Amounts, dates and words return
    ``None``.
    """
    import phonenumbers

    s = _LABEL.sub("", text.strip(), count=1).strip()
    if not s or not _ALLOWED.match(s):
        return None
    digits = sum(ch.isdigit() for ch in s)
    if digits < 7 or digits > 17:
        return None
    if s.startswith("00"):
        s = "+" + s[2:]
    try:
        num = phonenumbers.parse(s, (region or "US").upper())
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(num)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None  # too short/long, or only dialable locally ("555-0100")
    if len(str(num.national_number)) < 7:
        return None
    if not phonenumbers.is_valid_number(num) and s[0] not in "+0(":
        # Possible but not in a known range: accept only explicit phone formatting (an
        # international or trunk prefix, or an area code in parentheses).
        return None
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
