"""prebuilt-invoice extraction on invoices invented here (reportlab PDFs and placed lines)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from docintel.extract.fields import ExtractContext
from docintel.extract.invoice import extract_invoice
from docintel.extract.invoice_labels import AMOUNTS, COLUMNS, FIELDS, norm_words
from tests.helpers.extract import analyze_bytes, view_from_lines

canvas = pytest.importorskip("reportlab.pdfgen.canvas")

Row = tuple[float, float, str, str]  # (x inch, y inch from top, text, font)


def _pdf(pages: list[list[Row]]) -> bytes:
    """A Letter PDF with text drawn at (x, y-from-top) in inches."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(612, 792))
    for rows in pages:
        for x, y, text, font in rows:
            name, _, size = font.partition(":")
            c.setFont(name or "Helvetica", float(size or 10))
            if x < 0:
                c.drawRightString(-x * 72, 792 - y * 72, text)
            else:
                c.drawString(x * 72, 792 - y * 72, text)
        c.showPage()
    c.save()
    return buf.getvalue()


def _fields(pdf: bytes, api_version: str = "2023-07-31") -> dict[str, Any]:
    result = analyze_bytes(pdf, "prebuilt-invoice", api_version=api_version)
    docs = result["documents"]
    assert len(docs) == 1 and docs[0]["docType"] == "invoice"
    fields: dict[str, Any] = docs[0]["fields"]
    return fields


def _money(f: dict[str, Any]) -> tuple[float, str | None]:
    v = f["valueCurrency"]
    return v["amount"], v.get("currencyCode")


def _items(fields: dict[str, Any]) -> list[dict[str, Any]]:
    return [it["valueObject"] for it in fields["Items"]["valueArray"]]


# --- a German invoice: 1.234,56 €, "25. März 2023", rules-free table ---------------------------

H = "Helvetica:9"
B = "Helvetica-Bold:9"


def _german() -> bytes:
    rows: list[Row] = [
        (0.8, 0.9, "Kleinschmidt Haustechnik GmbH", "Helvetica-Bold:16"),
        (0.8, 1.15, "Lindenallee 17", H),
        (0.8, 1.3, "04109 Leipzig", H),
        (0.8, 1.45, "USt-IdNr.: DE 281 445 903", H),
        (0.8, 2.1, "Rechnungsempfänger:", B),
        (0.8, 2.3, "Bäckerei Sonnenschein OHG", H),
        (0.8, 2.45, "Mühlweg 3", H),
        (0.8, 2.6, "99084 Erfurt", H),
        (4.8, 2.1, "Rechnungs-Nr.:", H),
        (-7.6, 2.1, "2023-0417", H),
        (4.8, 2.28, "Rechnungsdatum:", H),
        (-7.6, 2.28, "25. März 2023", H),
        (4.8, 2.46, "Zahlbar bis:", H),
        (-7.6, 2.46, "24. April 2023", H),
        (4.8, 2.64, "Kundennummer:", H),
        (-7.6, 2.64, "K-20931", H),
        (0.8, 3.4, "Pos.", B),
        (1.3, 3.4, "Artikelbezeichnung", B),
        (4.3, 3.4, "Menge", B),
        (5.6, 3.4, "Einzelpreis", B),
        (-7.6, 3.4, "Gesamtpreis", B),
        (0.8, 3.65, "1", H),
        (1.3, 3.65, "Wärmepumpe Luft/Wasser 8 kW", H),
        (-4.7, 3.65, "1", H),
        (-6.3, 3.65, "1.234,56 €", H),
        (-7.6, 3.65, "1.234,56 €", H),
        (0.8, 3.9, "2", H),
        (1.3, 3.9, "Montagestunden Fachkraft", H),
        (-4.7, 3.9, "6", H),
        (-6.3, 3.9, "78,50 €", H),
        (-7.6, 3.9, "471,00 €", H),
        (5.3, 4.4, "Nettobetrag", H),
        (-7.6, 4.4, "1.705,56 €", H),
        (5.3, 4.6, "zzgl. 19 % MwSt.", H),
        (-7.6, 4.6, "324,06 €", H),
        (5.3, 4.8, "Rechnungsbetrag", B),
        (-7.6, 4.8, "2.029,62 €", B),
        (0.8, 5.6, "Zahlungsbedingungen: 30 Tage netto", H),
        (0.8, 5.8, "IBAN: DE89 3704 0044 0532 0130 00   BIC: COBADEFFXXX", H),
    ]
    return _pdf([rows])


