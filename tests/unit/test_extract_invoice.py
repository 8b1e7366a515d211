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


# --- OCR artefacts of scans (round 2): views built word by word, in pixels -------------------

Word = tuple[str, float, float, float, float]  # text, x0, y0, x1, y1 (pixels)


def _ocr_view(lines: list[list[Word]], width: float = 1700.0, height: float = 2200.0) -> Any:
    """A one-page DocView of OCR lines whose word boxes are given exactly (pixels)."""
    from docintel.extract.docview import DocView, PageView, TextLine, Token
    from docintel.layout.content import Span

    content_parts: list[str] = []
    pos = 0
    tlines: list[TextLine] = []
    tokens: list[Token] = []
    for li, words in enumerate(lines):
        toks: list[Token] = []
        start = pos
        for wi, (text, x0, y0, x1, y1) in enumerate(words):
            if wi:
                content_parts.append(" ")
                pos += 1
            poly = (x0, y0, x1, y0, x1, y1, x0, y1)
            tok = Token(
                text, 1, poly, (x0, y0, x1, y1), 0.95, Span(pos, len(text)), li, len(tokens)
            )
            content_parts.append(text)
            pos += len(text)
            toks.append(tok)
            tokens.append(tok)
        box = (
            min(w[1] for w in words),
            min(w[2] for w in words),
            max(w[3] for w in words),
            max(w[4] for w in words),
        )
        poly = (box[0], box[1], box[2], box[1], box[2], box[3], box[0], box[3])
        text = " ".join(w[0] for w in words)
        tlines.append(TextLine(li, 1, text, poly, box, Span(start, pos - start), toks))
        content_parts.append("\n")
        pos += 1
    page = PageView(1, width, height, "pixel", 0.0, Span(0, pos), list(range(len(tlines))))
    return DocView("".join(content_parts), [page], tlines, tokens, [], [])


def _row(y: float, *cells: tuple[float, str], h: float = 22.0, cw: float = 13.0) -> list[Word]:
    """The words of cells starting at x (pixels) on one row, 13 px per character."""
    out: list[Word] = []
    for x, text in cells:
        for w in text.split():
            out.append((w, x, y, x + cw * len(w), y + h))
            x += cw * (len(w) + 1)
    return out


def _ex(view: Any) -> dict[str, Any]:
    docs = extract_invoice(view, ExtractContext(api_version="2023-07-31")).documents
    assert docs
    fields: dict[str, Any] = docs[0].fields
    return fields


def _scan_invoice(skew: float = 0.0) -> list[list[Word]]:
    """A small Dutch invoice as OCR reads a scan: the addressee and the invoice number side by
    side in one line, an item table whose rows are read as single lines."""

    def sk(words: list[Word]) -> list[Word]:
        return [(t, x0, y0 + skew * x0, x1, y1 + skew * x0) for t, x0, y0, x1, y1 in words]

    rows = [
        _row(100, (1100, "Groenhof Installaties B.V."), h=30, cw=16),
        _row(140, (1100, "Kanaalweg 12")),
        _row(170, (1100, "3526 KL Utrecht")),
        _row(330, (150, "Bakkerij Jansen"), (900, "Factuurnummer: F-2025-0311")),
        _row(360, (150, "Molenstraat 4"), (900, "Factuurdatum: 14-03-2025")),
        _row(390, (150, "7511 AB Enschede")),
        _row(500, (150, "Omschrijving"), (900, "Aantal"), (1100, "Prijs"), (1350, "Bedrag")),
        _row(550, (150, "Cv-ketel onderhoud"), (920, "2"), (1100, "85,00"), (1350, "170,00")),
        _row(600, (150, "Thermostaat slim"), (920, "1"), (1100, "129,95"), (1350, "129,95")),
        _row(650, (150, "Voorrijkosten"), (920, "1"), (1100, "35,00"), (1350, "35,00")),
        _row(760, (1100, "Subtotaal"), (1350, "334,95")),
        _row(800, (1100, "BTW 21%"), (1350, "70,34")),
        _row(840, (1100, "Totaal"), (1350, "405,29")),
    ]
    return [sk(r) for r in rows]


def test_scan_line_spanning_two_columns_is_split() -> None:
    from docintel.extract.invoice_common import clean_view

    view = _ocr_view(_scan_invoice())
    texts = [ln.text for ln in clean_view(view).lines]
    assert "Bakkerij Jansen" in texts and "Factuurnummer: F-2025-0311" in texts
    f = _ex(view)
    assert f["InvoiceId"].value == "F-2025-0311"
    assert f["InvoiceDate"].value == dt.date(2025, 3, 14)
    assert f["VendorName"].value == "Groenhof Installaties B.V."
    items = f["Items"].value
    assert [it.value["Amount"].value.amount for it in items] == [170.0, 129.95, 35.0]
    assert f["InvoiceTotal"].value.amount == 405.29


