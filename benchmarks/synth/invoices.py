"""Generator of *harder* synthetic invoices with exact ground truth.

The invoices use seven layouts that differ from the benchmark's eval layouts (logo box with a
right-hand vendor block, label-above-value header boxes, a key/value header table, vendor details
only in the footer, a 2-page table with carried-forward totals, a coloured sidebar, a monospace
print-out and a DIN-style business letter), seven languages (en, de, fr, es, it, nl, pt) with their
labels, date and number formats, and several currencies printed as a symbol, as a code, or only in a
header note.

Per invoice the generator writes ``<id>.pdf`` (born-digital, reportlab) and ``<id>.json`` (GT in the
eval invoice format: ``fields`` with Azure names, each ``{value, content, page, polygon}``, polygons
in inches from the top-left corner of the page). About a third also get scanned-look JPEG renders
``<id>_p<N>.jpg``; their GT polygons stay in PDF inch space (``image_dpi`` is recorded).

Totals invariants (also recorded in the GT under ``totals``)::

    Σ item amounts                      = SubTotal
    qty × unit price (rounded to cents) = item amount
    tax base     = SubTotal − TotalDiscount + shipping
    TotalTax     = round(tax base × tax rate, 2)
    InvoiceTotal = SubTotal − TotalDiscount + shipping + TotalTax
    AmountDue    = InvoiceTotal + PreviousUnpaidBalance   (only when a separate line is printed)

Shipping is a separate totals line, never an item, and has no Azure field. ``TotalDiscount`` is a
positive amount even though it is printed with a minus sign.

CLI: ``python -m benchmarks.synth.invoices OUT_DIR [-n N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

Poly = list[float]
Json = dict[str, Any]

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_TTF = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSerif": "DejaVuSerif.ttf",
    "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
    "DejaVuSansCondensed": "DejaVuSansCondensed.ttf",
    "DejaVuSansCondensed-Bold": "DejaVuSansCondensed-Bold.ttf",
    "DejaVuSansMono": "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold": "DejaVuSansMono-Bold.ttf",
}
_BUILTIN_FAMILIES = [("Helvetica", "Helvetica-Bold"), ("Times-Roman", "Times-Bold")]
_TTF_FAMILIES = [
    ("DejaVuSans", "DejaVuSans-Bold"),
    ("DejaVuSerif", "DejaVuSerif-Bold"),
    ("DejaVuSansCondensed", "DejaVuSansCondensed-Bold"),
]


def _register_fonts() -> bool:
    """Register the DejaVu TTFs with reportlab when present; return whether they are usable."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    ok = True
    for name, fn in _TTF.items():
        path = _FONT_DIR / fn
        if not path.exists():
            ok = False
            continue
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    return ok


# --------------------------------------------------------------------------- languages
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio"
    " julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "pt": "janeiro fevereiro março abril maio junho"
    " julho agosto setembro outubro novembro dezembro",
}

