"""Unit tests for phone, country, bank and text normalizers, and the package surface."""

from __future__ import annotations

import subprocess
import sys

import pytest

import docintel.extract.normalize as normalize
from docintel.extract.normalize import (
    country_alpha2,
    country_alpha3,
    normalize_label,
    parse_iban,
    parse_phone,
    parse_swift,
)


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("(425) 555-0100", None, "+14255550100"),
        ("425-555-0100", "US", "+14255550100"),
        ("Phone: +1 425-555-0100", None, "+14255550100"),
        ("+1 (212) 555-0199", "GB", "+12125550199"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+44 20 7946 0958", None, "+442079460958"),
        ("Tel.: 030 1234567", "DE", "+49301234567"),
        ("+49 (0)30 12345678", None, "+493012345678"),
        ("0049 89 1234567", None, "+49891234567"),
        ("Tel: 03-1234 5678", "MY", "+60312345678"),
        ("012-345 6789", "MY", "+60123456789"),
        ("+60 7-333 1234", None, "+6073331234"),
        ("Fax 07-333 1234", "MY", "+6073331234"),
    ],
)
def test_parse_phone(text: str, region: str | None, expected: str) -> None:
    assert parse_phone(text, region=region) == expected


@pytest.mark.parametrize(
    "text",
    [
        "123",
        "12.50",
        "hello",
        "",
        "Tel:",
        "555-01",
        "555-0100",  # only dialable locally
        "2.500.000",
        "100,000.00",
        "1234567890123456789",
        "12/01/2024 x",
    ],
)
def test_parse_phone_rejects(text: str) -> None:
    assert parse_phone(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Germany", "DEU"),
        ("Deutschland", "DEU"),
        ("DE", "DEU"),
        ("DEU", "DEU"),
        ("U.S.A.", "USA"),
        ("United States", "USA"),
        ("USA", "USA"),
        ("UK", "GBR"),
        ("United Kingdom", "GBR"),
        ("España", "ESP"),
        ("Espana", "ESP"),
        ("Malaysia", "MYS"),
        ("MALAYSIA", "MYS"),
        ("France", "FRA"),
        ("Allemagne", "DEU"),
        ("Italia", "ITA"),
        ("Nederland", "NLD"),
        ("The Netherlands", "NLD"),
        ("Brasil", "BRA"),
        ("Schweiz", "CHE"),
        ("Suisse", "CHE"),
        ("Österreich", "AUT"),
        ("België", "BEL"),
        ("Alemanha", "DEU"),
        ("Spagna", "ESP"),
        ("Canada", "CAN"),
    ],
)
def test_country_alpha3(text: str, expected: str) -> None:
    assert country_alpha3(text) == expected


@pytest.mark.parametrize("text", ["in", "it", "de", "Hello", "", "Total", "XX", "Atlantis"])
def test_country_alpha3_rejects(text: str) -> None:
    assert country_alpha3(text) is None


def test_country_alpha2() -> None:
    assert country_alpha2("DEU") == "DE"
    assert country_alpha2("usa") == "US"
    assert country_alpha2("XXX") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("de89370400440532013000", "DE89370400440532013000"),
        ("IBAN: GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),
    ],
)
def test_parse_iban_valid(text: str, expected: str) -> None:
    assert parse_iban(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "DE88 3704 0044 0532 0130 00",  # bad checksum
        "GB82 WEST 1234 5698 7654 33",
        "DE89 3704 0044 0532 0130",  # wrong length
        "hello",
        "",
        "12345678",
    ],
)
def test_parse_iban_invalid(text: str) -> None:
    assert parse_iban(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DEUTDEFF", "DEUTDEFF"),
        ("deutdeff500", "DEUTDEFF500"),
        ("BIC: COBADEFFXXX", "COBADEFFXXX"),
        ("SWIFT: NWBK GB 2L", "NWBKGB2L"),
    ],
)
def test_parse_swift_valid(text: str, expected: str) -> None:
    assert parse_swift(text) == expected


@pytest.mark.parametrize("text", ["DEUTXXFF", "HELLO", "DEUT", "", "1234DEFF"])
def test_parse_swift_invalid(text: str) -> None:
    assert parse_swift(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Invoice  No.:", "invoice no"),
        ("INVOICE #", "invoice"),
        ("Fecha de emisión:", "fecha de emision"),
        ("Rechnungs-Nr.", "rechnungs-nr"),
        ("Total\tAmount", "total amount"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_normalize_label(text: str, expected: str) -> None:
    assert normalize_label(text) == expected


def test_public_api_exported() -> None:
    expected = {
        "Address",
        "DateOrder",
        "Money",
        "address_score",
        "country_alpha2",
        "country_alpha3",
        "find_dates",
        "infer_date_order",
        "infer_decimal_separator",
        "normalize_label",
        "parse_address",
        "parse_amount",
        "parse_date",
        "parse_iban",
        "parse_money",
        "parse_number",
        "parse_percent",
        "parse_phone",
        "parse_swift",
        "parse_time",
    }
    assert expected <= set(normalize.__all__)
    for name in expected:
        assert hasattr(normalize, name)


def test_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, docintel.extract.normalize\n"
        "heavy = ['dateparser', 'phonenumbers', 'pycountry', 'babel', 'usaddress', 'schwifty',"
        " 'price_parser']\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""
