"""Unit tests for docintel.extract.normalize.dates."""

from __future__ import annotations

import datetime as dt

import pytest

from docintel.extract.normalize import find_dates, infer_date_order, parse_date, parse_time

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-12", D(2024, 1, 12)),
        ("2024/01/12", D(2024, 1, 12)),
        ("12/01/2024", D(2024, 1, 12)),  # DMY default without languages
        ("12.01.2024", D(2024, 1, 12)),
        ("12-01-2024", D(2024, 1, 12)),
        ("12. 01. 2024", D(2024, 1, 12)),
        ("28/02/2023", D(2023, 2, 28)),
        ("02/28/2023", D(2023, 2, 28)),  # second part > 12 decides MDY
        ("20240112", D(2024, 1, 12)),
        ("12 Jan. 2024", D(2024, 1, 12)),
        ("12 Jan 2024", D(2024, 1, 12)),
        ("Jan 12, 2024", D(2024, 1, 12)),
        ("January 12th, 2024", D(2024, 1, 12)),
        ("Dec 5th, 2023", D(2023, 12, 5)),
        ("12-JAN-24", D(2024, 1, 12)),
        ("12 JAN 2024", D(2024, 1, 12)),
        ("2024 Jan 12", D(2024, 1, 12)),
        ("Monday, 15 January 2024", D(2024, 1, 15)),
        ("(12/01/2024)", D(2024, 1, 12)),
        ("12/01/2024.", D(2024, 1, 12)),
        # German
        ("25. März 2023", D(2023, 3, 25)),
        ("3. Oktober 2022", D(2022, 10, 3)),
        ("17 Dezember 2023", D(2023, 12, 17)),
        ("1. Mai 2021", D(2021, 5, 1)),
        # French
        ("1er février 2023", D(2023, 2, 1)),
        ("3 juillet 2023", D(2023, 7, 3)),
        ("14 août 2022", D(2022, 8, 14)),
        ("le 9 décembre 2021", D(2021, 12, 9)),
        # Spanish
        ("5 de marzo de 2023", D(2023, 3, 5)),
        ("21 de septiembre de 2020", D(2020, 9, 21)),
        ("7 enero 2024", D(2024, 1, 7)),
        # Italian
        ("12 gennaio 2024", D(2024, 1, 12)),
        ("1 maggio 2023", D(2023, 5, 1)),
        ("30 ottobre 2019", D(2019, 10, 30)),
        # Dutch
        ("12 januari 2024", D(2024, 1, 12)),
        ("12 mei 2024", D(2024, 5, 12)),
        ("4 oktober 2018", D(2018, 10, 4)),
        # Portuguese
        ("12 de janeiro de 2024", D(2024, 1, 12)),
        ("25 de dezembro de 2022", D(2022, 12, 25)),
        ("3 de outubro de 2021", D(2021, 10, 3)),
    ],
)
def test_parse_date_formats(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("order", "expected"),
    [("DMY", D(2005, 4, 3)), ("MDY", D(2005, 3, 4)), ("YMD", D(2003, 4, 5))],
)
def test_ambiguous_numeric_order(order: str, expected: dt.date) -> None:
    assert parse_date("03/04/05", order=order) == expected  # type: ignore[arg-type]


def test_default_order_depends_on_languages() -> None:
    assert parse_date("03/04/2005") == D(2005, 4, 3)  # no languages -> DMY
    assert parse_date("03/04/2005", languages=["en"]) == D(2005, 3, 4)
    assert parse_date("03/04/2005", languages=["de"]) == D(2005, 4, 3)
    assert parse_date("03/04/2005", languages=["en", "fr"]) == D(2005, 4, 3)
    assert parse_date("03/04/2005", languages=["en-US"]) == D(2005, 3, 4)
    assert parse_date("03/04/2005", languages=["en-GB"]) == D(2005, 4, 3)
    assert parse_date("03/04/2005", languages=["en_MY"]) == D(2005, 4, 3)


def test_explicit_order_yields_to_unambiguous_numbers() -> None:
    assert parse_date("13/01/2024", order="MDY") == D(2024, 1, 13)
    assert parse_date("01/13/2024", order="DMY") == D(2024, 1, 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/01/24", D(2024, 1, 12)),
        ("12/01/99", D(1999, 1, 12)),
        ("12/01/00", D(2000, 1, 12)),
        ("5-MAR-87", D(1987, 3, 5)),
    ],
)
def test_two_digit_years(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_two_digit_year_pivot_is_twenty_years_ahead() -> None:
    this = dt.date.today().year
    near = (this + 20) % 100
    far = (this + 21) % 100
    assert parse_date(f"01/01/{near:02d}") == D(this + 20, 1, 1)
    assert parse_date(f"01/01/{far:02d}") == D(this + 21 - 100, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2024",
        "30.02.2023",
        "29/02/2023",
        "32/01/2024",
        "12/13/2024/1",
        "12/01/1850",
        "12/01/2150",
        "00/01/2024",
        "5",
        "May",
        "12 Jan",
        "Jan 2024",
        "Total 12",
        "Total 12/01/2024",
        "Invoice 12 Jan 2024",
        "12:30",
        "1.234,56",
        "12.50",
        "03-1234 5678",
        "+60 12-345 6789",
        "12345678",
        "99999999",
        "",
        "Date",
        "2024",
    ],
)
def test_rejects_non_dates(text: str) -> None:
    assert parse_date(text) is None