_L = [
    "invoice",
    "number",
    "date",
    "due",
    "po",
    "cust_id",
    "billto",
    "shipto",
    "desc",
    "qty",
    "unit",
    "price",
    "amount",
    "code",
    "pos",
    "subtotal",
    "discount",
    "shipping",
    "tax",
    "total",
    "prev",
    "amount_due",
    "terms",
    "continued",
    "carried",
    "page",
    "vat_id",
    "iban",
    "bic",
    "note_cur",
    "dear",
    "please_pay",
    "thanks",
    "tel",
]
_LABEL_ROWS = {
    "en": [
        "Invoice",
        "Invoice no.",
        "Invoice date",
        "Due date",
        "Your order no.",
        "Customer no.",
        "Bill to",
        "Ship to",
        "Description",
        "Qty",
        "Unit",
        "Unit price",
        "Total",
        "Item no.",
        "#",
        "Net amount",
        "Discount",
        "Shipping & handling",
        "VAT {r} %",
        "Total due",
        "Previous balance",
        "Balance due",
        "Payment terms",
        "Carried forward",
        "Brought forward",
        "Page {p} of {n}",
        "VAT reg. no.",
        "IBAN",
        "SWIFT/BIC",
        "All amounts in {c}",
        "Dear customer, we invoice the following goods and services:",
        "Please transfer the total amount by {d} quoting the invoice number.",
        "Thank you for your business.",
        "Tel.",
    ],
    "de": [
        "Rechnung",
        "Rechnungs-Nr.",
        "Rechnungsdatum",
        "Zahlbar bis",
        "Ihre Bestellung",
        "Kunden-Nr.",
        "Rechnungsadresse",
        "Lieferadresse",
        "Artikelbezeichnung",
        "Anz.",
        "ME",
        "E-Preis",
        "Gesamt",
        "Art.-Nr.",
        "Pos.",
        "Warenwert netto",
        "Rabatt",
        "Versandkosten",
        "USt. {r} %",
        "Rechnungsbetrag",
        "Offener Vorsaldo",
        "Zu zahlen",
        "Zahlungsbedingungen",
        "Übertrag",
        "Übertrag",
        "Seite {p}/{n}",
        "USt-IdNr.",
        "IBAN",
        "BIC",
        "Alle Beträge in {c}",
        "Sehr geehrte Damen und Herren, wir berechnen Ihnen folgende Leistungen:",
        "Bitte überweisen Sie den Betrag bis zum {d} unter Angabe der Rechnungsnummer.",
        "Vielen Dank für Ihren Auftrag.",
        "Tel.",
    ],
    "fr": [
        "Facture",
        "N° de facture",
        "Date de facture",
        "Échéance",
        "Votre commande",
        "N° client",
        "Adresse de facturation",
        "Adresse de livraison",
        "Désignation",
        "Qté",
        "Unité",
        "Prix unitaire HT",
        "Montant HT",
        "Réf.",
        "N°",
        "Total HT",
        "Remise",
        "Frais de port",
        "TVA {r} %",
        "Total TTC",
        "Solde antérieur",
        "Net à payer",
        "Conditions de paiement",
        "À reporter",
        "Report",
        "Page {p} sur {n}",
        "N° TVA intracom.",
        "IBAN",
        "BIC",
        "Montants exprimés en {c}",
        "Madame, Monsieur, veuillez trouver ci-dessous le détail de notre prestation :",
        "Merci de régler le montant total avant le {d} en rappelant le numéro de facture.",
        "Merci de votre confiance.",
        "Tél.",
    ],
    "es": [
        "Factura",
        "Nº de factura",
        "Fecha de emisión",
        "Vencimiento",
        "Su pedido",
        "Nº de cliente",
        "Facturar a",
        "Enviar a",
        "Concepto",
        "Cant.",
        "Ud.",
        "Precio unit.",
        "Importe",
        "Código",
        "Nº",
        "Base imponible",
        "Descuento",
        "Gastos de envío",
        "IVA {r} %",
        "Total factura",
        "Saldo anterior",
        "Total a pagar",
        "Forma de pago",
        "Suma y sigue",
        "Suma anterior",
        "Página {p} de {n}",
        "NIF/CIF",
        "IBAN",
        "BIC",
        "Importes en {c}",
        "Estimado cliente, le facturamos los siguientes conceptos:",
        "Le rogamos realice la transferencia antes del {d} indicando el número de factura.",
        "Gracias por su confianza.",
        "Tel.",
    ],
    "it": [
        "Fattura",
        "Fattura n.",
        "Data fattura",
        "Scadenza",
        "Vs. ordine",
        "Cod. cliente",
        "Intestatario",
        "Destinazione merce",
        "Descrizione",
        "Q.tà",
        "U.M.",
        "Prezzo unit.",
        "Importo",
        "Codice",
        "Riga",
        "Imponibile",
        "Sconto",
        "Spese di spedizione",
        "IVA {r}%",
        "Totale documento",
        "Saldo precedente",
        "Netto a pagare",
        "Condizioni di pagamento",
        "A riportare",
        "Riporto",
        "Pagina {p} di {n}",
        "P. IVA",
        "IBAN",
        "BIC",
        "Importi in {c}",
        "Spettabile cliente, Vi addebitiamo quanto segue:",
        "Si prega di effettuare il bonifico entro il {d} indicando il numero di fattura.",
        "Grazie per la fiducia accordataci.",
        "Tel.",
    ],
    "nl": [
        "Factuur",
        "Factuurnummer",
        "Factuurdatum",
        "Vervaldatum",
        "Uw ordernummer",
        "Klantnummer",
        "Factuuradres",
        "Afleveradres",
        "Omschrijving",
        "Aantal",
        "Eenheid",
        "Stukprijs",
        "Bedrag",
        "Artikelnr.",
        "Nr.",
        "Subtotaal",
        "Korting",
        "Verzendkosten",
        "BTW {r}%",
        "Totaal te betalen",
        "Openstaand saldo",
        "Totaal verschuldigd",
        "Betalingstermijn",
        "Transport",
        "Transport",
        "Pagina {p} van {n}",
        "BTW-nummer",
        "IBAN",
        "BIC",
        "Alle bedragen in {c}",
        "Geachte klant, hierbij factureren wij u het volgende:",
        "Gelieve het totaalbedrag vóór {d} over te maken onder vermelding van het factuurnummer.",
        "Bedankt voor uw opdracht.",
        "Tel.",
    ],
    "pt": [
        "Fatura",
        "Fatura n.º",
        "Data de emissão",
        "Data de vencimento",
        "Sua encomenda",
        "N.º cliente",
        "Faturar a",
        "Entregar a",
        "Descrição",
        "Qtd.",
        "Un.",
        "Preço unit.",
        "Valor",
        "Código",
        "Item",
        "Subtotal",
        "Desconto",
        "Portes de envio",
        "IVA {r}%",
        "Total a pagar",
        "Saldo anterior",
        "Valor em dívida",
        "Condições de pagamento",
        "A transportar",
        "Transporte",
        "Página {p} de {n}",
        "NIF",
        "IBAN",
        "SWIFT",
        "Valores em {c}",
        "Prezado cliente, faturamos os seguintes produtos e serviços:",
        "Por favor efetue o pagamento até {d} indicando o número da fatura.",
        "Obrigado pela preferência.",
        "Tel.",
    ],
}
LABELS: dict[str, dict[str, str]] = {
    lang: dict(zip(_L, row, strict=True)) for lang, row in _LABEL_ROWS.items()
}
TERMS = {
    "en": ["Net {n}", "Payable within {n} days", "{n} days net"],
    "de": ["{n} Tage netto", "Zahlbar innerhalb von {n} Tagen ohne Abzug"],
    "fr": ["{n} jours net", "Paiement à {n} jours date de facture"],
    "es": ["Transferencia a {n} días", "{n} días fecha factura"],
    "it": ["Bonifico {n} gg d.f.", "{n} giorni data fattura"],
    "nl": ["{n} dagen netto", "Betaling binnen {n} dagen"],
    "pt": ["{n} dias líquidos", "Pagamento a {n} dias"],
}
ITEMS = {
    "en": [
        ("Ergonomic office chair", "pcs"),
        ("Laser printer toner cartridge", "pcs"),
        ("On-site support technician", "h"),
        ("Network cable Cat6, 5 m", "pcs"),
        ("Consulting services", "h"),
        ("Annual software maintenance", "yr"),
        ("Stainless steel shelving unit", "pcs"),
        ("Warehouse pallet storage", "mo"),
        ("Printed brochures A5, 4 pages", "pcs"),
        ("LED panel light 60x60", "pcs"),
    ],
    "de": [
        ("Schreibtischleuchte LED", "Stk"),
        ("Montagearbeiten vor Ort", "Std"),
        ("Kopierpapier A4, 80 g/m²", "Pkt"),
        ("Wartung Klimaanlage", "Std"),
        ("Edelstahlschrauben M6 x 40", "Pkt"),
        ("Bürostuhl ergonomisch", "Stk"),
        ("Softwarelizenz Jahresabo", "Stk"),
        ("Fahrtkostenpauschale", "psch"),
        ("Netzwerkkabel Cat. 6, 10 m", "Stk"),
        ("Beratungsleistung Projektphase 2", "Std"),
    ],
    "fr": [
        ("Cartouche d'encre noire", "pce"),
        ("Prestation de conseil", "h"),
        ("Chaise de bureau ergonomique", "pce"),
        ("Ramette papier A4 80 g", "pce"),
        ("Maintenance annuelle chaudière", "forfait"),
        ("Câble réseau RJ45 3 m", "pce"),
        ("Déplacement technicien", "forfait"),
        ("Lampe de bureau LED", "pce"),
        ("Formation utilisateurs", "jour"),
        ("Étagère métallique 5 niveaux", "pce"),
    ],
    "es": [
        ("Silla de oficina ergonómica", "ud."),
        ("Servicio de consultoría", "h"),
        ("Cartucho de tóner negro", "ud."),
        ("Papel A4 80 g, paquete 500 hojas", "paq."),
        ("Mantenimiento preventivo", "h"),
        ("Cable de red Cat6 5 m", "ud."),
        ("Licencia de software anual", "ud."),
        ("Desplazamiento técnico", "ud."),
        ("Lámpara LED de escritorio", "ud."),
        ("Estantería metálica", "ud."),
    ],
    "it": [
        ("Sedia da ufficio ergonomica", "pz"),
        ("Consulenza tecnica", "ore"),
        ("Toner nero per stampante laser", "pz"),
        ("Carta A4 80 g risma", "pz"),
        ("Manutenzione impianto", "ore"),
        ("Cavo di rete Cat6 5 m", "pz"),
        ("Licenza software annuale", "pz"),
        ("Trasferta tecnico", "forf."),
        ("Lampada LED da scrivania", "pz"),
        ("Scaffale metallico", "pz"),
    ],
    "nl": [
        ("Ergonomische bureaustoel", "st."),
        ("Advieswerkzaamheden", "uur"),
        ("Tonercartridge zwart", "st."),
        ("Kopieerpapier A4 80 g", "pak"),
        ("Onderhoud cv-ketel", "uur"),
        ("Netwerkkabel Cat6 5 m", "st."),
        ("Softwarelicentie jaarabonnement", "st."),
        ("Voorrijkosten", "st."),
        ("LED-bureaulamp", "st."),
        ("Stalen archiefkast", "st."),
    ],
    "pt": [
        ("Cadeira de escritório ergonómica", "un."),
        ("Serviços de consultoria", "h"),
        ("Toner preto para impressora", "un."),
        ("Papel A4 80 g, resma", "un."),
        ("Manutenção preventiva", "h"),
        ("Cabo de rede Cat6 5 m", "un."),
        ("Licença de software anual", "un."),
        ("Deslocação do técnico", "un."),
        ("Candeeiro LED de secretária", "un."),
        ("Estante metálica", "un."),
    ],
}
DETAILS = {
    "en": "incl. delivery, installation and configuration at the customer site",
    "de": "inkl. Lieferung, Aufbau und Einweisung beim Kunden vor Ort",
    "fr": "y compris livraison, installation et mise en service sur site",
    "es": "incluye entrega, instalación y puesta en marcha en sus instalaciones",
    "it": "comprensivo di consegna, installazione e collaudo presso il cliente",
    "nl": "inclusief levering, installatie en ingebruikname op locatie",
    "pt": "inclui entrega, instalação e configuração nas instalações do cliente",
}


@dataclass(frozen=True)
class Currency:
    """A currency with its printed symbol and whether the symbol is written tight to numbers."""

    code: str
    symbol: str
    tight: bool


CUR = {
    "EUR": Currency("EUR", "€", False),
    "USD": Currency("USD", "$", True),
    "GBP": Currency("GBP", "£", True),
    "CHF": Currency("CHF", "CHF", False),
    "SEK": Currency("SEK", "kr", False),
    "DKK": Currency("DKK", "kr.", False),
    "BRL": Currency("BRL", "R$", False),
}
# language -> (faker locale, currency, number styles, tax rates, date styles)
MARKETS: dict[str, list[tuple[str, str, list[str], list[str], list[str]]]] = {
    "en": [
        ("en_US", "USD", ["us"], ["0", "6.25", "8.875"], ["us_long", "us_slash", "iso"]),
        ("en_GB", "GBP", ["us"], ["20"], ["long", "dmy_slash", "iso"]),
        ("en_US", "USD", ["us"], ["0", "7"], ["us_long", "us_slash"]),
        ("en_GB", "GBP", ["us"], ["20"], ["long", "dmy_slash", "dmy_dot"]),
        ("sv_SE", "SEK", ["fr", "us"], ["25"], ["iso", "long"]),
        ("da_DK", "DKK", ["de"], ["25"], ["dmy_dot", "iso"]),
    ],
    "de": [
        ("de_DE", "EUR", ["de"], ["19", "7"], ["dmy_dot", "long"]),
        ("de_AT", "EUR", ["de"], ["20"], ["dmy_dot", "long"]),
        ("de_CH", "CHF", ["ch"], ["8.1"], ["dmy_dot", "long"]),
    ],
    "fr": [
        ("fr_FR", "EUR", ["fr"], ["20"], ["dmy_slash", "long"]),
        ("fr_CH", "CHF", ["ch"], ["8.1"], ["dmy_dot", "long"]),
    ],
    "es": [("es_ES", "EUR", ["de", "fr"], ["21"], ["dmy_slash", "long"])],
    "it": [
        ("it_IT", "EUR", ["de"], ["22"], ["dmy_slash", "long"]),
    ],
    "nl": [("nl_NL", "EUR", ["de"], ["21", "9"], ["dmy_dash", "long"])],
    "pt": [
        ("pt_PT", "EUR", ["fr", "de"], ["23"], ["dmy_slash", "long", "iso"]),
        ("pt_BR", "BRL", ["de"], ["0"], ["dmy_slash", "long"]),
    ],
}
MONEY_MODES = {
    "EUR": ["sym_after", "sym_after", "sym_before", "code_after", "note", "totals_only"],
    "USD": ["sym_before", "sym_before", "code_before", "note", "totals_only"],
    "GBP": ["sym_before", "sym_before", "code_after", "totals_only"],
    "CHF": ["sym_before", "note", "code_after", "totals_only"],
    "SEK": ["code_after", "sym_after", "note"],
    "DKK": ["code_after", "sym_before", "note"],
    "BRL": ["sym_before", "sym_before", "totals_only"],
}

