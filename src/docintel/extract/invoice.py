"""``prebuilt-invoice`` field extraction (LAYOUT recipe: lines, tables, paragraphs).

Strategy, all rules generic and multilingual (en, de, fr, es, it, nl, pt):

* document facts are voted once: decimal separator, currency (from every printed symbol/code,
  applied to amounts printed without one), numeric date order (vote, then the due date must
  not precede the invoice date, then the currency's customary order);
* labelled values: every line is matched against the label lexicon
  (:mod:`docintel.extract.invoice_labels`, fuzzy for OCR slips); the value is the rest of the
  line, the nearest line to the right on the same row, or the line below (header boxes);
* amounts of the totals block likewise, with a tax rate kept for ``TaxDetails``;
* line items from the item table (:mod:`docintel.extract.invoice_items`);
* vendor: the most prominent non-label text block at the top of page 1 with its address
  lines; customer: the block under a "Bill to"/"Kunde"/... label, else the addressee window;
* cross-checks (Σ items = SubTotal, SubTotal + TotalTax − discount = InvoiceTotal,
  quantity × unit price = amount) raise confidence and choose among candidates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from docintel.extract.docview import DocView, TextLine, Token
from docintel.extract.fields import ExtractContext, ExtractedDocument, Extraction, Field
from docintel.extract.invoice_common import (
    DocFacts,
    clean_view,
    h_overlap,
    is_amount_text,
    mean_conf,
    median_char_widths,
    median_heights,
    money_of,
    split_token,
    tokens_text,
    v_overlap,
)
from docintel.extract.invoice_items import ItemsResult, RawItem, extract_rows, quantity_unit
from docintel.extract.invoice_labels import (
    AMOUNTS,
    BLOCKS,
    COMPANY_SUFFIXES,
    CONTACT_WORDS,
    FIELDS,
    FILLER_WORDS,
    TITLE_WORDS,
    norm_words,
)
from docintel.extract.normalize import (
    Address,
    Money,
    address_score,
    find_dates,
    infer_date_order,
    infer_decimal_separator,
    parse_address,
    parse_date,
    parse_iban,
    parse_percent,
    parse_swift,
)

V30 = "2022-08-31"
# Labels so generic that they only count followed by ":" or alone on their line.
_GENERIC = frozenset(
    {
        "to",
        "an",
        "aan",
        "from",
        "du",
        "au",
        "al",
        "dal",
        "bis",
        "tot",
        "ate",
        "desde",
        "hasta",
        "due",
        "date",
        "data",
        "fecha",
        "datum",
        "terms",
        "po",
        "vat",
        "tax",
        "tin",
        "uid",
        "ein",
        "abn",
        "btw",
        "nif",
        "cif",
        "customer",
        "client",
        "cliente",
        "klant",
        "kunde",
        "buyer",
        "amount",
        "balance",
        "net",
        "netto",
        "neto",
        "solde",
        "saldo",
        "offen",
        "commande",
        "pedido",
        "ordine",
        "encomenda",
        "cf",
        "kvk",
        "siret",
        "vence",
        "due by",
        "pay by",
        "recipient",
        "kunden",
        "destinatario",
        "empfanger",
        "pendiente",
        "livraison",
        "bestellung",
        "services",
        "service",
        "leistung",
    }
)
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9])[.!](?:\s|$)")
# "acme.com" / "acme.de" are web addresses; "S.Com." (a Spanish company form) is not.
_EMAIL_WEB = re.compile(r"@|www\.|https?:|[a-z0-9\-]{2}\.(?:com|de)\b(?!\.)")
_ID_TOKEN = re.compile(r"^[#]?[A-Za-z0-9][A-Za-z0-9\-/._#]*$")
_VENDOR_TITLE = re.compile(r"^\W*$")
# A street line ending in a house number, or a postcode followed by a place.
_STREET_LINE = re.compile(
    r"^(?:[^\W\d_][\w'.\- ]*\s\d{1,5}(?:[-/]\d{1,4})?[a-zA-Z]?|\d{4,5}\s+[^\W\d_][\w'.\- ]*)$"
)


@dataclass
class Hit:
    """A label found on a line: which lexicon groups, the words after it, and how sure."""

    groups: list[str]
    line: TextLine
    label: list[Token]
    rest: list[Token]
    score: float
    key: str
    colon: bool
    col_end: float | None = None  # x where the next label on the same line starts


def _starts_label(words: Sequence[str]) -> bool:
    """Whether words begin with an exact label of any lexicon."""
    for lex in (FIELDS, BLOCKS, AMOUNTS):
        got = lex.prefix(words)
        if got is not None and got[1] >= 1.0 and "".join(words[: got[0]]) not in _GENERIC_KEYS:
            return True
    return False


@dataclass
class Cand:
    """A candidate value of a field."""

    value: object
    pieces: list[Token]
    score: float
    label: list[Token]
    line: TextLine


# --- label hits -------------------------------------------------------------------------------


def _token_words(tokens: Sequence[Token]) -> tuple[list[str], list[int]]:
    words: list[str] = []
    owner: list[int] = []
    for i, t in enumerate(tokens):
        for w in norm_words(t.text):
            words.append(w)
            owner.append(i)
    return words, owner


_GLUED = re.compile(r"^([^\W\d_][^:]*:)(\S+)$")


_GLUED_DIGITS = re.compile(r"^([^\W\d_][^\W\d_A-Z]{3,})(\d\S*)$")


def _ends_label(before: Sequence[Token], letters: str) -> bool:
    """Whether ``letters`` (the start of a word) completes a label with the words before it."""
    prev = [w for t in before for w in norm_words(t.text)]
    last = norm_words(letters)
    if not last:
        return False
    for j in range(0, min(3, len(prev)) + 1):
        key = "".join([*prev[len(prev) - j :], *last])
        if any(lex.lookup(key) is not None for lex in (FIELDS, AMOUNTS)):
            return True
    return False


def line_tokens(line: TextLine) -> list[Token]:
    """A line's words, with a label glued to its value split ("vencimento:2024-08-30", and
    OCR's "venciment26 de abril" where the space went missing)."""
    out: list[Token] = []
    for i, t in enumerate(line.tokens):
        m = _GLUED.match(t.text)
        if m is None:
            m = _GLUED_DIGITS.match(t.text)
            if m is not None and not _ends_label(line.tokens[:i], m.group(1)):
                m = None
        if m is not None and len(t.text) == t.span.length and abs(line.box[3] - line.box[1]) > 0:
            out.extend(split_token(t, len(m.group(1))))
        else:
            out.append(t)
    return out


