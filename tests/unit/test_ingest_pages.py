"""The ``pages`` parameter: parsing and selection, and the size limit."""

from __future__ import annotations

import pytest

from docintel.core.errors import (
    InvalidContentLengthError,
    InvalidParameterError,
    InvalidRequestError,
)
from docintel.ingest.limits import Limits, check_size
from docintel.ingest.pages import parse_pages, select_pages


@pytest.mark.parametrize(
    ("spec", "ranges"),
    [
        ("1", [(1, 1)]),
        ("1-3,5", [(1, 3), (5, 5)]),
        ("1-3, 5, 7-9", [(1, 3), (5, 5), (7, 9)]),
        ("2-2", [(2, 2)]),
        ("5,1", [(5, 5), (1, 1)]),
        (None, []),
        ("", []),
        ("  ", []),
    ],
)
def test_parse_valid(spec: str | None, ranges: list[tuple[int, int]]) -> None:
    """Valid specs become inclusive ranges in the given order; blank means all."""
    assert parse_pages(spec) == ranges


@pytest.mark.parametrize(
    "spec",
    ["0", "0-2", "3-1", "1,", ",1", "1--2", "a", "1-", "-1", "1;2", "1 ,2", "1.5", "١", "9" * 5000],
)
def test_parse_invalid(spec: str) -> None:
    """Malformed, zero, backwards or absurd values name the parameter."""
    with pytest.raises(InvalidParameterError) as ei:
        parse_pages(spec)
    assert ei.value.parameter == "pages"
    body = ei.value.to_error_body()
    assert body["code"] == "InvalidArgument"
    assert body["innererror"]["code"] == "InvalidParameter"
    assert "pages" in body["innererror"]["message"]


def test_select_all_when_no_ranges() -> None:
    """None and [] select every page."""
    assert select_pages(None, 3) == [1, 2, 3]
    assert select_pages([], 2) == [1, 2]


def test_select_sorted_unique_and_clipped() -> None:
    """Overlaps merge, order is ascending, parts past the end are ignored."""
    assert select_pages([(5, 9), (1, 2), (2, 3)], 6) == [1, 2, 3, 5, 6]
    assert select_pages([(2, 10**12)], 4) == [2, 3, 4]


def test_select_nothing_left() -> None:
    """Ranges entirely beyond the document fail with InvalidRequest/InvalidParameter."""
    with pytest.raises(InvalidRequestError) as ei:
        select_pages([(5, 7), (9, 9)], 4)
    body = ei.value.to_error_body()
    assert body["code"] == "InvalidRequest"
    assert body["innererror"]["code"] == "InvalidParameter"


def test_limits_defaults() -> None:
    """Defaults are the Azure S0 limits."""
    lim = Limits()
    assert (lim.max_bytes, lim.max_pages) == (500 * 1024 * 1024, 2000)
    assert (lim.min_side_px, lim.max_side_px, lim.max_pixels) == (50, 10000, 10**8)


def test_check_size() -> None:
    """At the limit passes; one byte over fails with InvalidContentLength."""
    lim = Limits(max_bytes=4 * 1024 * 1024)
    check_size(4 * 1024 * 1024, lim)
    with pytest.raises(InvalidContentLengthError) as ei:
        check_size(4 * 1024 * 1024 + 1, lim)
    assert ei.value.to_error_body()["innererror"]["code"] == "InvalidContentLength"