def test_german_invoice_fields() -> None:
    f = _fields(_german())
    assert f["VendorName"]["valueString"] == "Kleinschmidt Haustechnik GmbH"
    assert f["CustomerName"]["valueString"] == "Bäckerei Sonnenschein OHG"
    assert "Erfurt" in f["CustomerAddress"]["content"]
    assert f["VendorAddress"]["valueAddress"]["postalCode"] == "04109"
    assert f["InvoiceId"]["valueString"] == "2023-0417"
    assert f["InvoiceDate"]["valueDate"] == "2023-03-25"
    assert f["DueDate"]["valueDate"] == "2023-04-24"
    assert f["CustomerId"]["valueString"] == "K-20931"
    assert f["VendorTaxId"]["valueString"] == "DE 281 445 903"
    assert _money(f["SubTotal"]) == (1705.56, "EUR")
    assert _money(f["TotalTax"]) == (324.06, "EUR")
    assert _money(f["InvoiceTotal"]) == (2029.62, "EUR")
    assert f["InvoiceTotal"]["valueCurrency"]["currencySymbol"] == "€"
    assert "AmountDue" not in f
    assert f["PaymentTerm"]["valueString"] == "30 Tage netto"
    pay = f["PaymentDetails"]["valueArray"][0]["valueObject"]
    assert pay["IBAN"]["valueString"] == "DE89370400440532013000"
    assert pay["SWIFT"]["valueString"] == "COBADEFFXXX"
    tax = f["TaxDetails"]["valueArray"][0]["valueObject"]
    assert tax["Rate"]["valueString"].replace(" ", "") == "19%"
    items = _items(f)
    assert [it["Description"]["valueString"] for it in items] == [
        "Wärmepumpe Luft/Wasser 8 kW",
        "Montagestunden Fachkraft",
    ]
    assert items[0]["UnitPrice"]["valueCurrency"]["amount"] == 1234.56
    assert items[1]["Quantity"]["valueNumber"] == 6
    assert items[1]["Amount"]["valueCurrency"]["amount"] == 471.0
    # Cross-checks agree: the totals are confident.
    assert f["InvoiceTotal"]["confidence"] >= 0.8


def test_german_invoice_v30_schema() -> None:
    f = _fields(_german(), api_version="2022-08-31")
    for name in ("TotalDiscount", "PaymentDetails", "TaxDetails"):
        assert name not in f
    assert "TaxRate" not in _items(f)[0]
    assert f["InvoiceTotal"]["valueCurrency"]["amount"] == 2029.62


# --- a French invoice: "1 234,56 €", N° de facture, Total TTC, discount ---------------------------


def _french() -> bytes:
    rows: list[Row] = [
        (0.8, 0.9, "Atelier Mercier SARL", "Times-Bold:18"),
        (0.8, 1.15, "12 rue des Tanneurs", "Times-Roman:10"),
        (0.8, 1.3, "69002 Lyon", "Times-Roman:10"),
        (5.0, 0.9, "FACTURE", "Times-Bold:18"),
        (5.0, 1.3, "N° de facture :", "Times-Roman:10"),
        (-7.7, 1.3, "FA-88213", "Times-Roman:10"),
        (5.0, 1.48, "Date :", "Times-Roman:10"),
        (-7.7, 1.48, "03/02/2024", "Times-Roman:10"),
        (5.0, 1.66, "Échéance :", "Times-Roman:10"),
        (-7.7, 1.66, "04/03/2024", "Times-Roman:10"),
        (0.8, 2.2, "Facturer à", "Times-Bold:10"),
        (0.8, 2.38, "Librairie du Parc", "Times-Roman:10"),
        (0.8, 2.54, "8 avenue Foch", "Times-Roman:10"),
        (0.8, 2.7, "75116 Paris", "Times-Roman:10"),
        (0.8, 3.3, "Désignation", "Times-Bold:10"),
        (4.4, 3.3, "Quantité", "Times-Bold:10"),
        (5.4, 3.3, "Prix unitaire", "Times-Bold:10"),
        (-7.7, 3.3, "Montant", "Times-Bold:10"),
        (0.8, 3.55, "Reliure cuir pleine peau", "Times-Roman:10"),
        (-4.9, 3.55, "4", "Times-Roman:10"),
        (-6.3, 3.55, "1 234,56 €", "Times-Roman:10"),
        (-7.7, 3.55, "4 938,24 €", "Times-Roman:10"),
        (0.8, 3.8, "Dorure à chaud, titre et dos", "Times-Roman:10"),
        (-4.9, 3.8, "4", "Times-Roman:10"),
        (-6.3, 3.8, "45,00 €", "Times-Roman:10"),
        (-7.7, 3.8, "180,00 €", "Times-Roman:10"),
        (5.3, 4.3, "Total HT", "Times-Roman:10"),
        (-7.7, 4.3, "5 118,24 €", "Times-Roman:10"),
        (5.3, 4.5, "Remise", "Times-Roman:10"),
        (-7.7, 4.5, "-118,24 €", "Times-Roman:10"),
        (5.3, 4.7, "TVA 20 %", "Times-Roman:10"),
        (-7.7, 4.7, "1 000,00 €", "Times-Roman:10"),
        (5.3, 4.9, "Total TTC", "Times-Bold:10"),
        (-7.7, 4.9, "6 000,00 €", "Times-Bold:10"),
    ]
    return _pdf([rows])


