"""``prebuilt-receipt`` field extraction.

Receipts are read from lines and words in reading order (the READ recipe: no tables, no
marks). They are long and narrow and often photographed, so every geometric test works on the
upright boxes of ``TextLine.box`` and compares distances relative to the text height. The
extractor:

1. pairs every line with the amount printed on it or right of it on the same visual row
   (labels and amounts are often separate OCR lines);
2. finds the merchant block at the top (name, address, phone) by elimination of boilerplate
   (registration numbers, "TAX INVOICE", dates, phones, tax ids);
3. reads the totals block with multilingual label lexicons (fuzzy for OCR errors) and checks
   the grand total against cash - change, subtotal + tax and the sum of the items;
4. reads the items between the header and the totals block;
5. classifies the receipt (meal, credit-card slip, gas, parking, hotel) from content cues.

Confidences are built from evidence (label strength, cross-checks, OCR word confidences) and
calibrated on scanned receipts: >= 0.8 means right at least 80 % of the time.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from docintel.extract.docview import DocView, TextLine, Token
from docintel.extract.fields import ExtractContext, ExtractedDocument, Extraction, Field
from docintel.extract.normalize.country import country_alpha2, country_alpha3
from docintel.extract.normalize.dates import (
    DateOrder,
    find_dates,
    find_dates_glued,
    infer_date_order,
    parse_time,
)
from docintel.extract.normalize.money import infer_decimal_separator, parse_amount
from docintel.extract.normalize.numbers import Decimal
from docintel.extract.normalize.phone import parse_phone
from docintel.extract.normalize.text import normalize_label, strip_accents

__all__ = ["classify_receipt", "extract_receipt"]

# --- lexicons ----------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")

# Grand-total labels (normalised: casefolded, accents stripped).
_TOTAL_STRONG = (
    "grand total",
    "total amount",
    "amount due",
    "total due",
    "balance due",
    "amount payable",
    "total payable",
    "net total",
    "nett total",
    "total incl",
    "total inclusive",
    "total sales",
    "total to pay",
    "balance to pay",
    "amount to pay",
    "to pay",
    "da pagare",
    "totale da pagare",
    "total rounded",
    "rounded total",
    "jumlah",
    "jumlah besar",
    "jumlah bersih",
    "gesamt",
    "gesamtbetrag",
    "summe",
    "zu zahlen",
    "endbetrag",
    "total ttc",
    "net a payer",
    "montant total",
    "a payer",
    "importe",
    "total a pagar",
    "importe total",
    "totale",
    "totale complessivo",
    "totaal",
    "te betalen",
    "valor total",
    "total a pagar",
    "total geral",
    "montante",
)
_AMOUNT_LABELS = frozenset(
    {"amount", "betrag", "montant", "importe", "importo", "bedrag", "valor", "montante"}
)
_TOTAL_WORDS = ("total", "totale", "totaal", "summe", "gesamt", "jumlah", "betrag", "montant")
# Words that make a "total" label something else.
_NOT_TOTAL = (
    "sub",
    "subtotal",
    "zwischensumme",
    "qty",
    "quantity",
    "item",
    "items",
    "pcs",
    "discount",
    "savings",
    "saving",
    "disc",
    "rabatt",
    "remise",
    "descuento",
    "sconto",
    "korting",
    "desconto",
    "tax",
    "gst",
    "vat",
    "sst",
    "mwst",
    "ust",
    "tva",
    "iva",
    "btw",
    "rounding",
    "round",
    "adj",
    "adjustment",
    "excl",
    "exclusive",
    "excluding",
    "before",
    "cash",
    "change",
    "tendered",
    "tender",
    "paid",
    "card",
    "visa",
    "mastercard",
    "points",
    "point",
    "weight",
    "count",
    "no",
    "number",
    "ht",
    "netto",
    "gross",
)
_SUBTOTAL = (
    "subtotal",
    "sub total",
    "sub-total",
    "sub ttl",
    "total excl",
    "total exclusive",
    "total before",
    "amount before",
    "total excluding",
    "zwischensumme",
    "nettobetrag",
    "netto",
    "sous-total",
    "sous total",
    "total ht",
    "subtotal",
    "base imponible",
    "imponibile",
    "subtotaal",
    "jumlah kecil",
)
_TAX = (
    "tax",
    "sales tax",
    "total tax",
    "gst",
    "total gst",
    "vat",
    "total vat",
    "sst",
    "service tax",
    "mwst",
    "ust",
    "umsatzsteuer",
    "mehrwertsteuer",
    "tva",
    "iva",
    "btw",
    "imposto",
    "impuesto",
    "imposta",
    "cukai",
)
_TAX_WORDS = frozenset(
    {
        "tax",
        "gst",
        "vat",
        "sst",
        "mwst",
        "ust",
        "tva",
        "iva",
        "btw",
        "cukai",
        "impuesto",
        "impuestos",
        "imposta",
        "imposte",
        "imposto",
        "impostos",
        "tributos",
        "taxes",
        "umsatzsteuer",
        "mehrwertsteuer",
    }
)
_TAX_NOT = ("reg", "id", "no", "invoice", "summary", "incl", "inclusive", "included", "code")
_TIP = (
    "tip",
    "tips",
    "gratuity",
    "trinkgeld",
    "pourboire",
    "propina",
    "mancia",
    "fooi",
    "gorjeta",
)
# A bare "Service" line with an amount is the tip (not "service charge" / "service tax").
_SHORT_LABELS = frozenset({"tip", "tax", "vat", "gst", "sst", "iva", "tva", "btw", "ust"})
_SERVICE_TIP = frozenset({"service", "servico", "servizio", "bediening", "bedienung", "servicio"})
_CASH = (
    "cash",
    "tendered",
    "bar",
    "bargeld",
    "especes",
    "efectivo",
    "contanti",
    "contant",
    "dinheiro",
    "tunai",
    "paid",
    "payment",
    "received",
    "credit",
    "card",
    "visa",
    "mastercard",
    "debit",
    "kredit",
    "karte",
    "carte",
    "tarjeta",
    "carta",
    "kaart",
    "pin",
    "cartao",
)
_CHANGE = (
    "change",
    "wechselgeld",
    "ruckgeld",
    "rendu",
    "monnaie",
    "cambio",
    "resto",
    "wisselgeld",
    "troco",
    "baki",
)
_DATE_LABELS = ("date", "datum", "fecha", "data", "tarikh", "dt", "dated", "le")
_DATE_NOT = ("exp", "expiry", "expiration", "valid", "due", "birth", "best before")
_PHONE_LABELS = (
    "tel",
    "tel.",
    "telephone",
    "phone",
    "ph",
    "fax",
    "tel/fax",
    "hp",
    "h/p",
    "mobile",
    "telefon",
    "telefono",
    "telefone",
    "tlf",
    "tfno",
    "whatsapp",
    "contact",
)
_BOILERPLATE = (
    "tax invoice",
    "simplified tax invoice",
    "invoice",
    "receipt",
    "official receipt",
    "cash receipt",
    "sales receipt",
    "cash bill",
    "cash sale",
    "bill",
    "welcome",
    "welcome to",
    "customer copy",
    "merchant copy",
    "copy",
    "duplicate",
    "reprint",
    "kassenbon",
    "kassenbeleg",
    "quittung",
    "beleg",
    "rechnung",
    "ticket",
    "ticket de caisse",
    "facture",
    "recu",
    "factura",
    "factura simplificada",
    "recibo",
    "ticket de compra",
    "scontrino",
    "scontrino fiscale",
    "ricevuta",
    "documento commerciale",
    "kassabon",
    "bon",
    "factuur",
    "cupom fiscal",
    "nota fiscal",
    "resit",
    "resit rasmi",
    "thank you",
    "order",
)
_STOP_HEADER = re.compile(
    r"\b(tel|telp|phone|fax|telephone|telefon|telefono|telefone|h/?p|mobile|whatsapp|"
    r"gst|sst|vat|tva|ust|mwst|btw|nif|cif|p\.?\s?iva|uid|abn|tin|npwp|"
    r"reg|regn|registration|company\s*no|co\.?\s*no|roc|ssm|"
    r"e-?mail|www|http|website|invoice|receipt|cashier|date|time|"
    r"steuer|st\.?-?nr|siret|siren|rcs|kvk|cnpj|cpf|nipc|"
    r"(?:hora|fecha|datum|uhrzeit|heure|tijd|data|ora)(?=\s*:))\b",
    re.IGNORECASE,
)
_REG_NO = re.compile(r"^\(?\s*[A-Z]{0,3}\d{3,}[\s-]*[A-Z]?\s*\)?[.,]?$")
_REG_TOKEN = re.compile(r"^\(?[A-Z]{0,3}\d{4,}-?[A-Z]\)?[.,]?$|^\(\d[\d-]*[A-Z]?\)$")
_COMPANY_SUFFIX = re.compile(
    r"\b(sdn\.?\s*bhd|bhd|s/b|sdn|ltd|limited|llc|inc|corp|co\.?|gmbh|ag|kg|ohg|e\.?k|"
    r"s\.?a\.?s?|s\.?l\.?|s\.?r\.?l|s\.?p\.?a|b\.?v|n\.?v|plc|pte|pty|lda|ltda|sarl|eurl|"
    r"enterprise|trading|restaurant|restoran|cafe|store|mart)\b\.?",
    re.IGNORECASE,
)
_ADDRESS_WORDS = frozenset(
    {
        "jalan",
        "jln",
        "lot",
        "no",
        "taman",
        "tmn",
        "lorong",
        "persiaran",
        "bandar",
        "kampung",
        "kg",
        "seksyen",
        "street",
        "st",
        "road",
        "rd",
        "avenue",
        "ave",
        "blvd",
        "boulevard",
        "lane",
        "ln",
        "drive",
        "dr",
        "way",
        "suite",
        "floor",
        "level",
        "unit",
        "block",
        "blk",
        "building",
        "plaza",
        "mall",
        "centre",
        "center",
        "strasse",
        "str",
        "straße",
        "platz",
        "weg",
        "allee",
        "gasse",
        "rue",
        "bd",
        "place",
        "chemin",
        "calle",
        "c",
        "avda",
        "avenida",
        "paseo",
        "via",
        "viale",
        "piazza",
        "corso",
        "straat",
        "laan",
        "plein",
        "rua",
        "praca",
        "travessa",
        "highway",
        "hwy",
        "po",
        "box",
        "alameda",
        "rodovia",
        "praia",
        "sitio",
        "trecho",
        "condominio",
        "estacao",
        "largo",
        "pasaje",
        "camino",
        "cuesta",
        "ronda",
        "carrera",
        "incrocio",
        "borgo",
        "vicolo",
        "contrada",
        "strada",
        "kade",
        "singel",
        "steeg",
        "gracht",
        "dijk",
        "ring",
        "damm",
        "cep",
    }
)
_POSTCODE = re.compile(
    r"\b(CEP\s?\d{5}-?\d{3}|\d{5}(-\d{4})?|\d{4}\s?[A-Z]{2}|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|\d{2}-\d{3}|\d{4})\b"
)

# Document type cues (normalised words or phrases) and their weights.
_TYPE_CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "receipt.hotel": (
        ("folio", 2.0),
        ("arrival", 1.5),
        ("departure", 1.5),
        ("check-in", 1.0),
        ("check-out", 1.0),
        ("check in", 1.0),
        ("check out", 1.0),
        ("room", 1.0),
        ("nights", 1.0),
        ("hotel", 1.0),
        ("guest name", 1.0),
        ("anreise", 1.5),
        ("abreise", 1.5),
        ("zimmer", 1.0),
        ("arrivee", 1.5),
        ("depart", 1.0),
        ("chambre", 1.0),
        ("llegada", 1.5),
        ("salida", 1.0),
        ("habitacion", 1.0),
        ("arrivo", 1.5),
        ("partenza", 1.5),
        ("camera", 0.5),
        ("aankomst", 1.5),
        ("vertrek", 1.5),
        ("kamer", 1.0),
        ("chegada", 1.5),
        ("quarto", 1.0),
    ),
    "receipt.gas": (
        ("fuel", 1.5),
        ("petrol", 1.5),
        ("diesel", 1.5),
        ("unleaded", 1.5),
        ("gasoline", 1.5),
        ("pump", 1.5),
        ("litre", 1.5),
        ("liter", 1.5),
        ("litres", 1.5),
        ("liters", 1.5),
        ("gallon", 1.5),
        ("gallons", 1.5),
        ("gal", 1.0),
        ("ron95", 1.5),
        ("ron97", 1.5),
        ("ron 95", 1.5),
        ("ron 97", 1.5),
        ("e10", 1.0),
        ("super 95", 1.0),
        ("benzin", 1.5),
        ("kraftstoff", 1.5),
        ("zapfsaule", 1.5),
        ("carburant", 1.5),
        ("gazole", 1.5),
        ("essence", 1.0),
        ("gasolina", 1.5),
        ("gasoleo", 1.5),
        ("surtidor", 1.5),
        ("gasolio", 1.5),
        ("benzina", 1.5),
        ("brandstof", 1.5),
        ("combustivel", 1.5),
        ("stesen minyak", 2.0),
        ("pomp", 1.5),
        ("pompe", 1.5),
        ("pompa", 1.5),
        ("bomba", 1.5),
        ("posto", 0.5),
        ("surtidor", 1.5),
        ("erogatore", 1.5),
        ("distributore", 1.0),
        ("carburante", 1.5),
        ("super plus", 1.0),
        ("sp98", 1.0),
        ("e5", 0.5),
        ("adblue", 1.0),
        ("gasolina 95", 1.0),
        ("benzina 95", 1.0),
        ("tankstelle", 1.5),
        ("tankstation", 1.5),
        ("station service", 1.5),
        ("euro 95", 1.0),
        ("sp95", 1.0),
        ("petronas", 1.0),
        ("shell", 0.5),
    ),
    "receipt.parking": (
        ("parking", 2.0),
        ("car park", 2.0),
        ("carpark", 2.0),
        ("entry", 1.0),
        ("exit", 1.0),
        ("entry time", 1.0),
        ("exit time", 1.0),
        ("duration", 1.0),
        ("parkir", 2.0),
        ("parken", 2.0),
        ("parkhaus", 2.0),
        ("parkschein", 2.0),
        ("einfahrt", 1.0),
        ("ausfahrt", 1.0),
        ("stationnement", 2.0),
        ("aparcamiento", 2.0),
        ("parcheggio", 2.0),
        ("parkeren", 2.0),
        ("estacionamento", 2.0),
        ("parkeergarage", 2.0),
        ("parkeergeld", 2.0),
        ("parkeerduur", 1.0),
        ("inrit", 1.0),
        ("uitrit", 1.0),
        ("parkdauer", 1.0),
        ("parkgebuhr", 2.0),
        ("parking fee", 1.0),
        ("parking charge", 1.0),
        ("ingresso", 1.0),
        ("uscita", 1.0),
        ("sosta", 1.5),
        ("durata", 1.0),
        ("entree", 1.0),
        ("sortie", 1.0),
        ("duree", 1.0),
        ("entrada", 1.0),
        ("saida", 1.0),
        ("salida", 1.0),
        ("parque", 1.5),
        ("permanencia", 1.0),
        ("duracao", 1.0),
        ("duracion", 1.0),
        ("estacionamiento", 2.0),
        ("parcheggio", 2.0),
        ("plate", 0.5),
        ("vehicle", 0.5),
    ),
    "receipt.retailMeal": (
        ("restaurant", 2.0),
        ("restoran", 2.0),
        ("restaurants", 2.0),
        ("food", 0.5),
        ("noodles", 0.5),
        ("ristorante", 2.0),
        ("restaurante", 2.0),
        ("cafe", 1.5),
        ("coffee", 1.0),
        ("bistro", 1.5),
        ("kitchen", 1.0),
        ("table", 1.0),
        ("tbl", 1.0),
        ("server", 1.0),
        ("waiter", 1.0),
        ("guests", 1.0),
        ("guest", 0.5),
        ("covers", 1.0),
        ("pax", 1.0),
        ("dine in", 1.5),
        ("take away", 1.0),
        ("takeaway", 1.0),
        ("tip", 1.5),
        ("gratuity", 1.5),
        ("service charge", 1.0),
        ("tisch", 1.0),
        ("bedienung", 1.0),
        ("trinkgeld", 1.5),
        ("gaststatte", 1.5),
        ("mesa", 1.0),
        ("propina", 1.5),
        ("tavolo", 1.0),
        ("coperto", 1.0),
        ("mancia", 1.5),
        ("couverts", 1.0),
        ("pourboire", 1.5),
        ("tafel", 1.0),
        ("fooi", 1.5),
        ("gorjeta", 1.5),
        ("garcom", 1.0),
        ("empregado", 0.5),
        ("bediening", 1.0),
        ("coperti", 1.0),
        ("cameriere", 1.0),
        ("camarero", 1.0),
        ("serveur", 1.0),
        ("serveuse", 1.0),
        ("served by", 1.0),
        ("kellner", 1.0),
        ("ober", 0.5),
        ("eetcafe", 2.0),
        ("trattoria", 2.0),
        ("osteria", 2.0),
        ("pizzeria", 2.0),
        ("brasserie", 2.0),
        ("diner", 1.5),
        ("taberna", 1.5),
        ("churrascaria", 2.0),
        ("lanchonete", 2.0),
        ("tasca", 1.5),
        ("servico", 1.0),
        ("servizio", 1.0),
        ("service", 0.5),
        ("meal", 1.0),
        ("burger", 0.5),
        ("pizza", 0.5),
        ("rice", 0.5),
        ("noodle", 0.5),
        ("chicken", 0.5),
        ("tea", 0.5),
        ("drink", 0.5),
    ),
    "receipt.creditCard": (
        ("approved", 1.5),
        ("approval", 1.5),
        ("auth code", 2.0),
        ("authorization", 1.5),
        ("auth", 1.0),
        ("card number", 1.0),
        ("card no", 1.0),
        ("cardholder", 1.5),
        ("card holder", 1.5),
        ("visa", 1.0),
        ("mastercard", 1.0),
        ("amex", 1.0),
        ("terminal", 0.5),
        ("tid", 0.5),
        ("mid", 0.5),
        ("batch", 0.5),
        ("rrn", 1.0),
        ("signature", 0.5),
        ("genehmigt", 1.5),
        ("autorisation", 1.5),
        ("autorizacion", 1.5),
        ("autorizzazione", 1.5),
        ("goedgekeurd", 1.5),
        ("aprovado", 1.5),
        ("authorised", 1.5),
        ("authorized", 1.5),
        ("approvata", 1.5),
        ("approvato", 1.5),
        ("autorizzata", 1.5),
        ("aprovada", 1.5),
        ("aprobada", 1.5),
        ("aprobado", 1.5),
        ("autorizada", 1.5),
        ("autorizado", 1.5),
        ("accepte", 1.5),
        ("autorise", 1.5),
        ("gelukt", 1.5),
        ("zahlung erfolgt", 1.5),
        ("bezahlt", 0.5),
        ("kartenzahlung", 1.0),
        ("maestro", 0.5),
        ("contactless", 0.5),
        ("sale", 0.5),
        ("venta", 0.5),
        ("vente", 0.5),
        ("vendita", 0.5),
        ("verkoop", 0.5),
        ("compra", 0.5),
        ("transazione", 0.5),
        ("transaction", 0.5),
    ),
}
_FUEL_QTY = re.compile(r" \d+ \d{2,3} (?:l|ltr|lt|gal) (?:x )?\d+ \d{2,3}\b")
_CARD_MASK = re.compile(r"(?:[*xX•#]{4}[\s-]?){2,3}\d{4}|[*xX]{6,}\d{4}")


# --- small helpers -----------------------------------------------------------------------------


def _norm(text: str) -> str:
    return normalize_label(text)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(_norm(text))]


def _has_phrase(norm_text: str, phrases: Iterable[str]) -> str | None:
    """The first phrase found as whole words in ``norm_text``."""
    padded = f" {re.sub(r'[^a-z0-9/-]+', ' ', norm_text)} "
    for p in phrases:
        if f" {p} " in padded:
            return p
    return None


def _fuzzy_word(words: Sequence[str], targets: Iterable[str], cutoff: float = 80.0) -> bool:
    for w in words:
        for t in targets:
            if w == t:
                return True
            if len(t) >= 5 and len(w) >= 4 and w[0] == t[0] and fuzz.ratio(w, t) >= cutoff:
                return True
    return False


_AMOUNT_CORE = re.compile(
    r"^[-(]?(?:[A-Z]{1,3}\$?|[$€£¥₹])?\s?-?\d{0,3}(?:[.,\s]?\d{3})*[.,]\d{2}-?\)?$"
)
_TRAIL_CODE = re.compile(r"(?<=\d)\s?(?:\*?[A-Za-z]{1,2}|[+*]|[^\x00-\x7f€£¥₹])$")


def _amount_text(text: str) -> str | None:
    """The money part of a token (tax codes like ``SR`` / ``*S`` and currency cut off)."""
    s = text.strip().rstrip(".:;")
    s = _TRAIL_CODE.sub("", s)
    s = s.replace("O", "0") if re.fullmatch(r"[\dO.,]+", s) else s
    s = re.sub(r"(?<=\d)-(?=\d{2}$)", ".", s)  # OCR "100-00"
    if not _AMOUNT_CORE.match(s):
        return None
    return s


@dataclass(slots=True)
class _Amount:
    value: float
    tokens: list[Token]


@dataclass(slots=True)
class _Row:
    """A label line with the amount printed on it or right of it on the same visual row."""

    line: TextLine
    label_tokens: list[Token]
    amount: _Amount | None
    norm: str
    words: list[str]
    order: int
    alts: list[_Amount] = field(default_factory=list)  # every amount on the row, left to right


@dataclass
class _Ctx:
    view: DocView
    lines: list[TextLine]
    decimal: Decimal | None
    order: DateOrder | None
    country: str | None
    height: float
    locale_region: str | None = None
    country_votes: dict[str, float] = field(default_factory=dict)


def _token_amount(tokens: Sequence[Token], decimal: Decimal | None) -> tuple[int, _Amount] | None:
    """The right-most amount among ``tokens``: (index of its first token, amount)."""
    for i in range(len(tokens) - 1, -1, -1):
        t = tokens[i]
        if t.text.startswith("@") or (i > 0 and tokens[i - 1].text in ("x", "X", "×", "@", "*")):
            continue  # a unit price ("2 x 3.50", "@3.50"), not the line amount
        s = _amount_text(t.text)
        if s is None:
            continue
        core = re.sub(r"^[A-Z]{2,3}(?=[\d.])", "", s).replace(" ", "")
        core = re.sub(r"^(-?)([.,]\d{2})$", r"\g<1>0\2", core)
        v = parse_amount(core, decimal=decimal)
        if v is None:
            continue
        start = i
        if (
            i > 0
            and re.fullmatch(r"[A-Z]{2,3}|[$€£¥₹]|[A-Z]{1,2}\$", tokens[i - 1].text)
            and tokens[i - 1].text.casefold() not in _TAX_WORDS
        ):
            start = i - 1
        return start, _Amount(v, list(tokens[start : i + 1]))
    return None


def _same_row(a: TextLine, b: TextLine) -> float:
    """Vertical overlap of two boxes relative to the smaller height (0..1)."""
    top = max(a.box[1], b.box[1])
    bot = min(a.box[3], b.box[3])
    h = max(1e-6, min(a.height, b.height))
    return max(0.0, bot - top) / h


def _build_rows(view: DocView, lines: list[TextLine], decimal: Decimal | None) -> list[_Row]:
    """Label lines paired with their amounts; amount-only lines join the label on their left."""
    parsed: dict[int, tuple[list[Token], _Amount | None]] = {}
    lines = [
        ln
        for ln in lines
        if not re.fullmatch(r"\W*([A-Z]{2,3}|RM|R[MHN]|[$€£¥₹])\W*", ln.text.strip())
        or _norm(ln.text) in _SHORT_LABELS  # "TIP", "TAX", "IVA": labels, not currencies
    ]
    for ln in lines:
        got = _token_amount(ln.tokens, decimal)
        if got is None:
            parsed[ln.index] = (list(ln.tokens), None)
        else:
            start, amt = got
            parsed[ln.index] = (list(ln.tokens[:start]), amt)
    # Amount-only lines: attach to the best label line on the same row, left of it.
    used: set[int] = set()
    attach: dict[int, _Amount] = {}
    attach_line: dict[int, TextLine] = {}  # the right-most amount on the label's row wins
    for ln in lines:
        label, found = parsed[ln.index]
        if found is None or any(_WORD.search(t.text) for t in label if len(t.text) > 1):
            continue
        best: tuple[float, TextLine] | None = None
        for other in lines:
            if other.index == ln.index or other.page != ln.page:
                continue
            olabel, oamt = parsed[other.index]
            if oamt is not None or not olabel:
                continue
            if other.box[2] > ln.box[0] + 0.5 * ln.height:
                continue
            ov = _same_row(ln, other)
            if ov < 0.45:
                continue
            if best is None or ov > best[0]:
                best = (ov, other)
        if best is not None:
            prev = attach_line.get(best[1].index)
            if prev is not None and prev.box[0] >= ln.box[0]:
                continue
            if prev is not None:
                used.discard(prev.index)
            attach[best[1].index] = found
            attach_line[best[1].index] = ln
            used.add(ln.index)
    # every amount-only line right of a label line on its row (tax rows print rate, base, tax)
    right_of: dict[int, list[TextLine]] = {}
    for ln in lines:
        label, found = parsed[ln.index]
        if found is None or any(_WORD.search(t.text) for t in label if len(t.text) > 1):
            continue
        for other in lines:
            if other.index == ln.index or other.page != ln.page:
                continue
            olabel, _ = parsed[other.index]
            if not any(_WORD.search(t.text) for t in olabel if len(t.text) > 1):
                continue
            if other.box[2] > ln.box[0] + 0.5 * ln.height or _same_row(ln, other) < 0.45:
                continue
            right_of.setdefault(other.index, []).append(ln)
    rows: list[_Row] = []
    for ln in lines:
        if ln.index in used:
            continue
        label, own = parsed[ln.index]
        amount = own if own is not None else attach.get(ln.index)
        text = " ".join(t.text for t in label)
        norm = _norm(text)
        alts = [a for a in (_label_amounts(label, decimal)) if a is not amount]
        if own is not None:
            alts.append(own)
        for extra in sorted(right_of.get(ln.index, []), key=lambda x: x.box[0]):
            ex = parsed[extra.index][1]
            if ex is not None:
                alts.append(ex)
        rows.append(_Row(ln, label, amount, norm, _words(text), len(rows), alts))
    return rows


def _label_amounts(tokens: Sequence[Token], decimal: Decimal | None) -> list[_Amount]:
    """Decimal amounts printed inside a label (``IVA 22% 2,77``), left to right."""
    out: list[_Amount] = []
    for t in tokens:
        s = _amount_text(t.text)
        if s is None or "%" in t.text:
            continue
        core = re.sub(r"^[A-Z]{2,3}(?=[\d.])", "", s).replace(" ", "")
        v = parse_amount(core, decimal=decimal)
        if v is not None:
            out.append(_Amount(v, [t]))
    return out


def _doc_lines(view: DocView, pages: Sequence[int]) -> list[TextLine]:
    out: list[TextLine] = []
    for p in pages:
        out.extend(sorted(view.page_lines(p), key=lambda ln: (ln.box[1] + ln.box[3]) / 2))
    return out


def _median(values: Sequence[float]) -> float:
    s = sorted(values)
    if not s:
        return 1.0
    return s[len(s) // 2]


# --- country -----------------------------------------------------------------------------------

_CURRENCY_COUNTRY = {
    "rm": "MYS",
    "myr": "MYS",
    "sgd": "SGP",
    "s$": "SGP",
    "gbp": "GBR",
    "£": "GBR",
    "chf": "CHE",
    "inr": "IND",
    "₹": "IND",
    "aud": "AUS",
    "a$": "AUS",
    "cad": "CAN",
    "nzd": "NZL",
    "usd": "USA",
    "idr": "IDN",
    "php": "PHL",
    "thb": "THA",
    "hkd": "HKG",
    "jpy": "JPN",
    "sek": "SWE",
    "dkk": "DNK",
    "nok": "NOR",
    "pln": "POL",
    "czk": "CZE",
    "brl": "BRA",
    "r$": "BRA",
    "mxn": "MEX",
}


@functools.lru_cache(maxsize=1)
def _subdivisions() -> dict[str, str]:
    """State / province / region names (ISO 3166-2, from pycountry) -> alpha-3, when unique."""
    import pycountry

    seen: dict[str, set[str]] = {}
    for sub in pycountry.subdivisions:
        key = re.sub(r"\s+", " ", strip_accents(sub.name).casefold()).strip()
        if len(key) >= 5:
            seen.setdefault(key, set()).add(sub.country_code)
    out: dict[str, str] = {}
    for key, codes in seen.items():
        if len(codes) == 1:
            a3 = country_alpha3(next(iter(codes)))
            if a3:
                out[key] = a3
    return out


@functools.lru_cache(maxsize=1)
def _us_states() -> frozenset[str]:
    import pycountry

    return frozenset(
        str(sub.code).split("-")[1]
        for sub in pycountry.subdivisions
        if str(sub.code).startswith("US-")
    )


def _place_country(text: str) -> str | None:
    """The country of a state/province named at the end of an address part."""
    table = _subdivisions()
    for part in re.split(r"[,\n]", strip_accents(text).casefold()):
        words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", part)
        for k in (3, 2, 1):
            if len(words) >= k:
                hit = table.get(" ".join(words[-k:]))
                if hit:
                    return hit
    return None


# EU and other VAT / tax-id numbers printed with their country prefix.
_VAT_ID = re.compile(
    r"(?<![A-Z0-9])(?:"
    r"(?P<DEU>DE\s?\d{9})|(?P<GBR>GB\s?\d{3}\s?\d{4}\s?\d{2}(?:\d{3})?)|"
    r"(?P<FRA>FR\s?[0-9A-Z]{2}\s?\d{9})|(?P<ESP>ES\s?[A-Z0-9]\d{7}[A-Z0-9])|"
    r"(?P<ITA>IT\s?\d{11})|(?P<NLD>NL\s?\d{9}\s?B\d{2})|(?P<PRT>PT\s?\d{9})|"
    r"(?P<AUT>ATU\s?\d{8})|(?P<BEL>BE\s?0?\d{9,10})|(?P<CHE>CHE[-\s]?\d{3}\.?\d{3}\.?\d{3})"
    r")(?![A-Z0-9])"
)
# Tax / registration words that belong to one country (normalised, whole words): weight.
_TAX_ID_WORDS: dict[str, tuple[tuple[str, float], ...]] = {
    "DEU": (
        ("ust-idnr", 1.5),
        ("ust-id", 1.5),
        ("steuernr", 1.5),
        ("st-nr", 1.0),
        ("mwst", 0.8),
        ("ust", 0.6),
        ("umsatzsteuer", 0.8),
        ("mehrwertsteuer", 0.8),
    ),
    "FRA": (("siret", 1.5), ("siren", 1.5), ("tva", 0.8), ("rcs", 0.8), ("naf", 0.8), ("ttc", 0.6)),
    "NLD": (("btw", 1.0), ("kvk", 1.5), ("btw-nr", 1.0)),
    "ITA": (
        ("p iva", 1.5),
        ("p.iva", 1.5),
        ("partita iva", 1.5),
        ("codice fiscale", 1.0),
        ("c.f", 0.6),
    ),
    "ESP": (("cif", 0.8), ("n.i.f", 0.4), ("nif", 0.4)),
    "PRT": (("nif", 0.5), ("contribuinte", 1.0), ("nipc", 1.0)),
    "BRA": (("cnpj", 2.0), ("cpf", 1.0), ("cep", 1.0), ("tributos", 0.8)),
    "AUS": (("abn", 1.5),),
    "MYS": (("sst", 0.8),),
}
# Postcode shapes that identify a country (header lines).
_POSTCODE_COUNTRY = (
    (re.compile(r"(?<![\w-])\d{4}\s?(?!AM\b|PM\b)[A-Z]{2}\s+[A-Z][a-z]"), "NLD", 1.0),
    (re.compile(r"(?<![\w-])\d{4}-\d{3}(?![\w-])\s+[^\W\d_]"), "PRT", 1.0),
    (re.compile(r"(?<![\w-])\d{5}-\d{3}(?![\w-])"), "BRA", 1.0),
    (re.compile(r"\bCEP\W{0,3}\d{5}-?\d{3}\b"), "BRA", 1.0),
    (re.compile(r"(?<![\w-])[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}(?![\w-])"), "GBR", 1.0),
)


# Distinctive receipt words per language (normalised, accents stripped).
def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


_LANG_WORDS: dict[str, frozenset[str]] = {
    "de": _vocab(
        "summe gesamt danke datum uhrzeit kasse mwst zahlung erfolgt betrag "
        "quittung kassenbon ruckgeld wechselgeld bedienung tisch strasse str "
        "vielen dank bis bald kartenzahlung zwischensumme enth inkl netto brutto "
        "tankstelle parkhaus einfahrt ausfahrt gegeben"
    ),
    "fr": _vocab(
        "merci ttc tva especes rendu monnaie montant carte bancaire rue "
        "chemin serveur caissier facture sous-total payer "
        "vente paiement accepte bientot revoir entree sortie duree"
    ),
    "es": _vocab(
        "gracias fecha hora importe iva efectivo cambio calle tarjeta venta "
        "propina camarero mesa cajero factura simplificada operacion aprobada "
        "entrada salida compra pagar imponible avda"
    ),
    "it": _vocab(
        "grazie totale scontrino iva contanti resto via carta transazione "
        "approvata cassiere coperti coperto tavolo cameriere subtotale "
        "complessivo arrivederci documento commerciale ingresso uscita sosta "
        "importo pagamento piazza viale corso"
    ),
    "nl": _vocab(
        "bedankt totaal btw kassabon datum tijd contant wisselgeld straat "
        "betaling gelukt bedrag fooi tafel bediening kassa ziens "
        "subtotaal inrit uitrit parkeergeld parkeergarage bonnr laan plein"
    ),
    "pt": _vocab(
        "obrigado obrigada data hora troco valor rua dinheiro cartao "
        "compra aprovado aprovada mesa empregado garcom servico visita "
        "preferencia impostos tributos entrada saida permanencia avenida "
        "montante contribuinte fatura"
    ),
}
_LANG_COUNTRY = {"de": "DEU", "fr": "FRA", "es": "ESP", "it": "ITA", "nl": "NLD", "pt": "PRT"}
_EURO = frozenset({"DEU", "FRA", "ESP", "ITA", "NLD", "PRT", "AUT", "BEL", "IRL", "FIN", "LUX"})


def _language(texts: Sequence[str]) -> tuple[str | None, float]:
    """The dominant European language of the receipt's words and its lead over the runner-up."""
    counts = dict.fromkeys(_LANG_WORDS, 0)
    for t in texts:
        for w in set(_words(t)):
            for lang, vocab in _LANG_WORDS.items():
                if w in vocab:
                    counts[lang] += 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    (best, n1), (_, n2) = ranked[0], ranked[1]
    if n1 < 2 or n1 < n2 + 2:
        return None, 0.0
    return best, float(n1 - n2)


