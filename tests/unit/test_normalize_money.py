"""Unit tests for docintel.extract.normalize.money / numbers."""

from __future__ import annotations

import pytest

from docintel.extract.normalize import (
    Money,
    infer_decimal_separator,
    parse_amount,
    parse_money,
    parse_number,
    parse_percent,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", 1234.56),
        ("1.234,56", 1234.56),
        ("1 234,56", 1234.56),
        ("1\u00a0234,56", 1234.56),
        ("1\u202f234,56", 1234.56),
        ("1'234.56", 1234.56),
        ("1’234.56", 1234.56),
        ("($1,200.00)", -1200.0),
        ("(1,200.00)", -1200.0),
        ("-12.00", -12.0),
        ("−12.00", -12.0),
        ("12.00-", -12.0),
        ("-$5.00", -5.0),
        ("$-5.00", -5.0),
        ("1234", 1234.0),
        ("12,5", 12.5),
        ("12,50", 12.5),
        ("1,234", 1234.0),
        ("1,234,567.89", 1234567.89),
        ("1.234.567,89", 1234567.89),
        ("0,125", 0.125),
        ("¥1,200", 1200.0),
        ("€ 12", 12.0),
        ("12.00 USD", 12.0),
        ("RM 12.50", 12.5),
        ("12,-", 12.0),
        ("+3.50", 3.5),
        ("0.99", 0.99),
    ],
)
def test_parse_amount(text: str, expected: float) -> None:
    assert parse_amount(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "12%",
        "19 %",
        "N/A",
        "",
        "-",
        "12/01/2024",
        "12.01.2024",
        "2024-01-12",
        "03-1234 5678",
        "+60 12-345 6789",
        "(425) 555-0100",
        "Total 12.00",
        "hello",
        "1,234,5",
        "12:30",
        "123456789012345678",
        "12 34",
        "12.00 XYZ",
        "€ 12 USD",
    ],
)
def test_parse_amount_rejects(text: str) -> None:
    assert parse_amount(text) is None


def test_forced_decimal_separator() -> None:
    assert parse_amount("1,234", decimal=",") == pytest.approx(1.234)
    assert parse_amount("1.234", decimal=",") == pytest.approx(1234.0)
    assert parse_amount("1,234", decimal=".") == pytest.approx(1234.0)
    assert parse_amount("1.234", decimal=".") == pytest.approx(1.234)
    # The text itself is unambiguous: it wins over the document hint.
    assert parse_amount("1.234,56", decimal=".") == pytest.approx(1234.56)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56 €", Money(1234.56, "€", "EUR")),
        ("($1,200.00)", Money(-1200.0, "$", "USD")),
        ("$12.00", Money(12.0, "$", "USD")),
        ("US$ 5", Money(5.0, "US$", "USD")),
        ("USD 1,234.56", Money(1234.56, None, "USD")),
        ("12.00 USD", Money(12.0, None, "USD")),
        ("12 EUR", Money(12.0, None, "EUR")),
        ("£9.99", Money(9.99, "£", "GBP")),
        ("¥1,200", Money(1200.0, "¥", "JPY")),
        ("₹ 1,500", Money(1500.0, "₹", "INR")),
        ("Rs. 100", Money(100.0, "Rs.", "INR")),
        ("RM 12.50", Money(12.5, "RM", "MYR")),
        ("RM12.50", Money(12.5, "RM", "MYR")),
        ("CHF 10.00", Money(10.0, "CHF", "CHF")),
        ("Fr. 12.50", Money(12.5, "Fr.", "CHF")),
        ("kr 100", Money(100.0, "kr", "SEK")),
        ("12,00 zł", Money(12.0, "zł", "PLN")),
        ("R$ 10,00", Money(10.0, "R$", "BRL")),
        ("S$ 3.20", Money(3.2, "S$", "SGD")),
        ("12.50", Money(12.5, None, None)),
    ],
)
def test_parse_money(text: str, expected: Money) -> None:
    got = parse_money(text)
    assert got is not None
    assert got.amount == pytest.approx(expected.amount)
    assert (got.symbol, got.code) == (expected.symbol, expected.code)


