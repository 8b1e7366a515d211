"""The ``pages`` query parameter: parsing (API_CONTRACT.md §4.1) and selection (§4.2)."""

from __future__ import annotations

import re

from docintel.core.errors import InvalidParameterError, InvalidRequestError

PAGES_PATTERN = re.compile(r"^(\d+(-\d+)?)(,\s*(\d+(-\d+)?))*$", re.ASCII)


def parse_pages(spec: str | None) -> list[tuple[int, int]]:
    """``"1-3,5"`` → ``[(1, 3), (5, 5)]``; ``None`` or blank → ``[]`` (all pages).

    Raises ``InvalidParameterError("pages", ...)`` when the text does not match the pattern, a
    page number is 0, or a range runs backwards.
    """
    if spec is None or not spec.strip():
        return []
    text = spec.strip()
    if not PAGES_PATTERN.fullmatch(text):
        raise InvalidParameterError(
            "pages", f"'{_clip(spec)}' is not a list of 1-based pages or ranges like '1-3,5'."
        )
    ranges: list[tuple[int, int]] = []
    for part in text.split(","):
        lo_s, _, hi_s = part.strip().partition("-")
        try:
            lo = int(lo_s)
            hi = int(hi_s) if hi_s else lo
        except ValueError as e:  # more digits than int() accepts
            raise InvalidParameterError("pages", "a page number is too large.") from e
        if lo < 1:
            raise InvalidParameterError("pages", "page numbers start at 1.")
        if lo > hi:
            raise InvalidParameterError("pages", f"the range {lo}-{hi} runs backwards.")
        ranges.append((lo, hi))
    return ranges


def select_pages(ranges: list[tuple[int, int]] | None, page_count: int) -> list[int]:
    """Sorted unique 1-based page numbers of the document picked by ``ranges``.

    ``None`` or ``[]`` selects every page. Parts beyond the last page are ignored; if nothing
    is left, ``InvalidRequestError`` (inner code ``InvalidParameter``) is raised.
    """
    if not ranges:
        return list(range(1, page_count + 1))
    chosen: set[int] = set()
    for lo, hi in ranges:
        chosen.update(range(max(lo, 1), min(hi, page_count) + 1))
    if not chosen:
        raise InvalidRequestError(
            f"The pages parameter selects no page of this document, which has {page_count} "
            f"page{'s' if page_count != 1 else ''}.",
            inner_code="InvalidParameter",
            target="pages",
        )
    return sorted(chosen)


def _clip(text: str, n: int = 40) -> str:
    """Shorten user input echoed in an error message."""
    return text if len(text) <= n else text[: n - 1] + "…"