def _country_votes(texts: Sequence[str], header_lines: int = 25) -> dict[str, float]:
    """Evidence for the receipt's country: printed names, states, VAT ids, tax words, postcodes,
    currency, +CC phone prefixes and the language of its words (alpha-3 -> weight)."""
    votes: dict[str, float] = {}

    def vote(c: str, w: float) -> None:
        votes[c] = votes.get(c, 0.0) + w

    for i, t in enumerate(texts):
        header = i < header_lines
        parts = [p.strip() for p in re.split(r"[,\n]", t) if p.strip()]
        for p in parts[-2:]:
            for cand in (p, p.split()[-1] if p.split() else p):
                compact = re.sub(r"[\s.]", "", cand)
                if len(compact) < 4 or not compact.isalpha():
                    continue
                c = country_alpha3(cand)
                if c:
                    vote(c, 2.0)
        n = _norm(t)
        if header:
            place = _place_country(t)
            if place:
                # city and region names are shared across countries: needs corroboration
                vote(place, 0.6)
            m_us = re.search(r"\b([A-Z]{2})\.?\s+\d{5}(?:-\d{4})?\b", t)
            if m_us and m_us.group(1) in _us_states():
                vote("USA", 1.5)
            for pat, c, w in _POSTCODE_COUNTRY:
                if pat.search(t):
                    vote(c, w)
                    break
        for m in _VAT_ID.finditer(t.upper()):
            c = m.lastgroup
            if c:
                vote(c, 2.5)
        padded = f" {re.sub(r'[^a-z0-9/.-]+', ' ', n)} "
        for c, cues in _TAX_ID_WORDS.items():
            for cue, w in cues:
                if f" {cue} " in padded or f" {cue}. " in padded or f" {cue}: " in padded:
                    vote(c, w)
                    break
        for tok in re.findall(
            r"(?<![\w$])(rm|myr|sgd|s\$|gbp|£|chf|inr|₹|aud|a\$|cad|nzd|usd|"
            r"idr|php|thb|hkd|jpy|sek|dkk|nok|pln|czk|brl|r\$|mxn)"
            r"(?=\s?\d|\b)",
            n,
        ):
            c = _CURRENCY_COUNTRY[tok]
            vote(c, 1.0 if tok in ("£", "r$", "brl", "gbp") else 0.5)
        cc = re.search(r"\+\s?(\d{1,3})[\s-]?\d", t)
        if cc:
            import phonenumbers

            region = phonenumbers.region_code_for_country_code(int(cc.group(1)))
            if region and region != "ZZ":
                c = country_alpha3(region)
                if c:
                    vote(c, 1.5)
    lang, lead = _language(texts)
    euro = any("€" in t or re.search(r"\bEUR\b", t) for t in texts)
    if lang is not None:
        c = _LANG_COUNTRY[lang]
        if c == "PRT" and votes.get("BRA", 0.0) > votes.get("PRT", 0.0):
            c = "BRA"
        w = min(1.2, 0.5 + 0.1 * lead)
        if euro and c in _EURO:
            w += 0.3
        vote(c, w)
    return votes