def test_french_invoice_fields() -> None:
    f = _fields(_french())
    assert f["VendorName"]["valueString"] == "Atelier Mercier SARL"
    assert f["InvoiceId"]["valueString"] == "FA-88213"
    # 03/02 -> 04/03 with a 30-day term: day-month order.
    assert f["InvoiceDate"]["valueDate"] == "2024-02-03"
    assert f["DueDate"]["valueDate"] == "2024-03-04"
    assert f["CustomerName"]["valueString"] == "Librairie du Parc"
    assert f["BillingAddressRecipient"]["valueString"] == "Librairie du Parc"
    assert "75116 Paris" in f["CustomerAddress"]["content"]
    assert _money(f["SubTotal"]) == (5118.24, "EUR")
    assert _money(f["TotalDiscount"]) == (118.24, "EUR")
    assert _money(f["TotalTax"]) == (1000.0, "EUR")
    assert _money(f["InvoiceTotal"]) == (6000.0, "EUR")
    items = _items(f)
    assert len(items) == 2
    assert items[1]["Description"]["valueString"] == "Dorure à chaud, titre et dos"


# --- a Spanish invoice without currency symbols (code in a header), and an Italian one ---------


def test_spanish_invoice_code_only_currency() -> None:
    rows: list[Row] = [
        (0.8, 0.9, "Talleres Ortega S.L.", "Helvetica-Bold:16"),
        (0.8, 1.15, "Calle Mayor 45", H),
        (0.8, 1.3, "28013 Madrid", H),
        (0.8, 1.45, "NIF: B12345678", H),
        (5.0, 0.9, "FACTURA", "Helvetica-Bold:16"),
        (5.0, 1.3, "Número de factura:", H),
        (-7.6, 1.3, "F-2024-118", H),
        (5.0, 1.48, "Fecha de factura:", H),
        (-7.6, 1.48, "15/01/2024", H),
        (5.0, 1.66, "Vencimiento:", H),
        (-7.6, 1.66, "14/02/2024", H),
        (5.0, 1.84, "Pedido:", H),
        (-7.6, 1.84, "PED-5531", H),
        (0.8, 2.2, "Cliente:", B),
        (0.8, 2.38, "Distribuciones Marín S.A.", H),
        (0.8, 2.54, "Avenida del Puerto 12", H),
        (0.8, 2.7, "46021 Valencia", H),
        (0.8, 3.3, "Descripción", B),
        (4.4, 3.3, "Cantidad", B),
        (5.4, 3.3, "Precio unitario", B),
        (-7.6, 3.3, "Importe (EUR)", B),
        (0.8, 3.55, "Revisión de frenos", H),
        (-4.9, 3.55, "2", H),
        (-6.4, 3.55, "85,00", H),
        (-7.6, 3.55, "170,00", H),
        (0.8, 3.8, "Neumático 205/55 R16", H),
        (-4.9, 3.8, "4", H),
        (-6.4, 3.8, "92,50", H),
        (-7.6, 3.8, "370,00", H),
        (5.3, 4.3, "Base imponible", H),
        (-7.6, 4.3, "540,00", H),
        (5.3, 4.5, "IVA 21%", H),
        (-7.6, 4.5, "113,40", H),
        (5.3, 4.7, "Total factura", B),
        (-7.6, 4.7, "653,40", B),
    ]
    f = _fields(_pdf([rows]))
    assert f["VendorName"]["valueString"] == "Talleres Ortega S.L."
    assert f["VendorTaxId"]["valueString"] == "B12345678"
    assert f["InvoiceId"]["valueString"] == "F-2024-118"
    assert f["PurchaseOrder"]["valueString"] == "PED-5531"
    assert f["InvoiceDate"]["valueDate"] == "2024-01-15"
    assert f["CustomerName"]["valueString"] == "Distribuciones Marín S.A."
    assert _money(f["InvoiceTotal"]) == (653.4, "EUR")
    assert _money(f["SubTotal"]) == (540.0, "EUR")
    items = _items(f)
    assert items[1]["Amount"]["valueCurrency"]["currencyCode"] == "EUR"
    assert items[1]["UnitPrice"]["valueCurrency"]["amount"] == 92.5