LAYOUTS = {
    "F": "logo box left, vendor block right-aligned, label-above-value header boxes, "
    "items without rules but a header underline, right-aligned totals stack",
    "G": "two-column key/value header table, bill-to/ship-to side by side, zebra items "
    "with product codes and units, totals in a box",
    "H": "vendor details only in the footer, wrapped two-line descriptions, discount "
    "and shipping lines",
    "J": "letter header with window address, 2-page items table with carried-forward "
    "lines and a repeated header, totals box on the last page",
    "K": "coloured left sidebar with vendor and bank details, previous balance and amount due",
    "M": "monospace print-out with dashed rules and key: value header",
    "P": "DIN-style business letter: subject line, intro sentence, due date inside a "
    "closing sentence, quantity-first table",
}


# --------------------------------------------------------------------------- formatting
def cents(x: Decimal) -> Decimal:
    """Round to cents, half up."""
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


_SEPS = {"us": (",", "."), "de": (".", ","), "fr": (" ", ","), "ch": ("'", ".")}


def fmt_num(v: Decimal, style: str, dec: int = 2) -> str:
    """Format a number with the thousands/decimal separators of ``style``."""
    s = f"{abs(v):,.{dec}f}"
    ip, _, fp = s.partition(".")
    th, dp = _SEPS[style]
    out = ip.replace(",", th) + (dp + fp if dec else "")
    return ("-" if v < 0 else "") + out


def fmt_money(v: Decimal, cur: Currency, mode: str, style: str, total_line: bool) -> str:
    """Format money in one of the display modes (symbol/code before/after, plain)."""
    n = fmt_num(v, style)
    if mode == "totals_only" and not total_line:
        return n
    if mode == "note":
        return n
    if mode in ("sym_before", "totals_only"):
        return f"{cur.symbol}{n}" if cur.tight else f"{cur.symbol} {n}"
    if mode == "sym_after":
        return f"{n} {cur.symbol}"
    if mode == "code_before":
        return f"{cur.code} {n}"
    return f"{n} {cur.code}"


def fmt_date(d: date, style: str, lang: str) -> str:
    """Format a date in a language's convention."""
    month = MONTHS[lang].split()[d.month - 1]
    if style == "iso":
        return d.isoformat()
    if style == "us_slash":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if style == "us_long":
        return f"{month} {d.day}, {d.year}"
    if style == "dmy_dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "dmy_slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dmy_dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    # long
    if lang == "de":
        return f"{d.day}. {month} {d.year}"
    if lang in ("es", "pt"):
        return f"{d.day} de {month} de {d.year}"
    return f"{d.day} {month} {d.year}"


def fmt_qty(q: Decimal, style: str) -> str:
    """Quantities: integers without decimals, fractional ones with the locale separator."""
    if q == q.to_integral_value():
        return str(int(q))
    return fmt_num(q, style, 1 if (q * 10) == (q * 10).to_integral_value() else 2)


# --------------------------------------------------------------------------- drawing
def union(polys: Sequence[Poly]) -> Poly:
    """Axis-aligned union of polygons (inches)."""
    xs = [p[i] for p in polys for i in (0, 2, 4, 6)]
    ys = [p[i] for p in polys for i in (1, 3, 5, 7)]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return [x0, y0, x1, y0, x1, y1, x0, y1]


class Doc:
    """Thin reportlab wrapper with a top-left, points-based coordinate system.

    Every text call records a GT line and returns its polygon in inches (4 decimals).
    """

    def __init__(self, path: Path, pagesize: tuple[float, float], fonts: tuple[str, str]) -> None:
        from reportlab.pdfgen.canvas import Canvas

        self.c = Canvas(str(path), pagesize=pagesize, invariant=1, pageCompression=1)
        self.w, self.h = pagesize
        self.fonts = fonts
        self.page = 1
        self.lines: list[Json] = []
        self.before_page_end: Callable[[], None] | None = None

    def _font(self, bold: bool, s: str, mono: bool) -> str:
        name = ("DejaVuSansMono-Bold" if bold else "DejaVuSansMono") if mono else self.fonts[bold]
        if not name.startswith("DejaVu"):
            try:
                s.encode("cp1252")
            except UnicodeEncodeError:
                name = "DejaVuSans-Bold" if bold else "DejaVuSans"
        return name

    def width(self, s: str, size: float, bold: bool = False, mono: bool = False) -> float:
        """Advance width in points."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return float(stringWidth(s, self._font(bold, s, mono), size))

    def text(
        self,
        x: float,
        y: float,
        s: str,
        size: float,
        bold: bool = False,
        align: str = "left",
        color: tuple[float, float, float] = (0, 0, 0),
        mono: bool = False,
        record: bool = True,
    ) -> Poly:
        """Draw ``s`` with its baseline at ``y`` (points from top); return its polygon."""
        from reportlab.pdfbase.pdfmetrics import getAscentDescent

        font = self._font(bold, s, mono)
        w = self.width(s, size, bold, mono)
        if align == "right":
            x -= w
        elif align == "center":
            x -= w / 2
        self.c.setFillColorRGB(*color)
        self.c.setFont(font, size)
        self.c.drawString(x, self.h - y, s)
        asc, desc = getAscentDescent(font, size)
        poly = [
            round(v / 72.0, 4) for v in (x, y - asc, x + w, y - asc, x + w, y - desc, x, y - desc)
        ]
        if record:
            self.lines.append({"page": self.page, "text": s, "polygon": poly})
        return poly

    def runs(
        self, x: float, y: float, parts: Sequence[tuple[str, bool]], size: float, mono: bool = False
    ) -> list[Poly]:
        """Draw several runs on one line (recorded as one GT line); return each run's polygon."""
        polys: list[Poly] = []
        for s, bold in parts:
            polys.append(self.text(x, y, s, size, bold, mono=mono, record=False))
            x += self.width(s, size, bold, mono)
        self.lines.append(
            {"page": self.page, "text": "".join(s for s, _ in parts), "polygon": union(polys)}
        )
        return polys

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: tuple[float, float, float] | None = None,
        stroke: tuple[float, float, float] | None = (0, 0, 0),
        lw: float = 0.6,
    ) -> None:
        """Rectangle with top-left corner (x, y)."""
        if fill is not None:
            self.c.setFillColorRGB(*fill)
        if stroke is not None:
            self.c.setStrokeColorRGB(*stroke)
        self.c.setLineWidth(lw)
        self.c.rect(x, self.h - y - h, w, h, fill=fill is not None, stroke=stroke is not None)

    def hline(
        self,
        x0: float,
        x1: float,
        y: float,
        lw: float = 0.6,
        color: tuple[float, float, float] = (0, 0, 0),
        dash: bool = False,
    ) -> None:
        """Horizontal rule."""
        self.c.setStrokeColorRGB(*color)
        self.c.setLineWidth(lw)
        self.c.setDash(3, 2) if dash else self.c.setDash()
        self.c.line(x0, self.h - y, x1, self.h - y)
        self.c.setDash()

    def new_page(self) -> None:
        """Finish the page and start the next one."""
        if self.before_page_end is not None:
            self.before_page_end()
        self.c.showPage()
        self.page += 1

    def save(self) -> None:
        """Write the PDF."""
        if self.before_page_end is not None:
            self.before_page_end()
        self.c.save()

    def fit(self, s: str, size: float, max_w: float, bold: bool = False) -> float:
        """Largest font size <= ``size`` at which ``s`` fits into ``max_w`` points."""
        w = self.width(s, size, bold)
        return size if w <= max_w else round(size * max_w / w, 2)