def test_scan_skew_is_measured_and_rows_stay_together() -> None:
    from docintel.extract.invoice_common import _split_groups, clean_view, page_skew

    view = _ocr_view(_scan_invoice(skew=0.02))  # ~1.1°: the amounts drift a row-half down
    groups = [g for ln in view.lines for g in _split_groups(ln, 22.0)]
    assert abs(page_skew(groups, 22.0) - 0.02) < 0.004
    cleaned = clean_view(view)
    desc = next(ln for ln in cleaned.lines if ln.text == "Thermostaat slim")
    amount = next(ln for ln in cleaned.lines if ln.text == "129,95" and ln.box[0] > 1300)
    assert abs(desc.box[1] - amount.box[1]) < 8
    items = _ex(view)["Items"].value
    assert [it.value["Description"].value for it in items] == [
        "Cv-ketel onderhoud",
        "Thermostaat slim",
        "Voorrijkosten",
    ]


def test_scan_ghost_line_is_dropped() -> None:
    from docintel.extract.invoice_common import ghost_lines

    rows = _scan_invoice()
    # The header cells are OCR lines of their own, and OCR read two of them a second time as
    # one tall line ("PrijsBedrag" over "Prijs" and "Bedrag").
    head = rows.pop(6)
    rows[6:6] = [[w] for w in head]
    rows.insert(10, [("PrijsBedrag", 1100, 490, 1428, 560)])
    view = _ocr_view(rows)
    assert ghost_lines(view) == {10}
    assert len(_ex(view)["Items"].value) == 3


def test_scan_words_boxed_as_tall_as_the_line_are_placed_on_it() -> None:
    from docintel.extract.invoice_common import clean_view

    rows = _scan_invoice()
    # One merged OCR line for the first item row: some words got the line's two-row box.
    rows[7] = [
        ("Cv-ketel", 150, 550, 254, 572),
        ("onderhoud", 267, 550, 384, 572),
        ("2", 920, 530, 933, 600),
        ("85,00", 1100, 550, 1165, 572),
        ("170,00", 1350, 530, 1428, 600),
    ]
    cleaned = clean_view(_ocr_view(rows))
    amount = next(ln for ln in cleaned.lines if ln.text == "170,00")
    assert amount.box[3] - amount.box[1] < 30
    assert abs(amount.box[1] - 550) < 3


def test_scan_tall_label_snaps_to_its_row() -> None:
    rows = [
        _row(100, (150, "Tischlerei Wagner GmbH"), h=30, cw=16),
        _row(140, (150, "Sägewerkstraße 9")),
        _row(170, (150, "6020 Innsbruck")),
        _row(330, (150, "Rechnungsnummer"), (550, "Rechnungsdatum")),
        # "Fällig am" boxed by OCR over its own row and the value row under it.
        [("Fällig", 950, 320, 1030, 390), ("am", 1043, 320, 1075, 390)],
        _row(370, (150, "RE-77120"), (550, "02.05.2025"), (950, "01.06.2025")),
    ]
    f = _ex(_ocr_view(rows))
    assert f["DueDate"].value == dt.date(2025, 6, 1)
    assert f["InvoiceId"].value == "RE-77120"


def test_vendor_is_not_an_address_line_nor_an_ocr_inflated_word() -> None:
    rows = [
        _row(100, (1100, "Eimer e.G."), h=26, cw=15),  # "e" is no "e-mail" contact word
        # OCR boxed the street name of the addressee three lines tall.
        [("Kirchgasse", 150, 300, 270, 370)],
        _row(330, (150, "Lena Maier")),
        _row(395, (150, "8010 Graz")),
        _row(140, (1100, "Hafenstraße 12")),
        _row(170, (1100, "27568 Bremerhaven")),
    ]
    view = _ocr_view(rows)
    f = _ex(view)
    assert f["VendorName"].value == "Eimer e.G."


def test_glued_label_and_value_in_one_ocr_word() -> None:
    rows = [
        _row(100, (150, "Ferreira & Filhos Lda."), h=30, cw=16),
        _row(300, (800, "Data de emissão 3 de março de 2025")),
        _row(340, (800, "Data de venciment2 de abril de 2025")),  # "vencimento 2": o and space lost
    ]
    f = _ex(_ocr_view(rows))
    assert f["InvoiceDate"].value == dt.date(2025, 3, 3)
    assert f["DueDate"].value == dt.date(2025, 4, 2)


def test_id_value_after_a_dash_column() -> None:
    rows = [
        _row(100, (150, "Nordlicht Media GmbH"), h=30, cw=16),
        _row(300, (150, "Customer no."), (600, "Your order no.")),
        _row(340, (150, "C-55120"), (600, "- 7100449021")),
    ]
    assert _ex(_ocr_view(rows))["PurchaseOrder"].value == "7100449021"


def _table(rows: list[list[Word]]) -> list[list[Word]]:
    head = [
        _row(100, (150, "Atelier Brun SARL"), h=30, cw=16),
        _row(140, (150, "12 rue des Lilas")),
        _row(170, (150, "69003 Lyon")),
    ]
    return head + rows