def _country_scored(texts: Sequence[str]) -> tuple[str | None, float, dict[str, float]]:
    """(alpha-3 or None, confidence, votes) of the receipt's country."""
    votes = _country_votes(texts)
    if not votes:
        return None, 0.0, votes
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if score < 1.0:
        return None, 0.0, votes
    margin = score - second
    conf = 0.45 + 0.12 * min(score, 4.0) + 0.05 * min(margin, 2.0)
    if margin < 0.5:
        conf -= 0.15
    return best, max(0.3, min(0.95, conf)), votes


def _country(texts: Sequence[str], header_lines: int = 25) -> str | None:
    """The receipt's country (alpha-3), see ``_country_scored``."""
    return _country_scored(texts)[0]


_MDY_COUNTRIES = frozenset({"USA", "PHL", "FSM", "PLW", "MHL"})


def _date_order(texts: Sequence[str], country: str | None, locale: str | None) -> DateOrder | None:
    inferred = infer_date_order(texts)
    if inferred in ("DMY", "MDY"):
        return inferred
    if country is not None:
        return "MDY" if country in _MDY_COUNTRIES else "DMY"
    if locale:
        lc = locale.lower()
        if lc in ("en-us", "en-ph"):
            return "MDY"
        if not lc.startswith("en"):
            return "DMY"
    if any("$" in t for t in texts) and not any("€" in t for t in texts):
        return "MDY"
    return "DMY"