# --------------------------------------------------------------------------- invoice spec
@dataclass
class Item:
    """One invoice line."""

    code: str
    desc: str
    qty: Decimal
    unit: str
    price: Decimal
    amount: Decimal


@dataclass
class Spec:
    """Everything an invoice prints, decided before drawing."""

    id: str
    layout: str
    lang: str
    locale: str
    cur: Currency
    mode: str
    num: str
    dstyle: str
    pagesize: tuple[float, float]
    fonts: tuple[str, str]
    vendor: str
    vendor_addr: list[str]
    vendor_tax: str
    vendor_tel: str
    iban: str
    swift: str
    customer: str
    customer_addr: list[str]
    ship_name: str
    ship_addr: list[str] | None
    cust_id: str | None
    inv_no: str
    inv_date: date
    due_date: date
    po: str | None
    terms: str | None
    items: list[Item]
    rate: Decimal
    discount: Decimal
    shipping: Decimal
    prev: Decimal
    subtotal: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    extra: dict[str, Any] = field(default_factory=dict)

    def lab(self, key: str, **kw: Any) -> str:
        """Localised label."""
        return LABELS[self.lang][key].format(**kw)

    def money(self, v: Decimal, total_line: bool = True) -> str:
        """Printed money."""
        return fmt_money(v, self.cur, self.mode, self.num, total_line)

    def mval(self, v: Decimal) -> Json:
        """Normalised money value."""
        return {
            "amount": float(v),
            "currencyCode": self.cur.code,
            "currencySymbol": self.cur.symbol,
        }

    def date(self, d: date) -> str:
        """Printed date."""
        return fmt_date(d, self.dstyle, self.lang)


def _address(fk: Any) -> list[str]:
    for _ in range(20):
        a = str(fk.address())
        if not any(t in a for t in ("FPO", "APO", "DPO", "USNS", "USNV", "USS ", "PSC ", "Unit ")):
            break
    return [s.strip() for s in a.split("\n") if s.strip()]


def _tax_id(rng: random.Random, locale: str) -> str:
    def d(k: int) -> str:
        return "".join(str(rng.randint(0, 9)) for _ in range(k))

    cc = locale[-2:]
    if cc == "US":
        return f"{d(2)}-{d(7)}"
    if cc == "CH":
        return f"CHE-{d(3)}.{d(3)}.{d(3)} MWST"
    if cc == "NL":
        return f"NL{d(9)}B01"
    if cc == "BR":
        return f"{d(2)}.{d(3)}.{d(3)}/0001-{d(2)}"
    if cc == "ES":
        return f"ES{rng.choice('ABCDE')}{d(8)}"
    if cc == "FR":
        return f"FR{d(2)} {d(9)}"
    if cc == "IT":
        return f"IT{d(11)}"
    return f"{'GB' if cc == 'GB' else cc}{d(9)}"


def _inv_no(rng: random.Random, d: date) -> str:
    k = rng.randint(1, 9999)
    return rng.choice(
        [
            f"INV-{d.year}-{k:05d}",
            f"{d.year}/{k:04d}",
            f"F{d.year % 100}{d.month:02d}-{k:04d}",
            f"{rng.randint(10000, 99999)}",
            f"RE{d.year}{k:04d}",
            f"FA-{k:06d}",
        ]
    )


def _make_spec(idx: int, seed: int, layout: str) -> Spec:
    from faker import Faker
    from reportlab.lib.pagesizes import A4, LETTER

    rng = random.Random(f"{seed}-{idx}-{layout}")
    lang = rng.choice(["en", *sorted(MARKETS)])  # English twice as likely
    if layout == "P" and rng.random() < 0.5:
        lang = "de"
    locale, ccode, nums, rates, dstyles = rng.choice(MARKETS[lang])
    fk = Faker(locale)
    fk.seed_instance(rng.randint(0, 2**31))
    cur = CUR[ccode]
    mode = rng.choice(MONEY_MODES[ccode])
    n_items = rng.randint(32, 42) if layout == "J" else rng.randint(3, 9)
    catalogue = ITEMS[lang]
    items: list[Item] = []
    for _ in range(n_items):
        desc, unit = rng.choice(catalogue)
        if layout == "H" and rng.random() < 0.6:
            desc = f"{desc}, {DETAILS[lang]}"
        hourly = unit in ("h", "Std", "ore", "uur")
        qty = (
            Decimal(rng.randint(1, 32)) / 2
            if hourly
            else Decimal(rng.choice([1, 1, 2, 3, 4, 5, 6, 10, 12, 20, 25, 50]))
        )
        price = cents(Decimal(rng.randint(150, 95000)) / 100)
        if ccode in ("SEK", "DKK"):
            price = cents(price * 10)
        if qty != qty.to_integral_value():  # keep qty × price exact to the cent (no half cents)
            price -= Decimal("0.01") * (int(price * 100) % 2)
        code = rng.choice(["", "A-", "SKU", "P"]) + str(rng.randint(10000, 99999))
        items.append(Item(code, desc, qty, unit, price, cents(qty * price)))
    vendor = str(fk.company())
    customer = str(fk.company()) if rng.random() < 0.75 else str(fk.name())
    inv_date = date(2023, 1, 1) + timedelta(days=rng.randint(0, 900))
    days = rng.choice([10, 14, 30, 30, 45, 60])
    terms = rng.choice(TERMS[lang]).format(n=days)
    spec = Spec(
        id=f"synth_{layout.lower()}{idx + 1:03d}",
        layout=layout,
        lang=lang,
        locale=locale,
        cur=cur,
        mode=mode,
        num=rng.choice(nums),
        dstyle=rng.choice(dstyles),
        pagesize=LETTER if locale in ("en_US", "pt_BR") else A4,
        fonts=rng.choice(_BUILTIN_FAMILIES + _TTF_FAMILIES),
        vendor=vendor,
        vendor_addr=_address(fk),
        vendor_tax=_tax_id(rng, locale),
        vendor_tel=str(fk.phone_number()),
        iban=str(fk.iban()),
        swift=str(fk.swift(length=rng.choice([8, 11]))),
        customer=customer,
        customer_addr=_address(fk),
        ship_name=str(fk.company()),
        ship_addr=_address(fk) if layout in ("G", "K") or rng.random() < 0.25 else None,
        cust_id=f"{rng.choice(['K', 'C-', '', 'CL'])}{rng.randint(1000, 99999)}"
        if rng.random() < 0.8
        else None,
        inv_no=_inv_no(rng, inv_date),
        inv_date=inv_date,
        due_date=inv_date + timedelta(days=days),
        po=f"{rng.choice(['PO-', 'B', '4500', 'ORD'])}{rng.randint(10000, 999999)}"
        if rng.random() < 0.6
        else None,
        terms=terms if rng.random() < 0.7 else None,
        items=items,
        rate=Decimal(rng.choice(rates)),
        discount=Decimal(0),
        shipping=Decimal(0),
        prev=Decimal(0),
    )
    spec.subtotal = sum((it.amount for it in items), Decimal(0))
    if layout == "H" or rng.random() < 0.25:
        spec.discount = cents(spec.subtotal * Decimal(rng.choice([2, 3, 5, 10])) / 100)
    if layout == "H" or rng.random() < 0.2:
        spec.shipping = cents(Decimal(rng.randint(490, 4990)) / 100)
    if layout == "K" or rng.random() < 0.1:
        spec.prev = cents(Decimal(rng.randint(5000, 250000)) / 100)
    base = spec.subtotal - spec.discount + spec.shipping
    spec.tax = cents(base * spec.rate / 100)
    spec.total = base + spec.tax
    return spec


# --------------------------------------------------------------------------- GT recorder
class GT:
    """Collects field ground truth while a layout draws."""

    NAMES = (
        "VendorName",
        "VendorAddress",
        "VendorTaxId",
        "CustomerName",
        "CustomerAddress",
        "CustomerId",
        "BillingAddress",
        "ShippingAddress",
        "InvoiceId",
        "InvoiceDate",
        "DueDate",
        "PurchaseOrder",
        "PaymentTerm",
        "SubTotal",
        "TotalDiscount",
        "TotalTax",
        "InvoiceTotal",
        "PreviousUnpaidBalance",
        "AmountDue",
    )

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.fields: Json = dict.fromkeys(self.NAMES)
        self.items: list[Json] = []
        self.payment: list[Json] = []
        self.regions: list[Json] = []

    def put(self, name: str, value: Any, content: str, polys: Sequence[Poly]) -> None:
        """Record a field on the current page."""
        self.fields[name] = {
            "value": value,
            "content": content,
            "page": self.doc.page,
            "polygon": union(polys),
        }

    def addr(self, name: str, lines: list[str], polys: Sequence[Poly]) -> None:
        """Record a multi-line address (value joined with ', ')."""
        self.put(name, ", ".join(lines), "\n".join(lines), polys)