def _hits(line: TextLine, lexicon_name: str) -> list[Hit]:
    lex = {"fields": FIELDS, "blocks": BLOCKS, "amounts": AMOUNTS}[lexicon_name]
    toks = line_tokens(line)
    words, owner = _token_words(toks)
    starts = [0] + [
        wi
        for wi in range(1, len(words))
        if owner[wi] != owner[wi - 1] and toks[owner[wi] - 1].text.endswith((":", "|"))
    ]
    out: list[Hit] = []
    seen: set[int] = set()
    while starts:
        s = starts.pop(0)
        if s in seen:
            continue
        seen.add(s)
        ws = words[s:]
        skip = 0
        if lexicon_name == "amounts":
            while skip < len(ws) - 1 and (
                ws[skip] in FILLER_WORDS or "%" in ws[skip] or ws[skip].isdigit()
            ):
                skip += 1
        got = lex.prefix(ws[skip:])
        if got is None:
            continue
        k, score, key = got
        end_w = s + skip + k - 1
        last_tok = owner[end_w]
        if end_w + 1 < len(words) and owner[end_w + 1] == last_tok:
            continue  # the label ends inside a word
        label = list(toks[owner[s] : last_tok + 1])
        rest = list(toks[last_tok + 1 :])
        colon = label[-1].text.endswith(":") or bool(rest and rest[0].text in (":", "#"))
        if rest and rest[0].text in (":", "#", "-"):
            rest = rest[1:]
        col_end: float | None = None
        gap = rest[0].box[0] - label[-1].box[2] if rest else 0.0
        if rest and lexicon_name != "amounts" and not colon and gap > 1.2 * line.height:
            first = toks.index(rest[0])
            nxt = next((wi for wi in range(end_w + 1, len(words)) if owner[wi] == first), None)
            if nxt is not None and _starts_label(words[nxt:]):
                # "Invoice no.  Invoice date" over "INV-1  24.01.2024": a row of labels.
                col_end = rest[0].box[0]
                rest = []
                starts.append(nxt)
        # "Date 12.01.2024" / "NIF PT123..." count, "To Acme" does not.
        if (
            key in _GENERIC_KEYS
            and not colon
            and rest
            and (
                lexicon_name == "blocks"
                or (lexicon_name == "fields" and not _DIGIT.search(rest[0].text))
            )
        ):
            continue
        out.append(Hit(lex.groups(key), line, label, rest, score, key, colon, col_end))
    return out


def _is_label_line(line: TextLine) -> bool:
    return bool(_hits(line, "fields") or _hits(line, "blocks") or _hits(line, "amounts"))


# --- geometry ---------------------------------------------------------------------------------


def _page_lines(view: DocView, page: int) -> list[TextLine]:
    return [view.lines[i] for i in view.page(page).lines]


def _right_of(view: DocView, line: TextLine, facts: DocFacts) -> list[TextLine]:
    """Lines on the same row to the right, nearest first."""
    h = facts.h(line.page)
    out = [
        ln
        for ln in _page_lines(view, line.page)
        if ln.index != line.index
        and v_overlap(ln.box, line.box) > 0.5
        and ln.box[0] >= line.box[2] - 0.3 * h
    ]
    return sorted(out, key=lambda ln: ln.box[0])


def _below(
    view: DocView,
    line: TextLine,
    facts: DocFacts,
    max_gap: float = 1.6,
    box: tuple[float, float, float, float] | None = None,
) -> TextLine | None:
    """The nearest line below that shares the label's column (``box``: the label's words)."""
    h = facts.h(line.page)
    ref = box or line.box
    best: TextLine | None = None
    for ln in _page_lines(view, line.page):
        if ln.index == line.index or ln.box[1] < line.box[3] - 0.3 * h:
            continue
        if ln.box[1] - line.box[3] > max_gap * h:
            continue
        aligned = abs(ln.box[0] - ref[0]) < 1.5 * h or abs(ln.box[2] - ref[2]) < 1.5 * h
        if not aligned and h_overlap(ln.box, ref) <= 0:
            continue
        if best is None or ln.box[1] < best.box[1]:
            best = ln
    return best


# --- facts ------------------------------------------------------------------------------------


def _facts(view: DocView, ctx: ExtractContext) -> DocFacts:
    facts = DocFacts()
    facts.line_height = median_heights(view)
    facts.char_width = median_char_widths(view)
    facts.decimal = infer_decimal_separator(ln.text for ln in view.lines)
    facts.country = _country(view)
    codes: Counter[str] = Counter()
    for ln in view.lines:
        pairs = [f"{a.text} {b.text}" for a, b in zip(ln.tokens, ln.tokens[1:], strict=False)]
        for piece in [ln.text, *(t.text for t in ln.tokens), *pairs]:
            if not _DIGIT.search(piece) or not re.search(r"[^\d\s.,'’()%+\-/:]", piece):
                continue
            if not is_amount_text(piece):
                continue
            m = money_of(piece, facts)
            if m is None or not m.code or not (m.symbol or re.search(r"\b[A-Z]{3}\b", piece)):
                continue
            if (
                m.symbol
                and m.symbol.isalpha()
                and len(m.symbol) <= 2
                and not re.search(r"\d[.,]\d{2}\b", piece)
            ):
                continue  # "R70435" is an id, not Rand
            codes[m.code] += 1
        for w in re.findall(r"(?<![\w\-./])[A-Z]{3}(?![\w\-./])", ln.text):
            probe = money_of(f"{w} 1", facts)
            if probe is not None and probe.code == w and w not in ("TVA", "IVA", "BTW", "VAT"):
                codes[w] += 2
    if codes:
        facts.currency = codes.most_common(1)[0][0]
    facts.date_order = infer_date_order(ln.text for ln in view.lines)
    return facts


_IBAN_RX = re.compile(r"\b([A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?)\b")


def _iban_mod97(text: str) -> str | None:
    """An IBAN whose ISO 13616 check digits are right (national BBAN rules not checked)."""
    s = re.sub(r"[\s\-.]", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s):
        return None
    digits = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return s if int(digits) % 97 == 1 else None


def _country(view: DocView) -> str | None:
    """The vendor's country from an IBAN (it resolves "kr." or "$" amounts)."""
    for ln in view.lines:
        if "iban" not in ln.text.lower():
            continue
        for m in _IBAN_RX.finditer(ln.text):
            iban = parse_iban(m.group(1))
            if iban is not None:
                return iban[:2]
    return None


def _date_order_hint(facts: DocFacts, ctx: ExtractContext) -> str:
    if ctx.locale and ctx.locale.lower() in ("en-us", "en-ph"):
        return "MDY"
    return "MDY" if facts.currency == "USD" else "DMY"


# --- values -----------------------------------------------------------------------------------


