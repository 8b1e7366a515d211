"""Multilingual label lexicon of ``prebuilt-invoice`` (en, de, fr, es, it, nl, pt).

Labels are written in the normalised form of :func:`norm_words` (casefolded, accents stripped,
``°``/``º`` read as ``o``, punctuation other than ``#`` and ``%`` turned into spaces), so
``"N° de facture :"`` and ``"no de facture"`` compare equal. Matching tolerates OCR slips
through :mod:`rapidfuzz` (see :func:`match_prefix`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from docintel.extract.normalize.text import strip_accents

_NON_WORD = re.compile(r"[^\w#%]+")


@functools.lru_cache(maxsize=65536)
def norm_words(text: str) -> tuple[str, ...]:
    """The normalised words of a text: ``"Rechnungs-Nr.:"`` -> ``("rechnungs", "nr")``."""
    s = strip_accents(text).casefold().replace("°", "o").replace("º", "o")
    s = s.replace("_", " ")
    s = _NON_WORD.sub(" ", s)
    return tuple(w for w in s.split() if w)


# --- header / key-value fields ----------------------------------------------------------------

# fmt: off

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "InvoiceId": (
        "invoice no", "invoice number", "invoice #", "invoice nr", "invoice num", "invoice id",
        "invoice ref", "invoice reference", "inv no", "inv #", "invoice no #", "bill no",
        "bill number", "tax invoice no", "document no",
        "rechnungsnummer", "rechnungs nr", "rechnung nr", "rechnungsnr", "re nr", "rg nr",
        "belegnummer", "beleg nr",
        "no de facture", "numero de facture", "facture no", "facture n", "no facture",
        "n de facture", "ref facture",
        "numero de factura", "no de factura", "n de factura", "factura no", "factura n",
        "num factura", "no factura",
        "numero fattura", "n fattura", "fattura n", "fattura no", "nr fattura", "num fattura",
        "factuurnummer", "factuur nr", "factuurnr", "factuur no",
        "numero da fatura", "no da fatura", "fatura no", "fatura n", "n da fatura",
        "numero fatura",
    ),
    "InvoiceDate": (
        "invoice date", "date of invoice", "date", "issue date", "date issued", "dated",
        "billing date", "bill date", "tax point", "invoice date tax point",
        "rechnungsdatum", "datum", "belegdatum", "ausstellungsdatum",
        "rechnungsdatum leistungsdatum",
        "date de facture", "date de facturation", "date d emission", "date facture",
        "fecha", "fecha de factura", "fecha de emision", "fecha factura",
        "data", "data fattura", "data della fattura", "data di emissione", "data emissione",
        "factuurdatum", "datum factuur",
        "data da fatura", "data de emissao", "data fatura",
    ),
    "DueDate": (
        "due date", "date due", "payment due", "due", "payment due date", "due by", "pay by",
        "faellig am", "fallig am", "faellig", "fallig", "zahlbar bis", "faelligkeitsdatum",
        "falligkeitsdatum", "zahlungsziel", "fallig bis",
        "echeance", "date d echeance", "date echeance", "a payer avant le", "payable le",
        "vencimiento", "fecha de vencimiento", "fecha vencimiento", "vence",
        "scadenza", "data scadenza", "data di scadenza", "scadenza pagamento",
        "vervaldatum", "vervaldag", "uiterste betaaldatum", "te betalen voor",
        "vencimento", "data de vencimento", "data vencimento",
    ),
    "PurchaseOrder": (
        "po", "po number", "po no", "po #", "p o", "p o number", "p o no", "purchase order",
        "purchase order no", "purchase order number", "order no", "order number", "order #",
        "your order", "customer po", "client po", "order ref", "order reference",
        "your order no", "your order number", "your ref", "your reference", "our ref",
        "ihre bestellnr", "ihre bestell nr", "ihr zeichen", "ihre referenz",
        "votre commande no", "votre reference", "votre ref", "su pedido no", "su referencia",
        "vostro ordine", "vs ordine no", "vs rif", "uw bestelling", "uw order", "uw ordernummer",
        "sua encomenda", "vossa encomenda", "sua referencia", "ordine n", "pedido no",
        "bestellnummer", "bestellung", "bestell nr", "ihre bestellung", "auftragsnummer",
        "auftrag nr", "ihre bestellnummer",
        "bon de commande", "commande", "no de commande", "n de commande", "ref commande",
        "numero de commande", "votre commande",
        "pedido", "no de pedido", "n de pedido", "numero de pedido", "orden de compra",
        "su pedido", "orden de compra no",
        "ordine", "n ordine", "numero ordine", "ordine di acquisto", "vs ordine", "rif ordine",
        "inkooporder", "bestelnummer", "ordernummer", "inkoopordernummer", "uw referentie",
        "ordem de compra", "encomenda", "no encomenda", "n encomenda", "numero do pedido",
        "nota de encomenda",
    ),
    "CustomerId": (
        "customer id", "customer no", "customer number", "customer #", "customer nr",
        "account no", "account number", "account #", "client id", "client no", "client number",
        "customer account", "acct no", "cust id", "cust no",
        "kundennummer", "kunden nr", "kundennr", "kd nr", "debitorennummer",
        "no client", "n client", "numero client", "code client", "ref client", "reference client",
        "no de client", "numero de cliente", "no de cliente", "n de cliente", "cliente no",
        "codigo de cliente", "codice cliente", "cod cliente", "n cliente",
        "klantnummer", "klant nr", "klantnr", "debiteurnummer",
        "numero do cliente", "n do cliente", "codigo do cliente", "no cliente", "cliente n",
        "kunden nummer", "kundennr", "client no", "numero cliente", "cod cliente", "klant nummer",
        "customer ref", "customer reference", "account ref",
    ),
    "PaymentTerm": (
        "payment terms", "terms", "terms of payment", "payment term", "payment conditions",
        "zahlungsbedingungen", "zahlungsziel", "zahlungskondition", "zahlungsbedingung",
        "conditions de paiement", "conditions de reglement", "modalites de paiement",
        "condiciones de pago", "forma de pago", "terminos de pago", "condiciones pago",
        "condizioni di pagamento", "termini di pagamento", "modalita di pagamento",
        "betalingsvoorwaarden", "betalingstermijn", "betaalvoorwaarden",
        "condicoes de pagamento", "termos de pagamento", "prazo de pagamento",
    ),
    "VendorTaxId": (
        "vat id", "vat no", "vat number", "vat reg no", "vat registration no",
        "vat registration number", "vat reg", "tax id", "tax no", "tax number", "tin", "gst no",
        "gstin", "gst number", "abn", "ein", "vat #", "vat", "tax reg no", "company vat",
        "ust idnr", "ust id", "ust id nr", "ustidnr", "umsatzsteuer id", "umsatzsteuer idnr",
        "steuernummer", "steuer nr", "st nr", "ust nr", "uid", "uid nr", "mwst nr",
        "no tva", "n tva", "numero de tva", "tva intracommunautaire", "no tva intracom",
        "siret", "n tva intracommunautaire", "identifiant tva", "no tva intracom",
        "n tva intracom", "tva intracom", "numero tva intracom", "no tva intracommunautaire",
        "nif", "cif", "nif cif", "n i f", "c i f", "numero de identificacion fiscal",
        "p iva", "partita iva", "piva", "c f", "codice fiscale", "p iva c f",
        "btw nr", "btw nummer", "btw id", "btw", "btw identificatienummer", "kvk",
        "nipc", "contribuinte", "no contribuinte", "n contribuinte", "nif pt",
    ),
    "CustomerTaxId": (
        "customer vat", "customer vat id", "customer tax id", "your vat no", "your vat id",
        "client vat", "buyer vat", "customer vat no",
        "kunden ust idnr", "ihre ust idnr", "ihre ust id",
        "tva client", "no tva client", "nif cliente", "cif cliente", "p iva cliente",
        "btw klant", "nif do cliente",
    ),
    "ServiceStartDate": (
        "service start", "service start date", "period from", "service from", "from",
        "leistungsbeginn", "leistungszeitraum von", "zeitraum von", "periode du", "du",
        "periodo desde", "desde", "periodo dal", "dal", "periode van", "periodo de",
    ),
    "ServiceEndDate": (
        "service end", "service end date", "period to", "service to", "to", "until",
        "leistungsende", "bis", "au", "hasta", "al", "tot", "ate",
    ),
}

# Address blocks (label over or left of a name + address).
BLOCK_LABELS: dict[str, tuple[str, ...]] = {
    "Billing": (
        "bill to", "billed to", "billing address", "invoice to", "invoiced to", "bill to customer",
        "rechnungsadresse", "rechnung an", "rechnungsempfanger", "rechnungsempfaenger",
        "facturer a", "facture a", "adresse de facturation", "factures a",
        "facturar a", "facturado a", "direccion de facturacion", "facturar",
        "fatturare a", "fatturato a", "indirizzo di fatturazione", "intestatario",
        "factuur aan", "factuuradres", "gefactureerd aan",
        "faturar a", "faturado a", "endereco de faturacao", "endereco de cobranca",
    ),
    "Customer": (
        "customer", "client", "sold to", "to", "buyer", "recipient", "customer details",
        "kunde", "kunden", "auftraggeber", "empfanger", "empfaenger", "an",
        "destinataire", "acheteur",
        "cliente", "comprador", "destinatario", "spett le", "spettabile",
        "klant", "afnemer", "koper", "aan",
        "adquirente",
    ),
    "Shipping": (
        "ship to", "shipped to", "shipping address", "deliver to", "delivery address",
        "delivered to",
        "lieferadresse", "lieferanschrift", "liefern an", "versandadresse", "lieferung an",
        "livrer a", "adresse de livraison", "livre a", "livraison",
        "enviar a", "direccion de envio", "entregar a", "direccion de entrega",
        "spedire a", "indirizzo di spedizione", "consegna a", "luogo di consegna",
        "verzendadres", "afleveradres", "leveren aan", "leveradres",
        "enviar para", "endereco de entrega", "entregar em", "morada de entrega",
    ),
    "Remittance": (
        "remit to", "remittance address", "please remit to", "send payment to", "make payable to",
        "zahlungsempfanger", "adresse de paiement", "remitir a", "pagare a",
        "betalen aan", "pagamento a",
    ),
    "Service": (
        "service address", "service location", "property address", "site address",
        "leistungsort", "lieu de prestation", "adresse du service", "direccion del servicio",
        "indirizzo del servizio", "serviceadres", "local do servico",
    ),
}

# Amount labels of the totals block.
AMOUNT_LABELS: dict[str, tuple[str, ...]] = {
    "SubTotal": (
        "subtotal", "sub total", "net total", "total net", "net amount", "total excl vat",
        "total excl tax", "total before tax", "amount before tax", "net", "total excluding vat",
        "total excluding tax", "subtotal excl vat", "goods total",
        "zwischensumme", "nettobetrag", "netto", "summe netto", "nettosumme", "gesamt netto",
        "netto gesamt", "warenwert", "rechnungsbetrag netto", "summe positionen",
        "warenwert netto", "nettowarenwert", "gesamtbetrag netto", "zwischensumme netto",
        "sous total", "total ht", "montant ht", "total hors taxes", "montant hors taxes",
        "sous total ht", "total net ht",
        "base imponible", "subtotal", "importe neto", "total sin iva", "neto",
        "imponibile", "totale imponibile", "subtotale", "totale netto", "imponibile totale",
        "subtotaal", "totaal excl btw", "netto bedrag", "totaal exclusief btw", "netto totaal",
        "total sem iva", "valor liquido", "total liquido", "base tributavel",
    ),
    "TotalTax": (
        "tax", "vat", "sales tax", "gst", "hst", "pst", "qst", "total tax", "tax total",
        "tax amount", "vat amount", "total vat", "vat total", "plus vat", "gst hst", "tax vat",
        "mwst", "ust", "umsatzsteuer", "mehrwertsteuer", "zzgl mwst", "zzgl ust", "mwst betrag",
        "steuer", "zzgl umsatzsteuer", "enthaltene mwst", "inkl mwst", "summe mwst",
        "tva", "montant tva", "total tva", "dont tva",
        "iva", "importe iva", "total iva", "cuota iva", "impuestos", "impuesto",
        "totale iva", "iva totale", "imposta",
        "btw", "btw bedrag", "totaal btw",
        "valor iva", "imposto", "total iva",
    ),
    "TotalDiscount": (
        "discount", "total discount", "less discount", "rebate",
        "rabatt", "nachlass", "skonto", "abzuglich rabatt",
        "remise", "rabais", "escompte", "descuento", "dto", "sconto", "korting", "desconto",
    ),
    "InvoiceTotal": (
        "total", "invoice total", "grand total", "total amount", "total invoice", "amount",
        "total incl vat", "total including vat", "total including tax", "total incl tax",
        "gross total", "total gross", "total eur", "total usd", "invoice amount",
        "gesamtbetrag", "gesamtsumme", "rechnungsbetrag", "summe", "endbetrag", "brutto",
        "gesamt", "bruttobetrag", "gesamt brutto", "rechnungssumme", "endsumme",
        "total ttc", "montant ttc", "montant total", "total facture", "net ttc",
        "importe total", "total factura", "total con iva", "total", "importe",
        "totale", "totale fattura", "totale documento", "importo totale", "totale complessivo",
        "totaal", "totaal incl btw", "totaalbedrag", "factuurbedrag", "totaal inclusief btw",
        "total da fatura", "valor total", "total com iva", "montante total",
    ),
    "AmountDue": (
        "amount due", "balance due", "total due", "amount payable", "balance", "due",
        "please pay", "amount to pay", "total payable", "balance payable", "now due",
        "outstanding balance", "pay this amount", "amount due now",
        "zu zahlen", "zahlbetrag", "offener betrag", "restbetrag", "noch zu zahlen",
        "zahlbarer betrag", "zu zahlender betrag", "offen",
        "net a payer", "reste a payer", "montant du", "solde du", "a payer", "montant a payer",
        "solde", "total a payer",
        "importe adeudado", "importe a pagar", "total a pagar", "saldo pendiente", "a pagar",
        "pendiente",
        "importo dovuto", "da pagare", "netto a pagare", "totale da pagare", "saldo",
        "importo da pagare",
        "te betalen", "openstaand bedrag", "nog te betalen", "totaal te betalen",
        "valor em divida", "valor a pagar", "montante em divida",
    ),
    "PreviousUnpaidBalance": (
        "previous balance", "previous unpaid balance", "balance forward", "prior balance",
        "balance brought forward", "previous amount due", "unpaid balance",
        "vorheriger saldo", "alter saldo", "saldovortrag", "offener vorsaldo",
        "solde precedent", "solde anterieur", "ancien solde",
        "saldo anterior", "saldo precedente", "vorig saldo", "openstaand saldo",
    ),
    "Carry": (
        "carried forward", "brought forward", "carry forward", "balance carried forward",
        "ubertrag", "uebertrag", "zwischensumme ubertrag", "a reporter", "report a nouveau",
        "suma y sigue", "suma anterior", "riporto", "a riportare", "transporteren",
        "a transportar",
    ),
    "Paid": (
        "paid", "amount paid", "payment received", "payments", "less paid", "deposit",
        "paid to date", "payment", "less payment", "partial payment", "advance payment",
        "bezahlt", "anzahlung", "bereits bezahlt", "abschlagszahlung", "erhaltene anzahlung",
        "deja paye", "acompte", "montant paye", "pagado", "anticipo", "pagato", "acconto",
        "betaald", "reeds betaald", "aanbetaling", "pago", "pago recebido", "sinal",
        "already paid", "received",
    ),
}

# Item table column headers.
ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "Description": (
        "description", "item", "items", "item description", "product", "products", "service",
        "services", "details", "particulars", "article", "description of goods",
        "description of services", "product description", "service description", "activity",
        "task", "work performed",
        "beschreibung", "bezeichnung", "artikel", "leistung", "artikelbezeichnung",
        "leistungsbeschreibung", "produkt", "position", "text", "artikelbeschreibung",
        "designation", "libelle", "produit", "prestation", "article", "description article",
        "descripcion", "concepto", "articulo", "producto", "servicio", "detalle",
        "descrizione", "articolo", "prodotto", "servizio", "descrizione articolo",
        "omschrijving", "product", "dienst", "artikelomschrijving",
        "descricao", "produto", "artigo", "servico", "designacao",
    ),
    "Quantity": (
        "qty", "quantity", "qnty", "qty ordered", "qty shipped", "hours", "hrs", "days",
        "units", "no of units", "quant", "pcs",
        "menge", "anzahl", "anz", "stuck", "stunden", "std", "stk",
        "quantite", "qte", "nombre", "nb", "heures",
        "cantidad", "cant", "unidades", "horas", "ctd",
        "quantita", "qta", "q ta", "ore", "quantity qta",
        "aantal", "uren", "hoeveelheid",
        "quantidade", "qtd", "qtde", "quant",
    ),
    "Unit": (
        "unit", "uom", "u m", "units of measure", "unit of measure",
        "einheit", "eh", "me", "mengeneinheit", "einh",
        "unite", "u", "unidad", "ud", "uds", "unita", "u m", "um", "eenheid", "unidade", "un",
    ),
    "UnitPrice": (
        "unit price", "price", "rate", "price per unit", "unit cost", "each", "hourly rate",
        "rate hr", "price each", "unit rate", "cost", "price unit", "net price", "rate per hour",
        "einzelpreis", "preis", "e preis", "stuckpreis", "ep", "einzelpr", "preis einheit",
        "stundensatz", "einzelpreis netto", "preis pro einheit",
        "prix unitaire", "pu", "prix", "p u", "pu ht", "p u ht", "prix unitaire ht", "prix u",
        "tarif", "taux horaire",
        "precio unitario", "precio", "precio unidad", "p unit", "precio ud", "tarifa",
        "prezzo unitario", "prezzo", "prezzo unit", "tariffa",
        "prijs per stuk", "prijs", "stukprijs", "eenheidsprijs", "tarief", "prijs per eenheid",
        "preco unitario", "preco", "valor unitario", "preco unit",
    ),
    "Amount": (
        "amount", "total", "line total", "ext price", "extended price", "extended", "net amount",
        "amount net", "total price", "subtotal", "sum", "value", "line amount", "ext amount",
        "betrag", "gesamt", "gesamtpreis", "summe", "gesamtbetrag", "nettobetrag", "wert",
        "montant", "montant ht", "total ht", "prix total", "total ligne",
        "importe", "total", "importe total", "subtotal",
        "importo", "totale", "importo totale",
        "bedrag", "totaal", "regeltotaal", "totaalbedrag",
        "valor", "valor total", "montante", "total",
    ),
    "ProductCode": (
        "code", "item code", "sku", "part no", "part number", "item no", "item #", "product code",
        "product no", "item number", "part #", "ref", "reference", "article no", "art no",
        "art nr", "artikelnummer", "artikelnr", "artikel nr", "art nr", "materialnummer",
        "ref article", "code article", "reference article",
        "codigo", "cod", "codigo articulo", "referencia", "codice", "codice articolo", "cod art",
        "artikelcode", "artikel nummer", "codigo do produto", "codigo produto",
    ),
    "Date": (
        "date", "service date", "delivery date", "ship date", "datum", "lieferdatum",
        "leistungsdatum", "date de livraison", "fecha", "data", "leverdatum",
    ),
    "Tax": (
        "tax", "vat", "tax amount", "vat amount", "mwst", "ust", "tva", "iva", "btw",
        "mwst betrag", "montant tva", "importe iva", "importo iva", "btw bedrag", "valor iva",
    ),
    "TaxRate": (
        "tax %", "vat %", "tax rate", "vat rate", "mwst %", "ust %", "tva %", "iva %", "btw %",
        "steuersatz", "mwst satz", "taux tva", "taux", "tipo iva", "aliquota", "aliquota iva",
        "btw tarief", "taxa iva", "taxa", "% tax", "% vat", "% mwst", "% tva", "% iva", "% btw",
        "tax rate %", "vat rate %",
    ),
    "Ignore": (
        "#", "no", "pos", "nr", "line", "item #", "n", "lfd nr", "pos nr", "s no", "sl no",
        "riga", "regel", "lijn", "linha", "ligne", "linea", "zeile", "position no",
    ),
}

# Words of an invoice title, and the other words that never name a vendor.
TITLE_WORDS = frozenset(
    {
        "invoice", "tax", "service", "commercial", "proforma", "pro", "forma", "bill",
        "rechnung", "steuerrechnung", "facture", "factura", "fattura", "factuur", "fatura",
        "nota", "fiscal", "receipt", "statement", "credit", "note", "gutschrift", "avoir",
        "original", "copy", "duplicate", "kopie", "copie", "page", "seite", "pagina",
    }
)

COMPANY_SUFFIXES = frozenset(
    {
        "inc", "llc", "ltd", "limited", "corp", "corporation", "co", "company", "plc", "group",
        "gmbh", "ag", "kg", "ohg", "ug", "ev", "mbh", "sa", "sas", "sarl", "eurl", "sl", "sll",
        "srl", "spa", "snc", "bv", "nv", "vof", "lda", "sociedade", "llp", "lp", "pty", "oy",
        "ab", "as", "kft", "sro", "se", "partners", "associates", "holding", "holdings",
        "industries", "solutions", "services", "consulting", "sons", "aps", "hb", "kb",
        "asa", "oyj", "bvba", "scs", "sca", "kgaa", "eg", "ltda", "og",
    }
)

CONTACT_WORDS = frozenset(
    {
        "tel", "telefon", "telephone", "phone", "fax", "email", "mail", "mobile", "mob",
        "www", "web", "http", "https", "tlf", "telefono", "telefone", "tél", "cell", "iban",
        "bic", "swift", "bank", "bankverbindung", "konto", "account",
    }
)

FILLER_WORDS = frozenset({"zzgl", "plus", "inkl", "incl", "including", "excl", "add", "less"})


# fmt: on

_DIGIT = re.compile(r"\d")


class Lexicon:
    """Labels of several groups, looked up by their joined words (exact, then fuzzy)."""

    def __init__(self, name: str, groups: dict[str, tuple[str, ...]]) -> None:
        self.name = name
        self.by_key: dict[str, list[str]] = {}
        for group, labels in groups.items():
            for label in labels:
                key = "".join(norm_words(label))
                if group not in self.by_key.setdefault(key, []):
                    self.by_key[key].append(group)
        self.keys = list(self.by_key)
        self.alpha_keys = [k for k in self.keys if k.isalpha()]
        ALL_KEYS.update(self.keys)
        self._cache: dict[str, tuple[float, str] | None] = {}

    def lookup(self, key: str) -> tuple[float, str] | None:
        """``(score, label key)`` of the label equal to ``key`` up to an OCR slip."""
        if key in self.by_key:
            return 1.0, key
        if key in self._cache:
            return self._cache[key]
        out: tuple[float, str] | None = None
        if len(key) >= 7 and key.isalpha() and key not in ALL_KEYS:
            edits = 1 if len(key) < 10 else 2
            got = extractOne(key, self.alpha_keys, scorer=Levenshtein.distance, score_cutoff=edits)
            if got is not None and abs(len(got[0]) - len(key)) <= 1:
                out = (1.0 - 0.5 * got[1] / len(key), got[0])
        self._cache[key] = out
        return out

    def groups(self, key: str) -> list[str]:
        """The groups a label key belongs to."""
        return self.by_key.get(key, [])

    def prefix(self, words: Sequence[str], max_words: int = 6) -> tuple[int, float, str] | None:
        """The longest label ``words`` starts with: ``(word count, score, label key)``."""
        best: tuple[int, float, str] | None = None
        for k in range(1, min(max_words, len(words)) + 1):
            got = self.lookup("".join(words[:k]))
            if got is None:
                continue
            if got[0] < 1.0 and best is not None and best[1] >= 1.0 and len(words[k - 1]) <= 2:
                continue  # "Factuurnummer: F-2025": an exact label, not a slip taking "f" in
            best = (k, got[0], got[1])
        return best

    def whole(self, words: Sequence[str]) -> tuple[float, str] | None:
        """The label equal to all of ``words``."""
        if not words or len(words) > 7:
            return None
        return self.lookup("".join(words))


# Keys that are words in their own right (titles) and never an OCR slip of a label.
ALL_KEYS: set[str] = set(TITLE_WORDS)
FIELDS = Lexicon("fields", FIELD_LABELS)
BLOCKS = Lexicon("blocks", BLOCK_LABELS)
AMOUNTS = Lexicon("amounts", AMOUNT_LABELS)
COLUMNS = Lexicon("columns", ITEM_COLUMNS)