def test_misread_amount_is_repaired_from_quantity_and_price() -> None:
    rows = _table(
        [
            _row(
                500, (150, "Désignation"), (900, "Qté"), (1100, "Prix unitaire"), (1350, "Montant")
            ),
            _row(550, (150, "Chaise de bureau"), (920, "4"), (1100, "120,25"), (1350, "481,00")),
            _row(600, (150, "Lampe LED"), (920, "25"), (1100, "223,49"), (1350, "5.587.25")),
        ]
    )
    items = _ex(_ocr_view(rows))["Items"].value
    assert [it.value["Amount"].value.amount for it in items] == [481.0, 5587.25]


def test_header_with_truncated_word_and_orphan_columns() -> None:
    rows = _table(
        [
            # "Eenheid" cut to "Eenhei"; the code and quantity headers were not read at all.
            _row(500, (400, "Omschrijving"), (960, "Eenhei"), (1100, "Prijs"), (1350, "Bedrag")),
            _row(
                550,
                (150, "P-40917"),
                (400, "Kabelgoot wit"),
                (900, "3"),
                (960, "m"),
                (1100, "12,50"),
                (1350, "37,50"),
            ),
            _row(
                600,
                (150, "A-22018"),
                (400, "Montage"),
                (900, "2"),
                (960, "uur"),
                (1100, "55,00"),
                (1350, "110,00"),
            ),
        ]
    )
    items = _ex(_ocr_view(rows))["Items"].value
    assert [it.value["ProductCode"].value for it in items] == ["P-40917", "A-22018"]
    assert [it.value["Quantity"].value for it in items] == [3.0, 2.0]
    assert [it.value["Unit"].value for it in items] == ["m", "uur"]


def test_row_number_glued_to_product_code_is_split() -> None:
    rows = _table(
        [
            _row(
                500,
                (150, "Pos."),
                (250, "Art.-Nr."),
                (450, "Bezeichnung"),
                (1100, "Preis"),
                (1350, "Betrag"),
            ),
            [
                ("7A-41433", 150, 550, 330, 572),
                *_row(550, (450, "Kopierpapier A4"), (1100, "4,99"), (1350, "4,99")),
            ],
        ]
    )
    items = _ex(_ocr_view(rows))["Items"].value
    assert items[0].value["ProductCode"].value == "A-41433"
    assert items[0].value["ProductCode"].text() == "A-41433"


def test_company_suffixes_of_more_countries() -> None:
    from docintel.extract.invoice_labels import COMPANY_SUFFIXES

    assert {"aps", "hb", "og", "ltda"} <= COMPANY_SUFFIXES


def test_vendor_with_company_form_like_a_web_address_and_not_from_ship_to() -> None:
    rows = [
        _row(100, (150, "Taller Ortega y Vidal S.Com."), h=34, cw=19),  # not "ortega.com"
        _row(150, (150, "Calle Mayor 14, Teruel, 44001")),
        _row(300, (150, "Facturar a"), (900, "Enviar a")),
        _row(330, (150, "Panadería Ruiz S.L."), (900, "Almacenes Gil S.A.")),
        _row(360, (150, "Calle del Sol 3"), (900, "Avenida Norte 88")),
        _row(390, (150, "Huesca, 22002"), (900, "Zaragoza, 50011")),
        _row(450, (900, "Nº de factura"), (1200, "TO-2025-118")),
    ]
    f = _ex(_ocr_view(rows))
    assert f["VendorName"].value == "Taller Ortega y Vidal S.Com."
    assert f["CustomerName"].value == "Panadería Ruiz S.L."


def test_address_block_lines_whose_ocr_boxes_overlap() -> None:
    rows = [
        _row(100, (700, "SCHWARZ & PICHLER OG"), h=34, cw=16),
        _row(138, (780, "Lindengasse 4")),  # OCR boxes overlap their neighbours a little
        _row(151, (740, "4020 Linz an der Donau")),
        _row(400, (150, "Rechnungs-Nr."), (450, "R-3391")),
    ]
    f = _ex(_ocr_view(rows))
    assert f["VendorName"].value == "SCHWARZ & PICHLER OG"
    assert "Linz" in f["VendorAddress"].text()


def test_vendor_address_from_a_danish_return_address_line() -> None:
    rows = [
        _row(100, (1100, "Holm & Berg ApS"), h=34, cw=18),
        _row(300, (150, "Holm & Berg ApS, Strandvejen 17, 8000 Aarhus"), h=16, cw=9),
        _row(340, (150, "Mette Skov")),
        _row(370, (150, "Algade 5")),
        _row(400, (150, "4000 Roskilde")),
        _row(340, (1000, "Invoice no.:"), (1250, "2025/118")),
    ]
    f = _ex(_ocr_view(rows))
    assert f["VendorName"].value == "Holm & Berg ApS"
    assert f["VendorAddress"].text() == "Strandvejen 17, 8000 Aarhus"