def _value_tokens(view: DocView, hit: Hit, facts: DocFacts) -> tuple[list[Token], float]:
    """The words of a label's value and a position score (rest of line > right > below)."""
    if hit.rest:
        # Stop at a second label on the same line ("Invoice No: 1  Date: 2").
        out: list[Token] = []
        for i, t in enumerate(hit.rest):
            if i > 0 and hit.rest[i - 1].text.endswith(":"):
                break
            out.append(t)
        if out and out[-1].text.endswith(":") and len(out) > 1:
            out = out[:-1]
        return out, 1.0
    in_row = hit.col_end is not None or hit.label[0].box[0] > hit.line.box[0] + 0.5 * facts.h(
        hit.line.page
    )
    if in_row:
        # One of several labels on a line: the value is under this label's column.
        h = facts.h(hit.line.page)
        lbox = (hit.label[0].box[0], hit.line.box[1], hit.label[-1].box[2], hit.line.box[3])
        below = _below(view, hit.line, facts, box=lbox)
        if below is None or _is_label_line(below):
            return [], 0.0
        x0 = lbox[0] - h
        x1 = hit.col_end if hit.col_end is not None else 1e9
        toks = [t for t in below.tokens if x0 <= (t.box[0] + t.box[2]) / 2 < x1]
        return toks, 0.8
    for ln in _right_of(view, hit.line, facts)[:1]:
        if ln.box[0] - hit.line.box[2] > 0.55 * view.page(ln.page).width:
            break
        if _is_label_line(ln):
            break
        return list(ln.tokens), 0.95
    below = _below(view, hit.line, facts)
    if below is not None and not _is_label_line(below):
        return list(below.tokens), 0.8
    return [], 0.0


def _id_value(tokens: list[Token]) -> list[Token]:
    """The identifier words of a value ("R594570", "DE 123 456 789")."""
    out: list[Token] = []
    while tokens and tokens[0].text in ("-", "–", ":", "#", "|", "/"):
        tokens = tokens[1:]  # a dash or colon between the label column and the value
    for t in tokens:
        if not _ID_TOKEN.match(t.text.strip(",;")):
            break
        if out and not _DIGIT.search(t.text) and len(t.text) > 3:
            break
        out.append(t)
        if _DIGIT.search(t.text) and len(t.text) >= 4 and len(out) == 1:
            nxt = tokens[len(out) : len(out) + 1]
            if not nxt or not _DIGIT.search(nxt[0].text) or len(nxt[0].text) > 4:
                break
    return out


_SWISS_VAT = frozenset({"MWST", "TVA", "IVA"})


def _tax_id_value(tokens: list[Token]) -> list[Token]:
    """A tax number, possibly printed in groups ("DE 281 445 903", "FR05 259654484")."""
    out: list[Token] = []
    for t in tokens:
        text = t.text.strip(",;")
        if not _ID_TOKEN.match(text):
            break
        if out and out[0].text.upper().startswith("CHE") and text.upper() in _SWISS_VAT:
            out.append(t)  # Swiss UID "CHE-123.456.789 MWST"
            break
        if not _DIGIT.search(text) and (len(text) > 3 or out):
            break
        out.append(t)
    while out and not _DIGIT.search(out[-1].text) and out[-1].text.upper() not in _SWISS_VAT:
        out.pop()
    return out


def _date_value(tokens: list[Token], order: str | None) -> tuple[dt.date | None, list[Token]]:
    text = tokens_text(tokens)
    d = parse_date(text, order=order)  # type: ignore[arg-type]
    if d is not None:
        return d, tokens
    found = find_dates(text, order=order)  # type: ignore[arg-type]
    if not found:
        return None, []
    s, e, d = found[0]
    pos = 0
    picked: list[Token] = []
    for t in tokens:
        if pos < e and pos + len(t.text) > s:
            picked.append(t)
        pos += len(t.text) + 1
    return d, picked or tokens


# --- main -------------------------------------------------------------------------------------


def extract_invoice(view: DocView, ctx: ExtractContext) -> Extraction:
    """Extract the ``invoice`` document of a prebuilt-invoice analysis (all pages)."""
    if not view.lines:
        return Extraction(documents=[], key_value_pairs=None)
    view = clean_view(view)
    facts = _facts(view, ctx)
    items = extract_rows(view, facts)
    fields: dict[str, Field] = {}
    item_lines = items.used_lines

    field_hits: list[Hit] = []
    amount_hits: list[Hit] = []
    block_hits: list[Hit] = []
    for ln in view.lines:
        if ln.index in item_lines:
            continue
        field_hits.extend(_hits(ln, "fields"))
        amount_hits.extend(_hits(ln, "amounts"))
        block_hits.extend(_hits(ln, "blocks"))

    _string_and_date_fields(view, facts, ctx, field_hits, fields)
    amounts = _amount_fields(view, facts, amount_hits, items, fields, ctx)
    _party_fields(view, facts, block_hits, field_hits, items, fields, ctx)
    _payment_details(view, facts, fields, ctx)
    if items.items:
        fields["Items"] = _items_field(items, facts, ctx, amounts)
    doc_conf = 0.0
    if fields:
        confs = [f.confidence for f in fields.values()]
        doc_conf = min(1.0, sum(confs) / len(confs))
    doc = ExtractedDocument(
        doc_type="invoice",
        fields=fields,
        confidence=round(doc_conf, 3),
        pages=[p.number for p in view.pages],
    )
    return Extraction(documents=[doc], key_value_pairs=None)


def _conf(base: float, pieces: Sequence[object]) -> float:
    """A confidence from evidence ``base`` scaled by the words' OCR confidence."""
    tokens = [p for p in pieces if isinstance(p, Token)]
    return max(0.01, min(0.99, base * (0.6 + 0.4 * mean_conf(tokens))))