def test_italian_invoice_labels_in_line() -> None:
    rows: list[Row] = [
        (0.8, 0.9, "Ferramenta Rossi S.r.l.", "Helvetica-Bold:16"),
        (0.8, 1.15, "Via Garibaldi 21", H),
        (0.8, 1.3, "20121 Milano", H),
        (0.8, 1.45, "P.IVA: IT01234567890", H),
        (5.0, 1.3, "Fattura n. 2024/77", H),
        (5.0, 1.48, "Data: 12 gennaio 2024", H),
        (5.0, 1.66, "Scadenza: 11 febbraio 2024", H),
        (0.8, 2.2, "Spett.le", B),
        (0.8, 2.38, "Bianchi Costruzioni S.p.A.", H),
        (0.8, 2.54, "Corso Vittorio Emanuele 8", H),
        (0.8, 2.7, "10121 Torino", H),
        (0.8, 3.3, "Codice", B),
        (1.6, 3.3, "Descrizione", B),
        (4.4, 3.3, "Quantità", B),
        (5.4, 3.3, "Prezzo unitario", B),
        (-7.6, 3.3, "Importo", B),
        (0.8, 3.55, "VT-114", H),
        (1.6, 3.55, "Viti inox M6 x 40", H),
        (-4.9, 3.55, "200", H),
        (-6.4, 3.55, "€ 0,35", H),
        (-7.6, 3.55, "€ 70,00", H),
        (5.3, 4.1, "Imponibile", H),
        (-7.6, 4.1, "€ 70,00", H),
        (5.3, 4.3, "IVA 22%", H),
        (-7.6, 4.3, "€ 15,40", H),
        (5.3, 4.5, "Totale", B),
        (-7.6, 4.5, "€ 85,40", B),
    ]
    f = _fields(_pdf([rows]))
    assert f["InvoiceId"]["valueString"] == "2024/77"
    assert f["InvoiceDate"]["valueDate"] == "2024-01-12"
    assert f["DueDate"]["valueDate"] == "2024-02-11"
    assert f["CustomerName"]["valueString"] == "Bianchi Costruzioni S.p.A."
    assert _money(f["InvoiceTotal"]) == (85.4, "EUR")
    item = _items(f)[0]
    assert item["ProductCode"]["valueString"] == "VT-114"
    assert item["Quantity"]["valueNumber"] == 200


# --- a two-page item table: repeated header, wrapped description, US dates ------------------


def _two_page() -> bytes:
    head: list[Row] = [
        (0.8, 0.9, "Northwind Supply Co.", "Helvetica-Bold:16"),
        (0.8, 1.15, "400 Harbor Blvd", H),
        (0.8, 1.3, "Oakland, CA 94607", H),
        (5.0, 1.15, "Invoice #", H),
        (-7.6, 1.15, "NW-55120", H),
        (5.0, 1.33, "Invoice Date", H),
        (-7.6, 1.33, "03/04/2024", H),
        (5.0, 1.51, "Due Date", H),
        (-7.6, 1.51, "04/03/2024", H),
        (0.8, 2.0, "BILL TO", B),
        (0.8, 2.18, "Green Valley Farms", H),
        (0.8, 2.34, "18 Orchard Road", H),
        (0.8, 2.5, "Fresno, CA 93650", H),
    ]
    header: list[tuple[float, str]] = [
        (0.8, "Item"), (1.7, "Description"), (4.5, "Qty"), (5.6, "Unit Price"), (7.0, "Amount")
    ]  # fmt: skip
    p1 = list(head)
    p2: list[Row] = [(0.8, 0.7, "Northwind Supply Co. - Invoice NW-55120 - Page 2 of 2", H)]
    y = 3.0
    for x, t in header:
        p1.append((x, y, t, B))
    for x, t in header:
        p2.append((x, 1.1, t, B))
    total = 0.0
    y1, y2 = 3.25, 1.35
    for n in range(1, 41):
        qty, price = n % 7 + 1, 10.0 + n
        amount = qty * price
        total += amount
        page = p1 if n <= 28 else p2
        y = y1 if n <= 28 else y2
        page.append((0.8, y, f"SKU-{1000 + n}", H))
        page.append((1.7, y, f"Irrigation part {n}", H))
        page.append((-4.8, y, str(qty), H))
        page.append((-6.3, y, f"${price:,.2f}", H))
        page.append((-7.6, y, f"${amount:,.2f}", H))
        if n == 5:
            # A description that wraps onto a second line.
            page.append((1.7, y + 0.14, "with stainless fittings", H))
            y += 0.14
        if n <= 28:
            y1 = y + 0.24
        else:
            y2 = y + 0.24
    tax = round(total * 0.0725, 2)
    p2 += [
        (5.3, y2 + 0.3, "Subtotal", H),
        (-7.6, y2 + 0.3, f"${total:,.2f}", H),
        (5.3, y2 + 0.5, "Sales Tax (7.25%)", H),
        (-7.6, y2 + 0.5, f"${tax:,.2f}", H),
        (5.3, y2 + 0.7, "Total", B),
        (-7.6, y2 + 0.7, f"${total + tax:,.2f}", B),
    ]
    return _pdf([p1, p2])


