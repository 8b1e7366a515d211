"""Unit tests for docintel.extract.normalize.address."""

from __future__ import annotations

import pytest

from docintel.extract.normalize import Address, address_score, parse_address

CASES: list[tuple[str, list[str], dict[str, str | None]]] = [
    (
        "us",
        ["123 Main St, Suite 4", "Redmond, WA 98052"],
        {
            "house_number": "123",
            "road": "Main St",
            "unit": "Suite 4",
            "city": "Redmond",
            "state": "WA",
            "postal_code": "98052",
            "street_address": "123 Main St Suite 4",
        },
    ),
    (
        "us-zip4-country",
        ["4567 Oak Avenue", "Springfield, IL 62704-1234", "USA"],
        {
            "house_number": "4567",
            "road": "Oak Avenue",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62704-1234",
            "country_region": "USA",
        },
    ),
    (
        "us-pobox",
        ["PO Box 123", "Austin, TX 78701"],
        {"po_box": "PO Box 123", "city": "Austin", "state": "TX", "postal_code": "78701"},
    ),
    (
        "ca",
        ["250 King Street West", "Toronto, ON M5V 2T6", "Canada"],
        {
            "house_number": "250",
            "city": "Toronto",
            "state": "ON",
            "postal_code": "M5V 2T6",
            "country_region": "Canada",
        },
    ),
    (
        "uk",
        ["10 Downing Street", "London SW1A 2AA"],
        {
            "house_number": "10",
            "road": "Downing Street",
            "city": "London",
            "postal_code": "SW1A 2AA",
            "street_address": "10 Downing Street",
        },
    ),
    (
        "uk-postcode-own-line",
        ["221 Baker Road", "Manchester", "M1 4BT", "United Kingdom"],
        {
            "house_number": "221",
            "road": "Baker Road",
            "city": "Manchester",
            "postal_code": "M1 4BT",
            "country_region": "United Kingdom",
        },
    ),
    (
        "de",
        ["Musterstraße 12", "10115 Berlin", "Deutschland"],
        {
            "house_number": "12",
            "road": "Musterstraße",
            "city": "Berlin",
            "postal_code": "10115",
            "street_address": "Musterstraße 12",
            "country_region": "Deutschland",
        },
    ),
    (
        "de-prefix",
        ["Hauptstr. 5a", "D-80331 München"],
        {"house_number": "5a", "road": "Hauptstr.", "city": "München", "postal_code": "80331"},
    ),
    (
        "at",
        ["Ringgasse 3/2", "1010 Wien"],
        {"house_number": "3/2", "road": "Ringgasse", "city": "Wien", "postal_code": "1010"},
    ),
    (
        "ch",
        ["Bahnhofstrasse 1", "8001 Zürich", "Schweiz"],
        {"house_number": "1", "road": "Bahnhofstrasse", "city": "Zürich", "postal_code": "8001"},
    ),
    (
        "fr",
        ["12 rue de la Paix", "75002 Paris", "France"],
        {
            "house_number": "12",
            "road": "rue de la Paix",
            "city": "Paris",
            "postal_code": "75002",
            "street_address": "12 rue de la Paix",
            "country_region": "France",
        },
    ),
    (
        "es",
        ["Calle Mayor 5", "28013 Madrid", "España"],
        {
            "house_number": "5",
            "road": "Calle Mayor",
            "city": "Madrid",
            "postal_code": "28013",
            "country_region": "España",
        },
    ),
    (
        "it",
        ["Via Roma 10", "00184 Roma RM"],
        {
            "house_number": "10",
            "road": "Via Roma",
            "city": "Roma",
            "state": "RM",
            "postal_code": "00184",
        },
    ),
    (
        "it-paren",
        ["Piazza Garibaldi 3", "20121 Milano (MI)", "Italia"],
        {"house_number": "3", "city": "Milano", "state": "MI", "postal_code": "20121"},
    ),
    (
        "nl",
        ["Keizersgracht 123", "1015 CJ Amsterdam"],
        {
            "house_number": "123",
            "road": "Keizersgracht",
            "city": "Amsterdam",
            "postal_code": "1015 CJ",
        },
    ),
    (
        "be",
        ["Rue Neuve 45", "1000 Bruxelles", "Belgique"],
        {"house_number": "45", "road": "Rue Neuve", "city": "Bruxelles", "postal_code": "1000"},
    ),
    (
        "pt",
        ["Rua Augusta 100", "1100-053 Lisboa", "Portugal"],
        {
            "house_number": "100",
            "road": "Rua Augusta",
            "city": "Lisboa",
            "postal_code": "1100-053",
        },
    ),
    (
        "my-one-line",
        ["NO 12, JALAN ABC, 81100 JOHOR BAHRU, JOHOR"],
        {
            "house_number": "12",
            "road": "JALAN ABC",
            "city": "JOHOR BAHRU",
            "state": "JOHOR",
            "postal_code": "81100",
            "street_address": "NO 12, JALAN ABC",
        },
    ),
    (
        "my-multi-line",
        ["NO 3, JALAN MERANTI 2,", "TAMAN SERI", "43000 KAJANG, SELANGOR", "MALAYSIA"],
        {
            "house_number": "3",
            "road": "JALAN MERANTI 2",
            "suburb": "TAMAN SERI",
            "city": "KAJANG",
            "state": "SELANGOR",
            "postal_code": "43000",
            "country_region": "MALAYSIA",
        },
    ),
    (
        "de-postfach",
        ["Postfach 1234", "10115 Berlin"],
        {"po_box": "Postfach 1234", "city": "Berlin", "postal_code": "10115"},
    ),
]


