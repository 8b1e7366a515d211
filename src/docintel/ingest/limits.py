"""Input limits (API_CONTRACT.md §13) and the checks that need no decoding."""

from __future__ import annotations

from dataclasses import dataclass

from docintel.core.errors import InvalidContentLengthError

_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """What ingest accepts; defaults are the Azure S0 limits.

    ``max_pixels`` guards against decompression bombs: it is checked from image headers before
    any pixel is decoded. ``max_render_pixels`` caps a PDF page render (the dpi is lowered to
    fit), so a huge page cannot allocate gigabytes. PDF page sides must lie within
    ``min_page_side_in``..``max_page_side_in`` inches (the PDF spec allows 3..14,400 points).
    """

    max_bytes: int = 500 * _MB
    max_pages: int = 2000
    min_side_px: int = 50
    max_side_px: int = 10000
    max_pixels: int = 10000 * 10000
    max_render_pixels: int = 60_000_000
    min_page_side_in: float = 0.1
    max_page_side_in: float = 200.0


def check_size(n_bytes: int, limits: Limits) -> None:
    """Reject a file larger than ``limits.max_bytes`` with ``InvalidContentLengthError``."""
    if n_bytes > limits.max_bytes:
        raise InvalidContentLengthError(
            f"The file is {_human(n_bytes)}, larger than the limit of {_human(limits.max_bytes)}."
        )


def _human(n: int) -> str:
    """A byte count for messages: whole MB when large, else bytes."""
    return f"{n / _MB:,.1f} MB" if n >= _MB else f"{n:,} bytes"