def _string_and_date_fields(
    view: DocView,
    facts: DocFacts,
    ctx: ExtractContext,
    hits: list[Hit],
    fields: dict[str, Field],
) -> None:
    cands: dict[str, list[Cand]] = {}
    date_raw: dict[str, list[tuple[list[Token], float, Hit]]] = {}
    for hit in hits:
        toks, pos = _value_tokens(view, hit, facts)
        if not toks:
            continue
        for group in hit.groups:
            score = hit.score * pos * (0.9 if hit.key in _GENERIC_KEYS else 1.0)
            score *= min(1.0, 0.85 + 0.03 * len(hit.key))
            if group in ("InvoiceDate", "DueDate", "ServiceStartDate", "ServiceEndDate"):
                date_raw.setdefault(group, []).append((toks, score, hit))
            elif group in ("InvoiceId", "PurchaseOrder", "CustomerId"):
                v = _id_value(toks)
                if v and _DIGIT.search(tokens_text(v)):
                    cands.setdefault(group, []).append(
                        Cand(tokens_text(v), v, score, hit.label, hit.line)
                    )
            elif group in ("VendorTaxId", "CustomerTaxId"):
                v = _tax_id_value(toks)
                if v and sum(ch.isdigit() for ch in tokens_text(v)) >= 5:
                    cands.setdefault(group, []).append(
                        Cand(tokens_text(v), v, score, hit.label, hit.line)
                    )
            elif group == "PaymentTerm":
                text = tokens_text(toks)
                m = _SENTENCE_END.search(text)
                n = len(toks)
                if m is not None:
                    n = max(1, len(text[: m.start() + 1].split()))
                v = toks[:n]
                cands.setdefault(group, []).append(
                    Cand(tokens_text(v).rstrip("."), v, score * 0.9, hit.label, hit.line)
                )
    # Title line "INVOICE 12345" / "Rechnung RE-1": a weaker InvoiceId candidate.
    for ln in view.lines[:60]:
        if ln.page != 1:
            continue
        words = norm_words(ln.text)
        if (
            words
            and words[0]
            in ("invoice", "rechnung", "facture", "factura", "fattura", "factuur", "fatura")
            and len(ln.tokens) >= 2
        ):
            rest = [
                t for t in ln.tokens[1:] if norm_words(t.text) not in (("no",), ("nr",), ("n",))
            ]
            v = _id_value(rest)
            if v and _DIGIT.search(v[0].text):
                cands.setdefault("InvoiceId", []).append(
                    Cand(tokens_text(v), v, 0.6, ln.tokens[:1], ln)
                )
    for name, cs in cands.items():
        best = max(cs, key=lambda c: c.score)
        agree = sum(1 for c in cs if c.value == best.value)
        conf = best.score * (0.85 + 0.05 * min(agree, 3))
        fields[name] = Field("string", best.value, best.pieces, _conf(conf, best.pieces))

    # Dates: numeric order from the document vote, else from due >= issue, else the locale.
    order = facts.date_order
    texts = {g: max(v, key=lambda x: x[1]) for g, v in date_raw.items()}
    if order is None and "InvoiceDate" in texts and "DueDate" in texts:
        fits: list[str] = []
        for o in ("DMY", "MDY"):
            a = _date_value(texts["InvoiceDate"][0], o)[0]
            b = _date_value(texts["DueDate"][0], o)[0]
            if a is not None and b is not None and 0 <= (b - a).days <= 190:
                fits.append(o)
        if len(fits) == 1:
            order = fits[0]
    if order is None:
        order = _date_order_hint(facts, ctx)
    for name, (toks, score, _hit) in texts.items():
        d, picked = _date_value(toks, order)
        if d is None:
            # Try the other candidates of this field.
            for toks2, score2, _h in sorted(date_raw[name], key=lambda x: -x[1]):
                d, picked = _date_value(toks2, order)
                if d is not None:
                    score = score2
                    break
        if d is None:
            continue
        fields[name] = Field("date", d, picked, _conf(score, picked))
    if "InvoiceDate" in fields and "DueDate" in fields:
        a, b = fields["InvoiceDate"].value, fields["DueDate"].value
        if isinstance(a, dt.date) and isinstance(b, dt.date) and b < a:
            fields["DueDate"].confidence *= 0.6
            fields["InvoiceDate"].confidence *= 0.8
    if "ServiceStartDate" in fields and "ServiceEndDate" not in fields:
        del fields["ServiceStartDate"]
    if "ServiceEndDate" in fields and "ServiceStartDate" not in fields:
        del fields["ServiceEndDate"]


_GENERIC_KEYS = frozenset("".join(norm_words(g)) for g in _GENERIC)


@dataclass
class AmountCand:
    """An amount of the totals block."""

    group: str
    money: Money
    pieces: list[Token]
    score: float
    rate: tuple[str, list[Token]] | None
    line: TextLine


def _amount_value(
    view: DocView, hit: Hit, facts: DocFacts
) -> tuple[Money, list[Token], float, tuple[str, list[Token]] | None] | None:
    rate: tuple[str, list[Token]] | None = None
    toks = list(hit.label) + list(hit.rest)
    pct: set[int] = set()
    for i, t in enumerate(toks):
        if "%" in t.text and parse_percent(t.text) is not None:
            rate = (t.text, [t])
            pct.add(t.index)
        elif t.text == "%" and i > 0 and parse_percent(toks[i - 1].text + "%") is not None:
            rate = (f"{toks[i - 1].text} %", [toks[i - 1], t])
            pct.update((t.index, toks[i - 1].index))
    rest = [t for t in hit.rest if t.index not in pct]
    if rest:
        text = tokens_text(rest)
        if not is_amount_text(text):
            return None
        m = money_of(text, facts)
        if m is not None:
            return m, rest, 1.0, rate
        return None
    for ln in _right_of(view, hit.line, facts):
        if "%" in ln.text and parse_percent(ln.text) is not None:
            rate = (ln.text, list(ln.tokens))
            continue
        if not is_amount_text(ln.text):
            if _is_label_line(ln):
                break
            continue
        m = money_of(ln.text, facts)
        if m is not None:
            return m, list(ln.tokens), 0.95, rate
    below = _below(view, hit.line, facts, max_gap=1.2)
    if below is not None and is_amount_text(below.text):
        m = money_of(below.text, facts)
        if m is not None:
            return m, list(below.tokens), 0.75, rate
    return None


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(0.011, 0.0005 * abs(b))


