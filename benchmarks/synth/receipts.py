"""Generator of synthetic receipts with exact ground truth (for ``prebuilt-receipt``).

The SROIE eval receipts are all Malaysian; these are not. Nine countries with their language,
labels, date/number formats, currency and tax style (US, UK, DE, FR, ES, IT, NL, PT, BR) and five
receipt kinds (grocery/retail, restaurant with tip, fuel, parking, card slip) are printed in a
monospace "thermal printer" layout on a narrow (58 or 80 mm) long page. About a third are
born-digital narrow PDFs; the rest are JPEG photos/scans rendered at 150-250 dpi with
degradations (rotation up to +-6 degrees, slight perspective, low contrast, blur, noise, JPEG
quality 50-90, sometimes a darker table around the paper).

Per receipt the generator writes ``<id>.jpg`` or ``<id>.pdf`` and ``<id>.json``::

    {id, image|pdf, unit, doc_type, country, locale, currency, tax_mode, totals,
     fields: {MerchantName, MerchantPhoneNumber, MerchantAddress, TransactionDate,
              TransactionTime, Subtotal, TotalTax, Tip, Total, CountryRegion,
              Items: [{Description, Quantity, Price, TotalPrice}]}}

Every scalar is ``{value, content}`` (``content`` = the printed text, ``None`` when the value is
inferred, e.g. ``CountryRegion``) or ``None`` when not printed. Values: phone in E.164, address =
printed lines joined with ``", "`` (its ``content`` = the lines joined with newlines), dates ISO,
times ``HH:MM:SS``, amounts as numbers. A card slip's AMOUNT line is the ``Subtotal`` only when a
TIP line follows it. ``lines`` lists the printed text lines; ``render`` the degradations.

Invariants (``totals`` holds the amounts even when a line is not printed)::

    sum(item TotalPrice)          = subtotal
    tax_mode "added":    total    = subtotal + tax + tip      (US sales tax)
    tax_mode "included": total    = subtotal + tip, tax = round(subtotal * r / (1 + r), 2)
    tax_mode "none":     total    = subtotal + tip, no tax line

CLI: ``python -m benchmarks.synth.receipts OUT_DIR [-n N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import json
import random
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

Json = dict[str, Any]

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _courier_dir() -> Path | None:
    try:
        import reportlab

        d = Path(reportlab.__file__).parent / "fonts"
        return d if (d / "com_____.pfb").exists() else None
    except ImportError:  # pragma: no cover
        return None


# --- countries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    """Printing conventions of one country/language."""

    code: str  # alpha-2 (phonenumbers region)
    alpha3: str
    locale: str  # Faker locale
    lang: str
    symbol: str
    cur_code: str
    decimal: str
    symbol_after: bool
    date_fmts: tuple[str, ...]
    time_fmts: tuple[str, ...]
    tax_mode: str  # "added" | "included"
    tax_rates: tuple[float, ...]
    labels: dict[str, tuple[str, ...]]


def _l(**kw: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {k: (v,) if isinstance(v, str) else v for k, v in kw.items()}


COUNTRIES: dict[str, Country] = {
    "US": Country(
        "US",
        "USA",
        "en_US",
        "en",
        "$",
        "USD",
        ".",
        False,
        ("%m/%d/%Y", "%m/%d/%y", "%b %d, %Y"),
        ("%I:%M %p", "%H:%M", "%I:%M:%S %p"),
        "added",
        (0.0625, 0.0725, 0.08, 0.0825, 0.06),
        _l(
            subtotal=("SUBTOTAL", "Sub Total", "Subtotal"),
            tax=("Sales Tax {r}%", "TAX", "Tax"),
            tax_incl=("Tax incl.",),
            total=("TOTAL", "Total", "AMOUNT DUE", "BALANCE DUE"),
            tip=("Tip", "TIP", "Gratuity"),
            cash=("CASH", "Cash Tendered"),
            change=("CHANGE", "Change Due"),
            tel=("Tel:", "Phone", "Ph:", ""),
            date=("Date:", ""),
            time=("Time:", ""),
            thanks=("THANK YOU FOR SHOPPING WITH US", "Thank you! Please come again"),
            qty="{q} @ {p}",
            pump="Pump #{n}",
            approved="APPROVED",
            card="CARD",
            entry="Entry",
            exit="Exit",
            duration="Duration",
            parking="Parking fee",
            table="Table {t}  Server: {s}",
            guests="Guests: {g}",
            cashier="Cashier: {s}",
            receipt="Receipt #{n}",
            taxid="",
            sale="SALE",
            amount="AMOUNT",
        ),
    ),
    "GB": Country(
        "GB",
        "GBR",
        "en_GB",
        "en",
        "£",
        "GBP",
        ".",
        False,
        ("%d/%m/%Y", "%d/%m/%y", "%d %b %Y"),
        ("%H:%M", "%H:%M:%S"),
        "included",
        (0.20,),
        _l(
            subtotal=("SUBTOTAL", "Sub-total"),
            tax=("VAT {r}%",),
            tax_incl=("VAT @ {r}% incl.", "Incl. VAT {r}%", "VAT included {r}%"),
            total=("TOTAL", "BALANCE TO PAY", "Total"),
            tip=("Service", "Gratuity"),
            cash=("CASH",),
            change=("CHANGE",),
            tel=("Tel:", "Tel.", ""),
            date=("Date:", ""),
            time=("Time:", ""),
            thanks=("Thank you for shopping with us", "THANK YOU - PLEASE CALL AGAIN"),
            qty="{q} x {p}",
            pump="Pump {n}",
            approved="AUTHORISED",
            card="CARD",
            entry="Entry",
            exit="Exit",
            duration="Duration",
            parking="Parking charge",
            table="Table {t}  Served by {s}",
            guests="Covers: {g}",
            cashier="Operator: {s}",
            receipt="Receipt No. {n}",
            taxid="VAT No. GB{vat}",
            sale="SALE",
            amount="AMOUNT",
        ),
    ),
    "DE": Country(
        "DE",
        "DEU",
        "de_DE",
        "de",
        "€",
        "EUR",
        ",",
        True,
        ("%d.%m.%Y", "%d.%m.%y"),
        ("%H:%M", "%H:%M:%S"),
        "included",
        (0.19, 0.07),
        _l(
            subtotal=("Zwischensumme", "Zw.-Summe"),
            tax=("MwSt {r}%",),
            tax_incl=("enth. MwSt {r}%", "MwSt {r}% enth.", "davon MwSt. {r}%"),
            total=("SUMME", "Summe EUR", "Gesamtbetrag", "ZU ZAHLEN"),
            tip=("Trinkgeld",),
            cash=("Bar", "Gegeben BAR"),
            change=("Rückgeld", "Zurück"),
            tel=("Tel.", "Tel:", ""),
            date=("Datum:", ""),
            time=("Uhrzeit:", ""),
            thanks=("Vielen Dank für Ihren Einkauf", "Danke und bis bald!"),
            qty="{q} Stk x {p}",
            pump="Zapfsäule {n}",
            approved="Zahlung erfolgt",
            card="Kartenzahlung",
            entry="Einfahrt",
            exit="Ausfahrt",
            duration="Parkdauer",
            parking="Parkgebühr",
            table="Tisch {t}  Bedienung: {s}",
            guests="Gäste: {g}",
            cashier="Kasse 2  Bed.: {s}",
            receipt="Beleg-Nr. {n}",
            taxid="USt-IdNr. DE{vat}",
            sale="Zahlung",
            amount="Betrag",
        ),
    ),
    "FR": Country(
        "FR",
        "FRA",
        "fr_FR",
        "fr",
        "€",
        "EUR",
        ",",
        True,
        ("%d/%m/%Y", "%d/%m/%y"),
        ("%H:%M", "%Hh%M", "%H:%M:%S"),
        "included",
        (0.20, 0.10, 0.055),
        _l(
            subtotal=("Sous-total", "SOUS TOTAL"),
            tax=("TVA {r}%",),
            tax_incl=("dont TVA {r}%", "TVA {r}% incluse"),
            total=("Total TTC", "TOTAL", "NET A PAYER"),
            tip=("Pourboire",),
            cash=("Espèces",),
            change=("Rendu",),
            tel=("Tél.", "Tel :", ""),
            date=("Date :", "Le"),
            time=("Heure :", "à"),
            thanks=("Merci de votre visite", "MERCI ET A BIENTOT"),
            qty="{q} x {p}",
            pump="Pompe {n}",
            approved="PAIEMENT ACCEPTE",
            card="CARTE BANCAIRE",
            entry="Entrée",
            exit="Sortie",
            duration="Durée",
            parking="Stationnement",
            table="Table {t}  Serveur : {s}",
            guests="Couverts : {g}",
            cashier="Caissier : {s}",
            receipt="Ticket n° {n}",
            taxid="SIRET {siret}",
            sale="DEBIT",
            amount="MONTANT",
        ),
    ),
    "ES": Country(
        "ES",
        "ESP",
        "es_ES",
        "es",
        "€",
        "EUR",
        ",",
        True,
        ("%d/%m/%Y", "%d-%m-%Y"),
        ("%H:%M", "%H:%M:%S"),
        "included",
        (0.21, 0.10),
        _l(
            subtotal=("Subtotal", "SUBTOTAL"),
            tax=("IVA {r}%",),
            tax_incl=("IVA {r}% incluido", "IVA incl. {r}%"),
            total=("TOTAL", "Total a pagar", "TOTAL EUROS"),
            tip=("Propina",),
            cash=("Efectivo", "Entregado"),
            change=("Cambio",),
            tel=("Tel.", "Tlf:", ""),
            date=("Fecha:", ""),
            time=("Hora:", ""),
            thanks=("Gracias por su visita", "GRACIAS POR SU COMPRA"),
            qty="{q} x {p}",
            pump="Surtidor {n}",
            approved="OPERACION APROBADA",
            card="TARJETA",
            entry="Entrada",
            exit="Salida",
            duration="Duración",
            parking="Importe parking",
            table="Mesa {t}  Camarero: {s}",
            guests="Comensales: {g}",
            cashier="Cajero: {s}",
            receipt="Factura simplificada {n}",
            taxid="NIF B{nif}",
            sale="VENTA",
            amount="IMPORTE",
        ),
    ),
    "IT": Country(
        "IT",
        "ITA",
        "it_IT",
        "it",
        "€",
        "EUR",
        ",",
        True,
        ("%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y"),
        ("%H:%M", "%H:%M:%S"),
        "included",
        (0.22, 0.10),
        _l(
            subtotal=("Subtotale", "SUBTOTALE"),
            tax=("IVA {r}%",),
            tax_incl=("di cui IVA {r}%", "IVA {r}% inclusa"),
            total=("TOTALE", "Totale EURO", "TOTALE COMPLESSIVO"),
            tip=("Mancia",),
            cash=("Contanti",),
            change=("Resto",),
            tel=("Tel.", "Tel:", ""),
            date=("Data:", ""),
            time=("Ora:", ""),
            thanks=("Grazie e arrivederci", "GRAZIE PER LA VISITA"),
            qty="{q} x {p}",
            pump="Pompa {n}",
            approved="TRANSAZIONE APPROVATA",
            card="CARTA",
            entry="Ingresso",
            exit="Uscita",
            duration="Durata",
            parking="Sosta",
            table="Tavolo {t}  Cameriere: {s}",
            guests="Coperti: {g}",
            cashier="Cassiere: {s}",
            receipt="Documento n. {n}",
            taxid="P.IVA {piva}",
            sale="ACQUISTO",
            amount="IMPORTO",
        ),
    ),
    "NL": Country(
        "NL",
        "NLD",
        "nl_NL",
        "nl",
        "€",
        "EUR",
        ",",
        True,
        ("%d-%m-%Y", "%d/%m/%Y"),
        ("%H:%M", "%H:%M:%S"),
        "included",
        (0.21, 0.09),
        _l(
            subtotal=("Subtotaal", "SUBTOTAAL"),
            tax=("BTW {r}%",),
            tax_incl=("BTW {r}% incl.", "waarvan BTW {r}%"),
            total=("Totaal", "TOTAAL", "Te betalen"),
            tip=("Fooi",),
            cash=("Contant",),
            change=("Wisselgeld", "Terug"),
            tel=("Tel.", "Tel:", ""),
            date=("Datum:", ""),
            time=("Tijd:", ""),
            thanks=("Bedankt en tot ziens", "DANK U WEL"),
            qty="{q} x {p}",
            pump="Pomp {n}",
            approved="BETALING GELUKT",
            card="PINNEN",
            entry="Inrit",
            exit="Uitrit",
            duration="Parkeerduur",
            parking="Parkeergeld",
            table="Tafel {t}  Bediening: {s}",
            guests="Gasten: {g}",
            cashier="Kassa: {s}",
            receipt="Bonnr. {n}",
            taxid="BTW NL{vat}B01",
            sale="BETALING",
            amount="BEDRAG",
        ),
    ),
    "PT": Country(
        "PT",
        "PRT",
        "pt_PT",
        "pt",
        "€",
        "EUR",
        ",",
        True,
        ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"),
        ("%H:%M", "%H:%M:%S"),
        "included",
        (0.23, 0.13, 0.06),
        _l(
            subtotal=("Subtotal", "SUBTOTAL"),
            tax=("IVA {r}%",),
            tax_incl=("IVA {r}% incl.", "Total IVA {r}%"),
            total=("TOTAL", "Total a pagar"),
            tip=("Gorjeta",),
            cash=("Numerário",),
            change=("Troco",),
            tel=("Tel.", "Telef.", ""),
            date=("Data:", ""),
            time=("Hora:", ""),
            thanks=("Obrigado pela visita", "VOLTE SEMPRE"),
            qty="{q} x {p}",
            pump="Bomba {n}",
            approved="APROVADO",
            card="CARTAO",
            entry="Entrada",
            exit="Saída",
            duration="Duração",
            parking="Estacionamento",
            table="Mesa {t}  Empregado: {s}",
            guests="Pessoas: {g}",
            cashier="Operador: {s}",
            receipt="Fatura simplificada FS {n}",
            taxid="NIF {nifpt}",
            sale="COMPRA",
            amount="MONTANTE",
        ),
    ),
    "BR": Country(
        "BR",
        "BRA",
        "pt_BR",
        "pt",
        "R$",
        "BRL",
        ",",
        False,
        ("%d/%m/%Y", "%d/%m/%y"),
        ("%H:%M", "%H:%M:%S"),
        "included",
        (0.18, 0.12),
        _l(
            subtotal=("Subtotal", "SUBTOTAL R$"),
            tax=("Tributos {r}%",),
            tax_incl=("Tributos aprox. {r}%", "Impostos incl. {r}%"),
            total=("TOTAL R$", "VALOR TOTAL", "Total"),
            tip=("Gorjeta", "Serviço"),
            cash=("Dinheiro",),
            change=("Troco",),
            tel=("Tel.", "Fone:", ""),
            date=("Data:", ""),
            time=("Hora:", ""),
            thanks=("Obrigado pela preferência", "VOLTE SEMPRE"),
            qty="{q} UN x {p}",
            pump="Bomba {n}",
            approved="TRANSACAO APROVADA",
            card="CARTAO",
            entry="Entrada",
            exit="Saída",
            duration="Permanência",
            parking="Estacionamento",
            table="Mesa {t}  Garçom: {s}",
            guests="Pessoas: {g}",
            cashier="Operador: {s}",
            receipt="Cupom {n}",
            taxid="CNPJ {cnpj}",
            sale="VENDA",
            amount="VALOR",
        ),
    ),
}

_GROCERY: dict[str, tuple[str, ...]] = {
    "en": (
        "Whole Milk 1gal",
        "Bananas",
        "Sourdough Bread",
        "Cheddar Cheese",
        "Eggs Large 12ct",
        "Orange Juice",
        "Ground Coffee",
        "Chicken Breast",
        "Greek Yogurt",
        "Pasta Penne",
        "Tomato Sauce",
        "Paper Towels",
        "Dish Soap",
        "Apples Gala",
        "Butter Unsalted",
    ),
    "de": (
        "Vollmilch 3,5%",
        "Bananen",
        "Roggenbrot",
        "Gouda jung",
        "Eier Bodenhaltung",
        "Orangensaft",
        "Kaffee gemahlen",
        "Hähnchenbrust",
        "Joghurt Natur",
        "Spaghetti",
        "Tomaten passiert",
        "Küchenrolle",
        "Spülmittel",
        "Äpfel Elstar",
        "Butter",
    ),
    "fr": (
        "Lait demi-écrémé",
        "Bananes",
        "Baguette tradition",
        "Comté AOP",
        "Oeufs x12",
        "Jus d'orange",
        "Café moulu",
        "Filet de poulet",
        "Yaourt nature",
        "Pâtes",
        "Coulis de tomate",
        "Essuie-tout",
        "Liquide vaisselle",
        "Pommes Gala",
        "Beurre doux",
    ),
    "es": (
        "Leche entera",
        "Plátanos",
        "Pan de barra",
        "Queso manchego",
        "Huevos docena",
        "Zumo de naranja",
        "Café molido",
        "Pechuga de pollo",
        "Yogur natural",
        "Macarrones",
        "Tomate frito",
        "Papel de cocina",
        "Lavavajillas",
        "Manzanas",
        "Aceite de oliva",
    ),
    "it": (
        "Latte intero",
        "Banane",
        "Pane casereccio",
        "Parmigiano",
        "Uova fresche x6",
        "Succo d'arancia",
        "Caffè macinato",
        "Petto di pollo",
        "Yogurt bianco",
        "Spaghetti",
        "Passata di pomodoro",
        "Carta cucina",
        "Detersivo piatti",
        "Mele Golden",
        "Burro",
    ),
    "nl": (
        "Halfvolle melk",
        "Bananen",
        "Volkorenbrood",
        "Goudse kaas",
        "Eieren 10 st",
        "Sinaasappelsap",
        "Koffie snelfilter",
        "Kipfilet",
        "Yoghurt naturel",
        "Macaroni",
        "Tomatensaus",
        "Keukenrol",
        "Afwasmiddel",
        "Appels Elstar",
        "Roomboter",
    ),
    "pt": (
        "Leite meio gordo",
        "Bananas",
        "Pão de forma",
        "Queijo flamengo",
        "Ovos M 12un",
        "Sumo de laranja",
        "Café moído",
        "Peito de frango",
        "Iogurte natural",
        "Esparguete",
        "Polpa de tomate",
        "Rolo de cozinha",
        "Detergente loiça",
        "Maçãs",
        "Manteiga",
    ),
}
_MEAL: dict[str, tuple[str, ...]] = {
    "en": (
        "Cheeseburger",
        "Caesar Salad",
        "Fish & Chips",
        "Iced Tea",
        "Draft Beer",
        "Club Sandwich",
        "French Fries",
        "Tomato Soup",
        "Coke",
        "Apple Pie",
        "Espresso",
    ),
    "de": (
        "Schnitzel Wiener Art",
        "Currywurst",
        "Bratkartoffeln",
        "Apfelschorle 0,4",
        "Pils 0,5l",
        "Kaesespaetzle",
        "Salat Haus",
        "Apfelstrudel",
        "Cappuccino",
        "Wasser",
    ),
    "fr": (
        "Croque-monsieur",
        "Salade niçoise",
        "Steak frites",
        "Carafe de vin",
        "Café",
        "Crème brûlée",
        "Soupe à l'oignon",
        "Quiche lorraine",
        "Pression 25cl",
        "Perrier",
    ),
    "es": (
        "Tortilla española",
        "Patatas bravas",
        "Paella mixta",
        "Caña",
        "Agua mineral",
        "Croquetas",
        "Calamares",
        "Flan casero",
        "Café con leche",
        "Sangría",
    ),
    "it": (
        "Pizza Margherita",
        "Lasagne",
        "Tiramisù",
        "Acqua frizzante",
        "Vino rosso 1/4",
        "Spaghetti carbonara",
        "Insalata mista",
        "Caffè",
        "Birra media",
        "Coperto",
    ),
    "nl": (
        "Tosti ham kaas",
        "Bitterballen",
        "Erwtensoep",
        "Pils",
        "Spa blauw",
        "Appeltaart",
        "Koffie",
        "Uitsmijter",
        "Friet met mayo",
        "Cola",
    ),
    "pt": (
        "Bacalhau à Brás",
        "Francesinha",
        "Caldo verde",
        "Imperial",
        "Água",
        "Pastel de nata",
        "Bica",
        "Prato do dia",
        "Vinho da casa",
        "Sobremesa",
    ),
}
_FUEL: dict[str, tuple[str, ...]] = {
    "en": ("Unleaded", "Premium", "Diesel"),
    "de": ("Super E10", "Super 95", "Diesel"),
    "fr": ("SP95-E10", "Gazole", "SP98"),
    "es": ("Gasolina 95", "Diésel", "Gasóleo A"),
    "it": ("Benzina", "Gasolio", "Super senza piombo"),
    "nl": ("Euro 95", "Diesel", "Super Plus 98"),
    "pt": ("Gasolina 95", "Gasóleo", "Gasolina comum"),
}
_MERCHANT_SUFFIX: dict[str, dict[str, tuple[str, ...]]] = {
    "grocery": {
        "en": ("{n} Market", "{n} Grocery", "{n} Foods"),
        "de": ("{n} Markt", "Edeka {n}"),
        "fr": ("Épicerie {n}", "{n} Marché"),
        "es": ("Supermercado {n}", "Alimentación {n}"),
        "it": ("Alimentari {n}", "Supermercato {n}"),
        "nl": ("{n} Supermarkt", "Buurtwinkel {n}"),
        "pt": ("Mercearia {n}", "Supermercado {n}"),
    },
    "meal": {
        "en": ("{n}'s Diner", "The {n} Grill", "{n} Kitchen"),
        "de": ("Gasthaus {n}", "Zum {n}"),
        "fr": ("Brasserie {n}", "Café {n}"),
        "es": ("Bar {n}", "Restaurante {n}"),
        "it": ("Trattoria {n}", "Pizzeria {n}"),
        "nl": ("Eetcafé {n}", "Café {n}"),
        "pt": ("Restaurante {n}", "Tasca {n}"),
    },
    "gas": {
        "en": ("{n} Fuel Stop", "{n} Gas & Go"),
        "de": ("{n} Tankstelle", "Tankstelle {n}"),
        "fr": ("Station {n}", "Relais {n}"),
        "es": ("Gasolinera {n}", "Estación {n}"),
        "it": ("Distributore {n}", "Stazione {n}"),
        "nl": ("Tankstation {n}", "{n} Pomp"),
        "pt": ("Posto {n}", "Bombas {n}"),
    },
    "parking": {
        "en": ("{n} Parking", "{n} Garage"),
        "de": ("Parkhaus {n}", "Tiefgarage {n}"),
        "fr": ("Parking {n}",),
        "es": ("Parking {n}", "Aparcamiento {n}"),
        "it": ("Parcheggio {n}",),
        "nl": ("Parkeergarage {n}",),
        "pt": ("Parque {n}",),
    },
}
_DOC_TYPE = {
    "grocery": "receipt",
    "meal": "receipt.retailMeal",
    "gas": "receipt.gas",
    "parking": "receipt.parking",
    "card": "receipt.creditCard",
}


# --- helpers -----------------------------------------------------------------------------------


def _cents(v: float | Decimal) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fmt_num(v: Decimal | float, decimal: str, places: int = 2) -> str:
    """A number with ``places`` decimals and the country's decimal separator (no grouping)."""
    s = f"{float(v):.{places}f}"
    return s.replace(".", decimal)