# --------------------------------------------------------------------------- shared blocks
def _block(
    doc: Doc, x: float, y: float, lines: list[str], size: float, lead: float, align: str = "left"
) -> tuple[list[Poly], float]:
    polys = []
    for s in lines:
        polys.append(doc.text(x, y, s, size, align=align))
        y += lead
    return polys, y


def _customer(doc: Doc, g: GT, sp: Spec, x: float, y: float, size: float, label: bool) -> float:
    if label:
        doc.text(x, y, sp.lab("billto"), size - 1.5, bold=True, color=(0.35, 0.35, 0.35))
        y += size * 1.4
    g.put("CustomerName", sp.customer, sp.customer, [doc.text(x, y, sp.customer, size, bold=True)])
    polys, y = _block(doc, x, y + size * 1.3, sp.customer_addr, size, size * 1.25)
    g.addr("CustomerAddress", sp.customer_addr, polys)
    if label:
        g.addr("BillingAddress", sp.customer_addr, polys)
    return y


def _shipto(doc: Doc, g: GT, sp: Spec, x: float, y: float, size: float) -> float:
    if sp.ship_addr is None:
        return y
    doc.text(x, y, sp.lab("shipto"), size - 1.5, bold=True, color=(0.35, 0.35, 0.35))
    doc.text(x, y + size * 1.4, sp.ship_name, size, bold=True)
    polys, y = _block(doc, x, y + size * 2.7, sp.ship_addr, size, size * 1.25)
    g.addr("ShippingAddress", sp.ship_addr, polys)
    return y


def _header_values(sp: Spec) -> list[tuple[str, str, str, Any]]:
    """(field, label, content, value) for the invoice header fields this invoice prints."""
    out: list[tuple[str, str, str, Any]] = [
        ("InvoiceId", sp.lab("number"), sp.inv_no, sp.inv_no),
        ("InvoiceDate", sp.lab("date"), sp.date(sp.inv_date), sp.inv_date.isoformat()),
        ("DueDate", sp.lab("due"), sp.date(sp.due_date), sp.due_date.isoformat()),
    ]
    if sp.cust_id:
        out.append(("CustomerId", sp.lab("cust_id"), sp.cust_id, sp.cust_id))
    if sp.po:
        out.append(("PurchaseOrder", sp.lab("po"), sp.po, sp.po))
    return out


def _kv_lines(
    doc: Doc, g: GT, sp: Spec, x: float, xv: float, y: float, size: float, right: bool
) -> float:
    """Label at x, value at xv (right-aligned at xv when ``right``)."""
    for name, label, content, value in _header_values(sp):
        doc.text(x, y, label + ("" if sp.layout == "M" else ":"), size, mono=sp.layout == "M")
        p = doc.text(
            xv,
            y,
            content,
            size,
            bold=True,
            align="right" if right else "left",
            mono=sp.layout == "M",
        )
        g.put(name, value, content, [p])
        y += size * 1.45
    return y


@dataclass
class TableStyle:
    """How the items table is drawn."""

    rules: str  # "underline" | "zebra" | "rows" | "boxed" | "dashed" | "filled"
    code: bool
    unit: bool
    pos: bool
    qty_first: bool
    size: float
    wrap: bool = False
    mono: bool = False


def _items(
    doc: Doc, g: GT, sp: Spec, ts: TableStyle, x0: float, x1: float, y: float, bottom: float
) -> float:
    """Draw the items table with page breaks; return the y below it."""
    size, mono = ts.size, ts.mono
    cols: list[tuple[str, str, float, str]] = []  # key, label, width, align
    if ts.pos:
        cols.append(("pos", sp.lab("pos"), 26, "left"))
    if ts.qty_first:
        cols.append(("Quantity", sp.lab("qty"), 36, "right"))
        if ts.unit:
            cols.append(("Unit", sp.lab("unit"), 40, "left"))
    if ts.code:
        cols.append(("ProductCode", sp.lab("code"), 62, "left"))
    cols.append(("Description", sp.lab("desc"), 0, "left"))
    if not ts.qty_first:
        cols.append(("Quantity", sp.lab("qty"), 40, "right"))
        if ts.unit:
            cols.append(("Unit", sp.lab("unit"), 44, "left"))
    wnum = max(doc.width(sp.money(sp.subtotal, False), size, mono=mono) + 14, 70)
    cols.append(("UnitPrice", sp.lab("price"), wnum, "right"))
    cols.append(("Amount", sp.lab("amount"), wnum + 4, "right"))
    fixed = sum(c[2] for c in cols)
    cols = [(k, lab, (x1 - x0 - fixed) if w == 0 else w, a) for k, lab, w, a in cols]
    xs: list[tuple[float, float]] = []
    cx = x0
    for _, _, w, _ in cols:
        xs.append((cx, cx + w))
        cx += w
    pad = 4.0
    lead = size * 1.3
    row_h = size * 1.9

    def cell_x(i: int) -> tuple[float, str]:
        a, b = xs[i]
        return (b - pad, "right") if cols[i][3] == "right" else (a + pad, "left")

    def header(yh: float) -> float:
        if ts.rules == "filled":
            doc.rect(x0, yh - size * 1.3, x1 - x0, size * 1.9, fill=(0.85, 0.87, 0.9), stroke=None)
        for i, (_, lab, _, _) in enumerate(cols):
            x, al = cell_x(i)
            a, b = xs[i]
            fs = doc.fit(lab, size, b - a - 2 * pad, bold=True)
            doc.text(x, yh, lab, fs, bold=True, align=al, mono=mono)
        yb = yh + size * 0.6
        if ts.rules in ("underline", "zebra", "rows", "boxed"):
            doc.hline(x0, x1, yb, lw=1.2 if ts.rules == "underline" else 0.6)
        if ts.rules == "dashed":
            doc.hline(x0, x1, yb, dash=True)
        return yb + size * 1.6

    def carry(yc: float, key: str) -> None:
        i = len(cols) - 1
        running = sum((it.amount for it in sp.items[:done]), Decimal(0))
        doc.text(xs[i - 1][1] - pad, yc, sp.lab(key), size, bold=True, align="right", mono=mono)
        doc.text(xs[i][1] - pad, yc, sp.money(running), size, bold=True, align="right", mono=mono)

    top = y - size * 1.3
    y = header(y)
    region_top = top
    done = 0
    for n, it in enumerate(sp.items):
        di = next(i for i, c in enumerate(cols) if c[0] == "Description")
        desc_w = xs[di][1] - xs[di][0] - 2 * pad
        if ts.wrap:
            from reportlab.lib.utils import simpleSplit

            dl = simpleSplit(it.desc, doc._font(False, it.desc, mono), size, desc_w)
        else:
            dl = [it.desc]
        h = row_h + lead * (len(dl) - 1)
        if y + h > bottom:
            carry(y + size * 0.4, "continued")
            g.regions.append({"page": doc.page, "polygon": _in([x0, region_top, x1, y])})
            doc.new_page()
            y = 72.0
            carry(y, "carried")
            region_top = y + size
            y = header(y + size * 2.2)
        if ts.rules == "zebra" and n % 2 == 1:
            doc.rect(x0, y - size * 1.15, x1 - x0, h, fill=(0.93, 0.93, 0.93), stroke=None)
        vals: dict[str, tuple[str, Any]] = {
            "pos": (str(n + 1), None),
            "ProductCode": (it.code, it.code),
            "Quantity": (fmt_qty(it.qty, sp.num), float(it.qty)),
            "Unit": (it.unit, it.unit),
            "UnitPrice": (sp.money(it.price, False), sp.mval(it.price)),
            "Amount": (sp.money(it.amount, False), sp.mval(it.amount)),
        }
        row: Json = {"page": doc.page}
        cells: list[Poly] = []
        texts: list[str] = []
        for i, (key, _, _, _) in enumerate(cols):
            x, al = cell_x(i)
            if key == "Description":
                polys = [doc.text(x, y + k * lead, s, size, mono=mono) for k, s in enumerate(dl)]
                row[key] = {
                    "value": " ".join(dl),
                    "content": "\n".join(dl),
                    "polygon": union(polys),
                }
                cells += polys
                texts.append(" ".join(dl))
                continue
            content, value = vals[key]
            p = doc.text(x, y, content, size, align=al, mono=mono)
            cells.append(p)
            texts.append(content)
            if key != "pos":
                row[key] = {"value": value, "content": content, "polygon": p}
        row["polygon"] = union(cells)
        row["content"] = "  ".join(texts)
        g.items.append(row)
        y += h
        done = n + 1
        if ts.rules == "rows":
            doc.hline(x0, x1, y - size * 1.15, lw=0.3, color=(0.6, 0.6, 0.6))
    yend = y - size * 0.9
    if ts.rules in ("underline", "zebra", "boxed", "filled"):
        doc.hline(x0, x1, yend, lw=0.8)
    if ts.rules == "dashed":
        doc.hline(x0, x1, yend, dash=True)
    if ts.rules == "boxed":
        doc.rect(x0, region_top, x1 - x0, yend - region_top, stroke=(0, 0, 0))
    g.regions.append({"page": doc.page, "polygon": _in([x0, region_top, x1, yend])})
    return yend + size * 2.2