def _amount_fields(
    view: DocView,
    facts: DocFacts,
    hits: list[Hit],
    items: ItemsResult,
    fields: dict[str, Field],
    ctx: ExtractContext,
) -> dict[str, AmountCand]:
    cands: dict[str, list[AmountCand]] = {}
    for hit in hits:
        got = _amount_value(view, hit, facts)
        if got is None:
            continue
        money, pieces, pos, rate = got
        for group in hit.groups:
            score = hit.score * pos * min(1.0, 0.8 + 0.04 * len(hit.key))
            if items.end_page is not None and (hit.line.page, hit.line.box[3]) < (
                items.end_page,
                items.end_y or 0.0,
            ):
                score *= 0.7  # above the end of the item table
            cands.setdefault(group, []).append(
                AmountCand(group, money, pieces, score, rate, hit.line)
            )
    chosen: dict[str, AmountCand] = {}
    for group, cs in cands.items():
        # Prefer the best label, then the lowest on the last page (summary boxes come last).
        chosen[group] = max(cs, key=lambda c: (round(c.score, 2), c.line.page, c.line.box[1]))
    # A "Total" label also names the due amount; keep InvoiceTotal distinct from AmountDue.
    item_sum = sum(it.amount.amount for it in items.items if it.amount is not None)
    sub = chosen.get("SubTotal")
    tax = chosen.get("TotalTax")
    tot = chosen.get("InvoiceTotal")
    disc = chosen.get("TotalDiscount")
    dues = sorted(cands.get("AmountDue", []), key=lambda c: (c.line.page, c.line.box[1]))
    if tot is None and dues and "Paid" not in chosen:
        # A lone "Total due" line is the invoice total; the last of several is the amount due.
        tot = chosen["InvoiceTotal"] = dues[0]
    # Pick the InvoiceTotal candidate that makes SubTotal + TotalTax add up.
    if sub is not None and tax is not None:
        want = sub.money.amount + tax.money.amount - (abs(disc.money.amount) if disc else 0.0)
        pool = sorted(cands.get("InvoiceTotal", []), key=lambda c: -c.score) + dues
        for c in pool:
            if _close(c.money.amount, want):
                tot = chosen["InvoiceTotal"] = c
                break
    if tot is not None:
        later = [c for c in dues if c.line.index != tot.line.index]
        if later:
            chosen["AmountDue"] = later[-1]
        else:
            chosen.pop("AmountDue", None)
    conf: dict[str, float] = {g: c.score * 0.85 for g, c in chosen.items()}
    checks_ok = 0
    if sub is not None and tax is not None and tot is not None:
        want = sub.money.amount + tax.money.amount - (abs(disc.money.amount) if disc else 0.0)
        if _close(tot.money.amount, want):
            checks_ok += 1
            for g in ("SubTotal", "TotalTax", "InvoiceTotal", "TotalDiscount"):
                if g in conf:
                    conf[g] = min(0.99, conf[g] + 0.15)
        else:
            for g in ("SubTotal", "TotalTax", "InvoiceTotal"):
                conf[g] *= 0.75
    if sub is not None and items.items:
        if _close(item_sum, sub.money.amount):
            conf["SubTotal"] = min(0.99, conf["SubTotal"] + 0.1)
        elif tot is not None and _close(item_sum, tot.money.amount):
            pass
        else:
            conf["SubTotal"] *= 0.85
    if sub is None and tot is not None and items.items and _close(item_sum, tot.money.amount):
        conf["InvoiceTotal"] = min(0.99, conf["InvoiceTotal"] + 0.1)
    v31 = ctx.api_version != V30
    for g, c in chosen.items():
        if g in ("Paid", "Carry"):
            continue
        if g == "TotalDiscount" and not v31:
            continue
        money = c.money
        if money.code is None and facts.currency:
            money = Money(money.amount, money.symbol, facts.currency)
        if g == "TotalDiscount":
            money = Money(abs(money.amount), money.symbol, money.code)
        fields[g] = Field("currency", money, c.pieces, _conf(conf[g], c.pieces))
    if v31 and tax is not None:
        details: dict[str, Field] = {}
        money = tax.money
        if money.code is None and facts.currency:
            money = Money(money.amount, money.symbol, facts.currency)
        details["Amount"] = Field("currency", money, tax.pieces, fields["TotalTax"].confidence)
        if tax.rate is not None:
            details["Rate"] = Field(
                "string", tax.rate[0], tax.rate[1], fields["TotalTax"].confidence
            )
        fields["TaxDetails"] = Field(
            "array",
            [
                Field(
                    "object",
                    details,
                    [*tax.pieces, *(tax.rate[1] if tax.rate else [])],
                    fields["TotalTax"].confidence,
                )
            ],
            [],
            fields["TotalTax"].confidence,
        )
    return chosen


# --- parties ----------------------------------------------------------------------------------


def _is_contact(line: TextLine) -> bool:
    words = set(norm_words(line.text))
    if words & CONTACT_WORDS or _EMAIL_WEB.search(line.text.lower()):
        return True
    digits = sum(ch.isdigit() for ch in line.text)
    letters = sum(ch.isalpha() for ch in line.text)
    return digits >= 7 and letters <= 2


def _block_below(
    view: DocView,
    first: TextLine,
    facts: DocFacts,
    stop: set[int],
    max_lines: int = 6,
    align: tuple[float, float, float, float] | None = None,
) -> list[TextLine]:
    """``first`` and the lines stacked under it (same left/right edge or centre, tight gaps)."""
    h = facts.h(first.page)
    out = [first]
    cur = first
    ref = align or first.box
    lines = _page_lines(view, first.page)
    while len(out) < max_lines:
        nxt: TextLine | None = None
        for ln in lines:
            if ln.index in stop or any(ln.index == o.index for o in out):
                continue
            gap = ln.box[1] - cur.box[3]
            if gap < -0.45 * h or gap > max(0.9 * h, 0.95 * cur.height):
                continue
            left = abs(ln.box[0] - ref[0]) < 0.8 * h
            right = abs(ln.box[2] - ref[2]) < 0.8 * h and ref[0] > view.page(first.page).width * 0.4
            centre = abs((ln.box[0] + ln.box[2]) - (ref[0] + ref[2])) / 2 < 0.8 * h
            if not (left or right or centre):
                continue
            if nxt is None or ln.box[1] < nxt.box[1]:
                nxt = ln
        if nxt is None or _is_label_line(nxt) or nxt.index in stop:
            break
        out.append(nxt)
        cur = nxt
    return out


def _address_lines(lines: list[TextLine]) -> list[TextLine]:
    """The leading lines of a block that form its address (contact lines end it)."""
    out: list[TextLine] = []
    for ln in lines:
        if _is_contact(ln):
            break
        out.append(ln)
    while out and address_score([ln.text for ln in out]) < 0.3 and len(out) > 1:
        if address_score([ln.text for ln in out[:-1]]) >= 0.3:
            out = out[:-1]
        else:
            break
    return out


def _address_field(lines: list[TextLine], base: float) -> Field | None:
    if not lines:
        return None
    texts = [ln.text for ln in lines]
    addr = parse_address(texts)
    if addr is None:
        # Not parsable into parts: keep the printed lines (street first, place last).
        addr = Address(
            street_address=texts[0],
            city=texts[-1] if len(texts) > 1 else None,
        )
    score = address_score(texts)
    pieces = [t for ln in lines for t in ln.tokens]
    conf = base * (0.55 + 0.45 * min(1.0, score))
    return Field("address", addr, pieces, _conf(conf, pieces))


def _name_field(line: TextLine, base: float) -> Field:
    return Field("string", line.text.strip(), list(line.tokens), _conf(base, line.tokens))


_TITLE_HEADS = frozenset(
    {"invoice", "rechnung", "facture", "factura", "fattura", "factuur", "fatura", "tax",
     "proforma", "commercial", "service", "steuerrechnung", "gutschrift", "nota"}
)  # fmt: skip


def _is_title(line: TextLine) -> bool:
    words = norm_words(line.text)
    if not words:
        return False
    if all(w in TITLE_WORDS or _DIGIT.search(w) for w in words):
        return any(w in TITLE_WORDS for w in words)
    return (
        words[0] in _TITLE_HEADS
        and len(line.tokens) <= 3
        and any(w in TITLE_WORDS for w in words[:2])
        and any(_DIGIT.search(t.text) for t in line.tokens)
    )