# --- merchant ----------------------------------------------------------------------------------


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _is_phone_line(text: str) -> bool:
    n = _norm(text)
    if re.match(r"(cep|plz|zip|cap|postcode)\b", n):
        return False  # a labelled postcode ("CEP 01234-567")
    if re.match(r"^(te[l1i!]|phone|fax|h/?p|mobile|telefon|telefono|telefone|tlf)", n):
        return True
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 8 and _letters(text) <= 3 and bool(re.search(r"\d[\d\s-]{6,}\d", text))


_BOILER_WORDS = frozenset(
    {
        "tax",
        "invoice",
        "receipt",
        "duplicate",
        "duplicated",
        "copy",
        "reprint",
        "reprinted",
        "welcome",
        "to",
        "the",
        "thank",
        "thanks",
        "you",
        "please",
        "come",
        "again",
        "visit",
        "official",
        "simplified",
        "cash",
        "bill",
        "sale",
        "sales",
        "customer",
        "merchant",
        "original",
        "full",
        "and",
        "for",
        "shopping",
        "us",
        "order",
        "our",
        "kassenbon",
        "quittung",
        "beleg",
        "rechnung",
        "danke",
        "vielen",
        "dank",
        "ticket",
        "facture",
        "merci",
        "recu",
        "factura",
        "simplificada",
        "gracias",
        "recibo",
        "scontrino",
        "fiscale",
        "ricevuta",
        "grazie",
        "kassabon",
        "bon",
        "bedankt",
        "factuur",
        "obrigado",
        "fatura",
        "resit",
        "rasmi",
        "terima",
        "kasih",
        "cukai",
        "invois",
    }
)


def _is_boilerplate(text: str) -> bool:
    n = re.sub(r"[^a-z ]+", " ", _norm(text)).strip()
    n = re.sub(r"\s+", " ", n)
    if not n:
        return True
    if re.match(
        r"(welcome|willkommen|bienvenue|bienvenido|benvenut|welkom|bem-vindo|selamat datang)\b", n
    ):
        return True
    words = n.split()
    if sum(ch.isdigit() for ch in text) <= 2 and all(
        w in _BOILER_WORDS
        or (len(w) >= 4 and any(fuzz.ratio(w, b) >= 75 for b in _BOILER_WORDS if len(b) >= 4))
        for w in words
    ):
        return True
    if n in _BOILERPLATE:
        return True
    for b in _BOILERPLATE:
        if len(b) >= 7 and len(n) <= len(b) + 3 and fuzz.ratio(n, b) >= 85:
            return True
    return False


def _date_in(text: str, order: DateOrder | None) -> bool:
    return bool(find_dates_glued(text, order=order)) or bool(re.search(r"\b\d{1,2}:\d{2}\b", text))


def _is_id_line(text: str) -> bool:
    """Tax / company registration lines: a long digit run, or a bracketed registration no."""
    if re.search(r"\d{9,}", text.replace(" ", "")) and _letters(text) <= 12:
        return True
    return bool(re.fullmatch(r"\W*\(?[^()]{0,12}\(?\s*\d{4,}[\d\s-]*[A-Z]?\s*\)?\W*", text.strip()))


def _name_candidate(ln: TextLine, height: float, order: DateOrder | None) -> bool:
    text = ln.text
    if _letters(text) < 2:
        return False
    conf = min((t.confidence for t in ln.tokens), default=1.0)
    if len(ln.tokens) == 1 and ln.height > 1.4 * height and conf < 0.85:
        return False  # logos, stamps, handwriting
    if len(ln.tokens) == 1 and ln.height > 2.5 * height:
        return False
    if len(ln.tokens) == 1 and re.search(r"\d", text) and _letters(text) <= 2:
        return False
    if _REG_NO.match(text.strip()) or _is_phone_line(text) or _is_boilerplate(text):
        return False
    if _is_id_line(text):
        return False
    if _date_in(text, order) and _letters(text) < 8:
        return False
    if _STOP_HEADER.search(text) and not _COMPANY_SUFFIX.search(text):
        return False
    if "@" in text or re.search(r"www\.|\.com\b", text, re.IGNORECASE):
        return False
    return not text.strip().startswith("(")