@pytest.mark.parametrize(("name", "lines", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse_address(name: str, lines: list[str], expected: dict[str, str | None]) -> None:
    got = parse_address(lines)
    assert got is not None, name
    for key, value in expected.items():
        assert getattr(got, key) == value, (name, key, got)


@pytest.mark.parametrize(
    "lines",
    [[], [""], ["Thank you for shopping"], ["Total 12.00"], ["Invoice", "INV-1001"]],
)
def test_parse_address_none(lines: list[str]) -> None:
    assert parse_address(lines) is None


def test_country_hint_blocks_us_pattern() -> None:
    got = parse_address(["Via Roma 10", "00184 Roma RM"], country="ITA")
    assert got is not None
    assert got.city == "Roma"
    assert got.state == "RM"


def test_result_is_a_fresh_copy() -> None:
    a = parse_address(["Musterstraße 12", "10115 Berlin"])
    assert a is not None
    a.city = "changed"
    b = parse_address(["Musterstraße 12", "10115 Berlin"])
    assert b is not None
    assert b.city == "Berlin"


def test_address_defaults_empty() -> None:
    assert Address().is_empty()
    assert not Address(city="Paris").is_empty()


@pytest.mark.parametrize(("name", "lines", "expected"), CASES, ids=[c[0] for c in CASES])
def test_address_score_high_for_addresses(
    name: str, lines: list[str], expected: dict[str, str | None]
) -> None:
    assert address_score(lines) >= 0.45, name


@pytest.mark.parametrize(
    "lines",
    [
        ["Total 12.00"],
        ["Thank you for shopping with us"],
        ["Invoice", "INV-1001"],
        ["Qty 2", "Price 12.50"],
        ["www.example.com", "info@example.com"],
        ["Tel: 03-1234 5678"],
        [],
    ],
)
def test_address_score_low_for_non_addresses(lines: list[str]) -> None:
    assert address_score(lines) < 0.3


def test_address_score_in_range() -> None:
    for _, lines, _ in CASES:
        assert 0.0 <= address_score(lines) <= 1.0


def test_street_only_needs_a_house_number() -> None:
    assert parse_address(["Paid via Card"]) is None
    got = parse_address(["742 Evergreen Terrace"])
    assert got is not None
    assert (got.house_number, got.road) == ("742", "Evergreen Terrace")


def test_weak_trailing_code_needs_a_street() -> None:
    assert parse_address(["Invoice 12345"]) is None
    assert address_score(["Invoice 12345"]) < 0.3
    got = parse_address(["Jalan Ampang 88", "Kuala Lumpur 50450"])
    assert got is not None
    assert (got.city, got.postal_code, got.road) == ("Kuala Lumpur", "50450", "Jalan Ampang")


MORE_CASES: list[tuple[str, list[str], dict[str, str | None]]] = [
    (
        "es-city-comma-code",
        ["Paseo de la Castellana 77", "Madrid, 28046"],
        {"house_number": "77", "road": "Paseo de la Castellana", "city": "Madrid"},
    ),
    (
        "it-code-comma-city-prov",
        ["Vicolo Stretto, 9", "40121, Bologna (BO)"],
        {
            "house_number": "9",
            "road": "Vicolo Stretto",
            "city": "Bologna",
            "state": "BO",
            "postal_code": "40121",
        },
    ),
    (
        "it-level-tail",
        ["Corso Italia, 14 Piano 3", "50123 Firenze FI"],
        {"house_number": "14", "road": "Corso Italia", "level": "Piano 3", "city": "Firenze"},
    ),
    (
        "es-unit-tail",
        ["Avenida del Puerto 12 Puerta 4", "46021 Valencia"],
        {"house_number": "12", "road": "Avenida del Puerto", "unit": "Puerta 4"},
    ),
    (
        "be-bus",
        ["Kerkstraat 10 bus 2", "2000 Antwerpen"],
        {
            "house_number": "10",
            "road": "Kerkstraat",
            "unit": "bus 2",
            "street_address": "Kerkstraat 10 bus 2",
            "city": "Antwerpen",
        },
    ),
    (
        "nl-code-own-line",
        ["Prinsengracht 263", "1016 GV", "Amsterdam"],
        {"house_number": "263", "postal_code": "1016 GV", "city": "Amsterdam"},
    ),
    (
        "br-cep",
        ["Rua das Flores, 250", "Centro", "80010-020 Curitiba / PR"],
        {
            "house_number": "250",
            "road": "Rua das Flores",
            "suburb": "Centro",
            "postal_code": "80010-020",
            "city": "Curitiba",
            "state": "PR",
        },
    ),
    (
        "uk-flat",
        ["Flat 2", "Orchard Causeway", "Little Hampden", "HP16 9PS"],
        {
            "unit": "Flat 2",
            "road": "Orchard Causeway",
            "city": "Little Hampden",
            "postal_code": "HP16 9PS",
        },
    ),
    (
        "my-lot-and-numbered-road",
        ["LOT 7-3, JALAN INDAH 15/2,", "TAMAN BUKIT INDAH,", "81200 JOHOR BAHRU, JOHOR."],
        {
            "house_number": "LOT 7-3",
            "road": "JALAN INDAH 15/2",
            "suburb": "TAMAN BUKIT INDAH",
            "city": "JOHOR BAHRU",
            "state": "JOHOR",
            "postal_code": "81200",
        },
    ),
    (
        "my-building-level",
        ["Wisma Contoh, Level 8", "Jalan Tun Razak", "50400 Kuala Lumpur", "Malaysia"],
        {
            "house": "Wisma Contoh",
            "level": "Level 8",
            "road": "Jalan Tun Razak",
            "city": "Kuala Lumpur",
            "country_region": "Malaysia",
        },
    ),
    (
        "ch-saint-city",
        ["Marktgasse 4", "9000 St. Gallen"],
        {"road": "Marktgasse", "city": "St. Gallen", "postal_code": "9000"},
    ),
    (
        "fr-city-looks-like-street-suffix",
        ["8 avenue Victor Hugo", "69100 Villeurbanne"],
        {"road": "avenue Victor Hugo", "city": "Villeurbanne"},
    ),
]


@pytest.mark.parametrize(("name", "lines", "expected"), MORE_CASES, ids=[c[0] for c in MORE_CASES])
def test_parse_address_more(name: str, lines: list[str], expected: dict[str, str | None]) -> None:
    got = parse_address(lines)
    assert got is not None, name
    for key, value in expected.items():
        assert getattr(got, key) == value, (name, key, got)
    assert address_score(lines) >= 0.45


@pytest.mark.parametrize(
    "lines",
    [
        ["Customer ID 10023"],
        ["Thank you", "Customer ID 10023"],
        ["Table 5", "Qty 2"],
        ["Order 55123", "Store 0012"],
        ["Invoice No: 12345"],
        ["Park Avenue Cafe", "Payment by Visa 1234"],
    ],
)
def test_key_value_lines_are_not_addresses(lines: list[str]) -> None:
    assert parse_address(lines) is None
    assert address_score(lines) < 0.45