def test_leap_day() -> None:
    assert parse_date("29/02/2024") == D(2024, 2, 29)


def test_languages_restrict_and_extend_vocabulary() -> None:
    assert parse_date("12 janvier 2024", languages=["fr"]) == D(2024, 1, 12)
    assert parse_date("12 January 2024", languages=["fr"]) == D(2024, 1, 12)  # en always on
    assert parse_date("12 stycznia 2024", languages=["pl"]) == D(2024, 1, 12)


def test_find_dates_offsets() -> None:
    text = "Invoice date 12/01/2024 Due 30 days"
    got = find_dates(text)
    assert got == [(13, 23, D(2024, 1, 12))]
    assert text[13:23] == "12/01/2024"


def test_find_dates_mixed() -> None:
    text = (
        "Shipped 5 de marzo de 2023; invoiced Jan 12, 2024 total 1.234,56 at 12:30 ref 2024-02-03"
    )
    got = find_dates(text)
    values = [v for _, _, v in got]
    assert values == [D(2023, 3, 5), D(2024, 1, 12), D(2024, 2, 3)]
    for start, end, _ in got:
        assert parse_date(text[start:end]) is not None


def test_find_dates_none() -> None:
    assert find_dates("Total 12 items, 1.234,56 EUR, tel 03-1234 5678") == []
    assert find_dates("no digits here") == []


def test_find_dates_respects_order() -> None:
    assert find_dates("on 03/04/05", order="MDY") == [(3, 11, D(2005, 3, 4))]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Date 25/12/2023", "Due 12/01/2024"], "DMY"),
        (["Date 12/25/2023", "x 01/02/2024"], "MDY"),
        (["2024-01-12"], "YMD"),
        (["2024-01-12", "25/12/2023"], "DMY"),
        (["13/01/2024", "01/13/2024"], None),
        (["01/02/2024"], None),
        (["Total 12.50", "Tel 03-1234 5678"], None),
        ([], None),
    ],
)
def test_infer_date_order(texts: list[str], expected: str | None) -> None:
    assert infer_date_order(texts) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4:49 PM", dt.time(16, 49)),
        ("4:49 p.m.", dt.time(16, 49)),
        ("16:49", dt.time(16, 49)),
        ("16:49:05", dt.time(16, 49, 5)),
        ("4.49pm", dt.time(16, 49)),
        ("16h49", dt.time(16, 49)),
        ("12:00 AM", dt.time(0, 0)),
        ("12:15 PM", dt.time(12, 15)),
        ("4 PM", dt.time(16, 0)),
        ("09:05:00", dt.time(9, 5)),
        ("16.49.05", dt.time(16, 49, 5)),
    ],
)
def test_parse_time(text: str, expected: dt.time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["16.49", "25:00", "12:60", "13:00 PM", "12", "abc", "1:2"])
def test_parse_time_rejects(text: str) -> None:
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12. Jänner 2024", D(2024, 1, 12)),
        ("12 sept. 2024", D(2024, 9, 12)),
        ("mercredi 3 janvier 2024", D(2024, 1, 3)),
        ("1/12/24", D(2024, 12, 1)),
        ("2024.01.12", D(2024, 1, 12)),
        ("12/1/2024", D(2024, 1, 12)),
    ],
)
def test_more_formats(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


def test_dateparser_fallback_is_strict_and_quiet() -> None:
    # Only date words but an unusual arrangement goes to dateparser (strict settings);
    # it must neither raise nor warn (warnings are errors in this suite).
    assert parse_date("12 January 2024 10") is None


def test_find_dates_skips_iso_datetime_tail() -> None:
    assert find_dates("2024-01-12T10:00:00") == [(0, 10, D(2024, 1, 12))]


def test_find_dates_glued_to_labels_and_times() -> None:
    """OCR glues labels and times to dates on receipts; offsets still index the text."""
    from docintel.extract.normalize import find_dates_glued

    text = "DATE:04/12/2017"
    ((s, e, d),) = find_dates_glued(text, order="DMY")
    assert d == dt.date(2017, 12, 4) and text[s:e] == "04/12/2017"
    assert [x[2] for x in find_dates_glued("09/02/201810:05", order="DMY")] == [dt.date(2018, 2, 9)]
    assert [x[2] for x in find_dates_glued("12/06/2016-13:30", order="DMY")] == [
        dt.date(2016, 6, 12)
    ]
    assert find_dates_glued("TOTAL 12.50") == []