def _name_tokens(ln: TextLine) -> list[Token]:
    toks = [t for t in ln.tokens if not _REG_TOKEN.match(t.text)]
    # cut a trailing "(123456-X)" split over tokens and a trailing tax-id label
    while toks and re.fullmatch(r"[()\-\d]+[A-Z]?\)?", toks[-1].text) and len(toks) > 1:
        if not re.search(r"\d", toks[-1].text) or not toks[-1].text.startswith("("):
            break
        toks.pop()
    return toks or list(ln.tokens)


def _ends_with_country(text: str) -> bool:
    """The line ends with a country name (the last line of an address)."""
    tail = re.split(r"[,]", text.strip().rstrip(".").strip())[-1].strip()
    words = tail.split()
    for k in (1, 2, 3):
        if len(words) >= k:
            cand = " ".join(words[-k:])
            compact = cand.replace(" ", "")
            if len(compact) >= 4 and compact.isalpha() and country_alpha3(cand):
                return True
    return False


def _address_like(text: str) -> float:
    words = _words(text)
    score = 0.0
    if any(w in _ADDRESS_WORDS for w in words):
        score += 1.0
    if re.search(r"\d", text):
        score += 0.5
    if _POSTCODE.search(text):
        score += 0.5
    if text.rstrip().endswith(","):
        score += 0.5
    if _place_country(text) or any(
        len(w) >= 4 and country_alpha3(w) for w in re.split(r"[,]", text)[-1:]
    ):
        score += 1.0
    return score


@dataclass(slots=True)
class _Merchant:
    name: list[Token] = field(default_factory=list)
    name_conf: float = 0.0
    name_content: str = ""
    address: list[TextLine] = field(default_factory=list)
    address_tokens: list[Token] = field(default_factory=list)
    address_conf: float = 0.0
    phone: tuple[str | None, list[Token]] | None = None


_LEGAL = re.compile(
    r"\b(s[dno]n\.?\s*b[hn]d|bhd|s/b|ltd|limited|llc|inc|corp|gmbh|ag|kg|ohg|plc|pte|pty|"
    r"lda|ltda|sarl|eurl|s\.\s?a\.|s\.\s?l\.|s\.?r\.?l\.?|s\.?p\.?a\.?|b\.\s?v\.|n\.\s?v\.)(?!\w)",
    re.IGNORECASE,
)


def _clean_name(tokens: list[Token]) -> tuple[list[Token], str]:
    """Drop registration numbers and stray punctuation from a name; (tokens, content)."""
    out: list[Token] = []
    texts: list[str] = []
    skipping = False
    for t in tokens:
        x = t.text
        if skipping:
            if ")" in x:
                skipping = False
            continue
        if re.match(r"^\(\s*[A-Z]{0,3}\d{3,}", x) or _REG_TOKEN.match(x):
            skipping = ")" not in x
            continue
        if not re.search(r"\w", x) and x not in ("&", "+", "(", ")"):
            continue
        cut = re.sub(r"\(\s*\d{4,}[^)]*\)?$", "", x)
        if not cut:
            continue
        out.append(t)
        texts.append(cut)
    while out and not re.search(r"\w", texts[-1]):
        out.pop()
        texts.pop()
    while out and not re.search(r"\w", texts[0]) and texts[0] != "(":
        out.pop(0)
        texts.pop(0)
    if not out:
        return list(tokens), " ".join(t.text for t in tokens)
    return out, " ".join(texts)


def _valid_phone(e164: str) -> bool:
    """A number read without a known country is kept only if it is valid as read."""
    import phonenumbers

    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(e164)))
    except phonenumbers.NumberParseException:
        return False


def _phone_in_candidates(chunk: str, votes: dict[str, float]) -> str | None:
    """A national number read in each country with some evidence: kept when it is valid in
    exactly one of them."""
    import phonenumbers

    found: set[str] = set()
    for a3 in sorted(votes, key=lambda c: -votes[c])[:4]:
        a2 = country_alpha2(a3)
        if not a2:
            continue
        e164 = parse_phone(chunk, region=a2)
        if e164 is None:
            continue
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(e164)):
                found.add(e164)
        except phonenumbers.NumberParseException:
            continue
    return found.pop() if len(found) == 1 else None


def _merchant(cx: _Ctx, header: list[TextLine]) -> _Merchant:
    out = _Merchant()
    h = cx.height
    cands: list[int] = []
    for i, ln in enumerate(header[:10]):
        if cands and _address_like(ln.text) >= 1.5 and re.search(r"\d", ln.text):
            break  # the address has started
        if _name_candidate(ln, h, cx.order):
            cands.append(i)
        if len(cands) >= 3:
            break
    if not cands:
        return out
    name_idx = cands[0]
    if not _LEGAL.search(header[name_idx].text):
        # a brand line is often followed by the legal name of the merchant
        for j in cands[1:]:
            if _LEGAL.search(header[j].text) and _address_like(header[j].text) < 1.5:
                if j == name_idx + 1 and not _LEGAL.fullmatch(header[j].text.strip()):
                    first, second = header[name_idx], header[j]
                    continuation = (
                        abs(first.height - second.height) < 0.35 * first.height
                        and len(first.text) + len(second.text) < 48
                        and not re.search(r"\d", first.text)
                    )
                    if not continuation:
                        name_idx = j
                    break
                if j > name_idx + 1:
                    name_idx = j
                    break
    ln = header[name_idx]
    toks = list(ln.tokens)
    conf = 0.7
    if _LEGAL.search(ln.text) or _COMPANY_SUFFIX.search(ln.text):
        conf += 0.12
    if name_idx == cands[0]:
        conf += 0.05
    last = name_idx
    if name_idx + 1 < len(header):
        nxt = header[name_idx + 1]
        nxt_text = nxt.text.strip()
        similar = abs(nxt.height - ln.height) < 0.35 * ln.height
        if (
            _LEGAL.fullmatch(nxt_text)
            or _COMPANY_SUFFIX.fullmatch(nxt_text)
            or (ln.text.rstrip().endswith(("&", ",", "-")) and _name_candidate(nxt, h, cx.order))
            or (
                not _LEGAL.search(ln.text)
                and _LEGAL.search(nxt_text)
                and _address_like(nxt_text) < 1.0
                and _name_candidate(nxt, h, cx.order)
                and similar
                and len(ln.text) + len(nxt_text) < 48
            )
        ):
            toks = toks + list(nxt.tokens)
            last = name_idx + 1
    toks, content = _clean_name(toks)
    joint = 1.0
    for t in toks:
        joint *= max(0.05, t.confidence)
    conf = conf * (0.35 + 0.65 * joint**0.5) + 0.08
    if _address_like(ln.text) >= 1.5:
        conf -= 0.25
    out.name = toks
    out.name_content = content
    out.name_conf = max(0.05, min(0.95, conf))
    name_text = _norm(content)
    # Address: the lines below the name up to the first phone / tax id / boilerplate line.
    addr: list[TextLine] = []
    addr_toks: list[Token] = []

    def weak() -> bool:
        return sum(_address_like(x.text) for x in addr) < 1.0

    for ln2 in header[last + 1 : last + 12]:
        text = ln2.text.strip()
        n = _norm(text)
        skip = (
            _is_id_line(text)
            or _REG_NO.match(text) is not None
            or (text.startswith("(") and bool(re.search(r"\d", text)) and _letters(text) < 4)
            or _is_boilerplate(text)
        )
        dates = find_dates_glued(text, order=cx.order)
        if dates and (
            re.search(r"\d{1,2}:\d{2}", text) or (dates[0][1] - dates[0][0]) > 0.5 * len(text)
        ):
            skip = True
        if skip:
            if addr and not weak():
                break
            addr, addr_toks = [], []
            continue
        stop = _STOP_HEADER.search(text) or re.search(
            r"\b(site|outlet|terminal|counter|pos|table|cashier|server|staff)\b\s*[:#.]", n
        )
        if stop is not None:
            cut = [t for t in ln2.tokens if t.span.offset < ln2.span.offset + stop.start()]
            cut_text = " ".join(t.text for t in cut)
            if cut and _address_like(cut_text) >= 1.0 and not _is_phone_line(cut_text):
                addr.append(ln2)
                addr_toks.extend(cut)
            if addr and not weak():
                break
            addr, addr_toks = [], []
            continue
        if _is_phone_line(text):
            if addr and not weak():
                break
            addr, addr_toks = [], []
            continue
        if name_text and fuzz.ratio(_norm(text), name_text) >= 92:
            # the name printed again (logo + text header): the address follows the repeat
            addr, addr_toks = [], []
            continue
        if not addr and _address_like(text) < 0.5:
            continue
        addr.append(ln2)
        addr_toks.extend(ln2.tokens)
        # A country ends the address only after its postcode ("... Mall" misread as "Mali"
        # must not stop it at the first line).
        if len(addr) >= 6 or (
            _ends_with_country(text) and any(_POSTCODE.search(a.text) for a in addr)
        ):
            break
    if addr:
        total_score = sum(_address_like(a.text) for a in addr)
        conf = 0.45 + min(0.3, 0.1 * total_score)
        if any(_POSTCODE.search(a.text) for a in addr):
            conf += 0.1
        out.address = addr
        out.address_tokens = addr_toks
        # exact address text needs every word right: the product of word confidences
        joint = 1.0
        for t in addr_toks:
            joint *= max(0.05, t.confidence)
        out.address_conf = max(0.05, min(0.95, conf * (0.25 + 0.75 * joint**0.5)))
    # Phone: first phone-looking text in the header.
    region = country_alpha2(cx.country) if cx.country else cx.locale_region
    for ln3 in header[:20]:
        for m in re.finditer(r"(?<![A-Za-z\d])\+?\(?\d[\d\s()./-]{6,}\d(?![A-Za-z\d])", ln3.text):
            chunk = m.group(0)
            if find_dates(chunk, order=cx.order):
                continue
            phone = parse_phone(chunk, region=region)
            if phone is None and region is None:
                phone = _phone_in_candidates(chunk, cx.country_votes)
                if phone is not None:
                    region = "ZZ"  # valid in exactly one candidate country
            if phone is None:
                continue
            n = _norm(ln3.text[: m.start()])
            labelled = bool(re.search(r"(tel|phone|fax|telefon|hp|mobile|contact|ph)\W*$", n))
            if not labelled and re.search(
                r"(gst|vat|reg|no|id|invoice|receipt|nif|cif|nipc|btw|tva|iva|siret|siren|"
                r"cnpj|cpf|cep|ust|mwst|kvk|abn|contribuinte|nr)\W*$",
                n,
            ):
                continue
            toks = [
                t
                for t in ln3.tokens
                if t.span.offset + t.span.length > ln3.span.offset + m.start()
                and t.span.offset < ln3.span.offset + m.end()
            ]
            out.phone = (phone if region or _valid_phone(phone) else None, toks)
            break
        if out.phone:
            break
    return out