def test_two_page_item_table() -> None:
    f = _fields(_two_page())
    items = _items(f)
    assert len(items) == 40
    assert items[4]["Description"]["valueString"] == "Irrigation part 5 with stainless fittings"
    assert items[-1]["ProductCode"]["valueString"] == "SKU-1040"
    assert items[-1]["Quantity"]["valueNumber"] == 40 % 7 + 1
    assert items[-1]["Amount"]["valueCurrency"]["currencyCode"] == "USD"
    assert {r["pageNumber"] for it in f["Items"]["valueArray"] for r in it["boundingRegions"]} == {
        1,
        2,
    }
    total = sum(it["Amount"]["valueCurrency"]["amount"] for it in items)
    assert f["SubTotal"]["valueCurrency"]["amount"] == pytest.approx(total)
    # 03/04 -> 04/03 only makes sense month-first in a USD invoice.
    assert f["InvoiceDate"]["valueDate"] == "2024-03-04"
    assert f["CustomerName"]["valueString"] == "Green Valley Farms"
    assert f["InvoiceId"]["valueString"] == "NW-55120"


# --- pure rules on placed lines ----------------------------------------------------------------


def test_lexicon_tolerates_ocr_slips() -> None:
    assert FIELDS.prefix(norm_words("lnvoice Date:"))[2] == "invoicedate"  # type: ignore[index]
    assert FIELDS.prefix(norm_words("Rechnungs-Nr."))[2] == "rechnungsnr"  # type: ignore[index]
    assert AMOUNTS.whole(norm_words("Zwischensumme")) is not None
    assert COLUMNS.whole(norm_words("Prix unitaire")) is not None
    # No fuzzy match between labels of different meaning.
    assert FIELDS.prefix(norm_words("Invoice to")) is None


def test_label_above_value_and_lone_total_due() -> None:
    view = view_from_lines(
        [
            ("Brightline Consulting LLC", 0.8, 0.8, 0.25),
            ("22 King Street", 0.8, 1.2),
            ("Boston, MA 02110", 0.8, 1.4),
            ("Invoice Number", 0.8, 2.0),
            ("Issue Date", 2.6, 2.0),
            ("Due Date", 4.4, 2.0),
            ("BC-0912", 0.8, 2.2),
            ("June 3, 2024", 2.6, 2.2),
            ("July 3, 2024", 4.4, 2.2),
            ("Description", 0.8, 3.0),
            ("Hours", 4.5, 3.0),
            ("Rate", 5.6, 3.0),
            ("Amount", 7.0, 3.0),
            ("Strategy workshop", 0.8, 3.25),
            ("8", 4.6, 3.25),
            ("$150.00", 5.6, 3.25),
            ("$1,200.00", 7.0, 3.25),
            ("Total due", 5.6, 3.8),
            ("$1,200.00", 7.0, 3.8),
        ]
    )
    doc = extract_invoice(view, ExtractContext(api_version="2023-07-31")).documents[0]
    f = doc.fields
    assert f["InvoiceId"].value == "BC-0912"
    assert f["InvoiceDate"].value == dt.date(2024, 6, 3)
    assert f["DueDate"].value == dt.date(2024, 7, 3)
    assert f["InvoiceTotal"].value.amount == 1200.0
    assert "AmountDue" not in f
    assert f["VendorName"].value == "Brightline Consulting LLC"
    item = f["Items"].value[0].value
    assert item["Quantity"].value == 8.0
    assert item["UnitPrice"].value.amount == 150.0
    for field in f.values():
        assert 0.0 < field.confidence <= 1.0


def test_empty_view_gives_no_document() -> None:
    view = view_from_lines([])
    assert extract_invoice(view, ExtractContext(api_version="2023-07-31")).documents == []
