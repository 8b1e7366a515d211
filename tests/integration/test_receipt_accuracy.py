"""prebuilt-receipt end to end: invented narrow PDF receipts, and a floor on eval receipts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from reportlab.lib.units import inch
from reportlab.pdfgen import canvas

from tests.helpers.extract import analyze_bytes

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"

Receipt = list[tuple[str, str | None]]


def _pdf(*pages: Receipt, width: float = 3.0) -> bytes:
    """A narrow till-roll PDF: one receipt per page, labels left, amounts right-aligned."""
    buf = io.BytesIO()
    height = 8.0
    c = canvas.Canvas(buf, pagesize=(width * inch, height * inch))
    for rows in pages:
        y = height - 0.5
        for left, right in rows:
            c.setFont("Courier", 8)
            c.drawString(0.15 * inch, y * inch, left)
            if right is not None:
                c.drawRightString((width - 0.15) * inch, y * inch, right)
            y -= 0.2
        c.showPage()
    c.save()
    return buf.getvalue()


ITALIAN: Receipt = [
    ("TRATTORIA DA GIULIA S.R.L.", None),
    ("Via Garibaldi 14", None),
    ("40124 Bologna", None),
    ("Tel. 051 234 5678", None),
    ("Tavolo 7   Coperti 2", None),
    ("Data 18/10/2023  Ora 21:14", None),
    ("Tagliatelle al ragu", "12,00"),
    ("Acqua minerale", "2,50"),
    ("Coperto 2 x 2,00", "4,00"),
    ("Totale", "18,50"),
    ("Contanti", "20,00"),
    ("Resto", "1,50"),
]

DUTCH_FUEL: Receipt = [
    ("TANKSTATION DE POLDER B.V.", None),
    ("Dijkweg 3", None),
    ("1681 NC Zwaagdijk", None),
    ("Datum: 02-04-2024 08:31", None),
    ("Pomp 3  Euro 95 E10", None),
    ("40,12 liter x 1,999", "80,20"),
    ("BTW 21%", "13,92"),
    ("Totaal EUR", "80,20"),
]


def _fields(doc: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = doc["fields"]
    return fields


def test_italian_restaurant_pdf() -> None:
    result = analyze_bytes(_pdf(ITALIAN), "prebuilt-receipt")
    (doc,) = result["documents"]
    f = _fields(doc)
    assert doc["docType"] == "receipt.retailMeal"
    assert f["MerchantName"]["valueString"] == "TRATTORIA DA GIULIA S.R.L."
    assert f["MerchantAddress"]["content"] == "Via Garibaldi 14 40124 Bologna"
    assert f["TransactionDate"]["valueDate"] == "2023-10-18"
    assert f["TransactionTime"]["valueTime"] == "21:14:00"
    assert f["Total"]["valueNumber"] == 18.5
    assert f["Total"]["confidence"] >= 0.8
    # no country printed: Italian words (tavolo, coperti, totale, contanti, resto) give ITA,
    # and the national number is read in Italy
    assert f["MerchantPhoneNumber"]["content"] == "051 234 5678"
    assert f["MerchantPhoneNumber"]["valuePhoneNumber"] == "+390512345678"
    assert f["CountryRegion"]["valueCountryRegion"] == "ITA"
    assert len(f["Items"]["valueArray"]) == 3
    with_locale = analyze_bytes(_pdf(ITALIAN), "prebuilt-receipt", locale="it-IT")
    phone = with_locale["documents"][0]["fields"]["MerchantPhoneNumber"]
    assert phone["valuePhoneNumber"] == "+390512345678"


def test_two_receipts_on_two_pages_give_two_documents() -> None:
    result = analyze_bytes(_pdf(ITALIAN, DUTCH_FUEL), "prebuilt-receipt")
    docs = result["documents"]
    assert [d["docType"] for d in docs] == ["receipt.retailMeal", "receipt.gas"]
    fuel = _fields(docs[1])
    assert fuel["Total"]["valueNumber"] == 80.2
    assert fuel["TotalTax"]["valueNumber"] == 13.92
    assert fuel["TransactionDate"]["valueDate"] == "2024-04-02"
    assert docs[1]["boundingRegions"][0]["pageNumber"] == 2


@pytest.mark.skipif(not (EVAL / "receipts").is_dir(), reason="eval data not available")
def test_eval_receipts_floor() -> None:
    from benchmarks.receipt_eval import evaluate, files_with_gt

    files = files_with_gt()[:20]
    res = evaluate(files)
    assert res["documents"] == 20
    assert res["micro_f1"] >= 0.75, res["accuracy"]
    assert res["accuracy"]["Total"] >= 0.85
    assert res["accuracy"]["TransactionDate"] >= 0.9
    high = [p for p in res["confidence_pairs"] if p[1] >= 0.8]
    assert sum(1 for p in high if p[2]) >= 0.8 * len(high)


def test_card_slip_and_portuguese_pdf() -> None:
    slip: Receipt = [
        ("NORTHWIND BOOKS LLC", None),
        ("1200 Pine Street", None),
        ("Seattle, WA 98101", None),
        ("SALE", None),
        ("VISA ************4821", None),
        ("AUTH CODE: 0A12B3", None),
        ("APPROVED", None),
        ("11/14/2023 4:49 PM", None),
        ("TOTAL", "$25.00"),
        ("CARDHOLDER SIGNATURE", None),
    ]
    (doc,) = analyze_bytes(_pdf(slip), "prebuilt-receipt")["documents"]
    f = _fields(doc)
    assert doc["docType"] == "receipt.creditCard"
    assert f["Total"]["valueNumber"] == 25.0
    assert f["TransactionDate"]["valueDate"] == "2023-11-14"
    assert f["TransactionTime"]["valueTime"] == "16:49:00"
    assert f["MerchantName"]["valueString"] == "NORTHWIND BOOKS LLC"
    pt: Receipt = [
        ("PADARIA ESTRELA LDA", None),
        ("Rua das Flores 45", None),
        ("4050-262 Porto", None),
        ("Data: 09-01-2024 08:15", None),
        ("2 x 0,80 Pastel de nata", "1,60"),
        ("Cafe", "0,70"),
        ("IVA 13%", "0,26"),
        ("Total a pagar", "2,30"),
        ("Dinheiro", "5,00"),
        ("Troco", "2,70"),
    ]
    (doc,) = analyze_bytes(_pdf(pt), "prebuilt-receipt")["documents"]
    f = _fields(doc)
    assert f["Total"]["valueNumber"] == 2.3
    assert f["Total"]["confidence"] >= 0.8
    assert f["TotalTax"]["valueNumber"] == 0.26
    assert f["TransactionDate"]["valueDate"] == "2024-01-09"
    item = f["Items"]["valueArray"][0]["valueObject"]
    assert item["Quantity"]["valueNumber"] == 2
    assert item["Price"]["valueNumber"] == 0.8


def test_french_tax_row_and_spanish_card_slip_with_tip_pdf() -> None:
    fr: Receipt = [
        ("EPICERIE DU MARCHE", None),
        ("8, rue des Tanneurs", None),
        ("67000 Ribeauville", None),
        ("01 45 22 81 30", None),
        ("SIRET 41234567800019", None),
        ("12/02/2025 17:40", None),
        ("Fromage de chevre", "6,30"),
        ("Baguette", "1,10"),
        ("TOTAL TTC", "7,40 €"),
        ("TVA 5,5%  7,01", "0,39"),
        ("Especes", "10,00"),
        ("Rendu", "2,60"),
    ]
    (doc,) = analyze_bytes(_pdf(fr), "prebuilt-receipt")["documents"]
    f = _fields(doc)
    assert f["Total"]["valueNumber"] == 7.4
    assert f["TotalTax"]["valueNumber"] == 0.39
    assert f["CountryRegion"]["valueCountryRegion"] == "FRA"
    assert f["MerchantPhoneNumber"]["valuePhoneNumber"] == "+33145228130"
    es: Receipt = [
        ("CERVECERIA LA PLAZA", None),
        ("Calle Real 21", None),
        ("29601 Marbella", None),
        ("Fecha: 05-06-2025 22:10", None),
        ("TARJETA VISA ************3377", None),
        ("IMPORTE", "30,00"),
        ("Propina", "3,00"),
        ("Total a pagar", "33,00 €"),
        ("OPERACION APROBADA", None),
    ]
    (doc,) = analyze_bytes(_pdf(es), "prebuilt-receipt")["documents"]
    f = _fields(doc)
    assert doc["docType"] == "receipt.creditCard"
    assert f["Total"]["valueNumber"] == 33.0
    assert f["Subtotal"]["valueNumber"] == 30.0
    assert f["Tip"]["valueNumber"] == 3.0
    assert f["Subtotal"]["confidence"] >= 0.8
    assert f["CountryRegion"]["valueCountryRegion"] == "ESP"