# --- amounts -----------------------------------------------------------------------------------


def _label_kind(row: _Row) -> str | None:
    """``total`` / ``subtotal`` / ``tax`` / ``tip`` / ``cash`` / ``change`` or ``None``."""
    n = row.norm
    words = row.words
    if not words:
        return None
    if (
        _has_phrase(n, _SUBTOTAL)
        or words[0] in ("sub", "subtotale", "subtotaal", "subtot", "zwsumme")
        or re.match(r"(zw|zwischen)\W*summe\b", n)
    ):
        return "subtotal"
    if _has_phrase(n, _TIP) or (
        words[0] in _SERVICE_TIP and len(words) <= 2 and not re.search(r"charge|tax|incl", n)
    ):
        return "tip"
    if _has_phrase(n, _CHANGE) or _fuzzy_word(words[:2], ("change",), 80):
        return "change"
    if words[0] in _CASH and not _fuzzy_word(words, _TOTAL_WORDS, 80):
        return "cash"
    if len(words) == 1 and words[0] in _AMOUNT_LABELS:
        return "total"  # a card slip's bare AMOUNT line (the subtotal when a tip follows)
    is_total = bool(_has_phrase(n, _TOTAL_STRONG)) or _fuzzy_word(words, _TOTAL_WORDS, 80)
    not_total = any(w in _NOT_TOTAL for w in words)
    if is_total and not not_total:
        return "total"
    if is_total and not_total:
        # "total incl. gst" / "total (inclusive gst)" are grand totals
        if (
            re.search(r"\b(incl\b|[il1]nclusive|including|inkl\b|ttc|iva incl)", n)
            and not re.search(r"\b(sub|excl|qty|quantity|item|discount|rounding)", n)
            and words[0] not in _TAX_WORDS
            and not re.search(r"\d+\s*%.*\b(included|incl)\b", n)
        ):
            return "total"
        if any(w in ("tax", "gst", "vat", "sst", "mwst", "tva", "iva", "btw") for w in words):
            return "tax"
        if any(w in ("cash", "tendered") for w in words):
            return "cash"
        return "other"
    if any(w in _TAX_WORDS for w in words) and not any(w in _TAX_NOT for w in words):
        return "tax"
    if (
        any(w in _TAX_WORDS for w in words)
        and re.search(r"\b(incl|inclusive|included)\b", n)
        and "summary" not in words
    ):
        return "tax"
    if any(w in _CASH for w in words[:3]):
        return "cash"
    if words[0] in ("rounding", "round", "adj"):
        return "other"
    return None


@dataclass(slots=True)
class _Totals:
    total: _Amount | None = None
    total_conf: float = 0.0
    subtotal: _Amount | None = None
    subtotal_conf: float = 0.0
    tax: _Amount | None = None
    tax_conf: float = 0.0
    tip: _Amount | None = None
    tip_conf: float = 0.0
    first_row: int | None = None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.011 + 0.0005 * abs(b)


def _is_adjustment(r: _Row) -> bool:
    return bool(r.words) and (
        r.words[0] in ("rounding", "round", "rnd", "adj", "adjustment", "rundung", "arrondi")
        or "adj" in r.words
        or "adjustment" in r.words
    )


_RATE = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")


def _tax_rates(row: _Row) -> list[float]:
    """Tax rates printed on a tax row: ``19%``, ``22 %`` or a bare ``5,50`` before the amounts."""
    text = " ".join(t.text for t in row.label_tokens)
    rates = [float(m.group(1).replace(",", ".")) for m in _RATE.finditer(text)]
    if not rates and len(row.alts) >= 3 and 0 < row.alts[0].value <= 30:
        rates.append(row.alts[0].value)
    return [r for r in rates if 0 < r <= 30]


def _tax_by_arithmetic(row: _Row, total: float | None) -> tuple[_Amount, float] | None:
    """The tax among the amounts of a tax row printing rate, base and tax: the amount ``t`` with
    ``t = rate x base`` (or the included share ``base x rate / (1 + rate)``) for another amount
    ``base`` on the row, or ``base + t = total``; (amount, confidence)."""
    if len(row.alts) < 2:
        return None
    rates = _tax_rates(row)
    best: tuple[float, _Amount] | None = None
    for t in row.alts:
        for b in row.alts:
            if b is t or not 0 < t.value < b.value:
                continue
            score = 0.0
            tol = 0.015 + 0.002 * b.value
            for r in rates:
                if (
                    abs(t.value - b.value * r / 100) <= tol
                    or abs(t.value - b.value * r / (100 + r)) <= tol
                ):
                    score = 2.0
                    break
            if total is not None and (_close(b.value + t.value, total) or _close(b.value, total)):
                score += 1.0
            if score > 0 and (best is None or score > best[0]):
                best = (score, t)
    if best is None:
        return None
    return best[1], 0.88 if best[0] >= 3.0 else 0.85 if best[0] >= 2.0 else 0.75


def _plausible_tax(
    tax_rows: list[_Row], out: _Totals, rows: list[_Row]
) -> tuple[_Amount | None, float]:
    """The tax amount: below 30 % of the total, preferably consistent with the other amounts."""
    assert out.total is not None
    total = out.total.value
    for r in tax_rows:
        got = _tax_by_arithmetic(r, total)
        if got is not None and got[0].value <= 0.3 * total + 0.005:
            conf = got[1]
            if out.subtotal is not None and _close(out.subtotal.value + got[0].value, total):
                conf = max(conf, 0.9)
            return got[0], conf
    # a single tax amount checked against its printed rate and the total / subtotal
    bases = [total] + ([out.subtotal.value] if out.subtotal is not None else [])
    for r in tax_rows:
        a = r.alts[-1] if r.alts else r.amount
        if a is None or not 0 < a.value <= 0.3 * total + 0.005:
            continue
        for rate in _tax_rates(r):
            for b in bases:
                tol = 0.015 + 0.002 * b
                if (
                    abs(a.value - b * rate / (100 + rate)) <= tol
                    or abs(a.value - b * rate / 100) <= tol
                ):
                    return a, 0.86
    # on a tax row printing several amounts (rate, base, tax) the tax is the right-most one
    cands = [
        a
        for a in (r.alts[-1] if r.alts else r.amount for r in tax_rows)
        if a is not None and 0 < a.value <= 0.3 * total + 0.005
    ]
    if not cands:
        return None, 0.0
    amounts = [r.amount.value for r in rows if r.amount is not None]
    for a in cands:
        if out.subtotal is not None and _close(out.subtotal.value + a.value, total):
            return a, 0.9
    for a in cands:
        # the amount before tax is printed somewhere (tax-inclusive receipts)
        if any(_close(v + a.value, total) for v in amounts):
            return a, 0.75
    return cands[0], 0.5


def _subtotal_before_tip(out: _Totals, by: dict[str, list[_Row]], rows: list[_Row]) -> None:
    """Card slips and bills printing ``AMOUNT`` then ``TIP`` then ``TOTAL``: the amount above
    the tip with amount + tip (+ tax) = total is the subtotal."""
    assert out.total is not None and out.tip is not None
    tip_row = next(r for r in by["tip"] if r.amount is out.tip)
    total, tip = out.total.value, out.tip.value
    tax = out.tax.value if out.tax is not None else 0.0
    for r in reversed(rows[: tip_row.order]):
        if r.amount is None or r.amount.value <= 0 or r.amount is out.tax:
            continue
        if _label_kind(r) in ("cash", "change", "tip", "tax"):
            continue
        v = r.amount.value
        if _close(v + tip, total) or (tax and _close(v + tip + tax, total)):
            out.subtotal = r.amount
            out.subtotal_conf = 0.88
            out.total_conf = max(out.total_conf, 0.88)
            out.tip_conf = max(out.tip_conf, 0.88)
            return


def _confirm(out: _Totals, item_sum: Callable[[int], float | None]) -> None:
    """Raise the confidence of amounts confirmed by arithmetic: subtotal (+ tax) (+ tip) =
    total, or subtotal = the sum of the items."""
    if out.total is None:
        return
    total = out.total.value
    sub = out.subtotal.value if out.subtotal is not None else None
    tax = out.tax.value if out.tax is not None else 0.0
    tip = out.tip.value if out.tip is not None else 0.0
    if sub is not None:
        sums = {round(sub + tip, 2), round(sub + tax + tip, 2)}
        if any(_close(s, total) for s in sums):
            out.subtotal_conf = max(out.subtotal_conf, 0.88)
            out.total_conf = max(out.total_conf, 0.88)
            if out.tip is not None:
                out.tip_conf = max(out.tip_conf, 0.88)
            if out.tax is not None and _close(sub + tax + tip, total) and tax > 0:
                out.tax_conf = max(out.tax_conf, 0.88)
        items = item_sum(10**9)
        if items is not None and _close(items, sub):
            out.subtotal_conf = max(out.subtotal_conf, 0.85)