def _in(box: list[float]) -> Poly:
    x0, y0, x1, y1 = (round(v / 72.0, 4) for v in box)
    return [x0, y0, x1, y0, x1, y1, x0, y1]


def _totals(
    doc: Doc, g: GT, sp: Spec, xl: float, xr: float, y: float, size: float, style: str
) -> float:
    """Totals stack: labels right-aligned at xl (or left at xl for 'box'), values right at xr."""
    rows: list[tuple[str | None, str, Decimal, bool]] = [
        ("SubTotal", sp.lab("subtotal"), sp.subtotal, False)
    ]
    if sp.discount:
        rows.append(("TotalDiscount", sp.lab("discount"), sp.discount, False))
    if sp.shipping:
        rows.append((None, sp.lab("shipping"), sp.shipping, False))
    exp = sp.rate.normalize().as_tuple().exponent
    rate = fmt_num(sp.rate, sp.num, max(0, -exp) if isinstance(exp, int) else 0)
    rows.append(("TotalTax", sp.lab("tax", r=rate), sp.tax, False))
    rows.append(("InvoiceTotal", sp.lab("total"), sp.total, True))
    if sp.prev:
        rows.append(("PreviousUnpaidBalance", sp.lab("prev"), sp.prev, False))
        rows.append(("AmountDue", sp.lab("amount_due"), sp.total + sp.prev, True))
    lead = size * 1.6
    if y + lead * len(rows) + 30 > doc.h - 80:
        doc.new_page()
        y = 80.0
    top = y
    mono = sp.layout == "M"
    for name, label, v, bold in rows:
        if bold and style != "box":
            doc.hline(xl - 110, xr, y - size * 1.1, lw=0.8)
        content = ("-" if name == "TotalDiscount" else "") + sp.money(v)
        if style == "box":
            doc.text(xl, y, label, size, bold=bold, mono=mono)
        else:
            doc.text(xl, y, label, size, bold=bold, align="right", mono=mono)
        p = doc.text(xr, y, content, size, bold=bold, align="right", mono=mono)
        if name:
            g.put(name, sp.mval(v), content, [p])
        y += lead
    if style == "box":
        doc.rect(xl - 8, top - size * 1.4, xr - xl + 16, y - top + size * 0.2, lw=1.0)
    return y + size


def _bank(doc: Doc, g: GT, sp: Spec, x: float, y: float, size: float) -> float:
    iban_p = " ".join(sp.iban[i : i + 4] for i in range(0, len(sp.iban), 4))
    a = doc.runs(x, y, [(sp.lab("iban") + ": ", False), (iban_p, False)], size)[1]
    b = doc.runs(x, y + size * 1.3, [(sp.lab("bic") + ": ", False), (sp.swift, False)], size)[1]
    g.payment.append(
        {
            "IBAN": {"value": sp.iban, "content": iban_p, "page": doc.page, "polygon": a},
            "SWIFT": {"value": sp.swift, "content": sp.swift, "page": doc.page, "polygon": b},
        }
    )
    return y + size * 2.6


def _taxid(
    doc: Doc,
    g: GT,
    sp: Spec,
    x: float,
    y: float,
    size: float,
    align: str = "left",
    max_w: float = 1e9,
) -> None:
    parts = [(sp.lab("vat_id") + " ", False), (sp.vendor_tax, False)]
    size = doc.fit("".join(s for s, _ in parts), size, max_w)
    if align == "right":
        x -= sum(doc.width(s, size) for s, _ in parts)
    p = doc.runs(x, y, parts, size)[1]
    g.put("VendorTaxId", sp.vendor_tax, sp.vendor_tax, [p])


def _terms(doc: Doc, g: GT, sp: Spec, x: float, y: float, size: float) -> float:
    if sp.terms:
        p = doc.runs(x, y, [(sp.lab("terms") + ": ", True), (sp.terms, False)], size)[1]
        g.put("PaymentTerm", sp.terms, sp.terms, [p])
        y += size * 1.5
    if sp.mode == "note":
        doc.text(x, y, sp.lab("note_cur", c=sp.cur.code), size)
        y += size * 1.5
    return y


def _vendor_block(
    doc: Doc, g: GT, sp: Spec, x: float, y: float, size: float, align: str = "left"
) -> float:
    p = doc.text(x, y, sp.vendor, size + 5, bold=True, align=align)
    g.put("VendorName", sp.vendor, sp.vendor, [p])
    polys, y = _block(doc, x, y + size * 1.7, sp.vendor_addr, size, size * 1.25, align)
    g.addr("VendorAddress", sp.vendor_addr, polys)
    return y


def _logo(doc: Doc, sp: Spec, x: float, y: float, s: float, rng: random.Random) -> None:
    col = (rng.uniform(0.1, 0.6), rng.uniform(0.2, 0.6), rng.uniform(0.4, 0.8))
    doc.rect(x, y, s, s, fill=col, stroke=None)
    initials = "".join(w[0] for w in sp.vendor.split()[:2] if w[:1].isalpha()).upper() or "X"
    doc.text(x + s / 2, y + s * 0.62, initials, s * 0.4, bold=True, align="center", color=(1, 1, 1))


def _title(doc: Doc, sp: Spec, x: float, y: float, size: float, align: str = "left") -> None:
    doc.text(x, y, sp.lab("invoice").upper() if size > 20 else sp.lab("invoice"), size, True, align)


# --------------------------------------------------------------------------- layouts
def _layout_f(doc: Doc, g: GT, sp: Spec, rng: random.Random) -> None:
    w, m = doc.w, 50.0
    _logo(doc, sp, m, 40, 64, rng)
    y = _vendor_block(doc, g, sp, w - m, 52, 9, align="right")
    _taxid(doc, g, sp, w - m, y + 2, 8, align="right")
    _title(doc, sp, m, 150, 24)
    # label-above-value boxes
    vals = _header_values(sp)
    bw = (w - 2 * m) / len(vals)
    for i, (name, label, content, value) in enumerate(vals):
        bx = m + i * bw
        doc.rect(bx, 168, bw - 6, 38, stroke=(0.6, 0.6, 0.6), lw=0.5)
        doc.text(bx + 6, 181, label, 7.5, color=(0.4, 0.4, 0.4))
        fs = doc.fit(content, 10, bw - 16, bold=True)
        g.put(name, value, content, [doc.text(bx + 6, 197, content, fs, bold=True)])
    y = _customer(doc, g, sp, m, 236, 10, label=True)
    _shipto(doc, g, sp, w / 2 + 20, 236, 10)
    ts = TableStyle(
        "underline", rng.random() < 0.4, rng.random() < 0.5, False, rng.random() < 0.4, 9
    )
    y = _items(doc, g, sp, ts, m, w - m, max(y, 300) + 20, doc.h - 90)
    y = _totals(doc, g, sp, w - m - 110, w - m, y, 9.5, "stack")
    y = _terms(doc, g, sp, m, y + 10, 8.5)
    _bank(doc, g, sp, m, doc.h - 60, 8)
    doc.text(w - m, doc.h - 60, sp.lab("thanks"), 8, align="right")