def _fmt_rate(r: float, c: Country) -> str:
    s = f"{r * 100:.2f}".rstrip("0").rstrip(".")
    return s.replace(".", c.decimal)


@dataclass
class Line:
    """One printed line: left text, right-aligned text, and a style."""

    left: str = ""
    right: str = ""
    style: str = "normal"  # normal | bold | double | center | center_bold | center_double


@dataclass
class Receipt:
    """A generated receipt: printed lines + GT."""

    rid: str
    width_chars: int
    paper_mm: float
    lines: list[Line] = field(default_factory=list)
    gt: Json = field(default_factory=dict)


def _fv(value: Any, content: str | None) -> Json:
    return {"value": value, "content": content}


def _phone(rng: random.Random, region: str) -> tuple[str, str]:
    """A valid fixed-line phone of ``region``: (printed, E.164)."""
    import phonenumbers as pn

    ex = pn.example_number_for_type(region, pn.PhoneNumberType.FIXED_LINE)
    assert ex is not None
    nsn = pn.national_significant_number(ex)
    keep = 3 if region in ("US", "BR") else 2
    num = ex
    for _ in range(400):
        digits = nsn[:keep] + "".join(rng.choice("0123456789") for _ in nsn[keep:])
        cand = pn.parse("+" + str(ex.country_code) + digits)
        if pn.is_valid_number(cand):
            num = cand
            break
    fmt = rng.choice(
        [
            pn.PhoneNumberFormat.NATIONAL,
            pn.PhoneNumberFormat.NATIONAL,
            pn.PhoneNumberFormat.INTERNATIONAL,
        ]
    )
    return pn.format_number(num, fmt), pn.format_number(num, pn.PhoneNumberFormat.E164)