def _totals(rows: list[_Row], item_sum: Callable[[int], float | None]) -> _Totals:
    out = _Totals()
    kinds: list[tuple[_Row, str]] = []
    adjust: list[_Row] = []
    seen_cash = False
    for r in rows:
        if r.amount is None:
            continue
        k = _label_kind(r)
        if k is None and seen_cash and r.words[:1] == ["balance"]:
            k = "change"  # "CASH 50.00 / BALANCE 7.70": the change given
        seen_cash = seen_cash or k == "cash"
        if _is_adjustment(r):
            if abs(r.amount.value) < 0.1:
                adjust.append(r)
                k = "other"
            elif "adjustment" not in r.words and "adj" not in r.words:
                k = "total"  # "Rounding 98.90": the rounded total
        if k is not None:
            kinds.append((r, k))
    by: dict[str, list[_Row]] = {}
    for r, k in kinds:
        by.setdefault(k, []).append(r)
    cash = by.get("cash", [])
    change = by.get("change", [])
    paid: float | None = None
    if cash:
        ca = cash[0].amount
        ch = change[0].amount if change else None
        if ca is not None and ch is not None and abs(ch.value) < ca.value:
            paid = round(ca.value - abs(ch.value), 2)
    sub = by.get("subtotal", [])
    tax = by.get("tax", [])
    cands = by.get("total", [])
    if sub and sub[-1].amount is not None:
        out.subtotal = sub[-1].amount
        out.subtotal_conf = 0.7
    if tax:
        tx = [r for r in tax if r.amount is not None and r.amount.value > 0]
        if tx and tx[0].amount is not None:
            out.tax = tx[0].amount
            out.tax_conf = 0.55
    if by.get("tip") and by["tip"][0].amount is not None:
        out.tip = by["tip"][0].amount
        out.tip_conf = 0.7
    best: tuple[float, _Row] | None = None
    values = [c.amount.value for c in cands if c.amount is not None]
    for idx, r in enumerate(cands):
        assert r.amount is not None
        v = r.amount.value
        if v <= 0:
            continue
        score = 1.0
        if _has_phrase(r.norm, _TOTAL_STRONG):
            score += 0.5
        if paid is not None and _close(v, paid):
            score += 2.0
        if (
            out.subtotal is not None
            and out.tax is not None
            and _close(v, out.subtotal.value + out.tax.value)
        ):
            score += 1.0
        if out.subtotal is not None and v + 0.005 < out.subtotal.value:
            score -= 1.0
        if cash and cash[0].amount is not None and v > cash[0].amount.value + 0.005:
            score -= 0.8
        s_items = item_sum(r.order)
        if s_items is not None and _close(v, s_items):
            score += 0.7
        if out.tip is not None and any(
            _close(o + out.tip.value, v) for o in values if o > 0 and o != v
        ):
            score += 1.0  # the amount plus the tip: the grand total of a slip or bill
        score += 0.05 * idx  # later grand totals follow rounding adjustments
        if values and v >= max(values) - 0.005:
            score += 0.3
        if best is None or score > best[0]:
            best = (score, r)
    if best is not None and best[1].amount is not None:
        score, r = best
        chosen = best[1].amount
        # a rounding adjustment after the chosen total: the rounded total printed below it
        for adj in adjust:
            if adj.order <= r.order or adj.amount is None:
                continue
            for r2 in rows:
                if r2.order <= adj.order or r2.amount is None or r2.amount.value <= 0:
                    continue
                if _label_kind(r2) in ("cash", "change"):
                    continue  # the amount tendered is not the total, even when it matches
                if _close(r2.amount.value, chosen.value + adj.amount.value) or _close(
                    r2.amount.value, chosen.value - adj.amount.value
                ):
                    chosen = r2.amount
                    score += 0.5
                    break
            break
        out.total = chosen
        conf = 0.62 + 0.1 * min(score, 3.5)
        ocr = min(t.confidence for t in chosen.tokens)
        out.total_conf = max(0.1, min(0.97, conf * (0.6 + 0.4 * ocr**2)))
    else:
        implied = paid
        if implied is None and out.subtotal is not None and out.tax is not None:
            implied = round(out.subtotal.value + out.tax.value, 2)
            # A rounding adjustment applies to the sum, as it did to the unread total.
            small = [a.amount.value for a in adjust if a.amount is not None]
            if small:
                implied = round(implied + small[0], 2)
        if implied is not None and implied > 0:
            for r in rows:
                if (
                    r.amount is not None
                    and _close(r.amount.value, implied)
                    and _label_kind(r) in (None, "other")
                ):
                    out.total = r.amount
                    out.total_conf = 0.65
                    break
            if out.total is None:
                # printed total unreadable: the amount paid, not located in the text
                out.total = _Amount(implied, [])
                out.total_conf = 0.55
    if (
        out.total is not None
        and out.subtotal is not None
        and out.tax is not None
        and _close(out.total.value, out.subtotal.value + out.tax.value)
    ):
        out.subtotal_conf = out.tax_conf = 0.9
        out.total_conf = max(out.total_conf, 0.9)
    if out.total is not None:
        out.tax, out.tax_conf = _plausible_tax(tax, out, rows)
        if out.subtotal is not None and not (
            0.4 * out.total.value <= out.subtotal.value <= 1.05 * out.total.value
        ):
            out.subtotal = None
    if out.total is not None and out.subtotal is None and out.tip is not None:
        _subtotal_before_tip(out, by, rows)
    _confirm(out, item_sum)
    firsts = [r.order for r, k in kinds if k in ("total", "subtotal", "tax", "cash")]
    out.first_row = min(firsts) if firsts else None
    return out


# --- items -------------------------------------------------------------------------------------

_QTY = re.compile(
    r"(?:(?P<q1>\d+(?:[.,]\d+)?)\s*(?:x|X|×|@|\*)\s*(?:RM|\$|€|£)?\s*(?P<p1>\d+[.,]\d{2}))"
    r"|(?:(?:qty|menge|qte|cant|qta|aantal|kuantiti)\s*[:.]?\s*(?P<q2>\d+(?:[.,]\d+)?))",
    re.IGNORECASE,
)
_CODE = re.compile(r"^(?:[A-Z]{0,4}\d{4,}[A-Z0-9-]*|\d{3,}-\d+)$")


def _span_tokens(line: TextLine, tokens: Sequence[Token], start: int, end: int) -> list[Token]:
    """The tokens of ``line`` overlapping characters ``start:end`` of its text."""
    a, b = line.span.offset + start, line.span.offset + end
    return [t for t in tokens if t.span.offset + t.span.length > a and t.span.offset < b]


@dataclass(slots=True)
class _Qty:
    quantity: float | None = None
    q_tokens: list[Token] = field(default_factory=list)
    price: float | None = None
    p_tokens: list[Token] = field(default_factory=list)


def _is_header_noise(text: str) -> bool:
    return _is_boilerplate(text) or _is_id_line(text) or _STOP_HEADER.search(text) is not None


def _items(cx: _Ctx, rows: list[_Row], start: int, end: int) -> list[Field]:
    """Line items: description lines, an optional quantity line and the amount row."""
    out: list[Field] = []
    pending: list[Token] = []
    last_bottom: float | None = None
    qty = _Qty()
    code: list[Token] = []
    last_item: tuple[dict[str, Field], _Row] | None = None
    for r in rows[start:end]:
        kind = _label_kind(r)
        if kind is not None:
            pending, code, qty = [], [], _Qty()
            continue
        if last_bottom is not None and r.line.box[1] - last_bottom > 1.6 * cx.height:
            pending, code = [], []  # a gap: what was above belongs to no item
        last_bottom = r.line.box[3]
        text = " ".join(t.text for t in r.label_tokens)
        if (
            r.amount is None
            and not out
            and not _CODE.match(text.strip())
            and _is_header_noise(r.line.text)
        ):
            pending, code = [], []
            continue
        m = _QTY.search(text)
        desc_toks = list(r.label_tokens)
        if m:
            qty = _Qty()
            for g_q in ("q1", "q2"):
                if m.group(g_q):
                    qty.quantity = parse_amount(m.group(g_q))
                    qty.q_tokens = _span_tokens(r.line, r.label_tokens, *m.span(g_q))
            if m.group("p1"):
                qty.price = parse_amount(m.group("p1"), decimal=cx.decimal)
                qty.p_tokens = _span_tokens(r.line, r.label_tokens, *m.span("p1"))
            inside = _span_tokens(r.line, r.label_tokens, m.start(), m.end())
            desc_toks = [t for t in desc_toks if t not in inside]
        if desc_toks and _CODE.match(desc_toks[0].text) and len(desc_toks) > 1:
            code = [desc_toks[0]]
            desc_toks = desc_toks[1:]
        elif len(desc_toks) == 1 and _CODE.match(desc_toks[0].text):
            if (
                r.amount is None
                and last_item is not None
                and "ProductCode" not in last_item[0]
                and _same_row(r.line, last_item[1].line) >= 0.4
            ):
                # a code printed on the previous item's amount row
                base = last_item[0]["TotalPrice"].confidence
                last_item[0]["ProductCode"] = Field(
                    "string", desc_toks[0].text, [desc_toks[0]], base * 0.9
                )
                continue
            code = [desc_toks[0]]
            desc_toks = []
        desc_toks = [t for t in desc_toks if not re.fullmatch(r"\*?[A-Z]{1,2}|[:.,*-]+", t.text)]
        if r.amount is None:
            if desc_toks and _letters(" ".join(t.text for t in desc_toks)) >= 2:
                if len(pending) > 12:
                    pending = []
                pending.extend(desc_toks)
            continue
        desc = (
            pending + desc_toks
            if _letters(" ".join(t.text for t in desc_toks)) < 3 or not pending
            else desc_toks
        )
        if not desc and pending:
            desc = pending
        if not desc or _letters(" ".join(t.text for t in desc)) < 2:
            pending, code, qty = [], [], _Qty()
            continue
        total = r.amount
        props: dict[str, Field] = {}
        ocr = min(t.confidence for t in desc)
        base = 0.55 + 0.3 * ocr
        props["Description"] = Field("string", " ".join(t.text for t in desc), desc, base)
        props["TotalPrice"] = Field("number", total.value, total.tokens, base)
        if qty.quantity is not None:
            props["Quantity"] = Field("number", qty.quantity, qty.q_tokens, base * 0.9)
            if qty.price is not None:
                props["Price"] = Field("number", qty.price, qty.p_tokens, base * 0.9)
                if _close(qty.quantity * qty.price, total.value):
                    props["Quantity"].confidence = min(0.95, base + 0.1)
                    props["Price"].confidence = min(0.95, base + 0.1)
        if code:
            props["ProductCode"] = Field("string", code[0].text, code, base * 0.9)
        pieces = [*code, *desc, *qty.q_tokens, *total.tokens]
        out.append(Field("object", props, pieces, base))
        last_item = (props, r)
        pending, code, qty = [], [], _Qty()
    return out


# --- classification ----------------------------------------------------------------------------


def classify_receipt(texts: Sequence[str], n_items: int = 0) -> tuple[str, float]:
    """The receipt docType from content cues, with a confidence."""
    blob = " " + re.sub(r"[^a-z0-9/-]+", " ", _norm(" \n ".join(texts))) + " "
    scores: dict[str, float] = {}
    for doc_type, cues in _TYPE_CUES.items():
        s = 0.0
        for cue, w in cues:
            if f" {cue} " in blob:
                s += w
        scores[doc_type] = s
    if _CARD_MASK.search(" ".join(texts)):
        scores["receipt.creditCard"] += 1.5
    if _FUEL_QTY.search(blob):
        scores["receipt.gas"] += 1.5  # "38,10 L x 1,553 €/L", "8.857 GAL X 3.490/GAL"
    if scores["receipt.hotel"] >= 3.0:
        return "receipt.hotel", min(0.95, 0.6 + 0.05 * scores["receipt.hotel"])
    if scores["receipt.gas"] >= 3.0:
        return "receipt.gas", min(0.95, 0.6 + 0.05 * scores["receipt.gas"])
    if scores["receipt.parking"] >= 3.0:
        return "receipt.parking", min(0.95, 0.6 + 0.05 * scores["receipt.parking"])
    card = scores["receipt.creditCard"]
    # a card slip lists no items; a meal bill paid by card lists them
    if card >= 3.0 and (n_items == 0 or (n_items == 1 and card >= 4.5)):
        return "receipt.creditCard", min(0.95, 0.6 + 0.05 * scores["receipt.creditCard"])
    if scores["receipt.retailMeal"] >= 1.5:
        return "receipt.retailMeal", min(0.9, 0.55 + 0.05 * scores["receipt.retailMeal"])
    return "receipt", 0.6


# --- dates -------------------------------------------------------------------------------------