def test_dollar_resolution() -> None:
    assert parse_money("$12", country="CA") == Money(12.0, "$", "CAD")
    assert parse_money("$12", country="CAN") == Money(12.0, "$", "CAD")
    assert parse_money("$12", country="AU") == Money(12.0, "$", "AUD")
    assert parse_money("$12", default_code="SGD") == Money(12.0, "$", "SGD")
    assert parse_money("$12", country="DE") == Money(12.0, "$", "USD")
    assert parse_money("$12") == Money(12.0, "$", "USD")
    assert parse_money("kr 5", country="NO") == Money(5.0, "kr", "NOK")
    assert parse_money("¥5", country="CN") == Money(5.0, "¥", "CNY")


def test_default_code_when_nothing_printed() -> None:
    assert parse_money("12.00", default_code="EUR") == Money(12.0, None, "EUR")
    assert parse_money("€12", default_code="USD") == Money(12.0, "€", "EUR")


def test_parse_money_rejects() -> None:
    for text in ("12%", "N/A", "Total", "12/01/2024", "$ 12 €", "12 apples"):
        assert parse_money(text) is None


def test_money_is_frozen() -> None:
    m = Money(1.0, "$", "USD")
    with pytest.raises(AttributeError):
        m.amount = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Total 1.234,56", "MwSt 12,50", "Datum 12.01.2024"], ","),
        (["Total 1,234.56", "Tax 12.50 USD"], "."),
        (["12,50", "3,20", "1.00"], ","),
        (["12.01.2024", "12:30", "Tel 03-1234 5678"], None),
        (["12,50", "12.50"], None),
        ([], None),
    ],
)
def test_infer_decimal_separator(texts: list[str], expected: str | None) -> None:
    assert infer_decimal_separator(texts) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19%", 19.0),
        ("19 %", 19.0),
        ("7,5 %", 7.5),
        ("7.5%", 7.5),
        ("VAT 20%", 20.0),
        ("MwSt. 19 %", 19.0),
        ("(6%)", 6.0),
    ],
)
def test_parse_percent(text: str, expected: float) -> None:
    assert parse_percent(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["12", "1% 2%", "%", "12.50", "abc 5% def 6"])
def test_parse_percent_rejects(text: str) -> None:
    assert parse_percent(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 2.0),
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("2 pcs", 2.0),
        ("2pcs", 2.0),
        ("3 kg", 3.0),
        ("2 Stk.", 2.0),
        ("x2", 2.0),
        ("2x", 2.0),
        ("2 x", 2.0),
        ("×3", 3.0),
        ("1,234", 1234.0),
        ("1.234", 1.234),
        ("-1", -1.0),
        ("0.250 kg", 0.25),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


def test_parse_number_forced_decimal() -> None:
    assert parse_number("1,234", decimal=",") == pytest.approx(1.234)
    assert parse_number("1.234", decimal=",") == pytest.approx(1234.0)


@pytest.mark.parametrize("text", ["", "abc", "12/01/2024", "1.2.3", "two"])
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


def test_symbol_and_code_together() -> None:
    assert parse_money("$1,200.00 USD") == Money(1200.0, "$", "USD")
    assert parse_money("$5 CAD") == Money(5.0, "$", "CAD")
    assert parse_money("$5 EUR") is None  # contradictory
    assert parse_amount("$1,200.00 USD") == pytest.approx(1200.0)


@pytest.mark.parametrize(
    "text", ["12.50 SR", "5.00 ZR", "3.00 S", "3.00 T", "3.00 R", "2.00 KM", "12.00 X", "12.00 GST"]
)
def test_receipt_tax_codes_are_not_currencies(text: str) -> None:
    assert parse_money(text) is None


def test_short_symbols_kept() -> None:
    assert parse_money("R 12.00") == Money(12.0, "R", "ZAR")
    assert parse_money("Rp 5.000") == Money(5000.0, "Rp", "IDR")
    assert parse_money("5 Ft") == Money(5.0, "Ft", "HUF")
    assert parse_money("rm 5.00") == Money(5.0, "rm", "MYR")