def _party_fields(
    view: DocView,
    facts: DocFacts,
    block_hits: list[Hit],
    field_hits: list[Hit],
    items: ItemsResult,
    fields: dict[str, Field],
    ctx: ExtractContext,
) -> None:
    used = set(items.used_lines)
    label_lines = {h.line.index for h in [*block_hits, *field_hits]}
    value_lines: set[int] = set()
    for f in fields.values():
        for p in f.pieces:
            if isinstance(p, Token):
                value_lines.add(p.line)
    stop = used | label_lines | value_lines
    v31 = ctx.api_version != V30
    blocks: dict[str, tuple[list[TextLine], float]] = {}
    for hit in sorted(block_hits, key=lambda h: -h.score):
        group = hit.groups[0]
        if group in blocks:
            continue
        first: TextLine | None = None
        if hit.rest and sum(ch.isalpha() for ch in tokens_text(hit.rest)) >= 2:
            # Name on the label's line: the block continues below the name.
            r = hit.rest
            rbox = (r[0].box[0], r[0].box[1], r[-1].box[2], r[-1].box[3])
            lines = _block_below(view, hit.line, facts, used, align=rbox)
            body = lines
            blocks[group] = (body, hit.score)
            continue
        right = _right_of(view, hit.line, facts)
        if right and right[0].box[0] - hit.line.box[2] < 4 * facts.h(hit.line.page):
            first = right[0]
        else:
            first = _below(view, hit.line, facts, max_gap=2.0)
        if first is None or first.index in stop:
            continue
        lines = _block_below(view, first, facts, stop)
        blocks[group] = (lines, hit.score)

    def emit(
        prefix: str, lines: list[TextLine], base: float, name_field: str | None, name_n: int = 1
    ) -> None:
        if not lines:
            return
        first = lines[0]
        name_tokens = [t for ln in lines[:name_n] for t in ln.tokens]
        if blocks_hit_rest.get(first.index):
            name_tokens = blocks_hit_rest[first.index]
        addr = _address_lines(lines[name_n:])
        if name_field:
            fields[name_field] = Field(
                "string", tokens_text(name_tokens), name_tokens, _conf(base, name_tokens)
            )
        f = _address_field(addr, base)
        if f is not None:
            fields[f"{prefix}Address"] = f
            fields[f"{prefix}AddressRecipient"] = Field(
                "string", tokens_text(name_tokens), name_tokens, _conf(base * 0.95, name_tokens)
            )

    blocks_hit_rest: dict[int, list[Token]] = {h.line.index: h.rest for h in block_hits if h.rest}
    cust = blocks.get("Billing") or blocks.get("Customer")
    if "Billing" in blocks:
        emit("Billing", blocks["Billing"][0], blocks["Billing"][1] * 0.9, None)
    if "Shipping" in blocks:
        emit("Shipping", blocks["Shipping"][0], blocks["Shipping"][1] * 0.9, None)
    if "Remittance" in blocks:
        emit("Remittance", blocks["Remittance"][0], blocks["Remittance"][1] * 0.85, None)
    if "Service" in blocks:
        lines, s = blocks["Service"]
        emit("Service", lines, s * 0.85, None)
        if not v31 and "ServiceAddress" in fields:
            f = fields["ServiceAddress"]
            fields["ServiceAddress"] = Field("string", f.text(), f.pieces, f.confidence)
            rec = fields.get("ServiceAddressRecipient")
            head = rec.pieces[0] if rec is not None and rec.pieces else None
            if rec is not None and isinstance(head, Token):
                addr_f = _address_field([view.lines[head.line]], rec.confidence)
                if addr_f is not None:
                    fields["ServiceAddressRecipient"] = addr_f
    cust_lines: list[TextLine] = []
    if cust is not None:
        cust_lines = cust[0]
        emit("Customer", cust_lines, cust[1] * 0.92, "CustomerName")
    cust_idx = {ln.index for ln in cust_lines}
    # Names and addresses under "Bill to" / "Ship to" / ... labels are never the vendor.
    cust_idx |= {ln.index for lines, _s in blocks.values() for ln in lines}
    vendor = _vendor_block(view, facts, stop | cust_idx)
    footer = _footer_block(view, facts, stop | cust_idx)
    if vendor is not None and footer is not None and vendor[2] < 1.15 and not vendor[3]:
        # Body-size text at the top is the addressee; the vendor prints itself in the footer.
        vendor = (footer, 0.6, 1.0, False)
    elif vendor is None and footer is not None:
        vendor = (footer, 0.55, 1.0, False)
    if vendor is not None:
        vlines, vscore, _size, _sender = vendor
        name_n = 1
        while (
            name_n < len(vlines)
            and vlines[0].height > 1.2 * facts.h(vlines[0].page)
            and vlines[name_n].height >= 0.85 * vlines[0].height
            and not _DIGIT.search(vlines[name_n].text)
        ):
            name_n += 1  # a name set large enough to wrap
        emit("Vendor", vlines, vscore, "VendorName", name_n)
        if "VendorAddress" not in fields:
            _sender_address(view, facts, vlines[0], vscore, fields)
    if cust is None:
        window = _window_block(view, facts, stop, vendor[0] if vendor else [])
        if window is not None:
            s = address_score([x.text for x in window[1:]])
            emit("Customer", window, 0.6 + 0.25 * min(1.0, s), "CustomerName")


def _addressish(parts: list[str]) -> bool:
    """Whether the comma-separated parts of a line are an address: the parser says so, or a
    street with a house number and a postcode with a place ("Marskensvej 9, 5303 Bording")."""
    if address_score(parts) >= 0.5:
        return True
    street = any(_STREET_LINE.match(p) and not p[:1].isdigit() for p in parts)
    place = any(re.match(r"^\d{4,5}\s+[^\W\d_]", p) for p in parts)
    return street and place


def _sender_address(
    view: DocView, facts: DocFacts, name: TextLine, base: float, fields: dict[str, Field]
) -> None:
    """VendorAddress from the one-line return address naming the vendor ("Name, Street, City")."""
    page = view.pages[0]
    key = _norm_name(name.text)
    for ln in _page_lines(view, page.number):
        if ln.index == name.index or ln.box[1] > page.height * 0.4:
            continue
        toks = ln.tokens
        cut = next((i for i, t in enumerate(toks) if t.text.endswith((",", "·", "|"))), None)
        if cut is None or _norm_name(" ".join(t.text for t in toks[: cut + 1])) != key:
            continue
        rest = [t for t in toks[cut + 1 :] if t.text not in ("·", "|", "-", "–")]
        parts = [p.strip() for p in re.split(r"\s*[,·|]\s*", tokens_text(rest)) if p.strip()]
        if len(parts) < 2 or not _addressish(parts):
            continue
        addr = parse_address(parts) or Address(street_address=parts[0], city=parts[-1])
        fields["VendorAddress"] = Field("address", addr, rest, _conf(base * 0.9, rest))
        return