def _best_date(
    cx: _Ctx, lines: list[TextLine], labels: Sequence[str] = _DATE_LABELS
) -> tuple[dt.date, list[Token], float] | None:
    best: tuple[float, dt.date, list[Token], float] | None = None
    today = dt.date.today()
    for k, ln in enumerate(lines):
        found = find_dates_glued(ln.text, order=cx.order)
        if not found:
            continue
        n = _norm(ln.text)
        if _has_phrase(n, _DATE_NOT):
            continue
        for s, e, d in found:
            if d.year < 1990 or d > today + dt.timedelta(days=400):
                continue
            score = 1.0 - 0.01 * min(k, 50)
            before = _norm(ln.text[:s])
            if _has_phrase(before, labels) or re.search(
                r"\b(date|datum|fecha|data|tarikh|dt)\W*$", before
            ):
                score += 0.5
            if re.search(r"\d{1,2}:\d{2}", ln.text):
                score += 0.3
            raw = ln.text[s:e]
            ambiguous = bool(
                re.fullmatch(r"\D*(0?[1-9]|1[0-2])\D(0?[1-9]|1[0-2])\D\d{2,4}\D*", raw)
            )
            conf = 0.86 if not ambiguous or cx.order is not None else 0.6
            if score > 1.2:
                conf += 0.1
            toks = [
                t
                for t in ln.tokens
                if t.span.offset + t.span.length > ln.span.offset + s
                and t.span.offset < ln.span.offset + e
            ]
            if not toks:
                continue
            conf *= 0.75 + 0.25 * min(t.confidence for t in toks)
            if best is None or score > best[0]:
                best = (score, d, toks, conf)
    if best is None:
        return None
    return best[1], best[2], min(0.96, best[3])


def _labelled_date(
    cx: _Ctx, lines: list[TextLine], labels: Sequence[str]
) -> tuple[dt.date, list[Token], float] | None:
    for k, ln in enumerate(lines):
        n = _norm(ln.text)
        if not _has_phrase(n, labels):
            continue
        for cand in (ln, *(lines[k + 1 : k + 2])):
            found = find_dates_glued(cand.text, order=cx.order)
            if cand is not ln and not (_same_row(cand, ln) > 0.4 or cand.box[1] > ln.box[1]):
                continue
            if found:
                s, e, d = found[0]
                toks = [
                    t
                    for t in cand.tokens
                    if t.span.offset + t.span.length > cand.span.offset + s
                    and t.span.offset < cand.span.offset + e
                ]
                if toks:
                    return d, toks, 0.75
    return None


def _best_time(lines: list[TextLine]) -> tuple[dt.time, list[Token], float] | None:
    pat = re.compile(r"\b\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?")
    for ln in lines:
        for m in pat.finditer(ln.text):
            t = parse_time(m.group(0))
            if t is None:
                continue
            toks = [
                tk
                for tk in ln.tokens
                if tk.span.offset + tk.span.length > ln.span.offset + m.start()
                and tk.span.offset < ln.span.offset + m.end()
            ]
            if toks:
                conf = 0.8 * (0.7 + 0.3 * min(tk.confidence for tk in toks))
                return t, toks, conf
    return None


# --- address value ------------------------------------------------------------------------------


def _address_value(lines: list[str], country: str | None) -> Any:
    try:
        mod = importlib.import_module("docintel.extract.normalize")
    except ImportError:  # pragma: no cover - normalizer package not assembled yet
        return None
    fn = getattr(mod, "parse_address", None)
    if fn is None:
        return None
    try:
        return fn(lines, country=country)
    except Exception:  # pragma: no cover - defensive: a value error must not lose the field
        return None


def _currency(texts: Sequence[str], country: str | None) -> str | None:
    codes: set[str] = set()
    blob = " ".join(texts)
    for m in re.finditer(
        r"(?<![A-Za-z])(USD|EUR|GBP|MYR|SGD|CHF|JPY|CAD|AUD|RM|€|£|\$)(?=\s?\d|\b)", blob
    ):
        tok = m.group(1)
        codes.add({"RM": "MYR", "€": "EUR", "£": "GBP", "$": "USD"}.get(tok, tok))
    if "USD" in codes and country not in (None, "USA"):
        codes.discard("USD")
    if len(codes) == 1:
        return codes.pop()
    if len(codes) > 1:
        return "MIXED"
    return None


# --- entry point --------------------------------------------------------------------------------


def _extract_one(view: DocView, ctx: ExtractContext, pages: list[int]) -> ExtractedDocument:
    lines = _doc_lines(view, pages)
    texts = [ln.text for ln in lines]
    decimal = infer_decimal_separator(texts)
    country, country_conf, votes = _country_scored(texts)
    order = _date_order(texts, country, ctx.locale)
    height = _median([ln.height for ln in lines if ln.tokens]) if lines else 1.0
    cx = _Ctx(view, lines, decimal, order, country, height, country_votes=votes)
    if ctx.locale and "-" in ctx.locale:
        cx.locale_region = ctx.locale.split("-")[-1].upper()
    rows = _build_rows(view, lines, decimal)
    row_of_line = {r.line.index: r.order for r in rows}

    # header: lines above the first amount-bearing row
    first_amount = next((k for k, r in enumerate(rows) if r.amount is not None), len(rows))
    header_end_line = rows[first_amount].line.index if first_amount < len(rows) else None
    header = [
        ln
        for ln in lines
        if header_end_line is None
        or (ln.box[1] < view.lines[header_end_line].box[1] and ln.page == pages[0])
    ]
    if len(header) < 3:
        header = [ln for ln in lines if ln.page == pages[0]][:15]
    merchant = _merchant(cx, header)

    # items region: after the header (and any date / column header) up to the totals block
    totals_probe = _totals(rows, lambda _i: None)
    start = 0
    for k, r in enumerate(rows):
        if r.amount is not None:
            start = k
            break
    if merchant.address:
        last_addr = max(row_of_line.get(a.index, -1) for a in merchant.address)
        start = max(0, min(start, last_addr + 1))
    # a date/time line or column header before the first amount starts the item region
    for k in range(start, len(rows)):
        r = rows[k]
        if r.amount is not None:
            break
        if _date_in(r.line.text, order) or re.search(
            r"\b(description|item|qty|amount|price|artikel|article|descripcion|articolo)\b",
            r.norm,
        ):
            start = k + 1
    end = totals_probe.first_row if totals_probe.first_row is not None else len(rows)
    items = _items(cx, rows, start, end) if end > start else []

    def item_sum(_upto: int) -> float | None:
        vals = [
            f.value["TotalPrice"].value
            for f in items
            if isinstance(f.value, dict) and "TotalPrice" in f.value
        ]
        return round(sum(vals), 2) if vals else None

    totals = _totals(rows, item_sum)
    doc_type, type_conf = classify_receipt(texts, len(items))
    fields: dict[str, Field] = {}
    if merchant.name:
        plain = " ".join(t.text for t in merchant.name)
        fields["MerchantName"] = Field(
            "string",
            merchant.name_content,
            merchant.name,
            merchant.name_conf,
            content=None if merchant.name_content == plain else merchant.name_content,
        )
    if merchant.phone is not None:
        fields["MerchantPhoneNumber"] = Field(
            "phoneNumber",
            merchant.phone[0],
            merchant.phone[1],
            0.8 if merchant.phone[0] else 0.4,
        )
    if merchant.address_tokens:
        value = _address_value([a.text for a in merchant.address], country)
        fields["MerchantAddress"] = Field(
            "address", value, merchant.address_tokens, merchant.address_conf
        )
    if totals.total is not None:
        fields["Total"] = Field(
            "number",
            totals.total.value,
            totals.total.tokens,
            totals.total_conf,
        )
    if doc_type == "receipt.hotel":
        arr = _labelled_date(
            cx,
            lines,
            (
                "arrival",
                "arrive",
                "check-in",
                "check in",
                "anreise",
                "arrivee",
                "llegada",
                "arrivo",
                "aankomst",
                "chegada",
                "entrada",
            ),
        )
        dep = _labelled_date(
            cx,
            lines,
            (
                "departure",
                "depart",
                "check-out",
                "check out",
                "abreise",
                "salida",
                "partenza",
                "vertrek",
                "partida",
                "saida",
            ),
        )
        if arr:
            fields["ArrivalDate"] = Field("date", arr[0], arr[1], arr[2])
        if dep:
            fields["DepartureDate"] = Field("date", dep[0], dep[1], dep[2])
        cur = _currency(texts, country)
        if cur:
            fields["Currency"] = Field("string", cur, [], 0.6)
    else:
        date = _best_date(cx, lines)
        if date is not None:
            fields["TransactionDate"] = Field("date", date[0], date[1], date[2])
        time = _best_time(lines)
        if time is not None:
            fields["TransactionTime"] = Field("time", time[0], time[1], time[2])
        if items:
            fields["Items"] = Field("array", items, [], 0.6)
        if totals.subtotal is not None:
            fields["Subtotal"] = Field(
                "number", totals.subtotal.value, totals.subtotal.tokens, totals.subtotal_conf
            )
        if totals.tax is not None:
            fields["TotalTax"] = Field(
                "number", totals.tax.value, totals.tax.tokens, totals.tax_conf
            )
        if totals.tip is not None:
            fields["Tip"] = Field("number", totals.tip.value, totals.tip.tokens, totals.tip_conf)
    if country is not None and ctx.api_version != "2022-08-31":
        # Inferred from printed country/region names, phone prefixes and currency: no location.
        fields["CountryRegion"] = Field("countryRegion", country, [], country_conf)
    confs = [
        f.confidence for k, f in fields.items() if k in ("MerchantName", "Total", "TransactionDate")
    ]
    doc_conf = min(0.99, type_conf * (0.5 + 0.5 * (sum(confs) / len(confs) if confs else 0.3)))
    return ExtractedDocument(doc_type, fields, doc_conf, pages)


def _split_pages(view: DocView) -> list[list[int]]:
    """One receipt per page when every page clearly holds its own receipt, else one document."""
    numbers = [p.number for p in view.pages if p.lines]
    if len(numbers) <= 1:
        return [numbers or [p.number for p in view.pages][:1]]
    own = 0
    for n in numbers:
        lines = list(view.page_lines(n))
        texts = [ln.text for ln in lines]
        has_total = any(
            re.search(r"\b(total|summe|gesamt|totale|totaal|jumlah|importe)\b", _norm(t))
            for t in texts
        )
        has_date = any(find_dates_glued(t, order=None) for t in texts)
        if has_total and has_date:
            own += 1
    if own == len(numbers):
        return [[n] for n in numbers]
    return [numbers]


def extract_receipt(view: DocView, ctx: ExtractContext) -> Extraction:
    """Receipt fields: one document per receipt (per page when pages hold separate receipts)."""
    if not view.lines:
        pages = [p.number for p in view.pages][:1]
        return Extraction(documents=[ExtractedDocument("receipt", {}, 0.1, pages)] if pages else [])
    docs = [_extract_one(view, ctx, pages) for pages in _split_pages(view)]
    return Extraction(documents=docs)