def _layout_g(doc: Doc, g: GT, sp: Spec, rng: random.Random) -> None:
    w, m = doc.w, 45.0
    p = doc.text(m, 60, sp.vendor, 17, bold=True)
    g.put("VendorName", sp.vendor, sp.vendor, [p])
    content = " · ".join(sp.vendor_addr)
    g.put("VendorAddress", ", ".join(sp.vendor_addr), content, [doc.text(m, 76, content, 8)])
    _taxid(doc, g, sp, m, 88, 8)
    _title(doc, sp, m, 130, 20)
    # two-column key/value grid table on the right
    vals = _header_values(sp)
    if sp.terms:
        vals.append(("PaymentTerm", sp.lab("terms"), sp.terms, sp.terms))
    tx, tw, rh = w / 2 + 10, w / 2 - 10 - m, 17.0
    y0 = 110.0
    for i, (name, label, content, value) in enumerate(vals):
        yy = y0 + i * rh
        doc.rect(tx, yy, tw * 0.45, rh, fill=(0.9, 0.92, 0.95), stroke=(0.5, 0.5, 0.5), lw=0.4)
        doc.rect(tx + tw * 0.45, yy, tw * 0.55, rh, stroke=(0.5, 0.5, 0.5), lw=0.4)
        doc.text(tx + 4, yy + 12, label, doc.fit(label, 8, tw * 0.45 - 8))
        fs = doc.fit(content, 8.5, tw * 0.55 - 8)
        g.put(name, value, content, [doc.text(tx + tw * 0.45 + 4, yy + 12, content, fs)])
    y = max(y0 + len(vals) * rh, 150) + 30
    y1 = _customer(doc, g, sp, m, y, 9.5, label=True)
    y2 = _shipto(doc, g, sp, w / 2 + 10, y, 9.5)
    ts = TableStyle("zebra", True, True, False, False, 8.5)
    y = _items(doc, g, sp, ts, m, w - m, max(y1, y2) + 25, doc.h - 90)
    y = _totals(doc, g, sp, w - m - 190, w - m - 10, y + 6, 9.5, "box")
    if sp.mode == "note":
        doc.text(m, y, sp.lab("note_cur", c=sp.cur.code), 8)
    _bank(doc, g, sp, m, doc.h - 62, 8)


def _layout_h(doc: Doc, g: GT, sp: Spec, rng: random.Random) -> None:
    w, m = doc.w, 56.0
    _logo(doc, sp, m, 44, 48, rng)
    _title(doc, sp, w - m, 70, 26, align="right")
    parts = [(sp.lab("number") + " ", False), (sp.inv_no, True)]
    x = w - m - sum(doc.width(s, 10, b) for s, b in parts)
    g.put("InvoiceId", sp.inv_no, sp.inv_no, [doc.runs(x, 92, parts, 10)[1]])
    y = _customer(doc, g, sp, m, 140, 10, label=False)
    yy = 140.0
    for name, label, content, value in _header_values(sp)[1:]:
        doc.text(w - m - 80, yy, label, 8.5, align="right", color=(0.3, 0.3, 0.3))
        g.put(name, value, content, [doc.text(w - m, yy, content, 8.5, align="right")])
        yy += 13
    ts = TableStyle("rows", rng.random() < 0.3, rng.random() < 0.5, True, False, 9, wrap=True)
    y = _items(doc, g, sp, ts, m, w - m, max(y, yy) + 30, doc.h - 120)
    y = _totals(doc, g, sp, w - m - 100, w - m, y, 9.5, "stack")
    _terms(doc, g, sp, m, y + 6, 8.5)
    # footer: vendor only here
    fy = doc.h - 78
    doc.hline(m, w - m, fy - 12, lw=0.4, color=(0.5, 0.5, 0.5))
    g.put("VendorName", sp.vendor, sp.vendor, [doc.text(m, fy, sp.vendor, 7.5, bold=True)])
    polys, _ = _block(doc, m, fy + 10, sp.vendor_addr, 7.5, 9.5)
    g.addr("VendorAddress", sp.vendor_addr, polys)
    cx = m + (w - 2 * m) / 3
    _taxid(doc, g, sp, cx, fy, 7.5, max_w=(w - 2 * m) / 3 - 8)
    doc.text(cx, fy + 10, f"{sp.lab('tel')} {sp.vendor_tel}", 7.5)
    _bank(doc, g, sp, m + 2 * (w - 2 * m) / 3, fy, 7.5)


def _layout_j(doc: Doc, g: GT, sp: Spec, rng: random.Random) -> None:
    w, m = doc.w, 60.0
    y = _vendor_block(doc, g, sp, w - m, 50, 8.5, align="right")
    doc.text(m, 128, f"{sp.vendor} · {sp.vendor_addr[0]}", 6.5, color=(0.3, 0.3, 0.3))
    _customer(doc, g, sp, m, 146, 10, label=False)
    _kv_lines(doc, g, sp, w - m - 190, w - m, max(y, 128) + 14, 8.5, right=True)
    y = 250.0
    doc.runs(m, y, [(sp.lab("invoice") + " ", True), (sp.inv_no, True)], 13)
    ts = TableStyle("filled", rng.random() < 0.5, True, True, False, 8.5)
    bottom = doc.h - 80
    y = _items(doc, g, sp, ts, m, w - m, y + 34, bottom)
    y = _totals(doc, g, sp, w - m - 200, w - m - 10, y + 6, 9.5, "box")
    y = _terms(doc, g, sp, m, y + 4, 8.5)
    _bank(doc, g, sp, m, y + 6, 8.5)
    _taxid(doc, g, sp, w - m, y + 6, 8.5, align="right")


def _layout_k(doc: Doc, g: GT, sp: Spec, rng: random.Random) -> None:
    w = doc.w
    sb = 150.0
    col = (rng.uniform(0.12, 0.3), rng.uniform(0.2, 0.35), rng.uniform(0.35, 0.5))
    doc.rect(0, 0, sb, doc.h, fill=col, stroke=None)
    white = (1.0, 1.0, 1.0)
    from reportlab.lib.utils import simpleSplit

    name_lines = simpleSplit(sp.vendor, doc._font(True, sp.vendor, False), 13, sb - 30)
    polys = [doc.text(16, 60 + 16 * i, s, 13, True, color=white) for i, s in enumerate(name_lines)]
    g.put("VendorName", sp.vendor, "\n".join(name_lines), polys)
    y = 60.0 + 16 * len(name_lines) + 14
    ap = []
    for s in sp.vendor_addr:
        ap.append(doc.text(16, y, s, doc.fit(s, 8, sb - 24), color=white))
        y += 11
    g.addr("VendorAddress", sp.vendor_addr, ap)
    y += 14
    doc.text(16, y, sp.lab("vat_id"), 7, color=(0.8, 0.8, 0.8))
    g.put(
        "VendorTaxId",
        sp.vendor_tax,
        sp.vendor_tax,
        [doc.text(16, y + 11, sp.vendor_tax, 8, color=white)],
    )
    y += 34
    iban_p = " ".join(sp.iban[i : i + 4] for i in range(0, len(sp.iban), 4))
    doc.text(16, y, sp.lab("iban"), 7, color=(0.8, 0.8, 0.8))
    ib = doc.text(16, y + 11, iban_p, doc.fit(iban_p, 7.5, sb - 24), color=white)
    doc.text(16, y + 28, sp.lab("bic"), 7, color=(0.8, 0.8, 0.8))
    bc = doc.text(16, y + 39, sp.swift, 8, color=white)
    g.payment.append(
        {
            "IBAN": {"value": sp.iban, "content": iban_p, "page": 1, "polygon": ib},
            "SWIFT": {"value": sp.swift, "content": sp.swift, "page": 1, "polygon": bc},
        }
    )
    m0, m1 = sb + 30, w - 40
    _title(doc, sp, m0, 64, 28)
    yk = _kv_lines(doc, g, sp, m0, m0 + 95, 96, 9, right=False)
    y1 = _customer(doc, g, sp, m0, yk + 16, 9.5, label=True)
    y2 = _shipto(doc, g, sp, (m0 + m1) / 2 + 20, yk + 16, 9.5)
    ts = TableStyle("boxed", rng.random() < 0.5, False, False, rng.random() < 0.5, 8.5)
    y = _items(doc, g, sp, ts, m0, m1, max(y1, y2) + 24, doc.h - 70)
    y = _totals(doc, g, sp, m1 - 100, m1, y, 9, "stack")
    _terms(doc, g, sp, m0, y + 6, 8.5)