def _address(fk: Any, c: Country, rng: random.Random) -> list[str]:
    street = " ".join(str(fk.street_address()).split())
    city = " ".join(str(fk.city()).split())
    pc = str(fk.postcode()).strip()
    if c.code == "US":
        return [
            street,
            f"{city}, {_us_state(fk)} {pc}",
        ]
    if c.code == "GB":
        return [street, city, pc] if rng.random() < 0.5 else [street, f"{city} {pc}"]
    if c.code == "BR":
        return [street, f"{city} - {fk.estado_sigla()}", f"CEP {pc}"]
    return [street, f"{pc} {city}"]


def _us_state(fk: Any) -> str:
    """One of the 50 states + DC (no territories or freely associated states)."""
    return str(fk.state_abbr(include_territories=False, include_freely_associated_states=False))


def _taxid(rng: random.Random, c: Country) -> str:
    def d(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    tpl = c.labels["taxid"][0]
    if not tpl:
        return ""
    return tpl.format(
        vat=d(9),
        siret=d(14),
        nif=d(8),
        piva=d(11),
        nifpt=d(9),
        cnpj=f"{d(2)}.{d(3)}.{d(3)}/0001-{d(2)}",
    )


# --- content -----------------------------------------------------------------------------------


class _Builder:
    def __init__(self, rng: random.Random, c: Country, kind: str, width: int) -> None:
        from faker import Faker

        self.rng = rng
        self.c = c
        self.kind = kind
        self.w = width
        self.fk = Faker(c.locale)
        self.fk.seed_instance(rng.randrange(1 << 30))
        self.lines: list[Line] = []
        self.show_symbol = rng.random() < 0.6

    def lab(self, key: str) -> str:
        return self.rng.choice(self.c.labels[key])

    def money(self, v: Decimal, symbol: bool | None = None) -> str:
        s = fmt_num(v, self.c.decimal)
        if symbol if symbol is not None else self.show_symbol:
            sym = self.c.symbol
            return f"{s} {sym}" if self.c.symbol_after else f"{sym}{s}"
        return s

    def add(self, left: str = "", right: str = "", style: str = "normal") -> None:
        room = self.w - len(right) - 1 if right else self.w
        self.lines.append(Line(left[: max(room, 4)], right, style))

    def rule(self) -> None:
        self.add(self.rng.choice("-=*") * self.w)


def _merchant_name(b: _Builder) -> str:
    lang = b.c.lang
    base = str(b.fk.last_name())
    kind = b.rng.choice(["grocery", "meal"]) if b.kind == "card" else b.kind
    tpl = b.rng.choice(_MERCHANT_SUFFIX[kind][lang])
    name = tpl.format(n=base)
    return name.upper() if b.rng.random() < 0.5 else name


def _build(rng: random.Random, rid: str, c: Country, kind: str, width: int) -> Receipt:
    b = _Builder(rng, c, kind, width)
    f: Json = {}
    # header
    name = _merchant_name(b)
    name_style = rng.choice(["center_bold", "center_double", "center", "bold"])
    if name_style == "center_double" and len(name) * 1 > width:
        name_style = "center_bold"
    b.add(name, style=name_style)
    f["MerchantName"] = _fv(name, name)
    # long lines wrap on narrow paper: the GT lists the lines as printed
    addr = [w for a in _address(b.fk, c, rng) for w in textwrap.wrap(a, width)]
    for a in addr:
        b.add(a, style="center")
    f["MerchantAddress"] = _fv(", ".join(addr), "\n".join(addr))
    if rng.random() < 0.85:
        printed, e164 = _phone(rng, c.code)
        tel = b.lab("tel")
        b.add(f"{tel} {printed}".strip(), style="center")
        f["MerchantPhoneNumber"] = _fv(e164, printed)
    else:
        f["MerchantPhoneNumber"] = None
    tid = _taxid(rng, c)
    if tid and rng.random() < 0.7:
        b.add(tid, style="center")
    b.add()
    # date/time
    when = datetime(2024, 1, 1, 7, 0) + timedelta(
        days=rng.randrange(0, 900), minutes=rng.randrange(0, 14 * 60), seconds=rng.randrange(60)
    )
    dfmt = rng.choice(c.date_fmts)
    tfmt = rng.choice(c.time_fmts)
    dtext = when.strftime(dfmt)
    ttext = when.strftime(tfmt)
    if "%S" not in tfmt:
        when = when.replace(second=0)
    f["TransactionDate"] = _fv(when.date().isoformat(), dtext)
    f["TransactionTime"] = _fv(when.time().isoformat(), ttext)
    dl, tl = b.lab("date"), b.lab("time")
    style = rng.random()
    if style < 0.4:
        b.add(f"{dl} {dtext}".strip(), f"{tl} {ttext}".strip())
    elif style < 0.7:
        b.add(f"{dl} {dtext}".strip())
        b.add(f"{tl} {ttext}".strip())
    else:
        b.add(b.lab("receipt").format(n=rng.randrange(1000, 99999)))
        b.add(dtext, ttext)
    if kind in ("grocery", "gas") and rng.random() < 0.6:
        b.add(b.lab("cashier").format(s=b.fk.first_name()))
    b.rule()

    items: list[Json] = []
    item_sum = Decimal("0")

    def item(
        desc: str,
        total: Decimal,
        qty: float | None,
        price: Decimal | None,
        qtext: str | None,
        ptext: str | None,
    ) -> None:
        nonlocal item_sum
        item_sum += total
        tt = fmt_num(total, c.decimal)
        items.append(
            {
                "Description": _fv(desc, desc),
                "Quantity": _fv(qty, qtext) if qty is not None else None,
                "Price": _fv(float(price), ptext) if price is not None else None,
                "TotalPrice": _fv(float(total), tt),
            }
        )

    tip = Decimal("0")
    lang = c.lang
    if kind in ("grocery", "meal", "card"):
        pool = list(_GROCERY[lang] if kind == "grocery" else _MEAL[lang])
        rng.shuffle(pool)
        n_items = rng.randint(2, 7) if kind != "card" else 0
        qty_style = rng.choice(["line", "prefix"]) if kind == "meal" else "line"
        first_item = len(b.lines)
        for desc in pool[:n_items]:
            q = rng.choice([1, 1, 1, 2, 3]) if kind == "grocery" else rng.choice([1, 1, 2])
            unit = _cents(rng.uniform(0.49, 9.99 if kind == "grocery" else 24.0))
            tot = _cents(unit * q)
            tt = fmt_num(tot, c.decimal)
            if q == 1:
                b.add(desc, tt)
                item(desc, tot, None, None, None, None)
            elif qty_style == "prefix":
                b.add(f"{q} {desc}", tt)
                item(desc, tot, float(q), None, str(q), None)
            else:
                ptext = fmt_num(unit, c.decimal)
                qline = c.labels["qty"][0].format(q=q, p=ptext)
                if rng.random() < 0.5:
                    b.add("  " + qline)
                    b.add(desc, tt)
                else:
                    b.add(desc)
                    b.add("  " + qline, tt)
                item(desc, tot, float(q), unit, str(q), ptext)
        if kind == "meal":
            b.lines.insert(
                first_item - 1,  # above the rule that opens the items
                Line(c.labels["table"][0].format(t=rng.randint(1, 40), s=b.fk.first_name())),
            )
    elif kind == "gas":
        pump = c.labels["pump"][0].format(n=rng.randint(1, 12))
        b.add(pump)
        desc = rng.choice(_FUEL[lang])
        if c.code == "US":
            qty = round(rng.uniform(6.0, 18.0), 3)
            price = Decimal(str(round(rng.uniform(2.899, 4.999), 3)))
            unit_txt, pu = "GAL", "/GAL"
        else:
            qty = round(rng.uniform(15.0, 55.0), 2)
            price = Decimal(str(round(rng.uniform(1.489, 1.999), 3)))
            unit_txt, pu = "L", f" {c.symbol}/L" if c.symbol != "$" else "/L"
        tot = _cents(Decimal(str(qty)) * price)
        qtext = fmt_num(qty, c.decimal, 3 if c.code == "US" else 2)
        ptext = fmt_num(price, c.decimal, 3)
        b.add(desc, fmt_num(tot, c.decimal))
        b.add(f"  {qtext} {unit_txt} x {ptext}{pu}")
        item(desc, tot, qty, price, qtext, ptext)
        if rng.random() < 0.35:
            d2 = rng.choice(_GROCERY[lang][:8])
            t2 = _cents(rng.uniform(1.0, 4.5))
            b.add(d2, fmt_num(t2, c.decimal))
            item(d2, t2, None, None, None, None)
    elif kind == "parking":
        stay = timedelta(minutes=rng.randrange(20, 600))
        entry = when - stay
        b.add(f"{c.labels['entry'][0]}: {entry.strftime('%H:%M')}")
        b.add(f"{c.labels['exit'][0]}: {when.strftime('%H:%M')}")
        h, m = divmod(int(stay.total_seconds()) // 60, 60)
        b.add(f"{c.labels['duration'][0]}: {h}h {m:02d}min")
        hourly = _cents(rng.choice([1.5, 2.0, 2.5, 3.0, 4.0]))
        tot = _cents(hourly * (h + (1 if m else 0)))
        desc = c.labels["parking"][0]
        b.add(desc, fmt_num(tot, c.decimal))
        item(desc, tot, None, None, None, None)

    # totals
    if kind == "card":
        item_sum = _cents(rng.uniform(8.0, 120.0))
    subtotal = item_sum
    tax_mode = c.tax_mode
    rate = rng.choice(c.tax_rates)
    if kind in ("gas", "parking") and c.code == "US":
        tax_mode = "none"
    if kind == "card":
        tax_mode = "none"
    if kind in ("meal", "card") and (c.code == "US" or rng.random() < 0.3):
        tip = _cents(subtotal * Decimal(str(rng.choice([0.05, 0.1, 0.15, 0.18, 0.2]))))
    if tax_mode == "added":
        tax = _cents(subtotal * Decimal(str(rate)))
    elif tax_mode == "included":
        tax = _cents(subtotal * Decimal(str(rate)) / Decimal(str(1 + rate)))
    else:
        tax = Decimal("0")
    total = subtotal + (tax if tax_mode == "added" else 0) + tip
    f["Subtotal"] = f["TotalTax"] = f["Tip"] = None
    b.rule()
    rtxt = _fmt_rate(rate, c)
    if kind == "card":
        b.add(b.lab("card"), style="center_bold")
        b.add(c.labels["sale"][0], style="center")
        brand = rng.choice(["VISA", "MASTERCARD", "AMEX", "MAESTRO"])
        b.add(brand, "*" * 12 + "".join(rng.choice("0123456789") for _ in range(4)))
        amt = b.money(subtotal)
        b.add(c.labels["amount"][0], amt)
        if tip:  # AMOUNT + TIP = TOTAL: the amount is the pre-tip subtotal
            f["Subtotal"] = _fv(float(subtotal), amt)
        if tip:
            tt = b.money(tip)
            b.add(b.lab("tip"), tt)
            f["Tip"] = _fv(float(tip), tt)
        tot_t = b.money(total)
        b.add(b.lab("total"), tot_t, style="bold")
        f["Total"] = _fv(float(total), tot_t)
        b.add()
        b.add(c.labels["approved"][0], style="center_bold")
        b.add(f"AUTH {rng.randrange(100000, 999999)}", style="center")
    else:
        print_sub = tax_mode == "added" or tip or rng.random() < 0.5
        if print_sub:
            st = b.money(subtotal)
            b.add(b.lab("subtotal"), st)
            f["Subtotal"] = _fv(float(subtotal), st)
        if tax_mode == "added":
            tt = b.money(tax)
            b.add(b.lab("tax").format(r=rtxt), tt)
            f["TotalTax"] = _fv(float(tax), tt)
        if tip:
            tp = b.money(tip)
            b.add(b.lab("tip"), tp)
            f["Tip"] = _fv(float(tip), tp)
        tot_t = b.money(total, symbol=b.show_symbol or rng.random() < 0.5)
        b.add(b.lab("total"), tot_t, style=rng.choice(["bold", "double", "normal"]))
        f["Total"] = _fv(float(total), tot_t)
        if tax_mode == "included":
            tt = fmt_num(tax, c.decimal)
            if rng.random() < 0.5:
                b.add(b.lab("tax_incl").format(r=rtxt), tt)
            else:
                net = fmt_num(subtotal - tax, c.decimal)
                b.add(f"{b.lab('tax').format(r=rtxt)}  {net}", tt)
            f["TotalTax"] = _fv(float(tax), tt)
        b.add()
        if rng.random() < 0.5 and kind != "parking":
            given = _cents(Decimal(int(total / 10) * 10 + 10))
            b.add(b.lab("cash"), fmt_num(given, c.decimal))
            b.add(b.lab("change"), fmt_num(given - total, c.decimal))
        else:
            brand = rng.choice(["VISA", "MASTERCARD", "MAESTRO"])
            b.add(f"{b.lab('card')} {brand}", fmt_num(total, c.decimal))
            b.add("*" * 12 + "".join(rng.choice("0123456789") for _ in range(4)))
            if rng.random() < 0.5:
                b.add(c.labels["approved"][0])
    b.add()
    b.add(b.lab("thanks")[:width], style="center")

    f["CountryRegion"] = _fv(c.alpha3, None)
    f["Items"] = items
    assert sum((Decimal(str(it["TotalPrice"]["value"])) for it in items), Decimal(0)) == (
        item_sum if kind != "card" else 0
    )
    gt: Json = {
        "id": rid,
        "doc_type": _DOC_TYPE[kind],
        "kind": kind,
        "country": c.alpha3,
        "locale": c.locale,
        "currency": c.cur_code,
        "tax_mode": tax_mode,
        "totals": {
            "subtotal": float(subtotal),
            "tax": float(tax),
            "tax_rate": rate if tax_mode != "none" else None,
            "tip": float(tip),
            "total": float(total),
        },
        "fields": f,
    }
    paper = 58.0 if width <= 32 else 80.0
    return Receipt(rid, width, paper, b.lines, gt)


# --- rendering ---------------------------------------------------------------------------------

_MARGIN_MM = 3.0


def _font_files(family: str) -> tuple[Path, Path]:
    cd = _courier_dir()
    if family == "courier" and cd is not None:
        return cd / "com_____.pfb", cd / "cob_____.pfb"
    return _DEJAVU / "DejaVuSansMono.ttf", _DEJAVU / "DejaVuSansMono-Bold.ttf"


def _line_text(ln: Line, width: int, scale: int = 1) -> str:
    w = width // scale
    if ln.style.startswith("center"):
        t = ln.left[:w]
        return " " * ((w - len(t)) // 2) + t
    if ln.right:
        pad = max(1, w - len(ln.left) - len(ln.right))
        return ln.left + " " * pad + ln.right
    return ln.left


def render_pdf(r: Receipt, path: Path, family: str) -> None:
    """Write the receipt as a born-digital narrow PDF page."""
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if family == "courier":
        reg, bold = "Courier", "Courier-Bold"
    else:
        for nm, fn in (
            ("DejaVuSansMono", "DejaVuSansMono.ttf"),
            ("DejaVuSansMono-Bold", "DejaVuSansMono-Bold.ttf"),
        ):
            if nm not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(nm, str(_DEJAVU / fn)))
        reg, bold = "DejaVuSansMono", "DejaVuSansMono-Bold"
    width = r.paper_mm * mm
    usable = width - 2 * _MARGIN_MM * mm
    size = usable / (r.width_chars * 0.6)
    lead = size * 1.3
    heights = [lead * (2 if "double" in ln.style else 1) for ln in r.lines]
    height = sum(heights) + 16 * mm
    cv = canvas.Canvas(str(path), pagesize=(width, height), invariant=1)
    cv.setTitle(r.rid)
    y = height - 8 * mm
    for ln, h in zip(r.lines, heights, strict=True):
        y -= h
        font = bold if "bold" in ln.style or "double" in ln.style else reg
        text = _line_text(ln, r.width_chars)
        cv.saveState()
        cv.translate(_MARGIN_MM * mm, y + 0.25 * lead)
        if "double" in ln.style:
            cv.scale(1, 2)
        cv.setFont(font, size)
        cv.drawString(0, 0, text)
        cv.restoreState()
    cv.showPage()
    cv.save()


def render_image(r: Receipt, path: Path, family: str, rng: random.Random) -> Json:
    """Render a degraded photo/scan of the receipt as JPEG; return the render parameters."""
    import cv2
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    dpi = rng.choice([150, 180, 200, 220, 250])
    px_mm = dpi / 25.4
    width = round(r.paper_mm * px_mm)
    usable = width - 2 * _MARGIN_MM * px_mm
    size = max(8, int(usable / (r.width_chars * 0.6)))
    reg_f, bold_f = _font_files(family)
    reg = ImageFont.truetype(str(reg_f), size)
    bold = ImageFont.truetype(str(bold_f), size)
    lead = round(size * 1.3)
    heights = [lead * (2 if "double" in ln.style else 1) for ln in r.lines]
    height = sum(heights) + round(16 * px_mm)
    paper_grey = rng.randint(225, 252)
    ink = rng.randint(10, 60) if rng.random() < 0.6 else rng.randint(80, 130)
    img = Image.new("L", (width, height), paper_grey)
    draw = ImageDraw.Draw(img)
    y = round(8 * px_mm)
    x0 = round(_MARGIN_MM * px_mm)
    for ln, h in zip(r.lines, heights, strict=True):
        text = _line_text(ln, r.width_chars)
        font = bold if "bold" in ln.style or "double" in ln.style else reg
        if "double" in ln.style:
            tmp = Image.new("L", (width, lead), 0)
            ImageDraw.Draw(tmp).text((x0, 0), text, font=font, fill=255)
            tall = tmp.resize((width, 2 * lead), Image.Resampling.BILINEAR)
            img.paste(Image.new("L", tall.size, ink), (0, y), tall)
        else:
            draw.text((x0, y), text, font=font, fill=ink)
        y += h
    arr: Any = np.asarray(img, dtype=np.float32)
    # thermal fade: slight horizontal banding
    if rng.random() < 0.4:
        band = 1.0 + 0.06 * np.sin(np.linspace(0, rng.uniform(3, 12), height))[:, None]
        arr = 255 - (255 - arr) / band
    # place on a background (photo on a table) or a scanner bed
    on_table = rng.random() < 0.45
    pad = round(rng.uniform(0.04, 0.15) * width) if on_table else round(0.02 * width)
    bg = rng.randint(40, 120) if on_table else rng.randint(235, 255)
    canvas_ = np.full((height + 2 * pad, width + 2 * pad), bg, dtype=np.float32)
    canvas_[pad : pad + height, pad : pad + width] = arr
    hh, ww = canvas_.shape
    angle = rng.uniform(-6.0, 6.0)
    m = cv2.getRotationMatrix2D((ww / 2, hh / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(hh * sin + ww * cos), int(hh * cos + ww * sin)
    m[0, 2] += nw / 2 - ww / 2
    m[1, 2] += nh / 2 - hh / 2
    out: Any = cv2.warpAffine(canvas_, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=float(bg))
    skew = rng.uniform(0.0, 0.025)
    src = np.array([[0, 0], [nw, 0], [nw, nh], [0, nh]], dtype=np.float32)
    jit = [rng.uniform(-skew, skew) for _ in range(8)]
    dst = np.array(
        [
            [jit[0] * nw, jit[1] * nh],
            [nw + jit[2] * nw, jit[3] * nh],
            [nw + jit[4] * nw, nh + jit[5] * nh],
            [jit[6] * nw, nh + jit[7] * nh],
        ],
        dtype=np.float32,
    )
    pm = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(out, pm, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=float(bg))
    blur = rng.choice([0.0, 0.0, 0.6, 0.9, 1.2])
    if blur:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    noise = rng.uniform(2.0, 10.0)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    out = out + nrng.normal(0.0, noise, out.shape)
    quality = rng.randint(50, 90)
    Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).convert("RGB").save(
        path, "JPEG", quality=quality
    )
    return {
        "dpi": dpi,
        "angle": round(angle, 2),
        "skew": round(skew, 4),
        "blur": blur,
        "noise": round(noise, 1),
        "jpeg_quality": quality,
        "on_table": on_table,
        "ink": ink,
        "paper": paper_grey,
        "font": family,
    }


# --- driver ------------------------------------------------------------------------------------

_PLAN_COUNTRIES = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "PT", "BR")
_KINDS = ("grocery", "meal", "gas", "parking", "card")


def generate(out_dir: Path, n: int = 24, seed: int = 4321) -> list[Path]:
    """Write ``n`` receipts (JPEG or PDF + JSON GT) into ``out_dir``; return the GT paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths: list[Path] = []
    for i in range(n):
        r_rng = random.Random(rng.randrange(1 << 62))
        cc = _PLAN_COUNTRIES[i % len(_PLAN_COUNTRIES)]
        kind = _KINDS[(i + 2 * (i // len(_PLAN_COUNTRIES))) % len(_KINDS)]
        c = COUNTRIES[cc]
        width = r_rng.choice([32, 32, 42, 48])
        rid = f"synrcpt_{i:03d}_{cc.lower()}_{kind}"
        rec = _build(r_rng, rid, c, kind, width)
        family = r_rng.choice(["dejavu", "courier"])
        gt = rec.gt
        gt["lines"] = [_line_text(ln, width).strip() for ln in rec.lines if ln.left or ln.right]
        if i % 3 == 2:
            pdf = out_dir / f"{rid}.pdf"
            render_pdf(rec, pdf, family)
            gt = {"id": rid, "pdf": pdf.name, "unit": "inch", **gt}
            gt["render"] = {"font": family, "paper_mm": rec.paper_mm}
        else:
            img = out_dir / f"{rid}.jpg"
            params = render_image(rec, img, family, r_rng)
            gt = {"id": rid, "image": img.name, "unit": "pixel", **gt}
            gt["render"] = {**params, "paper_mm": rec.paper_mm}
        js = out_dir / f"{rid}.json"
        js.write_text(json.dumps(gt, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(js)
    return paths


def main(argv: list[str] | None = None) -> None:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("-n", type=int, default=24)
    ap.add_argument("--seed", type=int, default=4321)
    a = ap.parse_args(argv)
    for p in generate(a.out_dir, a.n, a.seed):
        print(p)


if __name__ == "__main__":
    main()