def _footer_block(view: DocView, facts: DocFacts, stop: set[int]) -> list[TextLine] | None:
    """A name + address block in the page footer (vendor details printed only there)."""
    page = view.pages[0]
    for ln in sorted(_page_lines(view, page.number), key=lambda x: (x.box[1], x.box[0])):
        if ln.index in stop or ln.box[1] < page.height * 0.8:
            continue
        if _is_contact(ln) or _is_label_line(ln) or _is_title(ln) or _DIGIT.search(ln.text):
            continue
        if sum(ch.isalpha() for ch in ln.text) < 4:
            continue
        block = _block_below(view, ln, facts, stop)
        addr = _address_lines(block[1:])
        if addr and address_score([x.text for x in addr]) >= 0.4:
            return [ln, *addr]
    return None


def _norm_name(text: str) -> str:
    return " ".join(norm_words(text))


def _return_address(view: DocView, facts: DocFacts) -> tuple[set[str], set[int]]:
    """Sender names of one-line return addresses ("Name, Street 1, 12345 City") and the lines
    of the recipient block right under them (a window envelope's address field)."""
    page = view.pages[0]
    h = facts.h(page.number)
    senders: set[str] = set()
    recipients: set[int] = set()
    for ln in _page_lines(view, page.number):
        if ln.box[1] > page.height * 0.4 or ln.height > 1.1 * h:
            continue
        parts = [p.strip() for p in re.split(r"\s*[,·|•]\s*|\s[-–]\s", ln.text) if p.strip()]
        if len(parts) < 3 or not _addressish(parts[1:]):
            continue
        senders.add(_norm_name(parts[0]))
        below = _below(view, ln, facts, max_gap=2.5)
        if below is not None and abs(below.box[0] - ln.box[0]) < h:
            recipients.update(x.index for x in _block_below(view, below, facts, set()))
    return senders, recipients


def _vendor_block(
    view: DocView, facts: DocFacts, stop: set[int]
) -> tuple[list[TextLine], float, float, bool] | None:
    """The vendor's name line and its address lines, a confidence base, the name's size
    relative to the body text, and whether a return address names it."""
    page = view.pages[0]
    h = facts.h(page.number)
    senders, recipients = _return_address(view, facts)
    best: tuple[float, TextLine] | None = None
    for ln in _page_lines(view, page.number):
        if ln.index in stop or ln.box[1] > page.height * 0.35:
            continue
        if _is_title(ln) or _is_contact(ln) or _is_label_line(ln) or _VENDOR_TITLE.match(ln.text):
            continue
        words = norm_words(ln.text)
        if not words or sum(ch.isalpha() for ch in ln.text) < 4:
            continue  # logo monograms ("RD") are no names
        if is_amount_text(ln.text) or find_dates(ln.text):
            continue
        if address_score([ln.text]) >= 0.5 and "," in ln.text:
            continue  # a one-line return address
        size = _text_size(ln, facts)
        score = size * 1.0
        street = _STREET_LINE.match(ln.text.strip()) is not None
        if not street and (
            words[-1] in COMPANY_SUFFIXES or any(w in COMPANY_SUFFIXES for w in words[-3:-1])
        ):
            score += 0.35
        if street:
            score -= 0.3  # "Amalievej 39", "1308 Tjæreborg": an address line, not a name
        else:
            under = _block_below(view, ln, facts, stop, max_lines=3)[1:]
            if under and address_score([x.text for x in under]) >= 0.5:
                score += 0.2  # a name over its address lines
        if _norm_name(ln.text) in senders:
            score += 1.0  # named in the one-line return address of a window envelope
        if ln.index in recipients:
            score -= 1.0
        score -= 0.6 * ln.box[1] / page.height
        if len(words) > 7:
            score -= 0.5
        if best is None or score > best[0]:
            best = (score, ln)
    if best is None:
        return None
    score, ln = best
    # A large name wrapped over several lines: start at its first line.
    while True:
        above = [
            x
            for x in _page_lines(view, page.number)
            if x.index not in stop
            and x.box[3] <= ln.box[1] + 0.2 * ln.height
            and ln.box[1] - x.box[3] < 0.6 * ln.height
            and abs(x.box[0] - ln.box[0]) < 0.5 * h
            and x.height >= 0.85 * ln.height
            and not _DIGIT.search(x.text)
            and not _is_title(x)
            and not _is_label_line(x)
        ]
        if not above:
            break
        ln = max(above, key=lambda x: x.box[1])
    lines = _block_below(view, ln, facts, stop)
    if len(lines) == 1:
        # A banner name with its address further down, on the same edge.
        for cand in sorted(_page_lines(view, page.number), key=lambda x: x.box[1]):
            if cand.index in stop or cand.box[1] <= ln.box[3]:
                continue
            if cand.box[1] - ln.box[3] > 4.5 * h:
                break
            if abs(cand.box[0] - ln.box[0]) > 0.4 * h:
                continue
            if _is_label_line(cand) or _is_contact(cand):
                break
            more = _block_below(view, cand, facts, stop)
            if address_score([x.text for x in _address_lines(more)]) >= 0.5:
                lines = [ln, *more]
            break
    # Vendor text drawn bigger than the body: a more trustworthy pick.
    size = _text_size(ln, facts)
    sender = _norm_name(ln.text) in senders
    words = norm_words(ln.text)
    base = 0.4 + min(0.25, 0.5 * (size - 1.0))
    if sender:
        base += 0.2
    if words and words[-1] in COMPANY_SUFFIXES:
        base += 0.1
    if len(lines) > 1 and address_score([x.text for x in lines[1:3]]) > 0.4:
        base += 0.1
    return lines, min(0.92, base), size, sender


def _text_size(line: TextLine, facts: DocFacts) -> float:
    """A line's text size relative to the body text: its height, capped by its width per
    character (OCR sometimes boxes a short word as tall as two lines)."""
    h = facts.h(line.page)
    size = line.height / h
    cw = facts.char_width.get(line.page)
    n = len(line.text.strip())
    if cw and n >= 3:
        size = min(size, 1.3 * (line.box[2] - line.box[0]) / n / cw)
    return size


def _window_block(
    view: DocView, facts: DocFacts, stop: set[int], vendor: list[TextLine]
) -> list[TextLine] | None:
    """The addressee block of a letter-style invoice (top-left, name + address lines)."""
    page = view.pages[0]
    vendor_idx = {ln.index for ln in vendor}
    best: tuple[float, list[TextLine]] | None = None
    seen: set[int] = set()
    for ln in _page_lines(view, page.number):
        if ln.index in stop or ln.index in vendor_idx or ln.index in seen:
            continue
        if ln.box[1] > page.height * 0.45:
            continue
        if _is_title(ln) or _is_contact(ln) or _is_label_line(ln) or _DIGIT.search(ln.text):
            continue
        if address_score([ln.text]) >= 0.5 and "," in ln.text:
            continue
        block = _block_below(view, ln, facts, stop | vendor_idx)
        seen.update(x.index for x in block)
        if len(block) < 2:
            continue
        s = address_score([x.text for x in block[1:]])
        if s < 0.4:
            continue
        if ln.box[0] < page.width * 0.5:
            s += 0.2  # the address window is on the left
        if best is None or s > best[0]:
            best = (s, block)
    return best[1] if best else None