def _layout_m(doc: Doc, g: GT, sp: Spec, rng: random.Random) -> None:
    w, m = doc.w, 60.0
    s = 9.0
    doc.fonts = ("DejaVuSansMono", "DejaVuSansMono-Bold")
    vn = sp.vendor.upper()
    g.put("VendorName", vn, vn, [doc.text(w / 2, 56, vn, 12, True, "center", mono=True)])
    polys = [
        doc.text(w / 2, 72 + 11 * i, a, s, align="center", mono=True)
        for i, a in enumerate(sp.vendor_addr)
    ]
    g.addr("VendorAddress", sp.vendor_addr, polys)
    y = 72.0 + 11 * len(sp.vendor_addr) + 4
    lab = sp.lab("vat_id") + ": "
    p = doc.runs(
        w / 2 - doc.width(lab + sp.vendor_tax, s, mono=True) / 2,
        y,
        [(lab, False), (sp.vendor_tax, False)],
        s,
        mono=True,
    )
    g.put("VendorTaxId", sp.vendor_tax, sp.vendor_tax, [p[1]])
    y += 16
    doc.hline(m, w - m, y, dash=True)
    doc.text(m, y + 22, "*** " + sp.lab("invoice").upper() + " ***", 12, True, mono=True)
    ky = y + 44
    y = _kv_lines(doc, g, sp, m, m + 150, ky, s, right=False)
    y1 = _customer(doc, g, sp, w / 2 + 40, ky, s, label=False)
    y = max(y, y1) + 10
    doc.hline(m, w - m, y, dash=True)
    ts = TableStyle(
        "dashed", rng.random() < 0.5, rng.random() < 0.5, False, rng.random() < 0.5, 8, mono=True
    )
    y = _items(doc, g, sp, ts, m, w - m, y + 22, doc.h - 90)
    y = _totals(doc, g, sp, w - m - 130, w - m, y, s, "stack")
    y = _terms(doc, g, sp, m, y + 6, 8)
    _bank(doc, g, sp, m, y + 8, 8)


def _layout_p(doc: Doc, g: GT, sp: Spec, rng: random.Random) -> None:
    w, m = doc.w, 70.0
    g.put("VendorName", sp.vendor, sp.vendor, [doc.text(w - m, 60, sp.vendor, 15, True, "right")])
    sender = f"{sp.vendor}, " + ", ".join(sp.vendor_addr)
    sp_poly = doc.text(m, 128, sender, 6.5, color=(0.3, 0.3, 0.3))
    g.put(
        "VendorAddress",
        ", ".join(sp.vendor_addr),
        ", ".join(sp.vendor_addr),
        [_tail(doc, sp_poly, f"{sp.vendor}, ", 6.5)],
    )
    doc.hline(m, m + 240, 131, lw=0.3)
    _customer(doc, g, sp, m, 148, 10, label=False)
    _kv_lines(doc, g, sp, w - m - 175, w - m - 80, 150, 8.5, right=False)
    y = 260.0
    doc.runs(m, y, [(sp.lab("invoice") + " ", True), (sp.inv_no, True)], 12)
    y += 24
    doc.text(m, y, sp.lab("dear"), 9.5)
    ts = TableStyle(rng.choice(["underline", "rows"]), False, True, rng.random() < 0.5, True, 9)
    y = _items(doc, g, sp, ts, m, w - m, y + 30, doc.h - 110)
    y = _totals(doc, g, sp, w - m - 110, w - m, y, 9.5, "stack")
    # due date inside a sentence
    tmpl = sp.lab("please_pay", d="\x00")
    before, after = tmpl.split("\x00")
    dd = sp.date(sp.due_date)
    # the due date was already printed in the header; the GT keeps the header occurrence
    doc.runs(m, y + 8, [(before, False), (dd, False), (after, False)], 9)
    y = _terms(doc, g, sp, m, y + 24, 8.5)
    fy = doc.h - 64
    doc.hline(m, w - m, fy - 12, lw=0.4)
    _bank(doc, g, sp, m, fy, 7.5)
    _taxid(doc, g, sp, w - m, fy, 7.5, align="right")
    doc.text(w - m, fy + 10, f"{sp.lab('tel')} {sp.vendor_tel}", 7.5, align="right")


def _tail(doc: Doc, poly: Poly, head: str, size: float) -> Poly:
    x0 = poly[0] + doc.width(head, size) / 72.0
    return [round(x0, 4), poly[1], poly[2], poly[3], poly[4], poly[5], round(x0, 4), poly[7]]


_DRAW: dict[str, Callable[[Doc, GT, Spec, random.Random], None]] = {
    "F": _layout_f,
    "G": _layout_g,
    "H": _layout_h,
    "J": _layout_j,
    "K": _layout_k,
    "M": _layout_m,
    "P": _layout_p,
}


def _build(sp: Spec, pdf: Path, npages: int) -> tuple[Doc, GT]:
    doc = Doc(pdf, sp.pagesize, sp.fonts)
    g = GT(doc)
    rng = random.Random(sp.id + sp.layout)
    if npages > 1:

        def page_number() -> None:
            label = sp.lab("page", p=doc.page, n=npages)
            doc.text(doc.w / 2, doc.h - 30, label, 7.5, align="center")

        doc.before_page_end = page_number
    _DRAW[sp.layout](doc, g, sp, rng)
    doc.save()
    return doc, g


def _gt_json(sp: Spec, doc: Doc, g: GT) -> Json:
    fields = dict(g.fields)
    fields["PaymentDetails"] = g.payment or None
    fields["Items"] = g.items
    w, h = sp.pagesize
    return {
        "id": sp.id,
        "layout": sp.layout,
        "layout_description": LAYOUTS[sp.layout],
        "document": f"{sp.id}.pdf",
        "pages": doc.page,
        "page_size_inch": [round(w / 72, 4), round(h / 72, 4)],
        "unit": "inch",
        "language": sp.lang,
        "locale": sp.locale,
        "currency": sp.cur.code,
        "currency_display": sp.mode,
        "date_format": sp.dstyle,
        "number_format": sp.num,
        "fonts": list(doc.fonts),
        "totals": {
            "subtotal": float(sp.subtotal),
            "discount": float(sp.discount),
            "shipping": float(sp.shipping),
            "tax_rate_percent": float(sp.rate),
            "tax": float(sp.tax),
            "total": float(sp.total),
            "previous_balance": float(sp.prev),
            "amount_due": float(sp.total + sp.prev),
            "formula": "total = subtotal - discount + shipping + tax; "
            "tax = round((subtotal - discount + shipping) * rate / 100, 2); "
            "amount_due = total + previous_balance",
        },
        "fields": fields,
        "items_table_regions": g.regions,
        "lines": doc.lines,
        "images": [],
        "image_dpi": None,
    }


def _scan(pdf: Path, out_dir: Path, sid: str, rng: random.Random) -> tuple[list[str], int, float]:
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    dpi = rng.choice([150, 200])
    angle = round(rng.uniform(-1.5, 1.5), 2)
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    names: list[str] = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=dpi / 72).to_pil().convert("L")
            img = img.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
            img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.1)))
            arr = np.asarray(img, dtype=np.float64)
            arr = arr * rng.uniform(0.88, 0.97) + 8 + nrng.normal(0, rng.uniform(4, 9), arr.shape)
            out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
            name = f"{sid}_p{i + 1}.jpg"
            buf = io.BytesIO()
            out.save(buf, "JPEG", quality=rng.randint(55, 80))
            (out_dir / name).write_bytes(buf.getvalue())
            names.append(name)
    finally:
        doc.close()
    return names, dpi, angle


def generate(
    out_dir: Path, n: int = 14, seed: int = 1234, *, layouts: Sequence[str] | None = None
) -> list[Path]:
    """Write ``n`` invoices (PDF + GT JSON, some JPEG scans) to ``out_dir``; return the JSON paths.

    Layouts cycle through ``layouts`` (default: all of F, G, H, J, K, M, P) so every layout appears
    once in each run of seven. Invoices with index ``i % 3 == 2`` also get scanned-look JPEGs.
    Output is deterministic for a given ``seed`` (and package versions).
    """
    _register_fonts()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    order = list(layouts or _DRAW)
    paths: list[Path] = []
    for idx in range(n):
        layout = order[idx % len(order)]
        sp = _make_spec(idx, seed, layout)
        pdf = out_dir / f"{sp.id}.pdf"
        doc, g = _build(sp, pdf, 1)
        if doc.page > 1:
            doc, g = _build(sp, pdf, doc.page)
        gt = _gt_json(sp, doc, g)
        if idx % 3 == 2:  # a third of the set also gets a scanned-look render
            rng = random.Random(f"{seed}-{idx}-scan")
            gt["images"], gt["image_dpi"], gt["image_rotation_deg"] = _scan(
                pdf, out_dir, sp.id, rng
            )
            gt["image_note"] = (
                "polygons are in PDF inches; pixel = inch * image_dpi before the "
                "counter-clockwise rotation by image_rotation_deg about the page centre"
            )
        path = out_dir / f"{sp.id}.json"
        path.write_text(json.dumps(gt, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("-n", type=int, default=14)
    ap.add_argument("--seed", type=int, default=1234)
    a = ap.parse_args(argv)
    paths = generate(a.out_dir, a.n, a.seed)
    print(f"wrote {len(paths)} invoices to {a.out_dir}")


if __name__ == "__main__":
    main()
