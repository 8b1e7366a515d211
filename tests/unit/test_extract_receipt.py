"""Rules of the prebuilt-receipt extractor on invented receipts (hand-placed lines)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from docintel.extract.fields import ExtractContext, ExtractedDocument
from docintel.extract.receipt import classify_receipt, extract_receipt
from tests.helpers.extract import view_from_lines

CTX = ExtractContext(api_version="2023-07-31")


def _doc(lines: list[Any]) -> ExtractedDocument:
    out = extract_receipt(view_from_lines(lines), CTX)
    assert len(out.documents) == 1
    return out.documents[0]


def _rows(*rows: tuple[str, str | None], y0: float = 2.4, step: float = 0.22) -> list[Any]:
    """Label at the left margin, amount right-aligned on the same row."""
    out: list[Any] = []
    for i, (label, amount) in enumerate(rows):
        y = y0 + i * step
        out.append((label, 0.3, y))
        if amount is not None:
            out.append((amount, 2.6, y))
    return out


def test_malay_style_receipt_name_address_total_and_dmy_date() -> None:
    lines = [
        ("KEDAI RUNCIT MAJU JAYA SDN BHD (123456-A)", 0.3, 0.4),
        ("NO 5, JALAN MAWAR 3,", 0.6, 0.6),
        ("TAMAN SERI INDAH,", 0.6, 0.8),
        ("81200 JOHOR BAHRU, JOHOR", 0.6, 1.0),
        ("TEL: 07-2345 678", 0.6, 1.2),
        ("GST ID: 000123456789", 0.6, 1.4),
        ("TAX INVOICE", 0.9, 1.7),
        ("12/09/2023 14:05", 0.3, 2.0),
        *_rows(
            ("GULA PASIR 1KG", "2.90"),
            ("MINYAK MASAK 2KG", "13.00"),
            ("JUMLAH", "RM 15.90"),
            ("TUNAI", "20.00"),
            ("BAKI", "4.10"),
        ),
    ]
    doc = _doc(lines)
    f = doc.fields
    assert f["MerchantName"].text() == "KEDAI RUNCIT MAJU JAYA SDN BHD"
    assert f["MerchantAddress"].text() == (
        "NO 5, JALAN MAWAR 3, TAMAN SERI INDAH, 81200 JOHOR BAHRU, JOHOR"
    )
    assert f["TransactionDate"].value == dt.date(2023, 9, 12)
    assert f["TransactionTime"].value == dt.time(14, 5)
    assert f["Total"].value == 15.90
    assert f["Total"].confidence >= 0.8  # cash - change confirms it
    assert f["MerchantPhoneNumber"].value == "+6072345678"
    items = f["Items"].value
    assert [i.value["TotalPrice"].value for i in items] == [2.90, 13.00]
    assert items[0].value["Description"].value == "GULA PASIR 1KG"


def test_german_receipt_comma_decimals_tax_and_quantity() -> None:
    lines = [
        ("Bäckerei Sonnenschein GmbH", 0.3, 0.4),
        ("Lindenstraße 12", 0.5, 0.6),
        ("10115 Berlin", 0.5, 0.8),
        ("Tel. 030 1234567", 0.5, 1.0),
        ("Datum: 14.03.2024 10:22", 0.3, 1.6),
        *_rows(
            ("Brötchen 6 x 0,45", "2,70"),
            ("Milchkaffee", "3,20"),
            ("Summe EUR", "5,90"),
            ("MwSt 7%", "0,39"),
            ("Bar", "10,00"),
            ("Rückgeld", "4,10"),
            y0=2.0,
        ),
    ]
    f = _doc(lines).fields
    assert f["MerchantName"].text() == "Bäckerei Sonnenschein GmbH"
    assert f["MerchantAddress"].text() == "Lindenstraße 12 10115 Berlin"
    assert f["TransactionDate"].value == dt.date(2024, 3, 14)
    assert f["Total"].value == 5.90
    assert f["TotalTax"].value == 0.39
    first = f["Items"].value[0].value
    assert first["Quantity"].value == 6
    assert first["Price"].value == 0.45
    assert first["Description"].value == "Brötchen"


def test_us_restaurant_tip_subtotal_mdy_and_meal_type() -> None:
    lines = [
        ("THE BLUE HERON GRILL", 0.4, 0.4),
        ("455 Harbor Ave", 0.5, 0.6),
        ("Portland, OR 97205", 0.5, 0.8),
        ("(503) 555-0142", 0.5, 1.0),
        ("Server: Dana   Table 12   Guests 2", 0.3, 1.4),
        ("03/07/2024 7:45 PM", 0.3, 1.6),
        *_rows(
            ("Clam Chowder", "$9.50"),
            ("Grilled Salmon", "$33.00"),
            ("Subtotal", "$42.50"),
            ("Tax", "$3.40"),
            ("Tip", "$8.00"),
            ("Total", "$53.90"),
            y0=2.0,
        ),
    ]
    doc = _doc(lines)
    f = doc.fields
    assert doc.doc_type == "receipt.retailMeal"
    assert f["MerchantName"].text() == "THE BLUE HERON GRILL"
    assert f["TransactionDate"].value == dt.date(2024, 3, 7)
    assert f["TransactionTime"].value == dt.time(19, 45)
    assert (f["Subtotal"].value, f["TotalTax"].value, f["Tip"].value) == (42.5, 3.4, 8.0)
    assert f["Total"].value == 53.9
    assert f["MerchantPhoneNumber"].value == "+15035550142"


def test_rounding_adjustment_gives_the_rounded_total() -> None:
    lines = [
        ("PASAR BARU MINIMARKET", 0.4, 0.4),
        ("LOT 7, JALAN KENANGA 2", 0.4, 0.6),
        ("43000 KAJANG, SELANGOR", 0.4, 0.8),
        ("01-02-2022 09:10", 0.3, 1.2),
        *_rows(
            ("ROTI GANDUM", "3.33"),
            ("SUSU SEGAR", "9.00"),
            ("Total Sales (Incl GST)", "12.33"),
            ("Rounding Adjustment", "-0.03"),
            ("Total After Rounding", "12.30"),
            ("Cash", "20.00"),
            ("Change", "7.70"),
            y0=1.6,
        ),
    ]
    f = _doc(lines).fields
    assert f["Total"].value == 12.30
    assert f["TransactionDate"].value == dt.date(2022, 2, 1)


def test_logo_garbage_and_boilerplate_are_not_the_merchant() -> None:
    lines = [
        ("Xqvbrt", 2.0, 0.2, 0.6),
        ("WELCOME TO OUR STORE", 0.4, 1.0),
        ("TAX INVOICE", 0.6, 1.2),
        ("LUMIERE OPTICS S.A.R.L.", 0.4, 1.4),
        ("14 rue des Lilas", 0.5, 1.6),
        ("69003 Lyon", 0.5, 1.8),
        ("Le 05/06/2023 à 15:40", 0.3, 2.2),
        *_rows(("Monture", "120,00"), ("Total TTC", "120,00 €"), y0=2.6),
    ]
    f = _doc(lines).fields
    assert f["MerchantName"].text() == "LUMIERE OPTICS S.A.R.L."
    assert f["MerchantAddress"].text() == "14 rue des Lilas 69003 Lyon"
    assert f["TransactionDate"].value == dt.date(2023, 6, 5)
    assert f["Total"].value == 120.0


def test_total_qty_and_tax_lines_are_not_the_total() -> None:
    lines = [
        ("FERRETERIA EL MARTILLO S.L.", 0.3, 0.4),
        ("Calle Mayor 21", 0.4, 0.6),
        ("28013 Madrid", 0.4, 0.8),
        ("Fecha: 21/11/2023", 0.3, 1.2),
        *_rows(
            ("Tornillos 4x40", "3,50"),
            ("Martillo", "12,95"),
            ("Total artículos 2", None),
            ("Base imponible", "13,60"),
            ("IVA 21%", "2,85"),
            ("Importe total", "16,45"),
            y0=1.6,
        ),
    ]
    f = _doc(lines).fields
    assert f["Total"].value == 16.45
    assert f["Subtotal"].value == 13.60
    assert f["TotalTax"].value == 2.85
    assert f["Total"].confidence >= 0.8


def test_hotel_folio_dates_and_currency() -> None:
    lines = [
        ("HOTEL AURORA DEL MARE", 0.3, 0.4),
        ("Via Roma 88", 0.4, 0.6),
        ("80121 Napoli", 0.4, 0.8),
        ("Folio 20931   Room 305", 0.3, 1.2),
        ("Arrival: 12/05/2024", 0.3, 1.4),
        ("Departure: 14/05/2024", 0.3, 1.6),
        *_rows(
            ("12/05 Room charge", "160,00"),
            ("13/05 Room charge", "160,00"),
            ("Total EUR", "320,00"),
            y0=2.0,
        ),
    ]
    doc = _doc(lines)
    f = doc.fields
    assert doc.doc_type == "receipt.hotel"
    assert f["ArrivalDate"].value == dt.date(2024, 5, 12)
    assert f["DepartureDate"].value == dt.date(2024, 5, 14)
    assert f["Currency"].value == "EUR"
    assert f["Total"].value == 320.0
    assert "TransactionDate" not in f  # not in the hotel schema


def test_classification_cues() -> None:
    assert classify_receipt(["Pump 4", "Unleaded 32.1 litres", "TOTAL 58.20"])[0] == "receipt.gas"
    assert classify_receipt(["City Car Park", "Entry 08:02", "Exit 11:40", "Parking fee 12.00"])[
        0
    ] == ("receipt.parking")
    slip = ["SALE", "**** **** **** 4821", "APPROVED", "AUTH CODE: 123456", "TOTAL $25.00"]
    assert classify_receipt(slip)[0] == "receipt.creditCard"
    assert classify_receipt(["Milk 1.20", "Bread 2.10", "TOTAL 3.30"])[0] == "receipt"


def test_empty_view_gives_an_empty_receipt() -> None:
    out = extract_receipt(view_from_lines([("", 0.3, 0.3)]), CTX)
    assert len(out.documents) <= 1


def test_two_line_name_repeated_header_and_country_ends_the_address() -> None:
    lines = [
        ("BINTANG TIMUR HARDWARE &", 0.3, 0.4),
        ("BUILDING SUPPLY", 0.6, 0.6),
        ("BINTANG TIMUR HARDWARE & BUILDING SUPPLY", 0.2, 0.8),
        ("NO 12, JALAN CEMPAKA 4,", 0.4, 1.0),
        ("70200 SEREMBAN, MALAYSIA", 0.4, 1.2),
        ("KEPONG BRANCH OUTLET", 0.4, 1.4),
        ("Date: 03/04/2021", 0.3, 1.8),
        *_rows(("PAIP PVC 2M", "8.50"), ("TOTAL", "8.50"), y0=2.2),
    ]
    f = _doc(lines).fields
    assert f["MerchantName"].text() == "BINTANG TIMUR HARDWARE & BUILDING SUPPLY"
    assert f["MerchantAddress"].text() == "NO 12, JALAN CEMPAKA 4, 70200 SEREMBAN, MALAYSIA"


def test_amount_paid_when_no_total_label_is_readable() -> None:
    lines = [
        ("KEDAI BUKU CERIA", 0.4, 0.4),
        ("LOT 3, JALAN MERANTI", 0.4, 0.6),
        ("25/10/2022", 0.3, 1.0),
        *_rows(
            ("BUKU LATIHAN", "4.10"),
            ("CASH", "10.00"),
            ("BALANCE", "5.90"),
            y0=1.4,
        ),
    ]
    f = _doc(lines).fields
    assert f["Total"].value == 4.10
    assert f["Total"].confidence < 0.8  # derived, not labelled


def test_country_name_inside_the_first_address_line_does_not_end_the_address() -> None:
    """A "Mall" misread as "Mali" (a country) before the postcode: the address goes on."""
    lines = [
        ("HARBOUR NOODLE HOUSE SDN BHD", 0.3, 0.4),
        ("Lot 3-10, Riverside Mali", 0.5, 0.6),
        ("Jalan Sungai Besi, Taman Riverside", 0.5, 0.8),
        ("57100 Kuala Lumpur", 0.5, 1.0),
        ("Tel: 03-9876 5432", 0.5, 1.2),
        ("05/11/2023 19:20", 0.3, 1.6),
        *_rows(("Fried noodles", "12.00"), ("Iced tea", "3.50"), ("TOTAL", "15.50")),
    ]
    address = _doc(lines).fields["MerchantAddress"]
    assert address.text() == (
        "Lot 3-10, Riverside Mali Jalan Sungai Besi, Taman Riverside 57100 Kuala Lumpur"
    )
    assert address.value is not None and address.value.postal_code == "57100"


# --- multilingual rules (invented receipts) ------------------------------------------------------


def test_country_from_vat_id_and_phone_read_in_that_country() -> None:
    lines = [
        ("Backstube Lindenhof", 0.3, 0.3),
        ("Lindenweg 12", 0.3, 0.5),
        ("80331 Ahrensburg", 0.3, 0.7),
        ("Tel. 089 4412873", 0.3, 0.9),
        ("USt-IdNr. DE287445120", 0.3, 1.1),
        ("Datum: 14.03.2025", 0.3, 1.4),
        *_rows(("Brezel", "1,20"), ("Kaffee", "2,80"), ("SUMME", "4,00 €")),
    ]
    f = _doc(lines).fields
    assert f["CountryRegion"].value == "DEU"
    assert f["CountryRegion"].confidence >= 0.8
    assert f["MerchantPhoneNumber"].value == "+49894412873"


def test_country_from_postcode_and_language_without_names() -> None:
    lines = [
        ("Broodjeszaak De Molen", 0.3, 0.3),
        ("Molenstraat 5", 0.3, 0.5),
        ("4811 XB Zandhoven", 0.3, 0.7),
        ("Datum: 02-05-2025 Tijd: 12:10", 0.3, 1.0),
        *_rows(("Broodje kaas", "3,50"), ("Totaal", "3,50 €"), ("Contant", "5,00")),
        ("Bedankt en tot ziens", 0.3, 3.4),
    ]
    f = _doc(lines).fields
    assert f["CountryRegion"].value == "NLD"


def test_tax_row_with_rate_base_and_tax_picks_the_tax_by_arithmetic() -> None:
    lines = [
        ("Drogheria Bellini", 0.3, 0.3),
        ("Via Roma 8", 0.3, 0.5),
        ("P.IVA 01234567890", 0.3, 0.7),
        ("03/04/2025 10:12", 0.3, 1.0),
        *_rows(("Sapone", "4,10"), ("Shampoo", "8,10"), ("TOTALE", "12,20 €")),
        ("IVA 22% 10,00", 0.3, 3.1),
        ("2,20", 2.6, 3.1),
    ]
    f = _doc(lines).fields
    assert f["TotalTax"].value == 2.20
    assert f["TotalTax"].confidence >= 0.8
    assert f["CountryRegion"].value == "ITA"


def test_brazilian_tributos_and_italian_subtotale_are_recognised() -> None:
    lines = [
        ("Padaria Sol Nascente", 0.3, 0.3),
        ("Rua das Flores, 10", 0.3, 0.5),
        ("CNPJ 11.222.333/0001-44", 0.3, 0.7),
        ("10/02/2025 08:30", 0.3, 1.0),
        *_rows(
            ("Pao frances", "6,00"), ("Cafe", "4,00"), ("SUBTOTALE", "10,00"), ("TOTAL", "R$ 10,00")
        ),
        ("Tributos 15% 8,70", 0.3, 3.4),
        ("1,30", 2.6, 3.4),
    ]
    f = _doc(lines).fields
    assert f["Subtotal"].value == 10.00
    assert f["TotalTax"].value == 1.30
    assert f["CountryRegion"].value == "BRA"


def test_card_slip_amount_plus_tip_is_the_subtotal() -> None:
    lines = [
        ("Harbour Grill", 0.3, 0.3),
        ("4 Quay Street", 0.3, 0.5),
        ("10/05/2025 21:04", 0.3, 0.9),
        ("VISA ************4821", 0.3, 1.2),
        *_rows(("AMOUNT", "40.00"), ("TIP", "6.00"), ("TOTAL", "46.00")),
        ("AUTHORISED", 0.3, 3.2),
        ("AUTH 551203", 0.3, 3.4),
    ]
    doc = _doc(lines)
    f = doc.fields
    assert f["Total"].value == 46.00
    assert f["Subtotal"].value == 40.00
    assert f["Tip"].value == 6.00
    assert doc.doc_type == "receipt.creditCard"


def test_multilingual_doc_type_cues() -> None:
    assert classify_receipt(["Parkeergarage Centrum", "Inrit: 10:02", "Uitrit: 12:30"])[0] == (
        "receipt.parking"
    )
    assert classify_receipt(["Ingresso 08:10", "Uscita 09:15", "Sosta 1h 05min"])[0] == (
        "receipt.parking"
    )
    assert classify_receipt(["Bomba 3", "Gasolina 95", "20,00 L x 1,700 €/L"])[0] == "receipt.gas"
    assert classify_receipt(["CARTA VISA", "****1234", "TRANSAZIONE APPROVATA"])[0] == (
        "receipt.creditCard"
    )
    assert classify_receipt(["Mesa 4", "Garcom: Joao"], n_items=3)[0] == "receipt.retailMeal"


def test_bare_service_line_is_the_tip_and_address_stops_at_time_label() -> None:
    lines = [
        ("Taberna El Puerto", 0.3, 0.3),
        ("Calle Mayor 3", 0.3, 0.5),
        ("28013 Villaluz Hora: 13:40", 0.3, 0.7),
        ("Fecha: 11/06/2025", 0.3, 1.0),
        *_rows(("Tortilla", "9,00"), ("Service", "1,00"), ("TOTAL", "10,00 €")),
    ]
    f = _doc(lines).fields
    assert f["Tip"].value == 1.00
    assert f["MerchantAddress"].text() == "Calle Mayor 3 28013 Villaluz"


def test_printed_total_wins_over_cash_equal_to_the_rounded_amount() -> None:
    """TOTAL 9.87, rounding -0.02, CASH 9.85: the total is the printed 9.87, not the cash."""
    lines = [
        ("PEKAN HARDWARE TRADING", 0.3, 0.4),
        ("12 JALAN BESAR, 43000 KAJANG", 0.4, 0.6),
        ("03/02/2018 10:14", 0.3, 1.0),
        *_rows(
            ("PAINT BRUSH 2IN", "4.00"),
            ("MASKING TAPE", "5.31"),
            ("GST 6%", "0.56"),
            ("TOTAL", "9.87"),
            ("ROUNDING", "-0.02"),
            ("CASH", "9.85"),
            ("CHANGE", "0.00"),
        ),
    ]
    assert _doc(lines).fields["Total"].value == 9.87


def test_unread_total_is_subtotal_plus_tax_with_the_rounding_applied() -> None:
    """The total's amount was not read: subtotal + tax, adjusted by the printed rounding."""
    lines = [
        ("PEKAN HARDWARE TRADING", 0.3, 0.4),
        ("12 JALAN BESAR, 43000 KAJANG", 0.4, 0.6),
        ("03/02/2018 10:14", 0.3, 1.0),
        *_rows(
            ("PAINT BRUSH 2IN", "9.31"),
            ("SUB-TOTAL", "9.31"),
            ("GST 6%", "0.56"),
            ("TOTAL", None),
            ("ROUNDING", "-0.02"),
        ),
    ]
    assert _doc(lines).fields["Total"].value == 9.85