# --- payment details --------------------------------------------------------------------------


def _payment_details(
    view: DocView, facts: DocFacts, fields: dict[str, Field], ctx: ExtractContext
) -> None:
    """IBAN/SWIFT pairs (3.1 only), validated; a SWIFT goes with the nearest IBAN."""
    if ctx.api_version == V30:
        return
    ibans: list[tuple[int, Field]] = []
    swifts: list[tuple[int, Field]] = []
    for ln in view.lines:
        toks = ln.tokens
        for i, t in enumerate(toks):
            w = norm_words(t.text)
            if not w:
                continue
            if w[0] in ("bic", "swift", "iban") and i == len(toks) - 1:
                below = _below(view, ln, facts, max_gap=1.2)
                after = list(below.tokens) if below is not None else []
            else:
                after = toks[i + 1 :]
            if w[0] == "iban":
                for n in range(min(10, len(after)), 0, -1):
                    span = after[:n]
                    v = parse_iban(tokens_text(span)) or _iban_mod97(tokens_text(span))
                    if v is not None:
                        ibans.append((ln.index, Field("string", v, span, _conf(0.92, span))))
                        break
            elif w[0] in ("bic", "swift"):
                for n in (1, 2):
                    span = [x for x in after[:n] if x.text != ":"]
                    v = parse_swift(tokens_text(span)) if span else None
                    if v is not None:
                        swifts.append((ln.index, Field("string", v, span, _conf(0.85, span))))
                        break
    out: list[Field] = []
    free = list(swifts)
    for li, f in ibans:
        obj: dict[str, Field] = {"IBAN": f}
        near = [s for s in free if abs(s[0] - li) <= 3]
        if near:
            pick = min(near, key=lambda s: abs(s[0] - li))
            free.remove(pick)
            obj["SWIFT"] = pick[1]
        pieces = [p for x in obj.values() for p in x.pieces]
        out.append(Field("object", obj, pieces, min(x.confidence for x in obj.values())))
    if not ibans:
        for _li, f in free:
            out.append(Field("object", {"SWIFT": f}, list(f.pieces), f.confidence))
    if out:
        fields["PaymentDetails"] = Field("array", out, [], min(f.confidence for f in out))


# --- items ------------------------------------------------------------------------------------


def _items_field(
    items: ItemsResult, facts: DocFacts, ctx: ExtractContext, amounts: dict[str, AmountCand]
) -> Field:
    v31 = ctx.api_version != V30
    out: list[Field] = []
    sub = amounts.get("SubTotal")
    total = sum(it.amount.amount for it in items.items if it.amount is not None)
    sum_ok = sub is not None and _close(total, sub.money.amount)
    for it in items.items:
        out.append(_item(it, facts, v31, items.header_score, sum_ok))
    conf = sum(f.confidence for f in out) / len(out)
    return Field("array", out, [], conf)


def _with_code(m: Money, facts: DocFacts) -> Money:
    if m.code is None and facts.currency:
        return Money(m.amount, m.symbol, facts.currency)
    return m


def _item(it: RawItem, facts: DocFacts, v31: bool, header: float, sum_ok: bool) -> Field:
    obj: dict[str, Field] = {}
    base = 0.7 * header + (0.15 if sum_ok else 0.0)
    cells = it.cells
    qty: float | None = None
    price: Money | None = None
    if cells.get("Quantity"):
        q, unit = quantity_unit(cells["Quantity"], facts)
        if q is not None:
            qty = q
            qt = cells["Quantity"]
            if unit is not None and not cells.get("Unit"):
                qt = qt[:1]
                obj["Unit"] = Field("string", unit, cells["Quantity"][1:], _conf(base, qt))
            obj["Quantity"] = Field("number", q, qt, _conf(base, qt))
    if cells.get("UnitPrice") and "Amount" in cells:
        m = money_of(tokens_text(cells["UnitPrice"]), facts)
        if m is not None:
            price = _with_code(m, facts)
            obj["UnitPrice"] = Field("currency", price, cells["UnitPrice"], 0.0)
    amount = _with_code(it.amount, facts) if it.amount is not None else None
    amount_toks = cells.get("Amount") or cells.get("UnitPrice") or []
    if amount is not None:
        obj["Amount"] = Field("currency", amount, amount_toks, 0.0)
    if cells.get("Description"):
        d = cells["Description"]
        obj["Description"] = Field("string", tokens_text(d), d, 0.0)
    if cells.get("Unit") and "Unit" not in obj:
        u = cells["Unit"]
        obj["Unit"] = Field("string", tokens_text(u), u, _conf(base, u))
    if cells.get("ProductCode"):
        p = cells["ProductCode"]
        obj["ProductCode"] = Field("string", tokens_text(p), p, _conf(base, p))
    if cells.get("Date"):
        d2, picked = _date_value(cells["Date"], facts.date_order)
        if d2 is not None:
            obj["Date"] = Field("date", d2, picked, _conf(base, picked))
    if cells.get("Tax"):
        m = money_of(tokens_text(cells["Tax"]), facts)
        if m is not None and "%" not in tokens_text(cells["Tax"]):
            obj["Tax"] = Field(
                "currency", _with_code(m, facts), cells["Tax"], _conf(base, cells["Tax"])
            )
        elif "%" in tokens_text(cells["Tax"]) and v31:
            obj["TaxRate"] = Field(
                "string", tokens_text(cells["Tax"]), cells["Tax"], _conf(base, cells["Tax"])
            )
    if cells.get("TaxRate") and v31:
        r = cells["TaxRate"]
        obj["TaxRate"] = Field("string", tokens_text(r), r, _conf(base, r))
    product_ok = (
        qty is not None
        and price is not None
        and amount is not None
        and _close(qty * price.amount, amount.amount)
    ) or (
        qty is not None
        and price is not None
        and amount is not None
        and abs(qty * price.amount - amount.amount) <= 0.01 * max(1.0, abs(amount.amount))
    )
    num_conf = base + (0.2 if product_ok else -0.1 if qty is not None and price is not None else 0)
    for k in ("Quantity", "UnitPrice", "Amount"):
        if k in obj:
            obj[k].confidence = _conf(num_conf, list(obj[k].pieces))
    if "Description" in obj:
        obj["Description"].confidence = _conf(
            base + (0.1 if product_ok else 0.0), list(obj["Description"].pieces)
        )
    pieces = [t for k in obj.values() for t in k.pieces if isinstance(t, Token)]
    pieces.sort(key=lambda t: t.index)
    conf = min(f.confidence for f in obj.values()) if obj else 0.3
    return Field("object", obj, pieces, conf)
